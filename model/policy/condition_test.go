package policy

import (
	"testing"
)

// conditionCase checks one condition block end to end: a single Allow
// statement guarded by {op: {key: values}} is allowed exactly when the
// condition holds.
type conditionCase struct {
	name   string
	op     string
	key    string
	values string              // JSON value of the key: "x" or ["x","y"] or true
	req    map[string][]string // request context; a key left out is absent
	want   bool
}

func runConditionCases(t *testing.T, cases []conditionCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",` +
				`"Condition":{"` + tc.op + `":{"` + tc.key + `":` + tc.values + `}}}}`
			req := &Request{
				Principal: mustPrincipal(t, alice()), Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/key",
				Context: ctxOf(tc.req),
			}
			res := Evaluate(req, &Input{Identity: srcs(t, IdentityPolicy, doc)})
			if got := res.Decision == Allowed; got != tc.want {
				t.Errorf("%s %s %s with %v: condition held = %v, want %v", tc.op, tc.key, tc.values, tc.req, got, tc.want)
			}
		})
	}
}

type kv = map[string][]string

// String operators.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
func TestConditionString(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"StringEquals matches an equal value", "StringEquals", "aws:PrincipalTag/team", `"red"`, kv{"aws:PrincipalTag/team": {"red"}}, true},
		{"StringEquals is case-sensitive on values", "StringEquals", "aws:PrincipalTag/team", `"red"`, kv{"aws:PrincipalTag/team": {"Red"}}, false},
		{"StringEquals does not treat * as a wildcard", "StringEquals", "s3:prefix", `"home/*"`, kv{"s3:prefix": {"home/alice"}}, false},
		{"StringEquals several values are ORed", "StringEquals", "aws:RequestedRegion", `["eu-west-1","us-east-1"]`, kv{"aws:RequestedRegion": {"us-east-1"}}, true},
		{"StringEquals no policy value matches", "StringEquals", "aws:RequestedRegion", `["eu-west-1","us-east-1"]`, kv{"aws:RequestedRegion": {"ap-south-1"}}, false},
		{"condition key names are case-insensitive", "StringEquals", "AWS:REQUESTEDREGION", `"eu-west-1"`, kv{"aws:requestedregion": {"eu-west-1"}}, true},
		{"StringEquals absent key is false", "StringEquals", "aws:PrincipalTag/team", `"red"`, nil, false},
		{"StringEquals multi-valued request matches when any value matches", "StringEquals", "aws:TagKeys", `"env"`, kv{"aws:TagKeys": {"owner", "env"}}, true},
		{"StringEquals number value compares as text", "StringEquals", "s3:max-keys", `10`, kv{"s3:max-keys": {"10"}}, true},
		{"StringNotEquals true when the value differs", "StringNotEquals", "aws:PrincipalTag/team", `"red"`, kv{"aws:PrincipalTag/team": {"blue"}}, true},
		{"StringNotEquals false when the value is equal", "StringNotEquals", "aws:PrincipalTag/team", `"red"`, kv{"aws:PrincipalTag/team": {"red"}}, false},
		{"StringNotEquals negated operator with absent key is true", "StringNotEquals", "aws:PrincipalTag/team", `"red"`, nil, true},
		{"StringNotEquals multi-valued request means matches none (one matches)", "StringNotEquals", "aws:TagKeys", `"env"`, kv{"aws:TagKeys": {"owner", "env"}}, false},
		{"StringNotEquals multi-valued request means matches none (none match)", "StringNotEquals", "aws:TagKeys", `"env"`, kv{"aws:TagKeys": {"owner", "cost"}}, true},
		{"StringNotEquals several policy values: must differ from all", "StringNotEquals", "aws:RequestedRegion", `["eu-west-1","us-east-1"]`, kv{"aws:RequestedRegion": {"us-east-1"}}, false},
		{"StringEqualsIgnoreCase ignores case", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", `"RED"`, kv{"aws:PrincipalTag/team": {"red"}}, true},
		{"StringEqualsIgnoreCase still compares whole values", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", `"RED"`, kv{"aws:PrincipalTag/team": {"reddish"}}, false},
		{"StringNotEqualsIgnoreCase false for a case variant", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", `"RED"`, kv{"aws:PrincipalTag/team": {"Red"}}, false},
		{"StringNotEqualsIgnoreCase negated operator with absent key is true", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", `"RED"`, nil, true},
		{"StringLike * matches any run", "StringLike", "s3:prefix", `"home/*"`, kv{"s3:prefix": {"home/alice/docs"}}, true},
		{"StringLike ? matches exactly one character", "StringLike", "s3:prefix", `"v?"`, kv{"s3:prefix": {"v1"}}, true},
		{"StringLike ? does not match two characters", "StringLike", "s3:prefix", `"v?"`, kv{"s3:prefix": {"v12"}}, false},
		{"StringLike ? does not match zero characters", "StringLike", "s3:prefix", `"v?"`, kv{"s3:prefix": {"v"}}, false},
		{"StringLike is case-sensitive", "StringLike", "s3:prefix", `"home/*"`, kv{"s3:prefix": {"HOME/alice"}}, false},
		{"StringLike pattern must match the whole value", "StringLike", "s3:prefix", `"home"`, kv{"s3:prefix": {"home/alice"}}, false},
		{"StringLike star in the middle backtracks", "StringLike", "s3:prefix", `"a*b*c"`, kv{"s3:prefix": {"aXbYbZc"}}, true},
		{"StringLike absent key is false", "StringLike", "s3:prefix", `"*"`, nil, false},
		{"StringNotLike true when no pattern matches", "StringNotLike", "s3:prefix", `["home/*","tmp/*"]`, kv{"s3:prefix": {"etc/passwd"}}, true},
		{"StringNotLike false when a pattern matches", "StringNotLike", "s3:prefix", `["home/*","tmp/*"]`, kv{"s3:prefix": {"tmp/x"}}, false},
		{"StringNotLike negated operator with absent key is true", "StringNotLike", "s3:prefix", `"home/*"`, nil, true},
		{"StringLike empty request value matches *", "StringLike", "s3:prefix", `"*"`, kv{"s3:prefix": {""}}, true},
	})
}

// Numeric operators.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
func TestConditionNumeric(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"NumericEquals equal numbers", "NumericEquals", "s3:max-keys", `"10"`, kv{"s3:max-keys": {"10"}}, true},
		{"NumericEquals compares numerically, not as text", "NumericEquals", "s3:max-keys", `10`, kv{"s3:max-keys": {"10.0"}}, true},
		{"NumericEquals different numbers", "NumericEquals", "s3:max-keys", `10`, kv{"s3:max-keys": {"11"}}, false},
		{"NumericNotEquals different numbers", "NumericNotEquals", "s3:max-keys", `10`, kv{"s3:max-keys": {"11"}}, true},
		{"NumericNotEquals negated operator with absent key is true", "NumericNotEquals", "s3:max-keys", `10`, nil, true},
		{"NumericLessThan smaller", "NumericLessThan", "s3:max-keys", `10`, kv{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan equal is not less", "NumericLessThan", "s3:max-keys", `10`, kv{"s3:max-keys": {"10"}}, false},
		{"NumericLessThanEquals equal", "NumericLessThanEquals", "s3:max-keys", `10`, kv{"s3:max-keys": {"10"}}, true},
		{"NumericGreaterThan larger", "NumericGreaterThan", "aws:MultiFactorAuthAge", `3600`, kv{"aws:MultiFactorAuthAge": {"3601"}}, true},
		{"NumericGreaterThan smaller", "NumericGreaterThan", "aws:MultiFactorAuthAge", `3600`, kv{"aws:MultiFactorAuthAge": {"10"}}, false},
		{"NumericGreaterThanEquals equal", "NumericGreaterThanEquals", "aws:MultiFactorAuthAge", `3600`, kv{"aws:MultiFactorAuthAge": {"3600"}}, true},
		{"NumericLessThan absent key is false", "NumericLessThan", "aws:MultiFactorAuthAge", `3600`, nil, false},
		{"NumericLessThanIfExists absent key is true", "NumericLessThanIfExists", "aws:MultiFactorAuthAge", `3600`, nil, true},
		{"NumericLessThanIfExists present key is compared", "NumericLessThanIfExists", "aws:MultiFactorAuthAge", `3600`, kv{"aws:MultiFactorAuthAge": {"7200"}}, false},
		{"NumericEquals non-numeric request value does not match", "NumericEquals", "s3:max-keys", `10`, kv{"s3:max-keys": {"ten"}}, false},
		{"NumericEquals negative and fractional values", "NumericEquals", "s3:max-keys", `-1.5`, kv{"s3:max-keys": {"-1.50"}}, true},
	})
}

