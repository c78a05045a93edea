package graph

import "github.com/iamx/iamx/model/policy"

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

// Default bounds of a chain search.
const (
	DefaultMaxHops  = 5
	DefaultMaxPaths = 5000
	// maxExpansions bounds the partial paths a search may extend, so a
	// dense account cannot make one query run away even when few paths
	// reach the target.
	maxExpansions = 1 << 20
)

// ChainOptions bound a chain search.
type ChainOptions struct {
	MaxHops  int   // longest path, in hops; 0 means DefaultMaxHops
	To       *Node // forward search: keep only paths ending at this role
	MaxPaths int   // stop after this many paths; 0 means DefaultMaxPaths
	// Context, when set, re-decides conditional edges under these keys
	// (see EdgeUnder): "what can GitHub Actions of repo acme/app reach?" is
	// a chain search from the provider with
	// token.actions.githubusercontent.com:sub set. Edges it rules out are
	// not followed.
	Context policy.Context
}

func (o ChainOptions) withDefaults() ChainOptions {
	if o.MaxHops <= 0 {
		o.MaxHops = DefaultMaxHops
	}
	if o.MaxPaths <= 0 {
		o.MaxPaths = DefaultMaxPaths
	}
	return o
}

// Chains returns the assume-role paths from a principal: shortest first,
// then every simple path (no role twice) up to MaxHops, so cycles end
// naturally. With To, only paths ending at that role. Within one length,
// paths follow the order of edges (sorted by role name). The search stops
// at MaxPaths; ChainsResult says whether it did.
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
	Truncated bool // the search hit MaxPaths or its expansion bound
}

// step is a partial path stored as a link to its parent, so paths that share
// a prefix share its storage.
type step struct {
	parent int32 // index in the steps list; -1 at the root
	depth  int32
	node   *Node // the node the partial path has reached
	edge   *Edge // the edge that reached node; nil at the root
}

// ChainsResult is Chains with the truncation flag.
func (g *Graph) ChainsResult(from *Node, opts ChainOptions) ChainResult {
	opts = opts.withDefaults()
	if from == nil {
		return ChainResult{}
	}
	// With a target, distances to it prune partial paths that cannot reach
	// it within the hop budget.
	var distTo []int32
	if opts.To != nil {
		if opts.To.ID < 0 {
			return ChainResult{}
		}
		distTo = g.distances(opts.To, false)
	}
	return g.search(from, opts, false, distTo)
}

// ChainsToResult is ChainsTo with the truncation flag.
func (g *Graph) ChainsToResult(to *Node, opts ChainOptions) ChainResult {
	opts = opts.withDefaults()
	if to == nil {
		return ChainResult{}
	}
	opts.To = nil
	return g.search(to, opts, true, nil)
}

// search enumerates simple paths breadth-first from start, following edges
// forward (Assumes) or backward (AssumableBy). Breadth-first over partial
// paths yields them in length order, so truncation keeps the shortest.
func (g *Graph) search(start *Node, opts ChainOptions, reverse bool, distTo []int32) ChainResult {
	var res ChainResult
	under := map[*Edge]*Edge{}
	edgeOf := func(e *Edge) *Edge {
		if !e.Conditional || len(opts.Context) == 0 {
			return e
		}
		if d, done := under[e]; done {
			return d
		}
		var d *Edge
		if ne, ok := g.EdgeUnder(*e, opts.Context); ok {
			d = &ne
		}
		under[e] = d
		return d
	}
	steps := []step{{parent: -1, node: start}}
	for head := 0; head < len(steps); head++ {
		if head >= maxExpansions {
			res.Truncated = true
			break
		}
		cur := steps[head]
		if int(cur.depth) >= opts.MaxHops {
			continue
		}
		edges := g.neighbours(cur.node, reverse)
		for i := range edges {
			next := edges[i].To
			if reverse {
				next = edges[i].From
			}
			if g.onPath(steps, head, next) {
				continue
			}
			e := edgeOf(&edges[i])
			if e == nil {
				continue
			}
			depth := cur.depth + 1
			if distTo != nil {
				d := distOf(distTo, next)
				if d < 0 || int(depth)+int(d) > opts.MaxHops {
					continue
				}
			}
			steps = append(steps, step{parent: int32(head), depth: depth, node: next, edge: e})
			last := int32(len(steps) - 1)
			if opts.To == nil || next == opts.To {
				res.Paths = append(res.Paths, g.pathOf(steps, last, reverse))
				if len(res.Paths) >= opts.MaxPaths {
					res.Truncated = true
					return res
				}
			}
		}
	}
	return res
}

// onPath reports whether n is already on the partial path ending at i.
func (g *Graph) onPath(steps []step, i int, n *Node) bool {
	for j := int32(i); j >= 0; j = steps[j].parent {
		if steps[j].node == n {
			return true
		}
	}
	return false
}

// pathOf materialises the partial path ending at i, in forward order.
func (g *Graph) pathOf(steps []step, i int32, reverse bool) Path {
	hops := make([]Edge, steps[i].depth)
	for j, k := i, len(hops)-1; steps[j].edge != nil; j, k = steps[j].parent, k-1 {
		hops[k] = *steps[j].edge
	}
	if reverse {
		// Walking backward from the target collected the hops target-first.
		for a, b := 0, len(hops)-1; a < b; a, b = a+1, b-1 {
			hops[a], hops[b] = hops[b], hops[a]
		}
	}
	return Path{Hops: hops}
}

// neighbours returns the edges out of n (or into n, reverse), explicit and
// delegated.
func (g *Graph) neighbours(n *Node, reverse bool) []Edge {
	explicit := n.assumes
	if reverse {
		explicit = n.assumedBy
	}
	var out []Edge
	add := func(e Edge) bool { out = append(out, e); return true }
	if reverse {
		g.delegatedIn(n, add)
	} else {
		g.delegatedOut(n, add)
	}
	if len(out) == 0 {
		return explicit
	}
	return append(append(make([]Edge, 0, len(explicit)+len(out)), explicit...), out...)
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
	classOf := dl.equivs[d.equiv].classOf
	s.g.decideAll(s.g.classesOfUnfound(classOf, nil)) // all at once, on every core
	for ai, ci := range classOf {
		if ci < 0 {
			continue
		}
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
	for ei, e := range dl.equivs {
		if s.doneOut[ei] || e.classOf[o] < 0 {
			continue
		}
		out := s.g.outcome(dl.classes[e.classOf[o]])
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
