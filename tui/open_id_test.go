package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

// :open takes the IDs an incident starts from, as the command line does:
// a user's or role's unique ID, a role session's principal ID, an access
// key ID the snapshot recorded.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
func TestOpenTakesIDs(t *testing.T) {
	snap, err := loader.Demo()
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build([]*model.Snapshot{snap}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, wantCrumb, wantStatus string
	}{
		{"an access key ID opens its user", "AKIAR4MALLORYEX00001", "mallory", ""},
		{"a user's unique ID opens the user", "AIDAR4CAROLEXAMPLE003", "carol", ""},
		{"a role session's principal ID opens its role", "AROAR4DEPLOYROLEEX01:session-1", "DeployRole", ""},
		{"an unrecorded key explains", "AKIAR4NOTRECORDED001", "", "no access key AKIAR4NOTRECORDED001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestModel(t, g, 120, 24)
			h.keys(":open "+tt.in, "enter")
			if tt.wantCrumb != "" && !strings.Contains(h.crumbs(), tt.wantCrumb) {
				t.Errorf("crumbs = %q, want %q", h.crumbs(), tt.wantCrumb)
			}
			if !strings.Contains(h.line(23), tt.wantStatus) {
				t.Errorf("status line = %q, want %q", h.line(23), tt.wantStatus)
			}
		})
	}
}

// A user's page lists the access key IDs the snapshot recorded, with their
// status, so an alert's AKIA… can be matched by eye.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
func TestUserOverviewListsAccessKeyIDs(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewPrincipalPage(c, detailNode(t, c, "user/automation/ci-deployer")), detailW, detailH)
	view := ansi.Strip(p.View())
	detailFits(t, "ci-deployer overview", view, detailW, detailH)
	for _, want := range []string{"Key IDs", "AKIAR4CIDEPLOYER0001  Active, created 2026-02-10", "AKIAR4CIDEPLOYER0002  Inactive, created 2024-01-15"} {
		if !strings.Contains(view, want) {
			t.Errorf("overview lacks %q:\n%s", want, view)
		}
	}
}
