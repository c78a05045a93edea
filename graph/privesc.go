package graph

import (
	"slices"
	"sort"
	"sync"

	"github.com/iamx/iamx/model/escalation"
	"github.com/iamx/iamx/model/policy"
)

// Privesc is the escalation analysis of a graph: for every user and role,
// the fewest hops to admin-equivalent access through assume-role edges and
// the methods of the escalation catalogue, in any order. Build it once with
// Graph.Privesc; it is read-only afterwards, except for the memos of the
// escalator, which are guarded.
//
// The search runs backward from what is admin already: admin-equivalent
// principals (0 hops), principals that can grant themselves admin (1 hop,
// to themselves), and principals that can grant admin to a role they can
// assume and then use it. Each layer adds who can assume, or act as, a
// principal of the layer before: an act-as method is decided only on
// targets that lead to admin, never on every pair of principals.
//
// A principal is searched in two states: its session may carry MFA (or
// whether it does is unknown: MFA conditions stay conditional), or it
// cannot — a user without an MFA device, credentials minted for another
// user, code run by a service. An admin whose Deny guards on MFA is not
// admin in the second state, and edges that need MFA do not hold in it.
type Privesc struct {
	g *Graph
	x *escalator
	// universal[mi] are the holders of method mi whose policies treat every
	// resource alike for its calls; swept[mi][noMFA] is set once they have
	// been decided on a target that meets every prerequisite, which decides
	// them for every target.
	universal [][]*Node
	rest      [][]*Node
	swept     [][2]bool
	dist      []int32 // by state (2×node ID, +1 without MFA): hops to admin; -1 when out of reach
	next      []*Hop  // by state: the first hop of a shortest path (nil for admin)
	whole     [][]Hop // by state: a complete path, for grants made on a role reached later
	// callableMemo[mi] is callableIn's answer by state: 0 unknown, 1 yes, 2 no.
	callableMemo [][]uint8
	verdictNoMFA sync.Map // classEdge → noMFAVerdict (assumeOut)
}

func stateOf(n *Node, noMFA bool) int {
	if noMFA {
		return 2*n.ID + 1
	}
	return 2 * n.ID
}

