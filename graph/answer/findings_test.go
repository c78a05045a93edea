package answer

import (
	"strings"
	"testing"
	"time"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

func demoSnapshot(t testing.TB) *model.Snapshot {
	t.Helper()
	s, err := loader.Demo()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	return s
}

func findingsOf(t testing.TB, s *model.Snapshot) Findings {
	t.Helper()
	g, err := graph.Build([]*model.Snapshot{s}, graph.Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return FindingsOf(g, g.Privesc())
}

func doc(t testing.TB, text string) model.Document {
	t.Helper()
	p, err := policy.Parse([]byte(text))
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return model.Document{JSON: []byte(text), Policy: p}
}

func find(f Findings, id, subjectSuffix string) *Finding {
	for i := range f.Findings {
		x := &f.Findings[i]
		if x.ID == id && strings.HasSuffix(x.Subject(), subjectSuffix) {
			return x
		}
	}
	return nil
}

func role(s *model.Snapshot, name string) *model.Role {
	for _, r := range s.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func user(s *model.Snapshot, name string) *model.User {
	for _, u := range s.Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

func reportRow(s *model.Snapshot, name string) *model.CredentialReportRow {
	for i := range s.CredentialReport {
		if s.CredentialReport[i].User == name {
			return &s.CredentialReport[i]
		}
	}
	return nil
}

// Each check on the demo account, or on the demo with one thing changed,
// with the rule it applies. The rules' sources:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
// and the CIS AWS Foundations Benchmark (controls 1.4, 1.5, 1.10, 1.12–1.14, 1.16).
func TestFindings(t *testing.T) {
	cases := []struct {
		name     string
		change   func(t testing.TB, s *model.Snapshot)
		id       string
		subject  string   // suffix of the ARN; "" with absent
		severity Severity // "" when the finding must be absent
		ref      string   // a part of the reference
	}{
		{"escalation to admin through CreateAccessKey and trust is critical", nil, "escalation-to-admin", "user/mallory", Critical, "iam-002"},
		{"reaching an admin role through trust alone is an escalation too", nil, "escalation-to-admin", "user/automation/ci-deployer", Critical, "least-privilege"},
		{"a read-only user has no escalation", nil, "escalation-to-admin", "user/carol", "", ""},
		{"an admin is not an escalation", nil, "escalation-to-admin", "role/ProdAdminRole", "", ""},
		{"trust of Principal AWS * with no condition: anyone", nil, "trust-open-to-anyone", "role/LegacyPartnerRole", Critical, "principal-anonymous"},
		{"a whole outside account without sts:ExternalId", nil, "trust-outside-account", "role/OrganizationAccountAccessRole", High, "externalid"},
		{"an outside account bound by sts:ExternalId is fine", nil, "trust-outside-account", "role/VendorAuditRole", "", ""},
		{"an outside account bound by aws:PrincipalOrgID is fine", func(t testing.TB, s *model.Snapshot) {
			role(s, "OrganizationAccountAccessRole").TrustPolicy = doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}`)
		}, "trust-outside-account", "role/OrganizationAccountAccessRole", "", ""},
		{"OIDC trust pinned to one repository is fine", nil, "oidc-trust-without-sub", "/GitHubActionsDeploy", "", ""},
		{"OIDC trust with only aud: any repository may assume it", func(t testing.TB, s *model.Snapshot) {
			role(s, "GitHubActionsDeploy").TrustPolicy = doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`)
		}, "oidc-trust-without-sub", "/GitHubActionsDeploy", High, "oidc"},
		{"OIDC sub with a wildcard in the owner spans owners", func(t testing.TB, s *model.Snapshot) {
			role(s, "GitHubActionsDeploy").TrustPolicy = doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*/web-app:*"}}}]}`)
		}, "oidc-sub-wildcard-owner", "/GitHubActionsDeploy", High, "oidc"},
		{"OIDC sub with a wildcard after the owner stays within it", func(t testing.TB, s *model.Snapshot) {
			role(s, "GitHubActionsDeploy").TrustPolicy = doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}]}`)
		}, "oidc-sub-wildcard-owner", "/GitHubActionsDeploy", "", ""},
		{"console password without MFA", nil, "console-password-without-mfa", "user/contractors/old-contractor", Medium, "1.10"},
		{"a console user with MFA is fine", nil, "console-password-without-mfa", "user/alice", "", ""},
		{"an admin user without MFA is high", func(t testing.TB, s *model.Snapshot) {
			u := user(s, "carol")
			u.Groups = nil // ReadOnly denies secret values
			u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "admin", Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
		}, "admin-user-without-mfa", "user/carol", High, "1.10"},
		{"no credential used for 90 days before the capture", nil, "user-inactive", "user/contractors/old-contractor", Medium, "1.12"},
		{"a user active the day before the capture is fine", nil, "user-inactive", "user/alice", "", ""},
		{"90 days count from the capture, not from today", func(t testing.TB, s *model.Snapshot) {
			s.CapturedAt = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
		}, "user-inactive", "user/contractors/old-contractor", "", ""},
		{"an access key older than 90 days", nil, "access-key-not-rotated", "user/automation/ci-deployer", Medium, "1.14"},
		{"an access key unused for 90 days", func(t testing.TB, s *model.Snapshot) {
			reportRow(s, "bob").AccessKey1LastUsedDate = "2026-01-01T00:00:00+00:00"
		}, "access-key-unused", "user/bob", Low, "1.12"},
		{"two active access keys", nil, "two-active-access-keys", "user/mallory", Low, "1.13"},
		{"root with MFA and no keys is fine", nil, "root-without-mfa", ":root", "", ""},
		{"root without MFA", func(t testing.TB, s *model.Snapshot) {
			reportRow(s, "<root_account>").MFAActive = "false"
		}, "root-without-mfa", "111122223333:root", Critical, "1.5"},
		{"root with an access key", func(t testing.TB, s *model.Snapshot) {
			reportRow(s, "<root_account>").AccessKey1Active = "true"
		}, "root-access-key", "111122223333:root", Critical, "1.4"},
		{"an admin role unused for 90 days", nil, "admin-role-unused", "role/OrganizationAccountAccessRole", Medium, "roles-delete"},
		{"an admin role used yesterday is fine", nil, "admin-role-unused", "role/ProdAdminRole", "", ""},
		{"iam:PassRole on *", nil, "passrole-on-any-role", "user/mallory", High, "passrole"},
		{"iam:PassRole on * only for one service is conditional", func(t testing.TB, s *model.Snapshot) {
			u := user(s, "mallory")
			for i, ip := range u.InlinePolicies {
				if ip.Name == "iam-helper" {
					u.InlinePolicies[i].Document = doc(t, `{"Version":"2012-10-17","Statement":[{"Sid":"PassAnyRole","Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`)
				}
			}
		}, "passrole-on-any-role", "user/mallory", Medium, "passrole"},
		{"a customer policy of * on *", func(t testing.TB, s *model.Snapshot) {
			p := policyNamed(s, "S3HomeFolders")
			p.Versions[0].Document = doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:*","Resource":"*"}]}`)
		}, "policy-grants-all", "policy/S3HomeFolders", High, "1.16"},
		{"AWS managed AdministratorAccess is not a customer policy", nil, "policy-grants-all", "policy/AdministratorAccess", "", ""},
		{"a non-default version broader than the default", nil, "policy-version-broader", "policy/DeveloperAccess", Medium, "versioning"},
		{"a policy whose only version is the default", nil, "policy-version-broader", "policy/S3HomeFolders", "", ""},
		{"a boundary its holder may delete", func(t testing.TB, s *model.Snapshot) {
			u := user(s, "carol")
			u.PermissionsBoundary = "arn:aws:iam::aws:policy/AdministratorAccess"
			u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "self", Document: doc(t,
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:DeleteUserPermissionsBoundary","Resource":"arn:aws:iam::111122223333:user/${aws:username}"}]}`)})
		}, "boundary-removable", "user/carol", High, "boundaries"},
		{"a boundary that denies its own removal", func(t testing.TB, s *model.Snapshot) {
			u := user(s, "carol")
			u.PermissionsBoundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
		}, "boundary-removable", "user/carol", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := demoSnapshot(t)
			if tc.change != nil {
				tc.change(t, s)
			}
			f := find(findingsOf(t, s), tc.id, tc.subject)
			switch {
			case tc.severity == "" && f != nil:
				t.Fatalf("unexpected %s on %s: %s", tc.id, f.Subject(), f.Detail)
			case tc.severity == "":
			case f == nil:
				t.Fatalf("no %s finding on %s", tc.id, tc.subject)
			case f.Severity != tc.severity:
				t.Errorf("severity %s, want %s (%s)", f.Severity, tc.severity, f.Detail)
			case !strings.Contains(strings.ToLower(f.Reference), strings.ToLower(tc.ref)):
				t.Errorf("reference %q, want one citing %q", f.Reference, tc.ref)
			case len(f.Evidence) == 0:
				t.Errorf("%s carries no evidence", tc.id)
			}
		})
	}
}

