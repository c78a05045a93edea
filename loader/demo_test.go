package loader

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/iamx/iamx/loader/demo"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/awsmanaged"
)

func demoSnapshot(t *testing.T) *model.Snapshot {
	t.Helper()
	s, err := Demo()
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	return s
}

// The embedded file is an iamx snapshot in canonical form: what
// "go generate" in loader/demo wrote, unedited since.
func TestDemoFileIsCanonicalSnapshot(t *testing.T) {
	raw := demo.Bytes()
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil || head.Format != "iamx-snapshot" || head.Version != 1 {
		t.Fatalf("demo.json header = %+v, %v; want iamx-snapshot v1", head, err)
	}
	s := demoSnapshot(t)
	if len(s.Warnings) != 0 {
		t.Errorf("demo warnings: %v", s.Warnings)
	}
	if s.Source != "demo" {
		t.Errorf("Source = %q", s.Source)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), raw) {
		t.Error("demo.json is not in canonical form: run go generate in loader/demo")
	}
}

func TestDemoAccount(t *testing.T) {
	s := demoSnapshot(t)
	if s.AccountID != "111122223333" || s.AccountAlias != "acme-prod" || s.Partition != "aws" {
		t.Errorf("account %s %s %s", s.AccountID, s.AccountAlias, s.Partition)
	}
	if want := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC); !s.CapturedAt.Equal(want) {
		t.Errorf("CapturedAt = %v, want %v", s.CapturedAt, want)
	}
	users := map[string]*model.User{}
	for _, u := range s.Users {
		users[u.Name] = u
	}
	roles := map[string]*model.Role{}
	for _, r := range s.Roles {
		roles[r.Name] = r
	}
	groups := map[string]*model.Group{}
	for _, g := range s.Groups {
		groups[g.Name] = g
	}
	for _, n := range []string{"alice", "bob", "carol", "ci-deployer", "mallory", "old-contractor"} {
		if users[n] == nil {
			t.Errorf("user %s missing", n)
		}
	}
	for _, n := range []string{"Admins", "Developers", "ReadOnly"} {
		if groups[n] == nil {
			t.Errorf("group %s missing", n)
		}
	}
	for _, n := range []string{"DeployRole", "ProdAdminRole", "GitHubActionsDeploy", "VendorAuditRole",
		"OrganizationAccountAccessRole", "order-processor-lambda", "WebServerRole", "BreakGlassRole", "LegacyPartnerRole"} {
		if roles[n] == nil {
			t.Fatalf("role %s missing", n)
		}
	}
	if users["alice"] == nil || users["bob"] == nil || users["old-contractor"] == nil {
		t.FailNow()
	}
	if !slices.Equal(users["alice"].Groups, []string{"Admins"}) || !slices.Equal(users["bob"].Groups, []string{"Developers"}) || !slices.Equal(users["carol"].Groups, []string{"ReadOnly"}) {
		t.Error("group memberships")
	}
	if users["bob"].PermissionsBoundary != "arn:aws:iam::111122223333:policy/DeveloperBoundary" {
		t.Errorf("bob's boundary = %q", users["bob"].PermissionsBoundary)
	}
	if len(roles["WebServerRole"].InstanceProfiles) != 1 {
		t.Error("WebServerRole has no instance profile")
	}

	// Trust policies as issue 2 describes them.
	trusts := func(role string) []policy.Statement {
		p := roles[role].TrustPolicy.Policy
		if p == nil {
			t.Fatalf("%s trust policy did not parse", role)
		}
		return p.Statements
	}
	hasCond := func(st []policy.Statement, key string) bool {
		for _, s := range st {
			for _, c := range s.Conditions {
				if c.Key == key {
					return true
				}
			}
		}
		return false
	}
	if st := trusts("DeployRole"); !slices.Contains(st[0].Principal.AWS, users["ci-deployer"].ARN) {
		t.Error("DeployRole must trust ci-deployer")
	}
	if st := trusts("ProdAdminRole"); !slices.Contains(st[0].Principal.AWS, roles["DeployRole"].ARN) || !hasCond(st, "aws:MultiFactorAuthPresent") {
		t.Error("ProdAdminRole must trust DeployRole and root with MFA")
	}
	if st := trusts("GitHubActionsDeploy"); !hasCond(st, "token.actions.githubusercontent.com:sub") || !hasCond(st, "token.actions.githubusercontent.com:aud") {
		t.Error("GitHubActionsDeploy must restrict sub and aud")
	}
	if st := trusts("VendorAuditRole"); !hasCond(st, "sts:ExternalId") || st[0].Principal.AWS[0] != "arn:aws:iam::999988887777:root" {
		t.Error("VendorAuditRole must trust 999988887777 with an ExternalId")
	}
	if st := trusts("OrganizationAccountAccessRole"); st[0].Principal.AWS[0] != "arn:aws:iam::444455556666:root" {
		t.Error("OrganizationAccountAccessRole must trust the management account")
	}
	if st := trusts("BreakGlassRole"); !hasCond(st, "aws:MultiFactorAuthPresent") {
		t.Error("BreakGlassRole must require MFA")
	}
	if st := trusts("LegacyPartnerRole"); !slices.Contains(st[0].Principal.AWS, "*") {
		t.Error("LegacyPartnerRole must be open to any principal")
	}

	// The credential report says what issue 2 asks.
	rows := map[string]model.CredentialReportRow{}
	for _, r := range s.CredentialReport {
		rows[r.User] = r
	}
	if rows["alice"].MFAActive != "true" {
		t.Error("alice must have MFA")
	}
	oc := rows["old-contractor"]
	last, err := time.Parse(time.RFC3339, oc.PasswordLastUsed)
	if err != nil || oc.PasswordEnabled != "true" || oc.MFAActive != "false" || s.CapturedAt.Sub(last) < 365*24*time.Hour {
		t.Errorf("old-contractor: password %s, MFA %s, last used %s (want over a year before capture)", oc.PasswordEnabled, oc.MFAActive, oc.PasswordLastUsed)
	}
	if rows["ci-deployer"].AccessKey1Active != "true" {
		t.Error("ci-deployer must have an active access key")
	}
}

// AWS managed policies in the demo carry their real documents, byte for
// byte (compacted) as the data package published them.
func TestDemoAWSManagedPoliciesAreReal(t *testing.T) {
	s := demoSnapshot(t)
	all, err := awsmanaged.Policies()
	if err != nil {
		t.Fatal(err)
	}
	real := map[string]awsmanaged.Policy{}
	for _, p := range all {
		real[p.ARN] = p
	}
	n := 0
	for _, p := range s.Policies {
		if !p.IsAWSManaged() {
			continue
		}
		n++
		want, ok := real[p.ARN]
		if !ok {
			t.Errorf("%s is not from the data package", p.ARN)
			continue
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, want.Document); err != nil {
			t.Fatal(err)
		}
		v := p.DefaultVersion()
		if v == nil || v.VersionID != want.DefaultVersionID || !bytes.Equal(v.Document.JSON, compact.Bytes()) {
			t.Errorf("%s: document differs from the data package", p.Name)
		}
		if p.AttachmentCount == 0 {
			t.Errorf("%s is in the demo but attached nowhere", p.Name)
		}
	}
	if n < 9 {
		t.Errorf("only %d AWS managed policies in the demo", n)
	}
}
