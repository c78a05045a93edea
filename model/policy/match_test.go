package policy

import (
	"testing"
)

// Action matching: case-insensitive, * and ? wildcards.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestActionMatching(t *testing.T) {
	cases := []struct {
		name, pattern, action string
		want                  bool
	}{
		{"exact action", "s3:GetObject", "s3:GetObject", true},
		{"action names ignore case in the policy", "S3:GETOBJECT", "s3:GetObject", true},
		{"action names ignore case in the request", "s3:getobject", "S3:GetObject", true},
		{"service prefix wildcard", "s3:*", "s3:PutObject", true},
		{"service prefix wildcard does not match another service", "s3:*", "s3express:CreateSession", false},
		{"wildcard prefix of an action name", "s3:Get*", "s3:GetObjectAcl", true},
		{"wildcard prefix does not match a different verb", "s3:Get*", "s3:PutObject", false},
		{"wildcard in the middle", "iam:*User*", "iam:ListUserPolicies", true},
		{"? matches exactly one character", "iam:Pass?ole", "iam:PassRole", true},
		{"? does not match zero characters", "iam:Pass?Role", "iam:PassRole", false},
		{"bare * matches every action", "*", "kms:Decrypt", true},
		{"no implicit prefix matching", "s3:Get", "s3:GetObject", false},
		{"wildcard across the colon", "*:Describe*", "ec2:DescribeInstances", true},
		{"suffix wildcard", "*Object", "s3:GetObject", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := compilePattern(tc.pattern, true, false, true)
			if got, _ := p.match(tc.action, nil); got != tc.want {
				t.Errorf("%q vs %q = %v, want %v", tc.pattern, tc.action, got, tc.want)
			}
		})
	}
}

