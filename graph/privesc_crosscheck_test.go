package graph

import (
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/escalation"
	"github.com/iamx/iamx/testdata/gen"
)

// The fast search (backward layers, uniform holders swept once, decisions
// reused per kind of target) against the slow, obvious one: a forward
// breadth-first search from every principal over every pair of principals
// and every method, each call decided by the evaluator. They must agree on
// every principal's distance to admin.
func TestPrivescMatchesBruteForce(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		snap, err := gen.Account(gen.Options{Users: 40, Roles: 40, Groups: 6, Policies: 30, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		g, err := Build([]*model.Snapshot{snap}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		pv := g.Privesc()
		slow := newEscalator(g)
		slow.plain = true
		reachable := 0
		for _, n := range g.actors {
			want := bruteHops(g, slow, n)
			if got := pv.Hops(n); got != want {
				t.Errorf("seed %d: %s: Hops = %d, brute force %d; fast path %s", seed, n.Label(), got, want, hopString(pv.Shortest(n)))
			}
			if want > 0 {
				reachable++
				if p := pv.Shortest(n); len(p) != want {
					t.Errorf("seed %d: %s: shortest path has %d hops, want %d", seed, n.Label(), len(p), want)
				}
			}
		}
		if reachable == 0 {
			t.Errorf("seed %d: no principal escalates: the account tests nothing", seed)
		}
	}
}

// bruteHops is the fewest hops from n to admin, searching forward.
func bruteHops(g *Graph, x *escalator, n *Node) int {
	pv := &Privesc{g: g, x: x}
	var grants, actAs []int
	for i := range escalation.Methods() {
		m := &escalation.Methods()[i]
		switch {
		case m.Yields != escalation.ActAs:
			grants = append(grants, i)
		case !m.Possible():
			actAs = append(actAs, i)
		}
	}
	type state struct {
		n     *Node
		noMFA bool
	}
	admin := func(s state) bool {
		return g.IsAdmin(s.n) && (!s.noMFA || x.adminAfter(s.n, change{}, true))
	}
	start := state{n, x.noMFA(n)}
	if admin(start) {
		return 0
	}
	best := -1
	dist := map[state]int{start: 0}
	queue := []state{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		d := dist[s]
		if best >= 0 && d+1 >= best {
			continue
		}
		terminal := func(hops int) {
			if best < 0 || hops < best {
				best = hops
			}
		}
		visit := func(t state) {
			if _, seen := dist[t]; seen {
				return
			}
			dist[t] = d + 1
			if admin(t) {
				terminal(d + 1)
				return
			}
			queue = append(queue, t)
		}
		for _, mi := range grants {
			if _, ok := x.grant(mi, s.n, s.n, s.noMFA); ok {
				terminal(d + 1)
			}
		}
		for _, e := range g.Assumes(s.n) {
			if e.To.Kind != KindRole {
				continue
			}
			if _, ok := pv.assumeHop(e, s.noMFA); !ok {
				continue
			}
			for _, mi := range grants {
				if escalation.Methods()[mi].Target == escalation.TargetUser {
					continue
				}
				if _, ok := x.grant(mi, s.n, e.To, s.noMFA); ok {
					terminal(d + 2)
				}
			}
			visit(state{e.To, s.noMFA})
		}
		for _, mi := range actAs {
			for _, t := range g.actors {
				if h, ok := x.actAs(mi, s.n, t, s.noMFA); ok {
					visit(state{t, h.ToNoMFA})
				}
			}
		}
	}
	return best
}
