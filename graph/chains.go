package graph

import (
	"context"

	"github.com/iamx/iamx/model/policy"
)

// Path is an assume-role chain: each hop's To is the next hop's From.
type Path struct {
	Hops []Edge
}

// From returns the principal the path starts at.
func (p Path) From() *Node {
	if len(p.Hops) == 0 {
		return nil
	}
	return p.Hops[0].From
}

// To returns the role the path ends at.
func (p Path) To() *Node {
	if len(p.Hops) == 0 {
		return nil
	}
	return p.Hops[len(p.Hops)-1].To
}

// Conditional reports whether any hop holds only with more context.
func (p Path) Conditional() bool {
	for i := range p.Hops {
		if p.Hops[i].Conditional {
			return true
		}
	}
	return false
}

// Bounds of a chain search. The number of simple paths grows as the fan-out
// to the power of the hops (2,000 roles that trust each other have 8·10^9
// paths of 3 hops), so a search is bounded by the work it does, not only by
// the paths it keeps: every edge it looks at counts, and a search that has
// looked at MaxWork edges stops and says so. What it returns is still
// shortest first: every path of up to ChainResult.CompleteHops hops, then
// some of the next length.
const (
	DefaultMaxHops  = 5
	MaxHopsLimit    = 20 // the longest --max-hops accepted; work, not hops, bounds a dense search
	DefaultMaxPaths = 5000
	MaxPathsLimit   = 10000 // paths are kept in memory and printed (10,000 are ~25 MB of JSON): more is no answer to read
	// DefaultMaxWork is the edges a search may look at (a few hundred
	// milliseconds of work).
	DefaultMaxWork = 1 << 22
	// decideCost is what re-deciding a conditional edge under the caller's
	// context counts for, in edges: an evaluation costs about as much as
	// looking at that many edges.
	decideCost = 64
	// cancelEvery is how often, in edges, a search polls ChainOptions.Cancel.
	cancelEvery = 1 << 10
)

// Reasons a search stopped before listing every path.
const (
	TruncatedMaxPaths = "max-paths" // it found MaxPaths paths, and there are more
	TruncatedWork     = "work"      // it looked at MaxWork edges
	TruncatedCanceled = "canceled"  // ChainOptions.Cancel was closed
)

// ChainOptions bound a chain search.
type ChainOptions struct {
	MaxHops  int   // longest path, in hops; 0 means DefaultMaxHops (at most MaxHopsLimit)
	To       *Node // forward search: keep only paths ending at this role
	MaxPaths int   // stop after this many paths; 0 means DefaultMaxPaths (at most MaxPathsLimit)
	MaxWork  int   // stop after looking at this many edges; 0 means DefaultMaxWork
	// Context, when set, re-decides conditional edges under these keys
	// (see EdgeUnder): "what can GitHub Actions of repo acme/app reach?" is
	// a chain search from the provider with
	// token.actions.githubusercontent.com:sub set. Edges it rules out are
	// not followed.
	Context policy.Context
	// Cancel, when closed, stops the search (the explorer's esc); it is
	// polled every few thousand edges.
	Cancel <-chan struct{}
}

func (o ChainOptions) withDefaults() ChainOptions {
	if o.MaxHops <= 0 {
		o.MaxHops = DefaultMaxHops
	}
	o.MaxHops = min(o.MaxHops, MaxHopsLimit)
	if o.MaxPaths <= 0 {
		o.MaxPaths = DefaultMaxPaths
	}
	o.MaxPaths = min(o.MaxPaths, MaxPathsLimit)
	if o.MaxWork <= 0 {
		o.MaxWork = DefaultMaxWork
	}
	return o
}

// Chains returns the assume-role paths from a principal: shortest first,
// then every simple path (no role twice) up to MaxHops, so cycles end
// naturally. With To, only paths ending at that role. Within one length,
// paths follow the order of edges (explicit, then delegated). The search
// stops at MaxPaths or MaxWork; ChainsResult says whether it did.
func (g *Graph) Chains(from *Node, opts ChainOptions) []Path {
	return g.ChainsResult(from, opts).Paths
}