func policyNamed(s *model.Snapshot, name string) *model.ManagedPolicy {
	for _, p := range s.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// A snapshot without a credential report says so instead of passing the
// credential checks silently.
func TestFindingsSayWhatDidNotRun(t *testing.T) {
	s := demoSnapshot(t)
	s.CredentialReport = nil
	f := findingsOf(t, s)
	if find(f, "console-password-without-mfa", "") != nil {
		t.Fatal("credential finding without a credential report")
	}
	if len(f.Assumptions) == 0 || !strings.Contains(f.Assumptions[0], "no credential report") {
		t.Fatalf("assumptions = %q, want one naming the missing credential report", f.Assumptions)
	}
}

func TestFindingsSortedMostSevereFirst(t *testing.T) {
	f := findingsOf(t, demoSnapshot(t))
	for i := 1; i < len(f.Findings); i++ {
		if f.Findings[i-1].Severity.Rank() < f.Findings[i].Severity.Rank() {
			t.Fatalf("%s (%s) before %s (%s)", f.Findings[i-1].ID, f.Findings[i-1].Severity, f.Findings[i].ID, f.Findings[i].Severity)
		}
	}
	if got := len(f.AtLeast(Critical)); got == 0 || got == len(f.Findings) {
		t.Fatalf("AtLeast(critical) = %d of %d", got, len(f.Findings))
	}
}