// Date operators: ISO 8601 and epoch seconds.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
func TestConditionDate(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"DateLessThan earlier time", "DateLessThan", "aws:CurrentTime", `"2030-01-01T00:00:00Z"`, kv{"aws:CurrentTime": {"2025-06-01T12:00:00Z"}}, true},
		{"DateLessThan later time", "DateLessThan", "aws:CurrentTime", `"2020-01-01T00:00:00Z"`, kv{"aws:CurrentTime": {"2025-06-01T12:00:00Z"}}, false},
		{"DateGreaterThan later time", "DateGreaterThan", "aws:CurrentTime", `"2020-01-01T00:00:00Z"`, kv{"aws:CurrentTime": {"2025-06-01T12:00:00Z"}}, true},
		{"DateEquals same instant in different zones", "DateEquals", "aws:CurrentTime", `"2025-06-01T14:00:00+02:00"`, kv{"aws:CurrentTime": {"2025-06-01T12:00:00Z"}}, true},
		{"DateEquals date-only value is midnight UTC", "DateEquals", "aws:CurrentTime", `"2025-06-01"`, kv{"aws:CurrentTime": {"2025-06-01T00:00:00Z"}}, true},
		{"DateGreaterThan epoch seconds in the policy", "DateGreaterThan", "aws:EpochTime", `1700000000`, kv{"aws:EpochTime": {"1800000000"}}, true},
		{"DateLessThan epoch request against ISO policy", "DateLessThan", "aws:EpochTime", `"2030-01-01T00:00:00Z"`, kv{"aws:EpochTime": {"1700000000"}}, true},
		{"DateNotEquals different instants", "DateNotEquals", "aws:CurrentTime", `"2025-06-01T00:00:00Z"`, kv{"aws:CurrentTime": {"2025-06-02T00:00:00Z"}}, true},
		{"DateNotEquals negated operator with absent key is true", "DateNotEquals", "aws:CurrentTime", `"2025-06-01T00:00:00Z"`, nil, true},
		{"DateLessThanEquals equal instant", "DateLessThanEquals", "aws:CurrentTime", `"2025-06-01T00:00:00Z"`, kv{"aws:CurrentTime": {"2025-06-01T00:00:00Z"}}, true},
		{"DateGreaterThanEquals equal instant with fractional seconds", "DateGreaterThanEquals", "aws:CurrentTime", `"2025-06-01T00:00:00Z"`, kv{"aws:CurrentTime": {"2025-06-01T00:00:00.000Z"}}, true},
		{"DateGreaterThan absent key is false", "DateGreaterThan", "aws:CurrentTime", `"2020-01-01T00:00:00Z"`, nil, false},
		{"DateLessThan unparseable request date does not match", "DateLessThan", "aws:CurrentTime", `"2030-01-01T00:00:00Z"`, kv{"aws:CurrentTime": {"yesterday"}}, false},
	})
}