// Resource matching: case-sensitive; wildcards within colon-separated
// segments; the resource part spans "/" and ":"; a trailing * on the last
// written segment expands beyond colon boundaries.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestResourceMatching(t *testing.T) {
	cases := []struct {
		name, pattern, resource string
		want                    bool
	}{
		{"exact ARN", "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket/key", true},
		{"ARNs are case-sensitive", "arn:aws:s3:::Bucket/key", "arn:aws:s3:::bucket/key", false},
		{"IAM user names are case-sensitive in Resource", "arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob", false},
		{"* matches every resource", "*", "arn:aws:s3:::bucket/key", true},
		{"* in the resource part spans slashes", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", true},
		{"bucket ARN does not match its objects", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key", false},
		{"objects pattern does not match the bucket", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
		{"wildcard region segment", "arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", true},
		{"wildcard account segment", "arn:aws:ec2:us-east-1:*:instance/*", "arn:aws:ec2:us-east-1:444455556666:instance/i-1", true},
		{"wildcard in a segment does not span a colon", "arn:aws:ec2:us-*:111122223333:instance/i-1", "arn:aws:ec2:us-east-1:x:111122223333:instance/i-1", false},
		{"? in a segment", "arn:aws:sqs:us-east-?:111122223333:q", "arn:aws:sqs:us-east-2:111122223333:q", true},
		{"resource part wildcard spans colons", "arn:aws:logs:us-east-1:111122223333:log-group:app*", "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:s1", true},
		{"trailing * of a short pattern expands beyond colons", "arn:aws:s3:*", "arn:aws:s3:::bucket/key", true},
		{"short pattern of another service does not match", "arn:aws:s3:*", "arn:aws:sqs:us-east-1:111122223333:q", false},
		{"short pattern without a trailing * does not expand", "arn:aws:s3", "arn:aws:s3:::bucket", false},
		{"path wildcard in IAM ARNs", "arn:aws:iam::111122223333:user/division_abc/*", "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/Bob", true},
		{"wildcard partition", "arn:*:s3:::bucket", "arn:aws-cn:s3:::bucket", true},
		{"specific ARN does not match a request for *", "arn:aws:s3:::bucket", "*", false},
		{"empty region and account segments must stay empty", "arn:aws:s3:::bucket", "arn:aws:s3:us-east-1::bucket", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := compileARNPattern(tc.pattern, true)
			e := &evaluator{req: &Request{}, ctx: Context{}}
			if got, _ := p.match(tc.resource, e); got != tc.want {
				t.Errorf("%q vs %q = %v, want %v", tc.pattern, tc.resource, got, tc.want)
			}
		})
	}
}

// Policy variables in Resource and in condition values.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestPolicyVariables(t *testing.T) {
	user := alice()
	cases := []struct {
		name      string
		version   string
		principal string
		resource  string // policy Resource
		condition string // optional Condition block
		request   string // request resource
		ctx       kv
		want      bool
	}{
		{"${aws:username} is replaced by the user name", "2012-10-17", user, "arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home/alice/notes.txt", kv{"aws:username": {"alice"}}, true},
		{"${aws:username} of another user does not match", "2012-10-17", user, "arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home/bob/notes.txt", kv{"aws:username": {"alice"}}, false},
		{"variable key names are case-insensitive", "2012-10-17", user, "arn:aws:s3:::home/${AWS:UserName}/*", "", "arn:aws:s3:::home/alice/x", kv{"aws:username": {"alice"}}, true},
		{"substituted value is case-sensitive in Resource", "2012-10-17", user, "arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home/Alice/x", kv{"aws:username": {"alice"}}, false},
		{"unresolvable variable makes the resource not match", "2012-10-17", "arn:aws:iam::" + acct + ":role/R", "arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home/alice/x", nil, false},
		{"default value is used when the key is absent", "2012-10-17", user, "arn:aws:s3:::home/${aws:username, 'shared'}/*", "", "arn:aws:s3:::home/shared/x", nil, true},
		{"default value is not used when the key is present", "2012-10-17", user, "arn:aws:s3:::home/${aws:username,'shared'}/*", "", "arn:aws:s3:::home/shared/x", kv{"aws:username": {"alice"}}, false},
		{"${aws:PrincipalTag/team} in Resource", "2012-10-17", user, "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*", "", "arn:aws:s3:::teams/red/x", kv{"aws:PrincipalTag/team": {"red"}}, true},
		{"${aws:userid} in Resource", "2012-10-17", user, "arn:aws:s3:::ids/${aws:userid}/*", "", "arn:aws:s3:::ids/AIDAEXAMPLE/x", kv{"aws:userid": {"AIDAEXAMPLE"}}, true},
		{"${aws:PrincipalAccount} in the account segment", "2012-10-17", user, "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:*", "", "arn:aws:sqs:us-east-1:" + acct + ":q", kv{"aws:PrincipalAccount": {acct}}, true},
		{"${aws:PrincipalAccount} of another account does not match", "2012-10-17", user, "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:*", "", "arn:aws:sqs:us-east-1:" + otherAcct + ":q", kv{"aws:PrincipalAccount": {acct}}, false},
		{"any context key can be a variable", "2012-10-17", user, "arn:aws:s3:::logs/${aws:SourceVpc}/*", "", "arn:aws:s3:::logs/vpc-1/x", kv{"aws:SourceVpc": {"vpc-1"}}, true},
		{"multi-valued key cannot be substituted", "2012-10-17", user, "arn:aws:s3:::t/${aws:TagKeys}/*", "", "arn:aws:s3:::t/a/x", kv{"aws:TagKeys": {"a", "b"}}, false},
		{"${*} is a literal asterisk, not a wildcard", "2012-10-17", user, "arn:aws:s3:::b/star${*}", "", "arn:aws:s3:::b/star*", nil, true},
		{"${*} does not match other text", "2012-10-17", user, "arn:aws:s3:::b/star${*}", "", "arn:aws:s3:::b/starlight", nil, false},
		{"${?} is a literal question mark", "2012-10-17", user, "arn:aws:s3:::b/what${?}", "", "arn:aws:s3:::b/what?", nil, true},
		{"${$} is a literal dollar sign", "2012-10-17", user, "arn:aws:s3:::b/${$}{x}", "", "arn:aws:s3:::b/${x}", nil, true},
		{"substituted text is literal: a * in the value is no wildcard", "2012-10-17", user, "arn:aws:s3:::t/${aws:PrincipalTag/p}", "", "arn:aws:s3:::t/anything", kv{"aws:PrincipalTag/p": {"*"}}, false},
		{"version 2008-10-17 keeps ${…} as literal text", "2008-10-17", user, "arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home/${aws:username}/x", kv{"aws:username": {"alice"}}, true},
		{"version 2008-10-17 does not substitute", "2008-10-17", user, "arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home/alice/x", kv{"aws:username": {"alice"}}, false},
		{"missing Version keeps ${…} literal", "", user, "arn:aws:s3:::home/${aws:username}/*", "", "arn:aws:s3:::home/alice/x", kv{"aws:username": {"alice"}}, false},
		{"variable in a StringLike condition value", "2012-10-17", user, "*", `"Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, "arn:aws:s3:::b", kv{"aws:username": {"alice"}, "s3:prefix": {"home/alice/docs"}}, true},
		{"variable in a StringEquals condition value", "2012-10-17", user, "*", `"Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`, "arn:aws:s3:::b", kv{"aws:username": {"alice"}, "aws:ResourceTag/owner": {"bob"}}, false},
		{"ABAC: resource tag equals principal tag", "2012-10-17", user, "*", `"Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, "arn:aws:s3:::b", kv{"aws:PrincipalTag/team": {"red"}, "aws:ResourceTag/team": {"red"}}, true},
		{"unresolvable variable makes the condition value not match", "2012-10-17", user, "*", `"Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, "arn:aws:s3:::b", kv{"aws:ResourceTag/team": {"red"}}, false},
		{"variable in an ArnLike condition value", "2012-10-17", user, "*", `"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}}`, "arn:aws:s3:::b", kv{"aws:PrincipalAccount": {acct}, "aws:SourceArn": {"arn:aws:sns:us-east-1:" + acct + ":t"}}, true},
		{"variable with default in a condition value", "2012-10-17", user, "*", `"Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'none'}"}}`, "arn:aws:s3:::b", kv{"aws:ResourceTag/team": {"none"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ver := ""
			if tc.version != "" {
				ver = `"Version":"` + tc.version + `",`
			}
			cond := ""
			if tc.condition != "" {
				cond = "," + tc.condition
			}
			d := `{` + ver + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"` + tc.resource + `"` + cond + `}}`
			req := &Request{Principal: mustPrincipal(t, tc.principal), Action: s3Get, Resource: tc.request, Context: ctxOf(tc.ctx)}
			got := Evaluate(req, &Input{Identity: srcs(t, IdentityPolicy, d)}).Decision == Allowed
			if got != tc.want {
				t.Errorf("allowed = %v, want %v", got, tc.want)
			}
		})
	}
}

// Principal element matching, the match kinds that decide the layers.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestPrincipalMatching(t *testing.T) {
	user := alice()
	role := "arn:aws:iam::" + acct + ":role/Deploy"
	session := "arn:aws:sts::" + acct + ":assumed-role/Deploy/s1"
	cases := []struct {
		name      string
		element   Principals
		principal string
		want      principalMatch
	}{
		{"* names everyone", Principals{Wildcard: true}, user, principalNamed},
		{"AWS * names everyone", Principals{AWS: []string{"*"}}, "ec2.amazonaws.com", principalNamed},
		{"account ID names the account's users", Principals{AWS: []string{acct}}, user, principalAccount},
		{"root ARN names the account's roles", Principals{AWS: []string{"arn:aws:iam::" + acct + ":root"}}, role, principalAccount},
		{"root ARN names the root user directly", Principals{AWS: []string{"arn:aws:iam::" + acct + ":root"}}, acct, principalDirect},
		{"account of another principal does not match", Principals{AWS: []string{otherAcct}}, user, principalNone},
		{"user ARN names the user directly", Principals{AWS: []string{user}}, user, principalDirect},
		{"user ARN match is exact (case-sensitive)", Principals{AWS: []string{"arn:aws:iam::" + acct + ":user/Alice"}}, user, principalNone},
		{"role ARN names the role", Principals{AWS: []string{role}}, role, principalNamed},
		{"role ARN names sessions of the role", Principals{AWS: []string{role}}, session, principalNamed},
		{"session ARN names the session directly", Principals{AWS: []string{session}}, session, principalDirect},
		{"session ARN does not name another session", Principals{AWS: []string{"arn:aws:sts::" + acct + ":assumed-role/Deploy/s2"}}, session, principalNone},
		{"role ARN does not name sessions of another role", Principals{AWS: []string{"arn:aws:iam::" + acct + ":role/Other"}}, session, principalNone},
		{"strongest match wins across entries", Principals{AWS: []string{acct, user}}, user, principalDirect},
		{"service principal", Principals{Service: []string{"lambda.amazonaws.com"}}, "lambda.amazonaws.com", principalNamed},
		{"service entry does not name users", Principals{Service: []string{"lambda.amazonaws.com"}}, user, principalNone},
		{"AWS account entry does not name services", Principals{AWS: []string{acct}}, "lambda.amazonaws.com", principalNone},
		{"federated provider ARN", Principals{Federated: []string{"arn:aws:iam::" + acct + ":saml-provider/Okta"}}, "federated:arn:aws:iam::" + acct + ":saml-provider/Okta", principalNamed},
		{"federated provider name", Principals{Federated: []string{"accounts.google.com"}}, "federated:accounts.google.com", principalNamed},
		{"canonical user", Principals{CanonicalUser: []string{"abc123"}}, "canonical:abc123", principalNamed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPrincipal(t, tc.principal)
			if got := matchPrincipals(&tc.element, &p); got != tc.want {
				t.Errorf("match = %s, want %s", got, tc.want)
			}
		})
	}
}

// The trace says, per statement, which part matched and why not.
func TestTraceExplainsEachPart(t *testing.T) {
	d := doc(`{"Sid":"Ec2","Effect":"Allow","Action":"ec2:*","Resource":"*"},` +
		`{"Sid":"Mfa","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},` +
		`{"Sid":"Other","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}`)
	req := &Request{Principal: mustPrincipal(t, alice()), Action: s3Get, Resource: bucketObj, Trace: true}
	res := Evaluate(req, &Input{Identity: srcs(t, IdentityPolicy, d)})
	if res.Trace == nil || len(res.Trace.Policies) != 1 || len(res.Trace.Policies[0].Statements) != 3 {
		t.Fatalf("trace %+v", res.Trace)
	}
	st := res.Trace.Policies[0].Statements
	want := []struct {
		action, resource, condition, matched bool
		note                                 string
	}{
		{false, true, true, false, "action s3:GetObject not in [ec2:*]"},
		{true, true, false, false, "aws:MultiFactorAuthPresent absent"},
		{true, false, true, false, "resource arn:aws:s3:::bucket/key not in [arn:aws:s3:::other/*]"},
	}
	for i, w := range want {
		s := st[i]
		if s.Action != w.action || s.Resource != w.resource || s.Condition != w.condition || s.Matched != w.matched || s.Note != w.note {
			t.Errorf("statement %d: got action=%v resource=%v condition=%v matched=%v note=%q, want %+v", i, s.Action, s.Resource, s.Condition, s.Matched, s.Note, w)
		}
	}
	if c := st[1].Conditions; len(c) != 1 || c[0].Present || c[0].Result {
		t.Errorf("condition trace %+v", c)
	}
	if res.Trace.Policies[0].Source.Type != IdentityPolicy {
		t.Errorf("trace source %+v", res.Trace.Policies[0].Source)
	}
}