// ChainsTo returns the paths that end at a role, from any principal: who can
// get here, and how. Shortest first; opts.To is ignored.
func (g *Graph) ChainsTo(to *Node, opts ChainOptions) []Path {
	return g.ChainsToResult(to, opts).Paths
}

// ChainResult is the outcome of a chain search.
type ChainResult struct {
	Paths     []Path
	Truncated bool   // the search stopped before listing every path
	Reason    string // why: TruncatedMaxPaths, TruncatedWork or TruncatedCanceled; "" when complete
	// CompleteHops is the length up to which Paths holds every path: MaxHops
	// when the search was not truncated.
	CompleteHops int
	Work         int // edges looked at
}

// ChainsResult is Chains with the truncation flag.
func (g *Graph) ChainsResult(from *Node, opts ChainOptions) ChainResult {
	opts = opts.withDefaults()
	if from == nil {
		return ChainResult{}
	}
	s := g.newChainSearch(from, opts, false)
	if opts.To != nil {
		if opts.To.ID < 0 {
			return ChainResult{CompleteHops: opts.MaxHops}
		}
		// Distances to the target prune partial paths that cannot reach it
		// within the hop budget; its in-edges, by predecessor, make the last
		// hop a lookup instead of a scan of every edge out of the node.
		s.distTo = g.distances(opts.To, false)
		s.into = map[*Node][]arc{}
		s.arcs(opts.To, true, func(a arc) bool {
			s.into[a.next] = append(s.into[a.next], arc{next: opts.To, edge: a.edge, m: a.m, d: a.d, out: a.out})
			return true
		})
		if from.ID < 0 {
			// A transient start's edges are its own (outside.go): the
			// target's in-edges do not list them.
			for i := range from.assumes {
				if from.assumes[i].To == opts.To {
					s.into[from] = append(s.into[from], arc{next: opts.To, edge: &from.assumes[i]})
				}
			}
		}
	}
	return s.run()
}

// ChainsToResult is ChainsTo with the truncation flag.
func (g *Graph) ChainsToResult(to *Node, opts ChainOptions) ChainResult {
	opts = opts.withDefaults()
	if to == nil {
		return ChainResult{}
	}
	opts.To = nil
	return g.newChainSearch(to, opts, true).run()
}

// arc is an edge as the search sees it: the node it leads to, and either a
// stored edge or the delegated pair that edgeFor materialises when a path
// through it is kept.
type arc struct {
	next *Node
	edge *Edge         // a stored (explicit) edge; nil when delegated
	m    *Node         // delegated: the member that assumes d.role
	d    *delegRole    // delegated: the role
	out  *delegOutcome // delegated: the class's decided edge
}

// pairKey names a delegated edge: member → role.
type pairKey struct{ from, to *Node }

// hop is one arc of the partial path, with its edge once decided.
type hop struct {
	a arc
	e *Edge // nil until the path is kept (or the arc re-decided under context)
}

// chainSearch enumerates simple paths by iterative deepening: a depth-first
// pass per length, 1 hop, then 2, … Each pass lists the paths of exactly
// that length in the order breadth-first search would, while holding only
// the current path; paths of every shorter length are complete before a
// longer one starts, so stopping anywhere keeps the shortest.
type chainSearch struct {
	g       *Graph
	opts    ChainOptions
	reverse bool
	start   *Node
	distTo  []int32         // forward with To: hops from each node to To
	into    map[*Node][]arc // forward with To: To's in-edges by predecessor
	// Decisions under opts.Context (nil: ruled out), and delegated edges
	// already materialised.
	underExplicit map[*Edge]*Edge
	under         map[pairKey]*Edge
	shown         map[pairKey]*Edge
	path          []hop
	buf           [][]arc // per depth: the arcs out of the node there, reused
	res           ChainResult
	done          bool
	longer        bool // this pass met a partial path that a longer pass may extend
	poll          int  // work at which to poll Cancel next
}

