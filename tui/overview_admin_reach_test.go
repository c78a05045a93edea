package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// The Overview's "can become admin" verdict must not depend on how many
// paths the chain search keeps: a principal that reaches an admin role only
// past the point where --max-paths stops the listing is still one that can
// become admin (role chaining: each hop's trust and identity policies
// allow it).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
func TestOverviewAdminReachedPastThePathLimit(t *testing.T) {
	g := hubAccount(t)
	c := &Common{Graph: g, Styles: NewStyles(true), Keys: DefaultKeyMap()}
	dev := detailNode(t, c, "user/dev")
	if !g.ChainsResult(dev, graph.ChainOptions{}).Truncated {
		t.Fatal("fixture: the default chain search should stop at the path limit")
	}
	page := NewPrincipalPage(c, dev).(*principalPage)
	var got []string
	for _, l := range page.adminLines() {
		got = append(got, l.plain)
	}
	text := strings.Join(got, "\n")
	if !strings.Contains(text, "admin via role hub0 → Gate → Admin") {
		t.Errorf("Admin line = %q, want it to say dev is admin via role hub0 → Gate → Admin", text)
	}
}

// The Chains tab lists the first paths only; the number of roles it says
// the principal can reach counts every role, not those on the paths drawn.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
func TestChainsTabCountsEveryReachableRole(t *testing.T) {
	g := hubAccount(t)
	c := &Common{Graph: g, Styles: NewStyles(true), Keys: DefaultKeyMap()}
	p := detailSized(NewPrincipalPage(c, detailNode(t, c, "user/dev")), 120, 40)
	p, _ = detailPress(p, "5")
	view := ansi.Strip(p.View())
	if !strings.Contains(view, "Can reach: 82 roles") {
		t.Errorf("Chains tab should count the 82 roles dev reaches (80 hubs, Gate, Admin):\n%s", view)
	}
}

// hubAccount: user dev may assume 80 hub roles that trust the account and
// may assume each other (80·79 two-hop paths, more than any path limit),
// and hub0 alone leads on to Gate and then Admin.
func hubAccount(t *testing.T) *graph.Graph {
	const acct = "111122223333"
	doc := func(text string) model.Document {
		p, err := policy.Parse([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return model.Document{JSON: []byte(text), Policy: p}
	}
	arn := func(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }
	trust := func(who string) model.Document {
		return doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + who + `"},"Action":"sts:AssumeRole"}]}`)
	}
	assumeAll := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	s := &model.Snapshot{AccountID: acct, Partition: "aws", Source: "fixture"}
	s.Users = append(s.Users, &model.User{Name: "dev", Path: "/", ID: "AIDADEV", ARN: arn("user", "dev"),
		InlinePolicies: []model.InlinePolicy{{Name: "assume", Document: assumeAll}}})
	// 80 hub roles that trust the account and each other: 80·79 two-hop
	// paths, more than the default path limit, all shorter than the way to
	// admin (dev → hub0 → Gate → Admin).
	for i := range 80 {
		s.Roles = append(s.Roles, &model.Role{Name: fmt.Sprintf("hub%d", i), Path: "/", ID: fmt.Sprintf("AROAHUB%d", i), ARN: arn("role", fmt.Sprintf("hub%d", i)),
			TrustPolicy: trust("arn:aws:iam::" + acct + ":root"), InlinePolicies: []model.InlinePolicy{{Name: "assume", Document: assumeAll}}})
	}
	s.Roles = append(s.Roles,
		&model.Role{Name: "Gate", Path: "/", ID: "AROAGATE", ARN: arn("role", "Gate"), TrustPolicy: trust(arn("role", "hub0")),
			InlinePolicies: []model.InlinePolicy{{Name: "assume", Document: assumeAll}}},
		&model.Role{Name: "Admin", Path: "/", ID: "AROAADMIN", ARN: arn("role", "Admin"), TrustPolicy: trust(arn("role", "Gate")),
			InlinePolicies: []model.InlinePolicy{{Name: "admin", Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}})
	g, err := graph.Build([]*model.Snapshot{s}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
