package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The policy page: the default version's document, highlighted; the
// versions; where the policy is attached.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
func TestPolicyPage(t *testing.T) {
	c := detailCommon(t)
	cases := []struct {
		name   string
		policy string
		keys   []string
		want   []string
		golden string
	}{
		{"document shows the default version", "policy/AdministratorAccess", nil,
			[]string{"1 Document", "ARN", "arn:aws:iam::aws:policy/AdministratorAccess", "(default)", `"Effect": "Allow"`, `"Action": "*"`}, "detail_policy_document"},
		{"attachments list groups, roles and boundaries", "policy/AdministratorAccess", []string{"3"},
			[]string{"Users (0)", "Groups (1)", "group/Admins", "Roles (", "role/BreakGlassRole", "role/ProdAdminRole", "As permissions boundary (0)"}, "detail_policy_attached"},
		{"boundary use is listed apart", "policy/DeveloperBoundary", []string{"3"},
			[]string{"As permissions boundary (1)", "user/bob"}, ""},
		{"versions list marks the default", "policy/DeveloperAccess", []string{"2"},
			[]string{"VERSION", "default"}, "detail_policy_versions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := detailSized(NewPolicyPage(c, detailNode(t, c, tc.policy)), detailW, detailH)
			p, _ = detailPress(p, tc.keys...)
			view := ansi.Strip(p.View())
			detailFits(t, tc.name, view, detailW, detailH)
			rest := view
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("view lacks %q (in order) in:\n%s", w, view)
				}
				rest = rest[i+len(w):]
			}
			if tc.golden != "" {
				detailGolden(t, tc.golden, view)
			}
		})
	}
}

// v steps through versions; a version that is not the default says so,
// because it is not what AWS evaluates.
func TestPolicyVersionSwitch(t *testing.T) {
	c := detailCommon(t)
	n := detailNode(t, c, "policy/DeveloperAccess")
	p := detailSized(NewPolicyPage(c, n), detailW, detailH)
	def := n.Policy.DefaultVersion()
	if def == nil || len(n.Policy.Versions) < 2 {
		t.Fatal("demo DeveloperAccess should have several versions")
	}
	if !strings.Contains(ansi.Strip(p.View()), def.VersionID+" (default)") {
		t.Fatalf("first view should show the default version %s:\n%s", def.VersionID, p.View())
	}
	p, _ = detailPress(p, "v")
	if v := ansi.Strip(p.View()); strings.Contains(v, def.VersionID+" (default)") || !strings.Contains(v, "not in force") {
		t.Fatalf("v should show another, non-default version:\n%s", v)
	}
	// From the Versions tab, enter on a version shows it in Document.
	p, _ = detailPress(p, "2", "home", "enter")
	if v := ansi.Strip(p.View()); !strings.Contains(v, "1 Document") || !strings.Contains(v, n.Policy.Versions[0].VersionID) {
		t.Fatalf("enter on a version should show its document:\n%s", v)
	}
}

// Enter on an attachment opens it.
func TestPolicyAttachedOpens(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewPolicyPage(c, detailNode(t, c, "policy/DeveloperBoundary")), detailW, detailH)
	_, msg := detailPress(p, "3", "end", "enter")
	m, ok := msg.(OpenNodeMsg)
	if !ok || m.Node.Label() != "user/bob" {
		t.Fatalf("enter on the boundary user returned %#v, want user/bob", msg)
	}
}

// With colour, the document is highlighted; the text a user reads is the
// same as without.
func TestPolicyDocumentHighlighted(t *testing.T) {
	color := detailCommonColor(t, false)
	plain := detailCommon(t)
	pc := detailSized(NewPolicyPage(color, detailNode(t, color, "policy/AdministratorAccess")), detailW, detailH)
	pp := detailSized(NewPolicyPage(plain, detailNode(t, plain, "policy/AdministratorAccess")), detailW, detailH)
	if !detailHasColour(pc.View()) {
		t.Fatal("colour styles produced no colour")
	}
	if detailHasColour(pp.View()) {
		t.Fatalf("NO_COLOR view carries colour codes:\n%q", pp.View())
	}
	if ansi.Strip(pc.View()) != ansi.Strip(pp.View()) {
		t.Errorf("colour changes the text:\n%s\n---\n%s", ansi.Strip(pc.View()), ansi.Strip(pp.View()))
	}
}

// The group page lists members and policies; enter opens them.
func TestGroupPage(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewGroupPage(c, detailNode(t, c, "group/Developers")), detailW, detailH)
	view := ansi.Strip(p.View())
	detailFits(t, "group page", view, detailW, detailH)
	for _, w := range []string{"Members (2)", "bob", "mallory", "Policies", "DeveloperAccess", "StartStopOwnTeamInstances"} {
		if !strings.Contains(view, w) {
			t.Errorf("group page lacks %q:\n%s", w, view)
		}
	}
	detailGolden(t, "detail_group_developers", view)
	_, msg := detailPress(p, "enter")
	if m, ok := msg.(OpenNodeMsg); !ok || m.Node.Label() != "user/bob" {
		t.Errorf("enter on the first member returned %#v, want user/bob", msg)
	}
}
