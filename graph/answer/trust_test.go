package answer

import (
	"reflect"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

func roleWithTrust(t *testing.T, doc string) *graph.Node {
	t.Helper()
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return &graph.Node{Kind: graph.KindRole, ARN: "arn:aws:iam::111122223333:role/r", Account: "111122223333",
		Role: &model.Role{TrustPolicy: model.Document{JSON: []byte(doc), Policy: p}}}
}

// The roles list's TRUSTED BY column summarises each trust policy: who its
// Principal element names and which conditions guard it.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
func TestTrustOf(t *testing.T) {
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
		{"NotPrincipal allows all but some",
			`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/eve"},"Action":"sts:AssumeRole"}]}`, "anyone but some"},
		{"NotAction other than the assume actions trusts for assumption",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"NotAction":"sts:TagSession"}]}`, "999988887777"},
		{"NotAction of every assume action does not",
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"NotAction":"sts:AssumeRole*"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "ec2.amazonaws.com"},
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
			if got := TrustOf(roleWithTrust(t, tt.doc), aliases).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("unparsed trust policy says so", func(t *testing.T) {
		r := &graph.Node{Kind: graph.KindRole, Account: "111122223333", Role: &model.Role{TrustPolicy: model.Document{JSON: []byte("{")}}}
		if got := TrustOf(r, nil); got.String() != "(unreadable trust policy)" || !got.Unreadable || len(got.Trusted) != 0 {
			t.Errorf("got %+v", got)
		}
	})
}

// The summary's data: the principal as written, the statement as evidence,
// and Anyone for the principals that are any AWS principal of any account.
func TestTrustOfData(t *testing.T) {
	r := roleWithTrust(t, `{"Statement":[{"Sid":"CI","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci-bot"},"Action":"sts:AssumeRole"},
		{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`)
	got := TrustOf(r, nil)
	want := []Trusted{
		{Principal: "arn:aws:iam::111122223333:user/ci-bot", Name: "ci-bot", Statement: "CI"},
		{Principal: "*", Name: "anyone", Anyone: true, Guards: []string{"ExternalId"}, Statement: "#1"},
	}
	if !reflect.DeepEqual(got.Trusted, want) || !got.Anyone() {
		t.Errorf("got %+v (Anyone %v), want %+v", got.Trusted, got.Anyone(), want)
	}
}