func (g *Graph) newChainSearch(start *Node, opts ChainOptions, reverse bool) *chainSearch {
	return &chainSearch{g: g, opts: opts, reverse: reverse, start: start, poll: cancelEvery,
		underExplicit: map[*Edge]*Edge{}, under: map[pairKey]*Edge{}, shown: map[pairKey]*Edge{}}
}

func (s *chainSearch) run() ChainResult {
	if s.distTo != nil && s.startDist() < 0 {
		s.res.CompleteHops = s.opts.MaxHops // the target is out of reach
		return s.res
	}
	for length := 1; length <= s.opts.MaxHops; length++ {
		s.longer = false
		s.extend(s.start, 0, length)
		if s.done {
			break
		}
		s.res.CompleteHops = length
		if !s.longer {
			s.res.CompleteHops = s.opts.MaxHops
			break
		}
	}
	return s.res
}

// charge counts work and reports whether the search must stop.
func (s *chainSearch) charge(n int) bool {
	s.res.Work += n
	if s.res.Work > s.opts.MaxWork {
		s.stop(TruncatedWork)
	} else if s.opts.Cancel != nil && s.res.Work >= s.poll {
		s.poll = s.res.Work + cancelEvery
		select {
		case <-s.opts.Cancel:
			s.stop(TruncatedCanceled)
		default:
		}
	}
	return s.done
}

func (s *chainSearch) stop(reason string) {
	s.done, s.res.Truncated, s.res.Reason = true, true, reason
}

// arcs calls f for the edges out of n (into n when in), explicit then
// delegated; f returns false to stop.
func (s *chainSearch) arcs(n *Node, in bool, f func(arc) bool) {
	g := s.g
	if in {
		for i := range n.assumedBy {
			if !f(arc{next: n.assumedBy[i].From, edge: &n.assumedBy[i]}) {
				return
			}
		}
		g.delegatedInPairs(n, func(m *Node, d *delegRole, o *delegOutcome) bool {
			return f(arc{next: m, m: m, d: d, out: o})
		})
		return
	}
	for i := range n.assumes {
		if !f(arc{next: n.assumes[i].To, edge: &n.assumes[i]}) {
			return
		}
	}
	g.delegatedOutPairs(n, func(d *delegRole, o *delegOutcome) bool {
		return f(arc{next: d.role, m: n, d: d, out: o})
	})
}

// extend walks the partial paths from n (at depth) that can end at the
// pass's length, and records those that do.
func (s *chainSearch) extend(n *Node, depth, length int) {
	last := depth+1 == length
	if last && s.into != nil {
		// The last hop must land on the target: look its in-edges up.
		s.longer = true
		arcs := s.into[n]
		if s.charge(1 + len(arcs)) {
			return
		}
		for _, a := range arcs {
			s.step(a, depth, length)
			if s.done {
				return
			}
		}
		return
	}
	for len(s.buf) <= depth {
		s.buf = append(s.buf, nil)
	}
	arcs := s.buf[depth][:0]
	s.arcs(n, s.reverse, func(a arc) bool { arcs = append(arcs, a); return true })
	s.buf[depth] = arcs
	if s.charge(1 + len(arcs)) {
		return
	}
	for _, a := range arcs {
		if s.distTo != nil {
			if a.next == s.opts.To {
				continue // a shorter path, listed by an earlier pass
			}
			d := distOf(s.distTo, a.next)
			if d < 0 {
				continue
			}
			if depth+1+int(d) > length {
				s.longer = true
				continue
			}
		}
		s.step(a, depth, length)
		if s.done {
			return
		}
	}
}

