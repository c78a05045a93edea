package graph

import (
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/gen"
)

// AdminStatus — the fast path every admin mark uses (one backward search
// from all admin roles, memoised) — agrees with the obvious answer per
// principal: IsAdmin for its own policies, else the fewest hops of
// Reachable to a role IsAdmin accepts, else escalation when a run of the
// privesc analysis of its own (checked against brute force in
// TestPrivescMatchesBruteForce) finds a path. Checked for every node of the demo
// account and of a generated one with many chains.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html
func TestAdminStatusAgreesWithReachable(t *testing.T) {
	big, err := gen.Account(gen.Options{Users: 200, Roles: 200, Groups: 20, Policies: 80, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	gb, err := Build([]*model.Snapshot{big}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	escalates := 0
	for _, g := range []*Graph{demoGraph(t), gb} {
		via := 0
		fresh := g.Privesc() // a run of its own, not the memo AdminStatus reads
		for _, n := range g.nodes {
			if n.Kind == KindGroup || n.Kind == KindPolicy {
				continue
			}
			want := AdminStatus{Direct: (n.Kind == KindUser || n.Kind == KindRole) && g.IsAdmin(n)}
			if !want.Direct {
				for r, d := range g.Reachable(n) {
					if r.Kind == KindRole && g.IsAdmin(r) && (want.Hops == 0 || d < want.Hops) {
						want.Hops = d
					}
				}
			}
			want.Escalation = !want.Direct && want.Hops == 0 && fresh.Hops(n) > 0
			if want.Escalation {
				escalates++
			}
			got := g.AdminStatus(n)
			if got != want {
				t.Errorf("%s: AdminStatus = %+v, want %+v", n.Label(), got, want)
			}
			if got.Hops > 0 {
				via++
				p, ok := g.AdminPath(n)
				if !ok || len(p.Hops) != got.Hops || !g.IsAdmin(p.To()) || p.From() != n {
					t.Errorf("%s: AdminPath = %v (ok %v), want %d hops from it to an admin role", n.Label(), pathLabels(p), ok, got.Hops)
				}
			}
		}
		if via == 0 {
			t.Errorf("no principal is admin via a role: the test checks nothing of the search")
		}
	}
	if escalates == 0 {
		t.Errorf("no principal is admin via escalation: the test checks nothing of it")
	}
}

// The demo's ci-deployer is admin via DeployRole → ProdAdminRole.
func TestAdminStatusDemoCIDeployer(t *testing.T) {
	g := permsDemo(t)
	n := resolvePerms(t, g, "ci-deployer")
	st := g.AdminStatus(n)
	if st.Direct || st.Hops != 2 || st.Mark() != "via role" {
		t.Fatalf("AdminStatus(ci-deployer) = %+v (%q), want 2 hops, via role", st, st.Mark())
	}
	p, ok := g.AdminPath(n)
	if !ok || p.Hops[0].To.Name != "DeployRole" || p.To().Name != "ProdAdminRole" {
		t.Errorf("AdminPath(ci-deployer) = %v, want DeployRole → ProdAdminRole", pathLabels(p))
	}
}

func pathLabels(p Path) []string {
	var out []string
	for _, h := range p.Hops {
		out = append(out, h.From.Label()+"→"+h.To.Label())
	}
	return out
}

// The demo's mallory may iam:CreateAccessKey for ci-deployer: admin via
// escalation (issue 13), though no role she may assume is admin.
func TestAdminStatusDemoMalloryEscalates(t *testing.T) {
	g := permsDemo(t)
	st := g.AdminStatus(resolvePerms(t, g, "mallory"))
	if st.Direct || st.Hops != 0 || !st.Escalation || st.Mark() != "via escalation" {
		t.Fatalf("AdminStatus(mallory) = %+v (%q), want via escalation", st, st.Mark())
	}
}

// Above smallAccount the analysis runs in the background: AdminStatus never
// waits for it, and once it has run (Escalation returns) the marks agree
// with a privesc run of their own. (In generated accounts every principal
// that escalates also reaches an admin role by trust: a second account
// holds one that only escalates.)
func TestAdminStatusEscalationOnALargeAccount(t *testing.T) {
	snap, err := gen.Account(gen.Options{Users: smallAccount/2 + 100, Roles: smallAccount / 2, Groups: 20, Policies: 300, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	// A second account with one user who can only grant itself admin.
	f := fxNew(t, fxAcct)
	f.user("self-granter", nil, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::`+fxAcct+`:user/self-granter"}]}`)
	g, err := Build([]*model.Snapshot{snap, f.s}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.actors) <= smallAccount {
		t.Fatalf("%d principals: not above smallAccount", len(g.actors))
	}
	for _, n := range g.actors {
		g.AdminStatus(n) // starts the analysis; must not wait for it
	}
	g.Escalation()
	fresh := g.Privesc()
	escalates := 0
	for _, n := range g.actors {
		st := g.AdminStatus(n)
		want := !st.Direct && st.Hops == 0 && fresh.Hops(n) > 0
		if st.Escalation != want {
			t.Errorf("%s: Escalation = %v, want %v", n.Label(), st.Escalation, want)
		}
		if want {
			escalates++
		}
	}
	if escalates == 0 {
		t.Errorf("no principal is admin via escalation (self-granter should be): the test checks nothing")
	}
}