// Bool, BinaryEquals and Null.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
func TestConditionBoolBinaryNull(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"Bool true matches true", "Bool", "aws:MultiFactorAuthPresent", `"true"`, kv{"aws:MultiFactorAuthPresent": {"true"}}, true},
		{"Bool JSON boolean value", "Bool", "aws:SecureTransport", `true`, kv{"aws:SecureTransport": {"true"}}, true},
		{"Bool values ignore case", "Bool", "aws:SecureTransport", `"TRUE"`, kv{"aws:SecureTransport": {"true"}}, true},
		{"Bool false does not match true", "Bool", "aws:MultiFactorAuthPresent", `"false"`, kv{"aws:MultiFactorAuthPresent": {"true"}}, false},
		{"Bool absent key is false (MFA not present)", "Bool", "aws:MultiFactorAuthPresent", `"true"`, nil, false},
		{"Bool false with absent key is still false", "Bool", "aws:MultiFactorAuthPresent", `"false"`, nil, false},
		{"BoolIfExists absent key is true", "BoolIfExists", "aws:MultiFactorAuthPresent", `"false"`, nil, true},
		{"BoolIfExists present key is compared", "BoolIfExists", "aws:MultiFactorAuthPresent", `"false"`, kv{"aws:MultiFactorAuthPresent": {"true"}}, false},
		{"Bool non-boolean request value does not match", "Bool", "aws:SecureTransport", `"true"`, kv{"aws:SecureTransport": {"yes"}}, false},
		{"BinaryEquals equal base64", "BinaryEquals", "key", `"QmluYXJ5VmFsdWU="`, kv{"key": {"QmluYXJ5VmFsdWU="}}, true},
		{"BinaryEquals different bytes", "BinaryEquals", "key", `"QmluYXJ5VmFsdWU="`, kv{"key": {"T3RoZXI="}}, false},
		{"BinaryEquals absent key is false", "BinaryEquals", "key", `"QmluYXJ5VmFsdWU="`, nil, false},
		{"Null true holds when the key is absent", "Null", "aws:TokenIssueTime", `"true"`, nil, true},
		{"Null true fails when the key is present", "Null", "aws:TokenIssueTime", `"true"`, kv{"aws:TokenIssueTime": {"2025-01-01T00:00:00Z"}}, false},
		{"Null false holds when the key is present", "Null", "aws:TokenIssueTime", `"false"`, kv{"aws:TokenIssueTime": {"2025-01-01T00:00:00Z"}}, true},
		{"Null false fails when the key is absent", "Null", "aws:TokenIssueTime", `false`, nil, false},
		{"Null values ORed: true or false always holds", "Null", "aws:TokenIssueTime", `["true","false"]`, nil, true},
	})
}

