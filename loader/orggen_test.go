package loader_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/testdata/gen"
)

// The organization generator: each account is a clean, reproducible
// generated account with the organization's roles and the trust between
// them (CI runner → deploy everywhere, security audit everywhere, a vendor
// in every third workload account).
func TestOrgGeneratorIsDeterministicAndJoined(t *testing.T) {
	o := gen.OrgOptions{Accounts: 4, Account: gen.Options{Users: 30, Roles: 30, Groups: 4, Policies: 10, Seed: 3}}
	a, err := gen.Org(o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gen.Org(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 6 || len(b) != 6 {
		t.Fatalf("%d and %d accounts, want 6 (CI, security, 4 workload)", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i].GAAD, b[i].GAAD) {
			t.Fatalf("account %s differs between two runs with the same options", a[i].ID)
		}
	}
	if bytes.Equal(a[2].GAAD, a[3].GAAD) {
		t.Error("two workload accounts are identical: each account needs its own seed")
	}
	for i, acct := range a {
		s, err := loader.ParseGAAD(acct.GAAD, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Warnings) != 0 {
			t.Errorf("%s: generated account has warnings, first: %s", acct.ID, s.Warnings[0])
		}
		if s.AccountID != acct.ID {
			t.Errorf("account %s loaded as %s", acct.ID, s.AccountID)
		}
		trusts := map[string][]string{} // role name → trusted principals
		for _, r := range s.Roles {
			for _, st := range r.TrustPolicy.Policy.Statements {
				trusts[r.Name] = append(trusts[r.Name], st.Principal.AWS...)
				trusts[r.Name] = append(trusts[r.Name], st.Principal.Federated...)
			}
		}
		want := map[string]string{}
		switch acct.ID {
		case gen.CIAccount:
			want[gen.CIRunnerRole] = "arn:aws:iam::" + gen.CIAccount + ":oidc-provider/token.actions.githubusercontent.com"
		case gen.SecurityAccount:
			want[gen.AuditRole] = "arn:aws:iam::" + gen.SecurityAccount + ":root"
		default:
			want[gen.DeployRole] = "arn:aws:iam::" + gen.CIAccount + ":role/" + gen.CIRunnerRole
			want[gen.AuditRole] = "arn:aws:iam::" + gen.SecurityAccount + ":root"
			if gen.VendorTrusted(i - 2) {
				want[gen.VendorRole] = "arn:aws:iam::" + gen.VendorAccount + ":root"
			} else if _, ok := trusts[gen.VendorRole]; ok {
				t.Errorf("%s trusts the vendor; only every third workload account should", acct.ID)
			}
		}
		for role, principal := range want {
			if !slices.Contains(trusts[role], principal) {
				t.Errorf("%s: role %s trusts %v, want %s", acct.ID, role, trusts[role], principal)
			}
		}
	}
}