// Privesc runs the analysis (see Privesc).
func (g *Graph) Privesc() *Privesc {
	x := newEscalator(g)
	ns := 2 * len(g.nodes)
	pv := &Privesc{g: g, x: x, dist: make([]int32, ns), next: make([]*Hop, ns), whole: make([][]Hop, ns)}
	for i := range pv.dist {
		pv.dist[i] = -1
	}
	g.WarmAdmin(g.actors)
	var buckets [][]int
	push := func(s int, d int32) {
		for int(d) >= len(buckets) {
			buckets = append(buckets, nil)
		}
		buckets[d] = append(buckets[d], s)
	}
	type seed struct {
		self  *Hop
		other []Hop
	}
	seeds := make([]seed, ns)
	grants := x.methodsBy(func(m *escalation.Method) bool { return m.Yields != escalation.ActAs })
	roleGrants := x.methodsBy(func(m *escalation.Method) bool {
		return m.Yields == escalation.Grant && m.Target != escalation.TargetUser
	})
	// Admins, grants on oneself, and grants on roles one can assume:
	// decided on every core.
	parallelFor(len(g.actors), func(i int) {
		n := g.actors[i]
		sensitive := x.mfaSensitive(n)
		for _, noMFA := range []bool{false, true} {
			s := stateOf(n, noMFA)
			if !noMFA && x.noMFA(n) {
				continue // a user without an MFA device is never in the MFA state
			}
			if g.IsAdmin(n) && (!noMFA || x.adminAfter(n, change{}, true)) {
				pv.dist[s] = 0
				continue
			}
			if noMFA && !sensitive && !x.noMFA(n) {
				// Nothing n holds reads MFA: the same hops, made without it.
				s0 := stateOf(n, false)
				if h := seeds[s0].self; h != nil {
					c := *h
					c.NoMFA, c.ToNoMFA = true, true
					seeds[s].self = &c
				}
				if o := seeds[s0].other; o != nil && !pathConditional(o) {
					c := slices.Clone(o)
					for k := range c {
						c[k].NoMFA, c[k].ToNoMFA = true, true
					}
					seeds[s].other = c
				} else if o != nil {
					seeds[s].other = pv.grantElsewhere(n, noMFA, roleGrants)
				}
				continue
			}
			for _, mi := range grants {
				if !x.holds(mi, n) {
					continue
				}
				if h, ok := x.grant(mi, n, n, noMFA); ok && (seeds[s].self == nil || seeds[s].self.Conditional && !h.Conditional) {
					seeds[s].self = &h
				}
			}
			if seeds[s].self == nil {
				seeds[s].other = pv.grantElsewhere(n, noMFA, roleGrants)
			}
		}
	})
	for s := range seeds {
		switch {
		case pv.dist[s] == 0:
			push(s, 0)
		case seeds[s].self != nil:
			pv.dist[s], pv.next[s] = 1, seeds[s].self
			push(s, 1)
		case seeds[s].other != nil:
			pv.dist[s], pv.whole[s] = int32(len(seeds[s].other)), seeds[s].other
			push(s, int32(len(seeds[s].other)))
		}
	}
	actAs := x.methodsBy(func(m *escalation.Method) bool { return m.Yields == escalation.ActAs && !m.Possible() })
	pv.universal, pv.rest, pv.swept = make([][]*Node, len(x.holders)), make([][]*Node, len(x.holders)), make([][2]bool, len(x.holders))
	pv.callableMemo = make([][]uint8, len(x.holders))
	for _, mi := range actAs {
		pv.callableMemo[mi] = make([]uint8, ns)
	}
	for _, mi := range actAs {
		m := &escalation.Methods()[mi]
		hs := x.holders[mi]
		uni, live := make([]bool, len(hs)), make([]bool, len(hs))
		kind := "user"
		if m.Target == escalation.TargetRole {
			kind = "role"
		}
		parallelFor(len(hs), func(i int) {
			// A holder whose policies refuse a call of the method
			// everywhere is never offered a target (callableIn decides
			// the rest when a target is offered).
			if live[i] = x.mayCallSomewhere(m, hs[i], true, false) || x.mayCallSomewhere(m, hs[i], false, false); !live[i] {
				return
			}
			// One account only: a uniform holder is uniform on its own
			// account's principals.
			uni[i] = m.ID != "iam:UpdateAssumeRolePolicy" && len(g.accounts) <= 1
			for _, p := range m.Permissions {
				uni[i] = uni[i] && (p.On == escalation.OnNew || x.uniform(hs[i], p.Action, kind))
			}
		})
		for i, h := range hs {
			switch {
			case !live[i]:
			case uni[i]:
				pv.universal[mi] = append(pv.universal[mi], h)
			default:
				pv.rest[mi] = append(pv.rest[mi], h)
			}
		}
	}
	for d := 0; d < len(buckets); d++ {
		// Holders settled in every state they can be in need no more
		// offers: a distance no greater than this layer's. A longer one,
		// such as a grant on a role reached later, can still shrink.
		settledBy := func(s int) bool { return pv.dist[s] >= 0 && pv.dist[s] <= int32(d)+1 }
		for _, mi := range actAs {
			pv.rest[mi] = slices.DeleteFunc(pv.rest[mi], func(h *Node) bool {
				return settledBy(stateOf(h, true)) && (x.noMFA(h) || settledBy(stateOf(h, false)))
			})
		}
		for _, s := range buckets[d] {
			if pv.dist[s] != int32(d) {
				continue
			}
			pv.relax(g.nodes[s/2], s%2 == 1, int32(d)+1, actAs, push)
		}
	}
	return pv
}

