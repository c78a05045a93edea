package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The who-can page lists every principal that can make a request, directly
// or through roles, conditional ones marked; enter opens one.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestWhoCanPage(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewWhoCanPage(c, "iam:CreateUser", ""), detailW, detailH)
	view := ansi.Strip(p.View())
	detailFits(t, "whocan page", view, detailW, detailH)
	for _, w := range []string{"principals can iam:CreateUser on *", "PRINCIPAL", "ACCESS", "VIA", "user/alice", "allow if", "role/ProdAdminRole", "direct"} {
		if !strings.Contains(view, w) {
			t.Errorf("who-can page lacks %q:\n%s", w, view)
		}
	}
	if got := p.Title(); got != "whocan iam:CreateUser *" {
		t.Errorf("title %q", got)
	}
	detailGolden(t, "detail_whocan_createuser", view)

	// Filtering narrows the table; enter opens the selected principal.
	p.(Filterable).SetFilter("ci-deployer")
	_, msg := detailPress(p, "enter")
	m, ok := msg.(ExplainMsg)
	if !ok || m.Access.Principal.Label() != "user/ci-deployer" || m.Action != "iam:CreateUser" || m.Resource != "*" {
		t.Fatalf("enter on the filtered row returned %#v, want user/ci-deployer's request explained\n%s", msg, ansi.Strip(p.View()))
	}
}

// enter on a who-can row opens the principal on its Explain tab with the
// request filled in and answered: for access through roles, the hops (with
// the conditions they need) and the decision of the role at the end, with
// its deciding statements; for direct access, the principal's own.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestWhoCanOpensExplainWithTheRequest(t *testing.T) {
	cases := []struct {
		name, principal string
		size            [2]int
		want            []string
	}{
		{"through two roles", "ci-deployer", [2]int{100, 30},
			[]string{"6 Explain", "iam:CreateUser", "user/ci-deployer makes this request as role/ProdAdminRole, through 2 hops:",
				"sts:AssumeRole → role/DeployRole", "sts:AssumeRole → role/ProdAdminRole", "role/ProdAdminRole → iam:CreateUser on *", "Deciding statements"}},
		{"through a hop that needs MFA", "old-contractor", [2]int{80, 24},
			[]string{"6 Explain", "through ", "[MFA] conditional"}},
		{"direct, allowed only with MFA", "alice", [2]int{100, 30},
			[]string{"6 Explain", "user/alice → iam:CreateUser on *", "Deciding statements"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := detailCommon(t)
			h := newTestModel(t, c.Graph, tc.size[0], tc.size[1])
			h.keys(":whocan iam:CreateUser", "enter", "/"+tc.principal, "enter", "enter")
			p, ok := h.m.top().(*principalPage)
			if !ok || p.n.Name != tc.principal {
				t.Fatalf("enter did not open %s:\n%s", tc.principal, h.screen())
			}
			if p.tabs.activeName() != tabExplain || !p.explain.ran {
				t.Fatalf("the Explain tab is not open with an answer:\n%s", h.screen())
			}
			sc := h.screen()
			for _, w := range tc.want {
				if !strings.Contains(sc, w) {
					t.Errorf("screen lacks %q:\n%s", w, sc)
				}
			}
			if tc.principal == "alice" && strings.Contains(sc, "makes this request as") {
				t.Errorf("direct access shows hops:\n%s", sc)
			}
		})
	}
}
