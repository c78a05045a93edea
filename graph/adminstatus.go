package graph

import "sync"

// AdminStatus is how a principal stands towards admin-equivalence: admin on
// its own policies, a chain of assume-role hops away from a role that is,
// or able to reach admin through escalation. It is the one answer behind every admin mark the explorer draws (the
// lists, who-can, the Chains and Overview tabs), so the marks cannot
// disagree.
type AdminStatus struct {
	// Direct: the principal's own policies make it admin-equivalent
	// (IsAdmin). Only users and roles of a loaded account can be: an
	// outside principal's own policies are not in the snapshot.
	Direct bool
	// Hops is the fewest assume-role hops to an admin-equivalent role when
	// not Direct; 0 when none is reachable (or the principal is Direct).
	Hops int
	// Escalation: neither Direct nor admin through trust alone, but the
	// escalation analysis (Graph.Escalation) finds a path to admin through
	// the methods of the catalogue, with or without assume-role hops.
	// On an account larger than smallAccount it is filled in once the
	// analysis, started in the background by the first AdminStatus, has
	// finished: until then a mark may lack it (see EscalationDone).
	Escalation bool
}

// Admin reports whether the principal is, or can become, admin-equivalent.
func (a AdminStatus) Admin() bool { return a.Direct || a.Hops > 0 || a.Escalation }

// Mark is the short text a table cell shows: "admin", "via role",
// "via escalation" or "".
func (a AdminStatus) Mark() string {
	switch {
	case a.Direct:
		return "admin"
	case a.Hops > 0:
		return "via role"
	case a.Escalation:
		return "via escalation"
	}
	return ""
}

// adminReach memoises, for every node, the fewest hops to an
// admin-equivalent role: one breadth-first search backwards from all of
// them at once, so marking a 10,000-row list costs one search, not one per
// row.
type adminReach struct {
	once sync.Once
	dist []int32 // node ID → hops to the nearest admin role; 0 for admin roles themselves, -1 for none

	escOnce, startEsc sync.Once
	escMu             sync.Mutex
	esc               *Privesc // the escalation analysis, once run
}

// AdminStatus returns how n stands towards admin-equivalence (see
// AdminStatus).
func (g *Graph) AdminStatus(n *Node) AdminStatus {
	if n == nil {
		return AdminStatus{}
	}
	var st AdminStatus
	if n.Kind == KindUser || n.Kind == KindRole {
		st.Direct = g.IsAdmin(n)
	}
	if st.Direct || n.ID < 0 {
		return st
	}
	if d := distOf(g.adminDistances(), n); d > 0 {
		st.Hops = int(d)
		return st
	}
	if pv := g.escalationForStatus(); pv != nil && pv.Hops(n) > 0 {
		st.Escalation = true
	}
	return st
}

// smallAccount is the number of users and roles up to which AdminStatus
// waits for the escalation analysis (it takes milliseconds there); above
// it, the analysis runs in the background so that drawing a list never
// waits for it.
const smallAccount = 2000

func (g *Graph) escalationForStatus() *Privesc {
	r := &g.adminReach
	if len(g.actors) <= smallAccount {
		return g.Escalation()
	}
	r.startEsc.Do(func() { go g.Escalation() })
	return g.EscalationDone()
}

// Escalation returns the graph's escalation analysis, run once and shared
// by every answer that asks (admin marks, who-can, findings).
func (g *Graph) Escalation() *Privesc {
	r := &g.adminReach
	r.escOnce.Do(func() {
		pv := g.Privesc()
		r.escMu.Lock()
		r.esc = pv
		r.escMu.Unlock()
	})
	return g.EscalationDone()
}

// EscalationDone returns the escalation analysis when it has run, nil
// otherwise, without waiting.
func (g *Graph) EscalationDone() *Privesc {
	r := &g.adminReach
	r.escMu.Lock()
	defer r.escMu.Unlock()
	return r.esc
}

func (g *Graph) adminDistances() []int32 {
	r := &g.adminReach
	r.once.Do(func() {
		g.WarmAdmin(g.roles)
		var admins []*Node
		for _, role := range g.roles {
			if g.IsAdmin(role) {
				admins = append(admins, role)
			}
		}
		r.dist = g.distancesFrom(admins)
	})
	return r.dist
}

// distancesFrom is distances backwards from several targets at once: for
// every node, the fewest hops from it to the nearest target; -1 when it
// reaches none.
func (g *Graph) distancesFrom(targets []*Node) []int32 {
	dist := make([]int32, len(g.nodes))
	for i := range dist {
		dist[i] = -1
	}
	queue := make([]*Node, 0, len(targets))
	for _, t := range targets {
		if t.ID >= 0 && dist[t.ID] < 0 {
			dist[t.ID] = 0
			queue = append(queue, t)
		}
	}
	sc := g.newScanner()
	for qi := 0; qi < len(queue); qi++ {
		n := queue[qi]
		visit := func(m *Node) {
			if dist[m.ID] < 0 {
				dist[m.ID] = dist[n.ID] + 1
				queue = append(queue, m)
			}
		}
		for i := range n.assumedBy {
			visit(n.assumedBy[i].From)
		}
		sc.in(n, func(_ *delegOutcome, m *Node) { visit(m) })
	}
	return dist
}

// AdminPath is a shortest assume-role chain from n to an admin-equivalent
// role, for the Overview's "admin via role A → B" and its conditions
// (Path.Conditional, each hop's MissingContext). ok is false when n
// reaches none, or is admin itself.
func (g *Graph) AdminPath(n *Node) (Path, bool) {
	st := g.AdminStatus(n)
	if st.Hops == 0 {
		return Path{}, false
	}
	via := g.AdminVia(n)
	// AdminVia is nearest first: the roles at st.Hops, by ARN.
	for _, r := range via {
		paths := g.Chains(n, ChainOptions{To: r, MaxHops: st.Hops, MaxPaths: 1})
		if len(paths) > 0 {
			return paths[0], true
		}
	}
	return Path{}, false
}