// relax offers every state with a hop into (t, noMFA) the distance d.
func (pv *Privesc) relax(t *Node, noMFA bool, d int32, actAs []int, push func(int, int32)) {
	better := func(h *Hop) {
		s := stateOf(h.From, h.NoMFA)
		switch cur := pv.dist[s]; {
		case cur < 0 || cur > d:
			pv.dist[s], pv.next[s], pv.whole[s] = d, h, nil
			push(s, d)
		case cur == d && pv.next[s] != nil && pv.next[s].Conditional && !h.Conditional:
			pv.next[s] = h
		}
	}
	settled := func(n *Node, noMFA bool) bool {
		cur := pv.dist[stateOf(n, noMFA)]
		return cur >= 0 && cur <= d
	}
	if t.Kind == KindRole {
		open := func(n *Node) bool { return (n.Kind == KindUser || n.Kind == KindRole) && !settled(n, noMFA) }
		for _, e := range pv.assumableBy(t, open) {
			// An earlier edge of this loop may have settled e.From.
			if settled(e.From, noMFA) {
				continue
			}
			if h, ok := pv.assumeHop(e, noMFA); ok {
				better(h)
			}
		}
	}
	for _, mi := range actAs {
		m := &escalation.Methods()[mi]
		if !fits(m.Target, t) {
			continue
		}
		// The session a method yields is without MFA, except a rewritten
		// trust, which keeps the caller's.
		from := []bool{false, true}
		if m.ID == "iam:UpdateAssumeRolePolicy" {
			from = []bool{noMFA}
		} else if !noMFA {
			continue
		}
		if !pv.x.targetMayMeet(m, t) {
			continue // no caller can: the target lacks a prerequisite
		}
		hs := pv.rest[mi]
		if !pv.swept[mi][b2i(noMFA)] && pv.x.targetMeets(m, t) {
			pv.swept[mi][b2i(noMFA)] = true
			hs = append(slices.Clip(hs), pv.universal[mi]...)
		}
		hops := make([]*Hop, 2*len(hs))
		each := parallelFor
		if len(hs) < serialHolders {
			each = serialFor
		}
		each(len(hs), func(i int) {
			h := hs[i]
			if h == t || !pv.callable(mi, h, from) || !pv.x.mayCallOn(m, h, t) {
				return
			}
			for j, fm := range from {
				if settled(h, fm) || !pv.callableIn(mi, h, fm) {
					continue
				}
				if hop, ok := pv.x.actAs(mi, h, t, fm); ok {
					hops[2*i+j] = &hop
				}
			}
		})
		for _, hop := range hops {
			if hop != nil {
				better(hop)
			}
		}
	}
}

// serialHolders is the number of holders below which relax decides them on
// its own goroutine: starting workers costs more than a few decisions.
const serialHolders = 32

func serialFor(n int, f func(i int)) {
	for i := range n {
		f(i)
	}
}

// callable reports whether h may make method mi's calls on some target in
// one of the states of from (see callableIn).
func (pv *Privesc) callable(mi int, h *Node, from []bool) bool {
	for _, fm := range from {
		if pv.callableIn(mi, h, fm) {
			return true
		}
	}
	return false
}

// callableIn reports whether h, in the state noMFA, may make the calls of
// act-as method mi on some target: the state exists (a user without an MFA
// device is never in the MFA state), its calls on a new resource, which do
// not depend on the target, are allowed (decided as permit decides them),
// and its policies do not refuse a call on the target everywhere. Worked
// out once per holder and state; a holder it rules out is never offered a
// target. Each holder is decided by one worker of relax's loop at a time.
func (pv *Privesc) callableIn(mi int, h *Node, noMFA bool) bool {
	memo := pv.callableMemo[mi]
	if memo == nil {
		memo = make([]uint8, len(pv.dist))
		pv.callableMemo[mi] = memo
	}
	s := stateOf(h, noMFA)
	if memo[s] == 0 {
		memo[s] = 2
		if pv.x.mayCallSomewhere(&escalation.Methods()[mi], h, noMFA, true) {
			memo[s] = 1
		}
	}
	return memo[s] == 1
}

// assumableBy is AssumableBy(role) restricted to the principals keep
// accepts, in the same order: delegated edges are materialised only for
// them, not for every principal the role's trust delegates to.
func (pv *Privesc) assumableBy(role *Node, keep func(*Node) bool) []Edge {
	var out []Edge
	for _, e := range role.assumedBy {
		if keep(e.From) {
			out = append(out, e)
		}
	}
	delegated := false
	pv.g.delegatedInPairs(role, func(m *Node, d *delegRole, o *delegOutcome) bool {
		delegated = true
		if keep(m) {
			out = append(out, pv.g.edgeFor(m, d, o))
		}
		return true
	})
	if delegated { // sorted exactly when AssumableBy sorts
		slices.SortStableFunc(out, func(a, b Edge) int { return edgeOrder(a.From, b.From, a.Kind, b.Kind) })
	}
	return out
}