// step takes arc a from depth: records the path when it reaches the pass's
// length, or extends it.
func (s *chainSearch) step(a arc, depth, length int) {
	if s.onPath(a.next) {
		return
	}
	e, ok := s.decide(a)
	if !ok || s.done {
		return
	}
	s.path = append(s.path, hop{a: a, e: e})
	if depth+1 == length {
		if s.into == nil {
			s.longer = true
		}
		s.record()
	} else {
		s.extend(a.next, depth+1, length)
	}
	s.path = s.path[:len(s.path)-1]
}

// onPath reports whether n is already on the partial path.
func (s *chainSearch) onPath(n *Node) bool {
	if n == s.start {
		return true
	}
	for i := range s.path {
		if s.path[i].a.next == n {
			return true
		}
	}
	return false
}

// decide re-decides a conditional arc under the search's context: ok is
// false when the context rules it out. e is the decided edge, or nil when
// the arc stands as it is. Each edge is decided once per search.
func (s *chainSearch) decide(a arc) (e *Edge, ok bool) {
	if len(s.opts.Context) == 0 {
		return a.edge, true
	}
	switch {
	case a.edge != nil && !a.edge.Conditional:
		return a.edge, true
	case a.edge == nil && !a.out.conditional:
		return nil, true
	}
	var d *Edge
	var seen bool
	if a.edge != nil {
		d, seen = s.underExplicit[a.edge]
	} else {
		d, seen = s.under[pairKey{a.m, a.d.role}]
	}
	if seen {
		return d, d != nil
	}
	if s.charge(decideCost) {
		return nil, false
	}
	if ne, ok := s.g.EdgeUnder(*s.edgeOf(a), s.opts.Context); ok {
		d = &ne
	}
	if a.edge != nil {
		s.underExplicit[a.edge] = d
	} else {
		s.under[pairKey{a.m, a.d.role}] = d
	}
	return d, d != nil
}

// edgeOf returns the arc's edge, materialising a delegated one once.
func (s *chainSearch) edgeOf(a arc) *Edge {
	if a.edge != nil {
		return a.edge
	}
	k := pairKey{a.m, a.d.role}
	if e := s.shown[k]; e != nil {
		return e
	}
	e := s.g.edgeFor(a.m, a.d, a.out)
	s.shown[k] = &e
	return &e
}

// record keeps the current path, unless MaxPaths are kept already.
func (s *chainSearch) record() {
	if len(s.res.Paths) >= s.opts.MaxPaths {
		s.stop(TruncatedMaxPaths)
		return
	}
	hops := make([]Edge, len(s.path))
	for i := range s.path {
		e := s.path[i].e
		if e == nil {
			e = s.edgeOf(s.path[i].a)
		}
		k := i
		if s.reverse {
			// Walking backward from the target met the hops target-first.
			k = len(hops) - 1 - i
		}
		hops[k] = *e
	}
	s.res.Paths = append(s.res.Paths, Path{Hops: hops})
}

// distances returns, for every node, the fewest hops from it to target
// (forward=false) or from target to it (forward=true); -1 when unreachable.
func (g *Graph) distances(target *Node, forward bool) []int32 {
	dist := make([]int32, len(g.nodes))
	for i := range dist {
		dist[i] = -1
	}
	dist[target.ID] = 0
	queue := []*Node{target}
	visit := func(from, m *Node) {
		if dist[m.ID] < 0 {
			dist[m.ID] = dist[from.ID] + 1
			queue = append(queue, m)
		}
	}
	sc := g.newScanner()
	for qi := 0; qi < len(queue); qi++ {
		n := queue[qi]
		if forward {
			for i := range n.assumes {
				visit(n, n.assumes[i].To)
			}
			sc.out(n, func(_ *delegOutcome, d *delegRole) { visit(n, d.role) })
		} else {
			for i := range n.assumedBy {
				visit(n, n.assumedBy[i].From)
			}
			sc.in(n, func(_ *delegOutcome, m *Node) { visit(n, m) })
		}
	}
	return dist
}

