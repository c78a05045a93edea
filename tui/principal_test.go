package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
)

// Principal detail over the demo account (DESIGN.md §6: tabs Overview,
// Policies, Permissions, Trust, Chains, Explain). Each case names the fact
// about the demo account the screen must show, with the AWS page that
// makes it a fact.
func TestPrincipalTabs(t *testing.T) {
	c := detailCommon(t)
	cases := []struct {
		name      string
		principal string
		keys      []string
		want      []string // substrings of the body, in order
		golden    string   // testdata/<golden>.golden, and a README capture
	}{
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html
		{"trust names the user allowed to assume the role", "role/DeployRole", []string{"4"},
			[]string{"Who may assume DeployRole", "user/ci-deployer", "sts:AssumeRole", "Trust policy"}, "detail_role_trust"},
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html (role chaining)
		{"chains show a role reaching another role", "role/DeployRole", []string{"5"},
			[]string{"Can reach", "role/DeployRole", "─▶ role/ProdAdminRole", "Reached by", "◀─ user/ci-deployer"}, "detail_role_chains"},
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html (issue 13)
		{"chains show escalation hops with their method", "user/mallory", []string{"5"},
			[]string{"Can reach", "role/LegacyPartnerRole", "Through escalation", "user/ci-deployer", "user/mallory ─iam:CreateAccessKey→ user/ci-deployer"}, ""},
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html
		{"policies show provenance through groups", "user/alice", []string{"2"},
			[]string{"via group Admins", "inline", "RequireMFA", "via group Admins", "managed", "AdministratorAccess"}, "detail_user_policies"},
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
		{"policies show the boundary", "user/bob", []string{"2"},
			[]string{"via group Developers", "DeveloperAccess", "boundary", "DeveloperBoundary"}, ""},
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
		{"permissions show the boundary removing what the groups grant", "user/bob", []string{"3"},
			[]string{"actions in", "granted but removed", "Removed: granted by identity policies, taken away", "iam", "by boundary DeveloperBoundary"}, "detail_user_permissions"},
		{"removed actions unfold to each action and what removed it", "user/bob", []string{"3", "G", "enter"},
			[]string{"▾ iam", "iam:CreateVirtualMFADevice", "boundary DeveloperBoundary"}, ""},
		{"an allowed action unfolds to the statements that grant it", "user/bob", []string{"3", "down", "down", "down", "enter", "down", "down", "enter"},
			[]string{"▾ iam", "iam:GetAccountPasswordPolicy", "granted by", "IAMUserChangePassword", "limited by", "deny DeveloperAccess"}, ""},
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
		{"an admin's permissions name the policy that grants * on *", "role/ProdAdminRole", []string{"3"},
			[]string{"ADMIN-EQUIVALENT: every action on every resource via AdministratorAccess"}, ""},
		{"overview of a user shows groups and credentials", "user/alice", nil,
			[]string{"ARN", "arn:aws:iam::111122223333:user/alice", "Groups", "Admins", "Console", "Admin"}, "detail_user_overview"},
		{"overview of a role shows who trusts it", "role/DeployRole", nil,
			[]string{"ARN", "arn:aws:iam::111122223333:role/DeployRole", "Last used", "Trusted by", "ci-deployer"}, "detail_role_overview"},
		{"tab wraps from the last tab to Overview", "role/DeployRole", []string{"6", "tab"},
			[]string{"1 Overview", "ARN"}, ""},
		{"shift+tab goes back from Overview to Explain", "role/DeployRole", []string{"shift+tab"},
			[]string{"6 Explain", "action"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := detailSized(NewPrincipalPage(c, detailNode(t, c, tc.principal)), detailW, detailH)
			p, _ = detailPress(p, tc.keys...)
			view := ansi.Strip(p.View())
			detailFits(t, tc.name, view, detailW, detailH)
			plain := view
			rest := plain
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("view lacks %q (in order) in:\n%s", w, plain)
				}
				rest = rest[i+len(w):]
			}
			if tc.golden != "" {
				detailGolden(t, tc.golden, view)
				detailScreen(t, tc.golden, view)
			}
		})
	}
}