// edgeOrder is edgeLess as a comparison, for the generic stable sort.
func edgeOrder(a, b *Node, ka, kb string) int {
	switch {
	case edgeLess(a, b, ka, kb):
		return -1
	case edgeLess(b, a, kb, ka):
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// assumeHop turns a can-assume edge into a hop made with or without MFA.
// Without it, an edge that needs MFA is re-decided with MFA absent.
func (pv *Privesc) assumeHop(e Edge, noMFA bool) (*Hop, bool) {
	if e.Conditional && noMFA {
		ne, ok := pv.g.EdgeUnder(e, policy.Context{"aws:multifactorauthpresent": {"false"}})
		if !ok {
			return nil, false
		}
		e = ne
	}
	return &Hop{From: e.From, To: e.To, Kind: e.Kind, Edge: &e, Actions: []string{e.Action()},
		Conditional: e.Conditional, MissingContext: e.MissingContext, Conditions: e.Conditions, Unless: e.Unless,
		NoMFA: noMFA, ToNoMFA: noMFA}, true
}

// grantElsewhere finds a way for n to grant admin to a role it can assume
// and then use it (the catalogues' "AttachRolePolicy + sts:AssumeRole"): an
// assume-role edge into the role, then the grant, made by n. Roles further
// down a chain are reached through the principals in between, which need
// the grant permission themselves.
func (pv *Privesc) grantElsewhere(n *Node, noMFA bool, grants []int) []Hop {
	var held []int
	for _, mi := range grants {
		if pv.x.holds(mi, n) {
			held = append(held, mi)
		}
	}
	if len(held) == 0 {
		return nil
	}
	var best []Hop
	for _, o := range pv.assumesOf(n) {
		t := o.to
		if t == n || t.Kind != KindRole {
			continue
		}
		if best != nil && !pv.mayImprove(&o, noMFA) {
			continue // a conditional hop cannot improve on a conditional best
		}
		for _, mi := range held {
			h, ok := pv.x.grant(mi, n, t, noMFA)
			if !ok {
				continue
			}
			if best != nil && h.Conditional {
				break // cannot improve on best
			}
			if ah, ok := pv.assumeOut(&o, noMFA); ok && (best == nil || pathConditional(best) && !ah.Conditional && !h.Conditional) {
				best = []Hop{*ah, h}
			}
			break
		}
		if best != nil && !pathConditional(best) {
			break
		}
	}
	return best
}

// outEdge is a can-assume edge out of a principal not yet materialised:
// an explicit edge, or a delegated one (role and class outcome).
type outEdge struct {
	from, to *Node
	kind     string
	explicit *Edge
	d        *delegRole
	o        *delegOutcome
}

// conditional is the edge's verdict, read without materialising it.
func (o *outEdge) conditional() bool {
	if o.explicit != nil {
		return o.explicit.Conditional
	}
	return o.o.conditional
}

func (o *outEdge) edge(g *Graph) Edge {
	if o.explicit != nil {
		return *o.explicit
	}
	return g.edgeFor(o.from, o.d, o.o)
}

// assumeOut is assumeHop on an out edge. Without MFA, a delegated edge
// that needs more context is decided again, and the verdict (refused,
// conditional, or not) is the same for every member of the edge's principal
// class: its members are those the evaluator cannot tell apart for the
// role, and the MFA keys added are request keys, the same for all. The
// verdict is remembered per role and class (see delegation.go): a refusal
// is not decided again, and verdictNoMFA tells grantElsewhere which edges
// cannot improve on a path it has.
func (pv *Privesc) assumeOut(o *outEdge, noMFA bool) (*Hop, bool) {
	if !noMFA || o.explicit != nil || !o.o.conditional {
		return pv.assumeHop(o.edge(pv.g), noMFA)
	}
	k := classEdge{o.to, o.o}
	if v, _ := pv.verdictNoMFA.Load(k); v == verdictRefused {
		return nil, false
	}
	h, ok := pv.assumeHop(o.edge(pv.g), noMFA)
	switch {
	case !ok:
		pv.verdictNoMFA.Store(k, verdictRefused)
	case h.Conditional:
		pv.verdictNoMFA.Store(k, verdictConditional)
	default:
		pv.verdictNoMFA.Store(k, verdictHolds)
	}
	return h, ok
}

// noMFAVerdict is a remembered decision of a delegated edge without MFA.
type noMFAVerdict uint8

const (
	verdictRefused noMFAVerdict = iota + 1
	verdictConditional
	verdictHolds
)

// mayImprove reports whether the hop over o can be unconditional, as far as
// is known without deciding it: with MFA possible the hop keeps the edge's
// verdict; without, a delegated edge's class may have a verdict already.
func (pv *Privesc) mayImprove(o *outEdge, noMFA bool) bool {
	if !o.conditional() {
		return true
	}
	if !noMFA || o.explicit != nil {
		return noMFA
	}
	v, known := pv.verdictNoMFA.Load(classEdge{o.to, o.o})
	return !known || v == verdictHolds
}

type classEdge struct {
	role    *Node
	outcome *delegOutcome
}

// assumesOf is Assumes(n) in the same order, each edge materialised only
// when asked for.
func (pv *Privesc) assumesOf(n *Node) []outEdge {
	out := make([]outEdge, 0, len(n.assumes))
	for i := range n.assumes {
		e := &n.assumes[i]
		out = append(out, outEdge{from: n, to: e.To, kind: e.Kind, explicit: e})
	}
	delegated := false
	pv.g.delegatedOutPairs(n, func(d *delegRole, o *delegOutcome) bool {
		delegated = true
		out = append(out, outEdge{from: n, to: d.role, kind: EdgeAssumeRole, d: d, o: o})
		return true
	})
	if delegated { // sorted exactly when Assumes sorts
		slices.SortStableFunc(out, func(a, b outEdge) int { return edgeOrder(a.to, b.to, a.kind, b.kind) })
	}
	return out
}

// holds reports whether n's policies may allow every call of method mi.
func (x *escalator) holds(mi int, n *Node) bool {
	_, ok := slices.BinarySearchFunc(x.holders[mi], n, func(a, b *Node) int { return a.ID - b.ID })
	return ok
}

// methodsBy returns the catalogue indices of the methods f accepts.
func (x *escalator) methodsBy(f func(*escalation.Method) bool) []int {
	var out []int
	for i := range escalation.Methods() {
		if f(&escalation.Methods()[i]) {
			out = append(out, i)
		}
	}
	return out
}

// start is the state n's own credentials are in.
func (pv *Privesc) start(n *Node) int { return stateOf(n, pv.x.noMFA(n)) }

func (pv *Privesc) known(n *Node) bool { return n != nil && n.ID >= 0 && 2*n.ID < len(pv.dist) }

// Admin reports whether n, with its own credentials, is admin-equivalent.
func (pv *Privesc) Admin(n *Node) bool { return pv.known(n) && pv.dist[pv.start(n)] == 0 }

// Hops returns the fewest hops from n (its own credentials) to
// admin-equivalent access: 0 for admin, -1 when out of reach.
func (pv *Privesc) Hops(n *Node) int {
	if !pv.known(n) {
		return -1
	}
	return int(pv.dist[pv.start(n)])
}

// Shortest returns a shortest path from n to admin, or nil when n is admin
// or cannot reach it.
func (pv *Privesc) Shortest(n *Node) []Hop {
	if !pv.known(n) {
		return nil
	}
	return pv.shortestFrom(pv.start(n))
}

func (pv *Privesc) shortestFrom(s int) []Hop {
	var out []Hop
	for steps := 0; pv.dist[s] > 0 && steps < len(pv.dist); steps++ {
		if w := pv.whole[s]; w != nil {
			return append(out, w...)
		}
		h := pv.next[s]
		out = append(out, *h)
		if h.Admin {
			break
		}
		s = stateOf(h.To, h.ToNoMFA)
	}
	return out
}

// Reachable returns every user and role that is not admin-equivalent but
// can reach it, most direct first (fewest hops, then unconditional, then
// by name).
func (pv *Privesc) Reachable() []*Node {
	var out []*Node
	for _, n := range pv.g.actors {
		if pv.Hops(n) > 0 {
			out = append(out, n)
		}
	}
	cond := make(map[*Node]bool, len(out))
	for _, n := range out {
		cond[n] = pathConditional(pv.Shortest(n))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if da, db := pv.Hops(a), pv.Hops(b); da != db {
			return da < db
		}
		if cond[a] != cond[b] {
			return !cond[a]
		}
		return edgeLess(a, b, "", "")
	})
	return out
}

func pathConditional(p []Hop) bool {
	for i := range p {
		if p[i].Conditional {
			return true
		}
	}
	return false
}

// DefaultPrivescPaths bounds the paths Paths returns.
const DefaultPrivescPaths = 20

// Paths returns n's paths to admin: shortest first, simple (no principal
// twice), at most max of them, each at most two hops longer than the
// shortest. Unconditional paths come before conditional ones of the same
// length.
func (pv *Privesc) Paths(n *Node, max int) [][]Hop {
	d := pv.Hops(n)
	if d <= 0 {
		return nil
	}
	if max <= 0 {
		max = DefaultPrivescPaths
	}
	limit := d + 2
	s0 := pv.start(n)
	var out [][]Hop
	if w := pv.whole[s0]; w != nil {
		out = append(out, w)
	}
	type partial struct {
		state int
		hops  []Hop
	}
	queue := []partial{{state: s0}}
	// maxPathExpansions bounds the partial paths extended, so a dense
	// account cannot make one principal's path listing run away.
	const maxPathExpansions = 1 << 20
	actAs := pv.x.methodsBy(func(m *escalation.Method) bool { return m.Yields == escalation.ActAs && !m.Possible() })
	for qi := 0; qi < len(queue) && qi < maxPathExpansions && len(out) < 4*max; qi++ {
		p := queue[qi]
		at := pv.g.nodes[p.state/2]
		on := func(m *Node) bool {
			for _, h := range p.hops {
				if h.From == m {
					return true
				}
			}
			return m == at
		}
		for _, h := range pv.out(at, p.state%2 == 1, actAs) {
			t := stateOf(h.To, h.ToNoMFA)
			switch {
			case h.Admin:
				out = append(out, append(slices.Clip(p.hops), h))
				continue
			case on(h.To) || pv.dist[t] < 0 || len(p.hops)+1+int(pv.dist[t]) > limit:
				continue
			}
			hops := append(slices.Clip(p.hops), h)
			if pv.dist[t] == 0 {
				out = append(out, hops)
				continue
			}
			if w := pv.whole[t]; w != nil && len(hops)+len(w) <= limit {
				out = append(out, append(slices.Clip(hops), w...))
			}
			queue = append(queue, partial{state: t, hops: hops})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) < len(out[j])
		}
		return !pathConditional(out[i]) && pathConditional(out[j])
	})
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// out returns the hops out of (n, noMFA) that can lead to admin: its
// self-grant, assume-role edges and act-as methods into principals that
// reach admin.
func (pv *Privesc) out(n *Node, noMFA bool, actAs []int) []Hop {
	var out []Hop
	if h := pv.next[stateOf(n, noMFA)]; h != nil && h.Admin {
		out = append(out, *h)
	}
	for _, e := range pv.g.Assumes(n) {
		if e.To.ID < 0 || e.To.Kind != KindRole || pv.dist[stateOf(e.To, noMFA)] < 0 {
			continue
		}
		if h, ok := pv.assumeHop(e, noMFA); ok {
			out = append(out, *h)
		}
	}
	for _, mi := range actAs {
		if !pv.x.holds(mi, n) {
			continue
		}
		for _, t := range pv.g.actors {
			if t == n || pv.dist[stateOf(t, true)] < 0 && pv.dist[stateOf(t, noMFA)] < 0 {
				continue
			}
			if h, ok := pv.x.actAs(mi, n, t, noMFA); ok && pv.dist[stateOf(t, h.ToNoMFA)] >= 0 {
				out = append(out, h)
			}
		}
	}
	return out
}

