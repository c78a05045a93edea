package tui

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
)

// slowAdminMark is the admin mark worked out the obvious way: admin on its
// own policies (users and roles), else "via role" when any role it reaches
// is admin-equivalent, else "via escalation" when a run of the privesc
// analysis of its own finds a path to admin.
func slowAdminMark(g *graph.Graph, pv *graph.Privesc, n *graph.Node) string {
	if (n.Kind == graph.KindUser || n.Kind == graph.KindRole) && g.IsAdmin(n) {
		return "admin"
	}
	for r := range g.Reachable(n) {
		if r.Kind == graph.KindRole && g.IsAdmin(r) {
			return "via role"
		}
	}
	if pv.Hops(n) > 0 {
		return "via escalation"
	}
	return ""
}

// tableMarks reads the ADMIN column of a table: row → cell.
func tableMarks[T any](t *testing.T, tb *Table[T], principal func(T) *graph.Node) map[*graph.Node]string {
	t.Helper()
	col := -1
	for i, c := range tb.cols {
		if c.Title == "ADMIN" {
			col = i
		}
	}
	if col < 0 {
		t.Fatal("table has no ADMIN column")
	}
	out := map[*graph.Node]string{}
	for r, row := range tb.rows {
		out[principal(row)] = tb.cells[r][col]
	}
	return out
}

// Every view that marks admins marks every principal of the demo the same
// way, and as the obvious answer does: the users and roles lists, who-can,
// the group page, the Overview and the Chains tab. ci-deployer (admin via
// DeployRole → ProdAdminRole) is marked in the users list, and so is
// mallory (admin via escalation: CreateAccessKey for ci-deployer).
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html
func TestAdminMarksAgreeEverywhere(t *testing.T) {
	c := detailCommon(t)
	g := c.Graph
	self := func(n *graph.Node) *graph.Node { return n }
	views := map[string]map[*graph.Node]string{
		"users list": tableMarks(t, NewUsersPage(c).(*listPage).table, self),
		"roles list": tableMarks(t, NewRolesPage(c).(*listPage).table, self),
	}
	for _, q := range [][2]string{{"iam:CreateUser", "*"}, {"s3:GetObject", "*"}, {"sts:AssumeRole", "*"}} {
		p := NewWhoCanPage(c, q[0], q[1]).(*whoCanPage)
		views["who-can "+q[0]] = tableMarks(t, p.table, func(a graph.Access) *graph.Node { return a.Principal })
	}
	views["group pages"] = map[*graph.Node]string{}
	for _, gr := range g.Groups() {
		for _, l := range NewGroupPage(c, gr).(*groupPage).list.lines {
			if l.node != nil && l.node.Kind == graph.KindUser {
				views["group pages"][l.node] = markSuffix(l.plain)
			}
		}
	}
	views["overview"] = map[*graph.Node]string{}
	views["chains tab"] = map[*graph.Node]string{}
	principals := append(append(append([]*graph.Node{}, g.Users()...), g.Roles()...), g.Externals()...)
	for _, n := range principals {
		p := NewPrincipalPage(c, n).(*principalPage)
		views["overview"][n] = overviewMark(p.adminLines())
		pg := detailSized(p, 100, 30)
		pg, _ = detailPress(pg, "5")
		for _, l := range pg.(*principalPage).pane().lines {
			if l.node != nil {
				views["chains tab"][l.node] = markSuffix(l.plain)
			}
		}
	}
	pv := g.Privesc()
	for view, marks := range views {
		if len(marks) == 0 {
			t.Errorf("%s: no principal seen", view)
		}
		for n, got := range marks {
			if want := slowAdminMark(g, pv, n); got != want {
				t.Errorf("%s marks %s %q, want %q", view, n.Label(), got, want)
			}
		}
	}
	ci := detailNode(t, c, "ci-deployer")
	if got := views["users list"][ci]; got != "via role" {
		t.Errorf("users list marks ci-deployer %q, want via role", got)
	}
	if got := views["overview"][ci]; got != "via role" {
		t.Errorf("overview marks ci-deployer %q, want via role", got)
	}
	// Issue 13: mallory may mint a key for ci-deployer.
	mallory := detailNode(t, c, "mallory")
	if got := views["users list"][mallory]; got != "via escalation" {
		t.Errorf("users list marks mallory %q, want via escalation", got)
	}
}

// markSuffix is the admin mark a detail line ends with.
func markSuffix(plain string) string {
	for _, m := range []string{"via escalation", "via role", "admin", "ADMIN"} {
		if strings.HasSuffix(plain, "  "+m) {
			return strings.ToLower(m)
		}
	}
	return ""
}

// overviewMark reads the Overview's Admin line as a mark.
func overviewMark(lines []detailLine) string {
	l := lines[0].plain
	switch {
	case strings.Contains(l, "ADMIN-EQUIVALENT"):
		return "admin"
	case strings.Contains(l, "admin via role "):
		return "via role"
	case strings.Contains(l, "admin via escalation"):
		return "via escalation"
	}
	return ""
}

// The Overview of a principal that is admin through a role names the
// chain, and the context a conditional hop needs.
func TestOverviewNamesTheAdminChain(t *testing.T) {
	c := detailCommon(t)
	cases := []struct {
		name, principal, want, only string
	}{
		{"a user admin through two roles", "ci-deployer", "admin via role DeployRole → ProdAdminRole", ""},
		{"a role admin through another", "DeployRole", "admin via role ProdAdminRole", ""},
		{"a hop that needs MFA says so", "old-contractor", "admin via role ", "only with MFA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPrincipalPage(c, detailNode(t, c, tc.principal)).(*principalPage)
			lines := p.adminLines()
			if !strings.Contains(lines[0].plain, tc.want) {
				t.Errorf("Admin line %q, want %q", lines[0].plain, tc.want)
			}
			if tc.only != "" && (len(lines) < 2 || !strings.Contains(lines[1].plain, tc.only)) {
				t.Errorf("Admin lines %d: none says %q", len(lines), tc.only)
			}
			if tc.only == "" && len(lines) > 1 {
				t.Errorf("an unconditional chain says %q", lines[1].plain)
			}
			if lines[0].node == nil || !c.Graph.IsAdmin(lines[0].node) {
				t.Errorf("enter on the Admin line does not open the admin role")
			}
		})
	}
}
