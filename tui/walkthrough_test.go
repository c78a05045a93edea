package tui

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/hostile"
)

// y copies the ARN of what the page is about: on a principal's Overview the
// principal itself, even with the cursor on one of its groups; on the
// Policies tab the policy under the cursor.
func TestCopyOnOverviewIsThePrincipal(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		want string
	}{
		{"Overview with the cursor on a group copies the user", []string{"enter"}, testARN("user", "alice")},
		{"Overview after moving down copies the user", []string{"enter", "j", "j"}, testARN("user", "alice")},
		{"the Policies tab copies the policy under the cursor", []string{"enter", "2"}, "arn:aws:iam::aws:policy/AdministratorAccess"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestModel(t, testGraph(t), 100, 24)
			h.keys(c.keys...)
			_, cmd := h.m.Update(keyMsgs("y")[0])
			if cmd == nil {
				t.Fatalf("y returned no command (status %q)", h.line(23))
			}
			if got := fmt.Sprint(cmd()); got != c.want {
				t.Errorf("y copied %q, want %q", got, c.want)
			}
		})
	}
}

// The footer keeps "? help" at the smallest supported width on every page,
// however many keys the page has: help is where the keys the footer had no
// room for are listed.
func TestFooterKeepsHelpAt80Columns(t *testing.T) {
	pages := [][]string{
		{},
		{"enter"}, {"enter", "2"}, {"enter", "3"}, {"enter", "5"}, {"enter", "6"},
		{":roles", "enter", "enter", "4"},
		{":policies", "enter", "enter"}, {":policies", "enter", "enter", "2"}, {":policies", "enter", "enter", "3"},
		{":groups", "enter", "enter"},
		{":whocan s3:GetObject", "enter"},
		{":can alice s3:GetObject", "enter"},
		{":warnings", "enter"},
	}
	for _, keys := range pages {
		h := newTestModel(t, testGraph(t), MinWidth, MinHeight)
		h.keys(keys...)
		if footer := h.line(MinHeight - 2); !strings.Contains(footer, "? help") {
			t.Errorf("%q: footer %q lacks ? help", keys, footer)
		}
	}
}

// Counts agree with their numbers: "1 group", never "1 groups".
func TestHeaderCountsAgreeInNumber(t *testing.T) {
	h, _ := hostileModel(t) // one user, group, role and policy
	if got := h.line(1); !strings.HasPrefix(got, "1 user · 1 group · 1 role · 1 policy ·") {
		t.Errorf("header line 2 = %q", got)
	}
	h = newTestModel(t, testGraph(t), 100, 24)
	if got := h.line(1); !strings.HasPrefix(got, "4 users · 2 groups · 5 roles · 2 policies ·") {
		t.Errorf("header line 2 = %q", got)
	}
}

// In the Trust tab, "*" and principals of accounts that are not loaded stand
// out, in colour and in words; a principal of the loaded account does not.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestTrustMarksAnyoneAndOutsideAccounts(t *testing.T) {
	g, err := graph.Build([]*model.Snapshot{hostile.Snapshot()}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &Common{Graph: g, Styles: NewStyles(false), Keys: DefaultKeyMap()}
	p := NewPrincipalPage(c, g.Node(hostile.ARN("role", hostile.Role))).(*principalPage)
	lines := p.build(tabTrust)
	cases := []struct {
		name      string
		principal string // the line's first word
		mark      string // "" when the line must not stand out
		style     lipgloss.Style
	}{
		{"anyone stands out as an error", "*", "⚠ anyone: every AWS account", c.Styles.Error},
		{"another account's root stands out as a warning", "arn:aws:iam::999988887777:root", "⚠ outside account 999988887777", c.Styles.Warning},
		{"a user of the loaded account does not stand out", "user/eve", "", lipgloss.Style{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var found *detailLine
			for i := range lines {
				if f := strings.Fields(lines[i].plain); len(f) > 0 && strings.HasPrefix(f[0], tc.principal) && lines[i].node != nil {
					found = &lines[i]
				}
			}
			if found == nil {
				t.Fatalf("no Trust line for %s", tc.principal)
			}
			if tc.mark == "" {
				if strings.Contains(found.plain, "⚠") {
					t.Errorf("line stands out: %q", found.plain)
				}
				return
			}
			if !strings.HasSuffix(found.plain, tc.mark) {
				t.Errorf("plain line %q lacks %q", found.plain, tc.mark)
			}
			if !strings.Contains(found.styled, tc.style.Render(tc.mark)) {
				t.Errorf("styled line %q does not colour %q", found.styled, tc.mark)
			}
		})
	}
}