// IP address operators, IPv4 and IPv6.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
func TestConditionIPAddress(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"IpAddress address inside the CIDR", "IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, kv{"aws:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddress address outside the CIDR", "IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, kv{"aws:SourceIp": {"198.51.100.7"}}, false},
		{"IpAddress single address means /32", "IpAddress", "aws:SourceIp", `"203.0.113.7"`, kv{"aws:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddress host bits in the policy CIDR are ignored", "IpAddress", "aws:SourceIp", `"203.0.113.9/24"`, kv{"aws:SourceIp": {"203.0.113.200"}}, true},
		{"IpAddress several CIDRs are ORed", "IpAddress", "aws:SourceIp", `["10.0.0.0/8","203.0.113.0/24"]`, kv{"aws:SourceIp": {"10.1.2.3"}}, true},
		{"IpAddress IPv6 address inside an IPv6 CIDR", "IpAddress", "aws:SourceIp", `"2001:db8::/32"`, kv{"aws:SourceIp": {"2001:db8:1::5"}}, true},
		{"IpAddress IPv6 address outside an IPv4 CIDR", "IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, kv{"aws:SourceIp": {"2001:db8::1"}}, false},
		{"IpAddress IPv4-mapped IPv6 address compares as IPv4", "IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, kv{"aws:SourceIp": {"::ffff:203.0.113.7"}}, true},
		{"IpAddress absent key is false", "IpAddress", "aws:SourceIp", `"0.0.0.0/0"`, nil, false},
		{"NotIpAddress address outside the CIDR", "NotIpAddress", "aws:SourceIp", `"203.0.113.0/24"`, kv{"aws:SourceIp": {"198.51.100.7"}}, true},
		{"NotIpAddress address inside the CIDR", "NotIpAddress", "aws:SourceIp", `"203.0.113.0/24"`, kv{"aws:SourceIp": {"203.0.113.1"}}, false},
		{"NotIpAddress negated operator with absent key is true", "NotIpAddress", "aws:SourceIp", `"203.0.113.0/24"`, nil, true},
		{"IpAddress malformed request address does not match", "IpAddress", "aws:SourceIp", `"0.0.0.0/0"`, kv{"aws:SourceIp": {"not-an-ip"}}, false},
	})
}

