package tui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// orgGraph is the test account plus a second loaded account whose role
// trusts an account that is not loaded, and which trusts the test
// account's root for another.
func orgGraph(t *testing.T) *graph.Graph {
	t.Helper()
	const other = "444455556666"
	arn := func(kind, name string) string { return "arn:aws:iam::" + other + ":" + kind + "/" + name }
	s := &model.Snapshot{AccountID: other, AccountAlias: "acme-prod", Partition: "aws",
		Users: []*model.User{{Name: "carol", ARN: arn("user", "carol")}, {Name: "dave", ARN: arn("user", "dave")}},
		Roles: []*model.Role{
			{Name: "PartnerRole", ARN: arn("role", "PartnerRole"), TrustPolicy: trust(t, `{"AWS":"arn:aws:iam::777766665555:root"}`, "")},
			{Name: "FromTest", ARN: arn("role", "FromTest"), TrustPolicy: trust(t, `{"AWS":"`+testAccount+`"}`, "")},
		}}
	g, err := graph.Build([]*model.Snapshot{testSnapshot(t), s}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// :accounts lists each loaded account with its counts, admins and roles
// open to outside principals; enter scopes the lists to the account.
func TestAccountsViewListsAndScopes(t *testing.T) {
	g := orgGraph(t)
	h := newTestModel(t, g, 100, 24)
	h.keys(":accounts", "enter")
	scr := h.screen()
	for _, want := range []string{"ACCOUNT", "USERS", "ROLES", "GROUPS", "ADMINS", "OUTSIDE"} {
		if !strings.Contains(scr, want) {
			t.Errorf("accounts view lacks column %s:\n%s", want, scr)
		}
	}
	row := func(id string) []string {
		for _, l := range strings.Split(scr, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), id) {
				return strings.Fields(l)
			}
		}
		t.Fatalf("no row for account %s:\n%s", id, scr)
		return nil
	}
	// ACCOUNT ALIAS USERS ROLES GROUPS ADMINS OUTSIDE, from
	// graph.AccountSummaries (tested there against IsAdmin).
	for _, a := range g.AccountSummaries() {
		got := row(a.ID)
		want := []string{a.ID, a.Alias, itoa(a.Users), itoa(a.Roles), itoa(a.Groups), itoa(a.Admins), itoa(a.OutsideTrust)}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("row %v, want %v", got, want)
		}
	}
	if got := row("444455556666"); got[6] != "1" {
		t.Errorf("acme-prod has one role open to an account that is not loaded (PartnerRole), row says %s", got[6])
	}

	h.keys("/", "prod", "enter", "enter")
	if c := h.crumbs(); !strings.Contains(c, "Users") {
		t.Fatalf("enter on an account opens the users list, crumbs %q", c)
	}
	scr = h.screen()
	if !strings.Contains(scr, "carol") || !strings.Contains(scr, "dave") || strings.Contains(scr, "alice") {
		t.Errorf("users list scoped to 444455556666 shows:\n%s", scr)
	}
	h.keys(":roles", "enter")
	scr = h.screen()
	if !strings.Contains(scr, "PartnerRole") || strings.Contains(scr, "DeployRole") {
		t.Errorf("roles list scoped to 444455556666 shows:\n%s", scr)
	}
	h.keys("esc")
	if scr = h.screen(); !strings.Contains(scr, "DeployRole") {
		t.Errorf("esc clears the roles list's account filter:\n%s", scr)
	}
}

// "account:ID" in a list's filter matches the ACCOUNT column only: an ID
// that also appears in another column (here the name) does not match there.
func TestAccountFilterWordMatchesTheAccountColumn(t *testing.T) {
	g := orgGraph(t)
	h := newTestModel(t, g, 100, 24)
	h.keys("/", "account:4444", "enter")
	scr := h.screen()
	if !strings.Contains(scr, "carol") || strings.Contains(scr, "alice") {
		t.Errorf("account:4444 on the users list:\n%s", scr)
	}
	h.keys("/", "ctrl+u", "account:1111 b", "enter")
	scr = h.screen()
	if !strings.Contains(scr, "bob") || strings.Contains(scr, "carol") || strings.Contains(scr, "alice") {
		t.Errorf("account:1111 b (the account, and b anywhere) on the users list:\n%s", scr)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