// startDist is the hops from the search's start to the target. A transient
// start (an outside principal from Resolve) is in no distance table: it is one
// hop more than the nearest role its own edges reach.
func (s *chainSearch) startDist() int32 {
	if s.start.ID >= 0 {
		return distOf(s.distTo, s.start)
	}
	best := int32(-1)
	for i := range s.start.assumes {
		if d := distOf(s.distTo, s.start.assumes[i].To); d >= 0 && (best < 0 || d+1 < best) {
			best = d + 1
		}
	}
	return best
}

func distOf(dist []int32, n *Node) int32 {
	if n.ID < 0 || n.ID >= len(dist) {
		return -1
	}
	return dist[n.ID]
}

// Reachable returns every role n can reach through assume-role chains of
// any length, with the fewest hops to each, breadth-first and cycle-safe.
func (g *Graph) Reachable(n *Node) map[*Node]int {
	out := map[*Node]int{}
	if n == nil {
		return out
	}
	if n.ID < 0 {
		// A transient node from Resolve: its own edges (outside.go), then
		// the graph's from each role they reach.
		for i := range n.assumes {
			for r, d := range g.Reachable(n.assumes[i].To) {
				if have, ok := out[r]; !ok || d+1 < have {
					out[r] = d + 1
				}
			}
			if have, ok := out[n.assumes[i].To]; !ok || have > 1 {
				out[n.assumes[i].To] = 1
			}
		}
		return out
	}
	for id, d := range g.distances(n, true) {
		if d > 0 {
			out[g.nodes[id]] = int(d)
		}
	}
	return out
}

// scanner walks delegated edges in a breadth-first search without visiting
// a role class twice: once every principal with an edge into its roles (or
// every one of its roles) has been offered, later scans skip it. A scan that
// skipped someone for reasons of one role only (named by it) does not count;
// skipping the role itself does, as the search has reached it already.
type scanner struct {
	g       *Graph
	doneIn  []bool // by role class: every member offered
	doneOut []bool // by role class: every role offered
}

func (g *Graph) newScanner() *scanner {
	return &scanner{g: g, doneIn: make([]bool, len(g.deleg.equivs)), doneOut: make([]bool, len(g.deleg.equivs))}
}

// in offers the principals that may assume role r by delegation.
func (s *scanner) in(r *Node, f func(*delegOutcome, *Node)) {
	dl := &s.g.deleg
	d := dl.byRole[r]
	if d == nil {
		return
	}
	if s.doneIn[d.equiv] {
		return
	}
	complete := true
	e := dl.equivs[d.equiv]
	s.g.decideAll(s.g.classesOfUnfound(e, nil, nil)) // all at once, on every core
	for ai, ci := range dl.members(e) {
		if m := s.g.actors[ai]; d.admits(m) {
			if out := s.g.outcome(dl.classes[ci]); out != nil {
				f(out, m)
			}
		} else if m != r {
			complete = false
		}
	}
	s.doneIn[d.equiv] = complete
}

// out offers the roles p may assume by delegation. Skipping p's own role
// leaves a class complete: p has been reached already.
func (s *scanner) out(p *Node, f func(*delegOutcome, *delegRole)) {
	dl := &s.g.deleg
	if p.ID < 0 || p.ID >= len(dl.ordinal) || dl.ordinal[p.ID] < 0 {
		return
	}
	o := dl.ordinal[p.ID]
	for _, ei := range dl.equivsOf[dl.acct[o]] {
		e := dl.equivs[ei]
		if s.doneOut[ei] {
			continue
		}
		ci := dl.classOf(e, o)
		if ci < 0 {
			continue
		}
		out := s.g.outcome(dl.classes[ci])
		if out == nil {
			continue
		}
		complete := true
		for _, d := range e.roles {
			if d.admits(p) {
				f(out, d)
			} else if d.role != p {
				complete = false
			}
		}
		s.doneOut[ei] = complete
	}
}

// stopFunc returns a cheap check of whether ctx is done, for hot loops: a
// non-blocking receive (always false for a context that cannot be canceled).
func stopFunc(ctx context.Context) func() bool {
	done := ctx.Done()
	return func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}
