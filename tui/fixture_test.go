package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// The test account: small, written here rather than taken from the demo so
// that golden files change only when this package does.
const testAccount = "111122223333"

func doc(t testing.TB, json string) model.Document {
	t.Helper()
	p, err := policy.Parse([]byte(json))
	if err != nil {
		t.Fatalf("fixture policy: %v\n%s", err, json)
	}
	return model.Document{JSON: []byte(json), Policy: p}
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s+"T12:00:00Z")
	if err != nil {
		panic(err)
	}
	return t
}

func testARN(kind, name string) string {
	return "arn:aws:iam::" + testAccount + ":" + kind + "/" + name
}

func trust(t testing.TB, principal, condition string) model.Document {
	cond := ""
	if condition != "" {
		cond = `,"Condition":` + condition
	}
	return doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":`+principal+`,"Action":"sts:AssumeRole"`+cond+`}]}`)
}

// testSnapshot is an account with the shapes the lists must show: an admin
// through a group, a user without MFA, a machine user, a user missing from
// the credential report; roles trusted by a user, GitHub OIDC, another
// account with an external ID, a service, and the account with MFA.
func testSnapshot(t testing.TB) *model.Snapshot {
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	boundary := testARN("policy", "DevBoundary")
	s := &model.Snapshot{
		AccountID: testAccount, AccountAlias: "acme-test", Partition: "aws",
		CapturedAt: day("2024-06-01"), CapturedBy: testARN("user", "auditor"), Source: "test",
		Users: []*model.User{
			{Name: "alice", ARN: testARN("user", "alice"), Groups: []string{"Admins"}},
			{Name: "bob", ARN: testARN("user", "bob"), Groups: []string{"Developers"}, PermissionsBoundary: boundary},
			{Name: "ci-bot", ARN: testARN("user", "ci-bot"),
				InlinePolicies: []model.InlinePolicy{{Name: "assume-deploy", Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+testARN("role", "DeployRole")+`"}]}`)}}},
			{Name: "zed", ARN: testARN("user", "zed")},
		},
		Groups: []*model.Group{
			{Name: "Admins", ARN: testARN("group", "Admins"), CreateDate: day("2020-01-02"), AttachedPolicies: []model.AttachedPolicy{{Name: "AdministratorAccess", ARN: admin}}},
			{Name: "Developers", ARN: testARN("group", "Developers"), CreateDate: day("2021-03-04"),
				InlinePolicies: []model.InlinePolicy{{Name: "dev", Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}}},
		},
		Roles: []*model.Role{
			{Name: "DeployRole", ARN: testARN("role", "DeployRole"), TrustPolicy: trust(t, `{"AWS":"`+testARN("user", "ci-bot")+`"}`, ""),
				LastUsed: &model.RoleLastUsed{LastUsedDate: day("2024-05-31"), Region: "eu-west-1"}},
			{Name: "GitHubDeploy", ARN: testARN("role", "GitHubDeploy"),
				TrustPolicy: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::`+testAccount+`:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}]}`)},
			{Name: "VendorAudit", ARN: testARN("role", "VendorAudit"), TrustPolicy: trust(t, `{"AWS":"arn:aws:iam::999988887777:root"}`, `{"StringEquals":{"sts:ExternalId":"x-123"}}`),
				LastUsed: &model.RoleLastUsed{LastUsedDate: day("2024-01-15")}},
			{Name: "AppServer", ARN: testARN("role", "AppServer"), TrustPolicy: trust(t, `{"Service":"ec2.amazonaws.com"}`, ""), PermissionsBoundary: boundary,
				LastUsed: &model.RoleLastUsed{LastUsedDate: day("2024-06-01")}},
			{Name: "BreakGlass", ARN: testARN("role", "BreakGlass"), TrustPolicy: trust(t, `{"AWS":"`+testAccount+`"}`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`),
				AttachedPolicies: []model.AttachedPolicy{{Name: "AdministratorAccess", ARN: admin}}},
		},
		Policies: []*model.ManagedPolicy{
			{Name: "AdministratorAccess", ARN: admin, DefaultVersionID: "v1", AttachmentCount: 2, IsAttachable: true, UpdateDate: day("2015-02-06"),
				Versions: []model.PolicyVersion{{VersionID: "v1", IsDefaultVersion: true, Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}},
			{Name: "DevBoundary", ARN: boundary, DefaultVersionID: "v10", PermissionsBoundaryUsageCount: 2, IsAttachable: true, UpdateDate: day("2024-04-01"),
				Versions: []model.PolicyVersion{
					{VersionID: "v9", Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)},
					{VersionID: "v10", IsDefaultVersion: true, Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}]}`)},
				}},
		},
		CredentialReport: []model.CredentialReportRow{
			{User: "alice", ARN: testARN("user", "alice"), PasswordEnabled: "true", PasswordLastUsed: "2024-05-30T08:00:00+00:00", MFAActive: "true",
				AccessKey1Active: "true", AccessKey1LastUsedDate: "2024-05-31T10:00:00+00:00", AccessKey2Active: "false", AccessKey2LastUsedDate: "N/A"},
			{User: "bob", ARN: testARN("user", "bob"), PasswordEnabled: "true", PasswordLastUsed: "2024-05-01T08:00:00+00:00", MFAActive: "false",
				AccessKey1Active: "true", AccessKey1LastUsedDate: "N/A", AccessKey2Active: "true", AccessKey2LastUsedDate: "2024-04-20T10:00:00+00:00"},
			{User: "ci-bot", ARN: testARN("user", "ci-bot"), PasswordEnabled: "false", PasswordLastUsed: "N/A", MFAActive: "false",
				AccessKey1Active: "true", AccessKey1LastUsedDate: "2024-06-01T09:00:00+00:00", AccessKey2Active: "false", AccessKey2LastUsedDate: "N/A"},
		},
		Warnings: []model.Warning{{Entity: testARN("role", "Broken"), Where: "roles[9] (Broken).AssumeRolePolicyDocument", Message: "expected an object"}},
	}
	return s
}

func testGraph(t testing.TB) *graph.Graph {
	t.Helper()
	g, err := graph.Build([]*model.Snapshot{testSnapshot(t)}, graph.Options{})
	if err != nil {
		t.Fatalf("build test graph: %v", err)
	}
	return g
}

// bigSnapshot has n roles and n users with realistic trust policies and
// credential report rows, for the 10,000-row benchmark.
func bigSnapshot(t testing.TB, n int) *model.Snapshot {
	s := &model.Snapshot{AccountID: testAccount, Partition: "aws", CapturedAt: day("2024-06-01")}
	kinds := []string{
		`{"AWS":"` + testARN("user", "ci-bot") + `"}`,
		`{"Service":"lambda.amazonaws.com"}`,
		`{"AWS":"arn:aws:iam::999988887777:root"}`,
		`{"Federated":"arn:aws:iam::` + testAccount + `:oidc-provider/token.actions.githubusercontent.com"}`,
	}
	trusts := make([]model.Document, len(kinds))
	for i, k := range kinds {
		trusts[i] = trust(t, k, "")
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("svc-%05d-role", i)
		s.Roles = append(s.Roles, &model.Role{Name: name, ARN: testARN("role", name), TrustPolicy: trusts[i%len(trusts)],
			LastUsed: &model.RoleLastUsed{LastUsedDate: day("2024-01-01").Add(time.Duration(i%300) * 24 * time.Hour)}})
		user := fmt.Sprintf("user-%05d", i)
		s.Users = append(s.Users, &model.User{Name: user, ARN: testARN("user", user), Groups: []string{"Developers"}})
		s.CredentialReport = append(s.CredentialReport, model.CredentialReportRow{User: user, ARN: testARN("user", user),
			PasswordEnabled: "true", PasswordLastUsed: "2024-05-01T08:00:00+00:00", MFAActive: []string{"true", "false"}[i%2],
			AccessKey1Active: "true", AccessKey1LastUsedDate: "2024-05-31T10:00:00+00:00"})
	}
	s.Groups = []*model.Group{{Name: "Developers", ARN: testARN("group", "Developers")}}
	return s
}

// newTestModel returns an explorer over g at w×h, without colour.
func newTestModel(t testing.TB, g *graph.Graph, w, h int) *harness {
	m := New(context.Background(), Options{Source: "test", Graph: g, NoColor: true})
	hs := &harness{t: t, m: m}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}
