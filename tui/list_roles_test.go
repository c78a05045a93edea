package tui

import (
	"testing"

	"github.com/iamx/iamx/model"
)

// The roles list's TRUSTED BY column summarises each trust policy: who its
// Principal element names and which conditions guard it.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
func TestTrustSummary(t *testing.T) {
	aliases := map[string]string{"444455556666": "acme-dev"}
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"same-account user ARN shows the user name",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci-bot"},"Action":"sts:AssumeRole"}]}`, "ci-bot"},
		{"account ID of the same account is the account itself",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`, "this account"},
		{"root ARN of another account names the account and its alias when loaded",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`, "444455556666 acme-dev"},
		{"role of another account keeps the account",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/Auditor"},"Action":"sts:AssumeRole"}]}`, "999988887777:role/Auditor"},
		{"external ID condition is shown",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`, "999988887777 (ExternalId)"},
		{"GitHub OIDC shows the subject it allows, not the audience",
			`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}}]}`,
			"GitHub OIDC (repo:acme/app:ref:refs/heads/main)"},
		{"SAML provider by name",
			`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"}]}`, "SAML Okta"},
		{"service principal as written",
			`{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`, "ec2.amazonaws.com, lambda.amazonaws.com"},
		{"wildcard principal is anyone",
			`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`, "anyone"},
		{"MFA condition is shown",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, "this account (MFA)"},
		{"Deny statements grant nothing and are not listed",
			`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "ec2.amazonaws.com"},
		{"statements for other actions do not trust for assumption",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:TagSession"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "ec2.amazonaws.com"},
		{"wildcard action sts:Assume* includes AssumeRole",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:Assume*"}]}`, "999988887777"},
		{"the same principal twice is listed once",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:TagSession"},{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole"}]}`, "999988887777"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &model.Role{TrustPolicy: doc(t, tt.doc)}
			if got := trustSummary(r, testAccount, aliases); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("unparsed trust policy says so", func(t *testing.T) {
		r := &model.Role{TrustPolicy: model.Document{JSON: []byte("{")}}
		if got := trustSummary(r, testAccount, nil); got != "(unreadable trust policy)" {
			t.Errorf("got %q", got)
		}
	})
}