// Enter on a named principal, group or policy returns the navigation
// message the root turns into a pushed page.
func TestPrincipalEnterOpens(t *testing.T) {
	c := detailCommon(t)
	cases := []struct {
		name      string
		principal string
		keys      []string
		want      string // Label of the node opened
	}{
		{"trust row opens the trusted user", "role/DeployRole", []string{"4", "enter"}, "user/ci-deployer"},
		{"chain row opens the reached role", "role/DeployRole", []string{"5", "down", "enter"}, "role/ProdAdminRole"},
		{"group row of the overview opens the group", "user/alice", []string{"enter"}, "group/Admins"},
		{"managed policy row opens the policy", "user/alice", []string{"2", "down", "enter"}, "policy/AdministratorAccess"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := detailSized(NewPrincipalPage(c, detailNode(t, c, tc.principal)), detailW, detailH)
			_, msg := detailPress(p, tc.keys...)
			var got *graph.Node
			switch m := msg.(type) {
			case OpenNodeMsg:
				got = m.Node
			case OpenARNMsg:
				got = c.Graph.Node(m.ARN)
			default:
				t.Fatalf("keys %v returned %T (%v), want an open message; view:\n%s", tc.keys, msg, msg, p.View())
			}
			if got.Label() != tc.want {
				t.Errorf("opened %s, want %s", got.Label(), tc.want)
			}
		})
	}
}

// An inline policy has no page of its own: enter unfolds its document in
// place, and enter again folds it.
func TestPrincipalInlinePolicyUnfolds(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewPrincipalPage(c, detailNode(t, c, "user/ci-deployer")), detailW, detailH)
	p, _ = detailPress(p, "2")
	if strings.Contains(ansi.Strip(p.View()), `"Statement"`) {
		t.Fatalf("document shown before unfolding:\n%s", p.View())
	}
	p, msg := detailPress(p, "enter")
	if msg != nil {
		t.Fatalf("enter on an inline policy returned %T, want an unfold", msg)
	}
	if v := ansi.Strip(p.View()); !strings.Contains(v, "▾") || !strings.Contains(v, `"Statement"`) || !strings.Contains(v, "sts:AssumeRole") {
		t.Fatalf("unfolded inline policy not shown:\n%s", v)
	}
	p, _ = detailPress(p, "enter")
	if strings.Contains(ansi.Strip(p.View()), `"Statement"`) {
		t.Fatalf("document still shown after folding:\n%s", p.View())
	}
}

// Every tab of every principal of the demo account fits 80×20 and narrow
// terminals alike: exact height, no line wider than the screen.
func TestPrincipalTabsFit(t *testing.T) {
	c := detailCommon(t)
	var nodes []*graph.Node
	nodes = append(nodes, c.Graph.Users()...)
	nodes = append(nodes, c.Graph.Roles()...)
	nodes = append(nodes, c.Graph.Externals()...)
	for _, size := range [][2]int{{80, 20}, {40, 10}, {20, 3}} {
		for _, n := range nodes {
			p := detailSized(NewPrincipalPage(c, n), size[0], size[1])
			for _, k := range []string{"1", "2", "3", "4", "5", "6"} {
				p, _ = detailPress(p, k)
				detailFits(t, n.Label()+" tab "+k, ansi.Strip(p.View()), size[0], size[1])
			}
		}
	}
}

// Too narrow for the content: lines are cut with "…", never wrapped.
func TestPrincipalNarrowTruncates(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewPrincipalPage(c, detailNode(t, c, "role/DeployRole")), 40, 12)
	view := ansi.Strip(p.View())
	detailFits(t, "DeployRole at 40 columns", view, 40, 12)
	if !strings.Contains(view, "…") {
		t.Errorf("no line was cut with … at 40 columns:\n%s", view)
	}
	if !strings.Contains(view, "arn:aws:iam::1111") {
		t.Errorf("the ARN should show as far as it fits:\n%s", view)
	}
	detailGolden(t, "detail_role_overview_narrow", view)
}
