package policy

import "testing"

// A role assumes itself only when its trust policy names the role's ARN:
// trusting "*", its account or everyone but some (NotPrincipal) does not
// grant it, whatever the role's own identity policies allow.
// https://aws.amazon.com/blogs/security/announcing-an-update-to-iam-role-trust-policy-behavior/
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEvaluateRoleAssumingItself(t *testing.T) {
	self := "arn:aws:iam::" + acct + ":role/ci/Self"
	trust := func(principalJSON string) string {
		return doc(`{"Effect":"Allow","Principal":` + principalJSON + `,"Action":"sts:AssumeRole"}`)
	}
	assume := allowDoc("sts:AssumeRole", "*")
	runDecisionCases(t, []decisionCase{
		{name: "trust naming the role's ARN lets it assume itself", principal: self, action: "sts:AssumeRole", resource: self,
			resourcePolicy: trust(`{"AWS":"` + self + `"}`), want: Allowed, layer: LayerResource},
		{name: "trust naming the account root does not, even with an identity allow", principal: self, action: "sts:AssumeRole", resource: self,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"` + acct + `"}`), want: ImplicitDeny, layer: LayerResource},
		{name: "trust naming AWS * does not", principal: self, action: "sts:AssumeRole", resource: self,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"*"}`), want: ImplicitDeny, layer: LayerResource},
		{name: "trust with Principal * does not", principal: self, action: "sts:AssumeRole", resource: self,
			identity: []string{assume}, resourcePolicy: trust(`"*"`), want: ImplicitDeny, layer: LayerResource},
		{name: "Allow with NotPrincipal does not", principal: self, action: "sts:AssumeRole", resource: self,
			identity:       []string{assume},
			resourcePolicy: doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::` + otherAcct + `:root"},"Action":"sts:AssumeRole"}`),
			want:           ImplicitDeny, layer: LayerResource},
		{name: "another role of the account is admitted by the account root as before", principal: "arn:aws:iam::" + acct + ":role/Other", action: "sts:AssumeRole", resource: self,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"` + acct + `"}`), want: Allowed, layer: LayerIdentity},
	})
}
