package tui

import (
	"slices"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// A principal's Overview says what `iamx findings` says about it, from the
// same answer: its findings, in the command's order, and no others; and
// every finding the command reports about a user or role is on that
// principal's Overview. The command runs its own escalation analysis
// (g.Privesc), the explorer the graph's shared one, so this also checks
// that the two agree.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
func TestOverviewSaysWhatFindingsSays(t *testing.T) {
	for name, c := range map[string]*Common{
		"demo":    detailCommon(t),
		"fixture": {Graph: testGraph(t), Styles: NewStyles(true), Keys: DefaultKeyMap()},
	} {
		t.Run(name, func(t *testing.T) {
			g := c.Graph
			cli := answer.FindingsOf(g, g.Privesc()) // what cmd_findings.go prints
			shown := 0
			principals := append(append([]*graph.Node{}, g.Users()...), g.Roles()...)
			for _, n := range principals {
				var want []string
				for _, f := range cli.Findings {
					if f.Subject() == n.ARN {
						want = append(want, f.Line())
					}
				}
				var got []string
				for _, l := range NewPrincipalPage(c, n).(*principalPage).warnings() {
					if len(l) < 6 || l[:6] != "load: " {
						got = append(got, l)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: Overview shows %q, iamx findings %q", n.Label(), got, want)
				}
				shown += len(got)
			}
			about := 0
			for _, f := range cli.Findings {
				if n := g.Node(f.Subject()); n != nil && (n.Kind == graph.KindUser || n.Kind == graph.KindRole) {
					about++
				}
			}
			if shown != about || about == 0 {
				t.Errorf("Overviews show %d findings, iamx findings has %d about users and roles (want equal, and some)", shown, about)
			}
		})
	}
}
