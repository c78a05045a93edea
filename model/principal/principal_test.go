package principal

import "testing"

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		kind    Kind
		id      string
		account string
	}{
		{"*", Anyone, "*", ""},
		{"111122223333", Account, "arn:aws:iam::111122223333:root", "111122223333"},
		{"arn:aws:iam::111122223333:root", Account, "arn:aws:iam::111122223333:root", "111122223333"},
		{"arn:aws:iam::111122223333:user/ops/alice", User, "arn:aws:iam::111122223333:user/ops/alice", "111122223333"},
		{"arn:aws:iam::111122223333:role/Deploy", Role, "arn:aws:iam::111122223333:role/Deploy", "111122223333"},
		{"arn:aws:sts::111122223333:assumed-role/Deploy/s", AssumedRole, "arn:aws:sts::111122223333:assumed-role/Deploy/s", "111122223333"},
		{"arn:aws:sts::111122223333:federated-user/bob", FederatedUser, "arn:aws:sts::111122223333:federated-user/bob", "111122223333"},
		{"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", Federated, "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", "111122223333"},
		{"lambda.amazonaws.com", Service, "lambda.amazonaws.com", ""},
	}
	for _, tc := range cases {
		p, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if p.Kind != tc.kind || p.ID != tc.id || p.Account != tc.account {
			t.Errorf("Parse(%q) = %v %q %q, want %v %q %q", tc.in, p.Kind, p.ID, p.Account, tc.kind, tc.id, tc.account)
		}
	}
	for _, bad := range []string{"", "alice", "arn:aws:s3:::bucket", "arn:aws:iam::1:group/x", "not a service",
		"arn:aws:iam::111122223333:oidc-provider:x", "arn:aws:iam::111122223333:saml-provider/"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"*", "111122223333", "arn:aws:iam::1:oidc-provider:x", "arn:aws:sts::1:assumed-role/R/s", "lambda.amazonaws.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err == nil && p.ID == "" {
			t.Fatalf("Parse(%q) succeeded with an empty ID", s)
		}
		NewFederated(s)
	})
}
