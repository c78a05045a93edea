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
	m, ok := msg.(OpenNodeMsg)
	if !ok || m.Node.Label() != "user/ci-deployer" {
		t.Fatalf("enter on the filtered row returned %#v, want user/ci-deployer\n%s", msg, ansi.Strip(p.View()))
	}
}