// ARN operators: each colon-separated segment is matched separately.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
func TestConditionARN(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"ArnEquals exact ARN", "ArnEquals", "aws:SourceArn", `"arn:aws:sns:us-east-1:111122223333:topic"`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111122223333:topic"}}, true},
		{"ArnLike wildcard in the region segment", "ArnLike", "aws:SourceArn", `"arn:aws:sns:*:111122223333:topic"`, kv{"aws:SourceArn": {"arn:aws:sns:eu-west-1:111122223333:topic"}}, true},
		{"ArnLike wildcard in the account segment does not span colons", "ArnLike", "aws:SourceArn", `"arn:aws:sns:us-east-1:*:topic"`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111122223333:x:topic"}}, false},
		{"ArnLike resource segment wildcard spans slashes", "ArnLike", "aws:PrincipalArn", `"arn:aws:iam::111122223333:role/*"`, kv{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/path/Deploy"}}, true},
		{"ArnLike is case-sensitive", "ArnLike", "aws:PrincipalArn", `"arn:aws:iam::111122223333:role/deploy"`, kv{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/Deploy"}}, false},
		{"ArnEquals also accepts wildcards", "ArnEquals", "aws:SourceArn", `"arn:aws:s3:::bucket-*"`, kv{"aws:SourceArn": {"arn:aws:s3:::bucket-logs"}}, true},
		{"ArnLike non-ARN request value does not match", "ArnLike", "aws:SourceArn", `"arn:aws:s3:::bucket"`, kv{"aws:SourceArn": {"bucket"}}, false},
		{"ArnNotLike true when no pattern matches", "ArnNotLike", "aws:PrincipalArn", `"arn:aws:iam::111122223333:role/Admin*"`, kv{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/Dev"}}, true},
		{"ArnNotLike false when a pattern matches", "ArnNotLike", "aws:PrincipalArn", `"arn:aws:iam::111122223333:role/Admin*"`, kv{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/AdminX"}}, false},
		{"ArnNotLike negated operator with absent key is true", "ArnNotLike", "aws:SourceArn", `"arn:aws:s3:::*"`, nil, true},
		{"ArnNotEquals negated operator with absent key is true", "ArnNotEquals", "aws:SourceArn", `"arn:aws:s3:::b"`, nil, true},
		{"ArnLike absent key is false", "ArnLike", "aws:SourceArn", `"*"`, nil, false},
	})
}

// IfExists and the ForAllValues / ForAnyValue set operators.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func TestConditionSetOperatorsAndIfExists(t *testing.T) {
	runConditionCases(t, []conditionCase{
		{"StringEqualsIfExists absent key is true", "StringEqualsIfExists", "ec2:InstanceType", `"t3.micro"`, nil, true},
		{"StringEqualsIfExists present key must match", "StringEqualsIfExists", "ec2:InstanceType", `"t3.micro"`, kv{"ec2:InstanceType": {"m5.large"}}, false},
		{"StringLikeIfExists present key matching", "StringLikeIfExists", "ec2:InstanceType", `"t3.*"`, kv{"ec2:InstanceType": {"t3.nano"}}, true},
		{"StringNotEqualsIfExists absent key is true", "StringNotEqualsIfExists", "ec2:InstanceType", `"t3.micro"`, nil, true},
		{"ForAllValues is true on an absent key", "ForAllValues:StringEquals", "aws:TagKeys", `["env","owner"]`, nil, true},
		{"ForAllValues is true on an empty set", "ForAllValues:StringEquals", "aws:TagKeys", `["env","owner"]`, kv{"aws:TagKeys": {}}, true},
		{"ForAllValues every request value in the policy set", "ForAllValues:StringEquals", "aws:TagKeys", `["env","owner"]`, kv{"aws:TagKeys": {"env", "owner"}}, true},
		{"ForAllValues one request value outside the set", "ForAllValues:StringEquals", "aws:TagKeys", `["env","owner"]`, kv{"aws:TagKeys": {"env", "cost"}}, false},
		{"ForAllValues StringLike patterns", "ForAllValues:StringLike", "aws:TagKeys", `["team-*"]`, kv{"aws:TagKeys": {"team-a", "team-b"}}, true},
		{"ForAllValues negated: no request value may match", "ForAllValues:StringNotEquals", "aws:TagKeys", `["secret"]`, kv{"aws:TagKeys": {"env", "owner"}}, true},
		{"ForAllValues negated: one request value matches", "ForAllValues:StringNotEquals", "aws:TagKeys", `["secret"]`, kv{"aws:TagKeys": {"env", "secret"}}, false},
		{"ForAllValues negated operator with absent key is true", "ForAllValues:StringNotLike", "aws:TagKeys", `["secret*"]`, nil, true},
		{"ForAnyValue is false on an absent key", "ForAnyValue:StringEquals", "aws:TagKeys", `["env"]`, nil, false},
		{"ForAnyValue is false on an empty set", "ForAnyValue:StringEquals", "aws:TagKeys", `["env"]`, kv{"aws:TagKeys": {}}, false},
		{"ForAnyValue one request value in the set", "ForAnyValue:StringEquals", "aws:TagKeys", `["env"]`, kv{"aws:TagKeys": {"owner", "env"}}, true},
		{"ForAnyValue no request value in the set", "ForAnyValue:StringEquals", "aws:TagKeys", `["env"]`, kv{"aws:TagKeys": {"owner", "cost"}}, false},
		{"ForAnyValue negated: some request value matches none", "ForAnyValue:StringNotEquals", "aws:TagKeys", `["env"]`, kv{"aws:TagKeys": {"env", "cost"}}, true},
		{"ForAnyValue negated: every request value matches", "ForAnyValue:StringNotEquals", "aws:TagKeys", `["env"]`, kv{"aws:TagKeys": {"env"}}, false},
		{"ForAnyValue negated operator with absent key is false", "ForAnyValue:StringNotEquals", "aws:TagKeys", `["env"]`, nil, false},
		{"ForAnyValue IfExists with absent key is true", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", `["env"]`, nil, true},
		{"ForAllValues numeric: every value in range", "ForAllValues:NumericLessThan", "custom:sizes", `100`, kv{"custom:sizes": {"1", "99"}}, true},
		{"ForAnyValue IpAddress: one address inside", "ForAnyValue:IpAddress", "custom:ips", `"10.0.0.0/8"`, kv{"custom:ips": {"192.0.2.1", "10.9.9.9"}}, true},
	})
}

// Several keys and several operators in one Condition block are ANDed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_logic_multiple_context_keys_or_values.html
func TestConditionBlockLogic(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
		"StringEquals":{"aws:PrincipalTag/team":["red","blue"],"aws:RequestedRegion":"eu-west-1"},
		"Bool":{"aws:SecureTransport":"true"}}}}`
	cases := []struct {
		name string
		ctx  kv
		want bool
	}{
		{"all keys and operators hold: allowed", kv{"aws:PrincipalTag/team": {"blue"}, "aws:RequestedRegion": {"eu-west-1"}, "aws:SecureTransport": {"true"}}, true},
		{"values of one key are ORed, keys ANDed: region fails", kv{"aws:PrincipalTag/team": {"blue"}, "aws:RequestedRegion": {"us-east-1"}, "aws:SecureTransport": {"true"}}, false},
		{"second operator fails: whole block fails", kv{"aws:PrincipalTag/team": {"red"}, "aws:RequestedRegion": {"eu-west-1"}, "aws:SecureTransport": {"false"}}, false},
		{"one key absent: whole block fails", kv{"aws:PrincipalTag/team": {"red"}, "aws:SecureTransport": {"true"}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := &Request{Principal: mustPrincipal(t, alice()), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: ctxOf(tc.ctx)}
			got := Evaluate(req, &Input{Identity: srcs(t, IdentityPolicy, doc)}).Decision == Allowed
			if got != tc.want {
				t.Errorf("allowed = %v, want %v", got, tc.want)
			}
		})
	}
}