// Enter on a load warning opens the user, group, role or policy it names;
// a warning about the account, or about an entity that did not load, says
// so instead.
func TestWarningRowsOpenTheirEntity(t *testing.T) {
	s := testSnapshot(t)
	s.Warnings = []model.Warning{
		{Entity: testARN("user", "alice"), Where: "users[0] (alice).UserPolicyList[0].PolicyDocument", Message: "m"},
		{Entity: testARN("group", "Developers"), Where: "groups[1] (Developers).GroupPolicyList[0]", Message: "m"},
		{Entity: testARN("role", "DeployRole"), Where: "roles[0] (DeployRole).AssumeRolePolicyDocument", Message: "m"},
		{Entity: testARN("policy", "DevBoundary"), Where: "policies[1] (DevBoundary).PolicyVersionList[0]", Message: "m"},
		{Entity: testARN("role", "Broken"), Where: "roles[9] (Broken).AssumeRolePolicyDocument", Message: "m"},
		{Where: "live capture", Message: "credential report: AccessDenied"},
	}
	g, err := graph.Build([]*model.Snapshot{s}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		filter string
		want   string // the crumb of the page opened; "" when none opens
	}{
		{"alice", "user/alice"},
		{"Developers", "group/Developers"},
		{"DeployRole", "role/DeployRole"},
		{"DevBoundary", "policy/DevBoundary"},
		{"Broken", ""},
		{"AccessDenied", ""},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			h := newTestModel(t, g, 120, 24)
			h.keys(":warnings", "enter", "/"+c.filter, "enter", "enter")
			crumbs := h.crumbs()
			if c.want == "" {
				if len(h.m.stack) != 1 || !strings.Contains(h.line(23), "this warning") {
					t.Errorf("opened %q (status %q), want nothing opened and a status", crumbs, h.line(23))
				}
				return
			}
			if !strings.Contains(crumbs, "Warnings › "+c.want) {
				t.Errorf("crumbs %q, want %q opened", crumbs, c.want)
			}
		})
	}
}

// A policy document is shown in the order its author wrote it: keys are not
// sorted anywhere between the file and the screen, whether the document
// came as JSON (the CLI's form) or URL-encoded (the raw API's), and after
// the snapshot is written and read again.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestPolicyDocumentsKeepKeyOrder(t *testing.T) {
	const doc = `{"Statement":[{"Resource":"*","Sid":"Zed","Effect":"Allow","Condition":{"StringLike":{"s3:prefix":"b","aws:PrincipalTag/z":"a"}},"Action":"s3:List*"}],"Version":"2012-10-17","Id":"A"}`
	want := []string{"Statement", "Resource", "Sid", "Effect", "Condition", "StringLike", "s3:prefix", "aws:PrincipalTag/z", "Action", "Version", "Id"}
	policyJSON := func(document string) string {
		return `{"Policies":[{"PolicyName":"Ordered","Arn":"arn:aws:iam::111122223333:policy/Ordered","DefaultVersionId":"v1",` +
			`"PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":` + document + `}]}]}`
	}
	cases := []struct {
		name, file string
	}{
		{"JSON document (CLI form)", policyJSON(doc)},
		{"URL-encoded document (raw API form)", policyJSON(`"` + url.PathEscape(doc) + `"`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := loader.ParseGAAD([]byte(c.file), "ordered.json")
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := loader.Encode(&buf, s); err != nil {
				t.Fatal(err)
			}
			again, err := loader.Read(&buf, "written.json")
			if err != nil {
				t.Fatal(err)
			}
			for _, snap := range []*model.Snapshot{s, again} {
				g, err := graph.Build([]*model.Snapshot{snap}, graph.Options{})
				if err != nil {
					t.Fatal(err)
				}
				n := g.Node("arn:aws:iam::111122223333:policy/Ordered")
				if n == nil {
					t.Fatal("policy not loaded")
				}
				c := &Common{Graph: g, Styles: NewStyles(true), Keys: DefaultKeyMap()}
				var keys []string
				for _, l := range NewPolicyPage(c, n).(*policyPage).documentLines() {
					if k, _, ok := strings.Cut(strings.TrimSpace(l.plain), `": `); ok && strings.HasPrefix(k, `"`) {
						keys = append(keys, strings.Trim(k, `"`))
					}
				}
				if !slices.Equal(keys, want) {
					t.Errorf("keys shown in order %q, want the file's %q", keys, want)
				}
			}
		})
	}
}