// Possible is a path that needs a resource the snapshot cannot see.
type Possible struct {
	Assumption string
	Path       []Hop
}

// Possible returns n's possible paths to admin: a method on a resource the
// snapshot cannot see (an existing function, instance, stack …) into a role,
// then that role's shortest path. They never count as reachable.
func (pv *Privesc) Possible(n *Node) []Possible {
	if !pv.known(n) || pv.Hops(n) == 0 {
		return nil
	}
	noMFA := pv.x.noMFA(n)
	var out []Possible
	for _, mi := range pv.x.methodsBy((*escalation.Method).Possible) {
		if !pv.x.holds(mi, n) {
			continue
		}
		for _, t := range pv.g.roles {
			if t.ID < 0 || pv.dist[stateOf(t, true)] < 0 {
				continue
			}
			if h, ok := pv.x.actAs(mi, n, t, noMFA); ok {
				out = append(out, Possible{Assumption: h.Assumption, Path: append([]Hop{h}, pv.shortestFrom(stateOf(t, true))...)})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Path) < len(out[j].Path) })
	return out
}

// Explain fills a hop's Conditions: the conditions of the statements that
// allow its calls, or could with more context (as on can-assume edges).
func (pv *Privesc) Explain(h *Hop) {
	if h.Edge != nil || len(h.calls) == 0 {
		return
	}
	var conds, unless []policy.Condition
	for _, c := range h.calls {
		tr := pv.x.decide(c, true)
		cs, us, _ := edgeConditions(tr, dropExternalSide(tr.Reasons))
		for _, k := range cs {
			conds = appendCondition(conds, k)
		}
		for _, k := range us {
			unless = appendCondition(unless, k)
		}
	}
	h.Conditions, h.Unless = conds, unless
}
