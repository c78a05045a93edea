package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

func demoGraph(t testing.TB) *Graph {
	t.Helper()
	s, err := loader.Demo()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	g, err := Build([]*model.Snapshot{s}, Options{})
	if err != nil {
		t.Fatalf("Build(demo): %v", err)
	}
	return g
}

// The demo account's trust relationships, each an AWS trust rule:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios.html
func TestDemoTrust(t *testing.T) {
	g := demoGraph(t)
	cases := []struct {
		name, from, to string
		kind           string
		conditional    bool
		condKey        string
	}{
		{"a user whose identity allows it, into a role trusting her", "ci-deployer", "DeployRole", EdgeAssumeRole, false, ""},
		{"role chaining", "DeployRole", "ProdAdminRole", EdgeAssumeRole, false, ""},
		{"GitHub Actions through OIDC, bound to a repository", "token.actions.githubusercontent.com", "GitHubActionsDeploy", EdgeWebIdentity, true, "token.actions.githubusercontent.com:sub"},
		{"a third party with an external ID", "arn:aws:iam::999988887777:root", "VendorAuditRole", EdgeAssumeRole, true, "sts:ExternalId"},
		{"the organization's management account", "arn:aws:iam::444455556666:root", "OrganizationAccountAccessRole", EdgeAssumeRole, false, ""},
		{"an AWS service", "lambda.amazonaws.com", "order-processor-lambda", EdgeService, true, "aws:SourceAccount"},
		{"break glass needs MFA", "ProdAdminRole", "BreakGlassRole", EdgeAssumeRole, true, "aws:MultiFactorAuthPresent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := fxEdge(g, fxNode(t, g, c.from).ARN, fxNode(t, g, c.to).ARN)
			if e == nil {
				t.Fatalf("no edge %s → %s", c.from, c.to)
			}
			if e.Kind != c.kind || e.Conditional != c.conditional {
				t.Errorf("got %s conditional=%v, want %s conditional=%v", e.Kind, e.Conditional, c.kind, c.conditional)
			}
			if c.condKey != "" {
				found := false
				for _, cd := range e.Conditions {
					found = found || strings.EqualFold(cd.Key, c.condKey)
				}
				if !found {
					t.Errorf("conditions %+v lack %s", e.Conditions, c.condKey)
				}
			}
		})
	}
}

// ci-deployer → DeployRole → ProdAdminRole → BreakGlassRole: three hops, the
// last one needing MFA.
func TestDemoChains(t *testing.T) {
	g := demoGraph(t)
	ci := fxNode(t, g, "ci-deployer")
	bg := fxNode(t, g, "BreakGlassRole")
	paths := g.Chains(ci, ChainOptions{To: bg})
	if len(paths) == 0 {
		t.Fatal("no path from ci-deployer to BreakGlassRole")
	}
	if got := pathString(paths[0]); got != "ci-deployer>DeployRole>ProdAdminRole>BreakGlassRole" {
		t.Errorf("shortest path %s", got)
	}
	if !paths[0].Conditional() {
		t.Errorf("the path through break glass should be conditional on MFA")
	}
	// Reverse: ci-deployer is among those who can get into ProdAdminRole.
	found := false
	for _, p := range g.ChainsTo(fxNode(t, g, "ProdAdminRole"), ChainOptions{}) {
		found = found || pathString(p) == "ci-deployer>DeployRole>ProdAdminRole"
	}
	if !found {
		t.Errorf("ChainsTo(ProdAdminRole) lacks ci-deployer>DeployRole>ProdAdminRole")
	}
	// Externals: what can account 444455556666 reach here?
	// Its root is named by OrganizationAccountAccessRole, and LegacyPartnerRole
	// trusts "*".
	org := g.Chains(fxNode(t, g, "444455556666"), ChainOptions{MaxHops: 1})
	if got := fmt.Sprint(pathStrings(org)); got != "[444455556666>LegacyPartnerRole 444455556666>OrganizationAccountAccessRole]" {
		t.Errorf("444455556666 reaches %v", got)
	}
}

// Who can create IAM users: the admin roles directly, ci-deployer through
// two hops, the management account through its access role, alice only with
// MFA.
func TestDemoWhoCan(t *testing.T) {
	g := demoGraph(t)
	rows := whoCanRows(g.WhoCan("iam:CreateUser", "*", nil))
	want := map[string]whoRow{
		"role/ProdAdminRole":             {false, ""},
		"user/ci-deployer":               {false, "DeployRole>ProdAdminRole"},
		"arn:aws:iam::444455556666:root": {false, "OrganizationAccountAccessRole"},
		"user/alice":                     {true, ""},
	}
	for who, w := range want {
		if got, ok := rows[who]; !ok || got != w {
			t.Errorf("%s: got %+v (listed %v), want %+v", who, got, ok, w)
		}
	}
	if _, ok := rows["user/mallory"]; ok {
		t.Errorf("mallory listed")
	}
}
