package policy

import "testing"

// Scenarios found by differential testing against @cloud-copilot/iam-simulate
// (testdata/difftest), minimised, where the two evaluators disagreed and the
// AWS documentation sides with this package. They are kept here so that a
// change towards the other evaluator's answer fails a test.

// Policy variables with no value: "Inverted condition operators like
// StringNotEquals or StringNotLike do match against a null value", and "If a
// variable that has no value in the authorization context is used as part of
// the Resource or NotResource element of a policy, the resource that includes
// a policy variable with no value will not match any resource."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
func TestDifftestPolicyVariablesWithNoValue(t *testing.T) {
	role := "arn:aws:iam::" + acct + ":role/Dev" // a role session has no aws:username
	allowAll := doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)
	obj := "arn:aws:s3:::bucket-a/shared/file.txt"
	runDecisionCases(t, []decisionCase{
		{name: "negated operator matches a variable with no value, so its Deny applies", principal: role,
			action: "sts:AssumeRole", resource: "arn:aws:iam::" + acct + ":role/Target", ctx: kv{"aws:PrincipalTag/team": {"ops"}},
			identity: []string{allowAll, doc(`{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalTag/team":"${aws:username}"}}}`)},
			want:     ExplicitDeny, layer: LayerExplicitDeny},
		{name: "StringNotEqualsIgnoreCase with a variable with no value matches, so its Allow grants", principal: role,
			action: "s3:PutObject", resource: obj, ctx: kv{"aws:PrincipalTag/team": {"dev"}},
			identity: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::bucket-?/*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"${aws:username}"}}}`)},
			want:     Allowed, layer: LayerIdentity},
		{name: "positive operator does not match a variable with no value", principal: role,
			action: "s3:PutObject", resource: obj, ctx: kv{"aws:PrincipalTag/team": {"dev"}},
			identity: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"${aws:username}"}}}`)},
			want:     ImplicitDeny, layer: LayerIdentity},
		{name: "NotResource entry with a variable with no value matches nothing, so a Deny NotResource applies", principal: role,
			action: "s3:GetObject", resource: obj,
			identity: []string{allowAll, doc(`{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::bucket-a/${aws:username}/*"}`)},
			want:     ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotResource entry with a variable with no value matches nothing, so an Allow NotResource grants", principal: role,
			action: "s3:PutObject", resource: obj,
			identity: []string{doc(`{"Effect":"Allow","Action":"s3:PutObject","NotResource":"arn:aws:s3:::bucket-a/${aws:username}/*"}`)},
			want:     Allowed, layer: LayerIdentity},
		{name: "NotResource in an SCP with a variable with no value lets the SCP allow",
			principal: "arn:aws:iam::" + acct + ":user/bob", action: "s3:ListBucket", resource: "arn:aws:s3:::bucket-a",
			identity: []string{allowAll},
			scps:     []string{doc(`{"Effect":"Allow","Action":"s3:List*","NotResource":"arn:aws:s3:::bucket-a/${aws:username}/*"}`)},
			want:     Allowed, layer: LayerIdentity},
		{name: "Resource entry with a variable with no value matches nothing", principal: role,
			action: "s3:PutObject", resource: "arn:aws:s3:::bucket-a/Dev/file.txt",
			identity: []string{doc(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket-a/${aws:username}/*"}`)},
			want:     ImplicitDeny, layer: LayerIdentity},
	})
}

// NotPrincipal: "When you use NotPrincipal, you must also specify the account
// ARN of the not-denied principal. Otherwise, the policy might deny access to
// the entire account containing the principal. … If an assumed-role user is
// being evaluated, AWS might validate the account first, then the role, and
// then the assumed-role user."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestDifftestNotPrincipalLevels(t *testing.T) {
	role := "arn:aws:iam::" + acct + ":role/Dev"
	session := "arn:aws:sts::" + acct + ":assumed-role/Dev/sess1"
	table := "arn:aws:dynamodb:us-east-1:" + acct + ":table/Orders"
	allow := doc(`{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}`)
	deny := func(list string) string {
		return doc(`{"Effect":"Deny","NotPrincipal":{"AWS":` + list + `},"Action":"dynamodb:*","Resource":"*"}`)
	}
	runDecisionCases(t, []decisionCase{
		{name: "NotPrincipal naming only the role still denies its session", principal: session,
			action: "dynamodb:GetItem", resource: table, identity: []string{allow}, resourcePolicy: deny(`"` + role + `"`),
			want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal naming only the session still denies it", principal: session,
			action: "dynamodb:GetItem", resource: table, identity: []string{allow}, resourcePolicy: deny(`"` + session + `"`),
			want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal naming the session and its account exempts it", principal: session,
			action: "dynamodb:GetItem", resource: table, identity: []string{allow}, resourcePolicy: deny(`["` + session + `","` + acct + `"]`),
			want: Allowed, layer: LayerIdentity},
		{name: "NotPrincipal naming only the account root still denies a user of it",
			action: "dynamodb:GetItem", resource: table, identity: []string{allow}, resourcePolicy: deny(`"arn:aws:iam::` + acct + `:root"`),
			want: ExplicitDeny, layer: LayerExplicitDeny},
	})
}

// Date condition operators: "You must specify date/time values with one of
// the W3C implementations of the ISO 8601 date formats or in epoch (UNIX)
// time." The two forms name instants, and equal instants are equal.
// …IfExists: "If the key is not present, evaluate the condition element as
// true" — with a set operator too.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
func TestDifftestConditionForms(t *testing.T) {
	allow := doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)
	target := "arn:aws:iam::" + acct + ":role/Target"
	trust := doc(`{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole"}`)
	runDecisionCases(t, []decisionCase{
		{name: "DateNotEquals: epoch policy value and the same instant in ISO 8601 are equal",
			action: "sts:AssumeRole", resource: target, ctx: kv{"aws:CurrentTime": {"2024-06-01T12:00:00Z"}},
			identity: []string{allow},
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole"},` +
				`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole",` +
				`"Condition":{"DateNotEqualsIfExists":{"aws:CurrentTime":"1717243200"}}}`),
			want: Allowed, layer: LayerIdentity},
		{name: "DateEquals: epoch policy value matches the same instant in ISO 8601",
			action: "sts:AssumeRole", resource: target, ctx: kv{"aws:CurrentTime": {"2024-06-01T12:00:00Z"}},
			identity:       []string{doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"DateEquals":{"aws:CurrentTime":"1717243200"}}}`)},
			resourcePolicy: trust, want: Allowed, layer: LayerIdentity},
		{name: "ForAnyValue with IfExists on an absent key is true, so its Deny applies",
			action: "s3:PutObject", resource: "arn:aws:s3:::bucket-a/bob/file.txt",
			identity: []string{doc(`{"Effect":"Allow","Action":"s3:Put*","Resource":"arn:aws:s3:::*"},` +
				`{"Effect":"Deny","Action":"s3:Put*","NotResource":"arn:aws:s3:::bucket-a/alice/file.txt","Condition":{"ForAnyValue:ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}}`)},
			want: ExplicitDeny, layer: LayerExplicitDeny},
	})
}
