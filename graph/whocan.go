package graph

import (
	"context"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/policy"
)

// Access is one principal that can perform a request, directly or through
// the roles on Via.
type Access struct {
	Principal *Node
	// Decision is Allowed for every principal WhoCan lists; Conditional says
	// whether that allow holds only for some values of MissingContext.
	Decision    policy.Decision
	Conditional bool
	// Via holds the roles of the assume-role path, in order, when the access
	// is reached through roles; empty when direct. The last one performs
	// the request.
	Via []*Node
	// Path holds the can-assume edges of Via (same length).
	Path []Edge
	// Result is the evaluator's answer for whoever performs the request:
	// the principal itself, or the last role of Via.
	Result         policy.Result
	MissingContext []string // keys the allow depends on, from the result and the path's edges
	// Escalation: the principal gets there through the escalation
	// catalogue (WhoCanReach); Hops is then the whole way, escalation
	// methods and assume-role edges, and Via each hop's To.
	Escalation bool
	Hops       []Hop
	// ViaAdmin, with Escalation: the way ends at a principal that is
	// admin-equivalent in the session the way yields.
	ViaAdmin bool
}

// WhoCan returns every principal that can perform action on resource given
// ctx: users and roles whose own policies allow it, and any principal
// (externals included) that can reach such a role through assume-role
// chains. A principal allowed only with more context (MFA, source IP …) is
// listed with Conditional set, never dropped, never counted as
// unconditional. When both exist, an unconditional way wins over a
// conditional one, and a direct way over a chain; among chains the
// shortest is reported. Principals that no longer exist are left out.
//
// The scan reads precomputed per-principal policy lists; a per-document memo
// skips principals none of whose policies could allow the action before the
// evaluator is asked.
func (g *Graph) WhoCan(action, resource string, ctx policy.Context) []Access {
	out, _ := g.WhoCanContext(context.Background(), action, resource, ctx)
	return out
}

// WhoCanContext is WhoCan that stops when cctx is done (the explorer's esc),
// returning cctx's error and no answer.
func (g *Graph) WhoCanContext(cctx context.Context, action, resource string, ctx policy.Context) ([]Access, error) {
	stopped := stopFunc(cctx)
	if resource == "" {
		resource = "*"
	}
	direct := make([]*Access, len(g.nodes))
	var trustRole *Node
	if policy.IsAssumeRoleAction(action) {
		if r := g.byARN[resource]; r != nil && r.Kind == KindRole {
			trustRole = r
		}
	}
	// Direct: every user and role whose policies could allow the action,
	// on every core (each writes only its own entry).
	// A loaded resource's policy may allow principals on its own (resources.go).
	resourceAllows := trustRole == nil && g.resourceOpensToAll(action, resource)
	var allows []bool
	if trustRole == nil && !resourceAllows {
		allows = make([]bool, len(g.policyDocs))
		parallelFor(len(g.policyDocs), func(i int) { allows[i] = mayAllow(g.policyDocs[i], action, "") })
	}
	parallelFor(len(g.actors), func(i int) {
		if stopped() {
			return
		}
		n := g.actors[i]
		// For sts:AssumeRole* on a role of the graph, the trust policy may
		// allow on its own: every principal is a candidate.
		if trustRole == nil && !resourceAllows && !mayAllowAny(n, allows) {
			return
		}
		if a := g.evaluateAccess(n, action, resource, ctx); a != nil {
			direct[n.ID] = a
		}
	})
	// External principals act only through a role's trust policy.
	if trustRole != nil {
		for i := range trustRole.assumedBy {
			n := trustRole.assumedBy[i].From
			if n.Kind == KindExternal && !n.Dangling && direct[n.ID] == nil {
				if a := g.evaluateAccess(n, action, resource, ctx); a != nil {
					direct[n.ID] = a
				}
			}
		}
	}
	if stopped() {
		return nil, cctx.Err()
	}
	// Whoever a resource policy names: other accounts, services, providers,
	// anyone, and loaded users and roles its allow may need no identity allow for.
	for _, n := range g.resourceNamed(resource) {
		if !n.Dangling && direct[n.ID] == nil {
			if a := g.evaluateAccess(n, action, resource, ctx); a != nil {
				direct[n.ID] = a
			}
		}
	}
	best := g.throughChains(direct, ctx, stopped)
	if stopped() {
		return nil, cctx.Err()
	}
	out := make([]Access, 0, len(best))
	for _, a := range best {
		if a != nil && !a.Principal.Dangling {
			out = append(out, *a)
		}
	}
	sortAccess(out)
	return out, nil
}

// mayAllowAny reports whether any identity policy of n could allow the
// action, given allows: per indexed document, whether it could.
func mayAllowAny(n *Node, allows []bool) bool {
	for _, i := range n.pidx {
		if allows[i] {
			return true
		}
	}
	return false
}

// evaluateAccess returns n's direct access, or nil when no context could
// make the request allowed.
func (g *Graph) evaluateAccess(n *Node, action, resource string, ctx policy.Context) *Access {
	req := g.requestShared(n, action, resource, ctx)
	in := g.Input(n, &req)
	res := policy.Evaluate(&req, &in)
	if res.Decision != policy.Allowed && !res.Conditional {
		return nil
	}
	return &Access{Principal: n, Decision: policy.Allowed, Conditional: res.Conditional, Via: []*Node{},
		Result: res, MissingContext: res.MissingContext}
}

// throughChains extends direct access backwards along can-assume edges:
// whoever can assume a role with access has it too. Two breadth-first passes
// run from every role with access at once: the first over unconditional
// access and unconditional edges only, the second over everything, seeded
// with what the first found at the length it found it. So each principal
// gets an unconditional way when one exists, and the shortest way of its
// class; a direct way (length 0) beats any chain of the same class.
//
// With a caller context, conditional edges are re-decided under it: the
// same keys (MFA, source IP …) are taken to hold for every hop.
func (g *Graph) throughChains(direct []*Access, ctx policy.Context, stopped func() bool) []*Access {
	// A caller's key that the snapshot fills for each principal (-c
	// aws:PrincipalTag/env=prod) changes edges the graph decided without it:
	// it can open a trust the principal's own tags do not, or close one
	// they open. Then every edge is re-decided under ctx, and each role
	// reached is offered to every actor pair by pair (pairwise below).
	pairwise := overridesPrincipalKeys(ctx)
	under := map[*Edge]*Edge{} // edges re-decided under ctx; nil when ruled out
	edgeOf := func(e *Edge) *Edge {
		if (!e.Conditional && !pairwise) || len(ctx) == 0 {
			return e
		}
		if d, done := under[e]; done {
			return d
		}
		var d *Edge
		probe := *e
		probe.Conditional = true // EdgeUnder re-decides only conditional edges
		if ne, ok := g.EdgeUnder(probe, ctx); ok {
			d = &ne
		}
		under[e] = d
		return d
	}
	pairEdges := map[[2]int]*Edge{} // actor → role decided under ctx; nil when ruled out
	pairEdge := func(m, r *Node) *Edge {
		k := [2]int{m.ID, r.ID}
		if d, done := pairEdges[k]; done {
			return d
		}
		var d *Edge
		probe := Edge{From: m, To: r, Kind: EdgeAssumeRole, Conditional: true}
		if ne, ok := g.EdgeUnder(probe, ctx); ok {
			d = &ne
		}
		pairEdges[k] = d
		return d
	}
	// Delegated outcomes re-decided under ctx, per principal class: the
	// answer is the same for every member and every role of its role class.
	type classState struct {
		usable      bool
		conditional bool
		missing     []string
	}
	delegState := map[*delegOutcome]classState{}
	stateOf := func(m *Node, d *delegRole, o *delegOutcome) classState {
		if !o.conditional || len(ctx) == 0 {
			return classState{true, o.conditional, o.missing}
		}
		st, done := delegState[o]
		if !done {
			// Only the verdict is read: the edge needs no traced detail.
			e := Edge{From: m, To: d.role, Kind: EdgeAssumeRole, Conditional: o.conditional, MissingContext: o.missing}
			if ne, ok := g.EdgeUnder(e, ctx); ok {
				st = classState{true, ne.Conditional, ne.MissingContext}
			}
			delegState[o] = st
		}
		return st
	}
	found := make([]bool, len(g.nodes))
	dist := make([]int32, len(g.nodes))
	next := make([]wayHop, len(g.nodes)) // first hop of n's way toward a role with access; zero when direct
	pass := func(conditionalOK bool) {
		var buckets [][]*Node // buckets[d]: nodes whose way is d hops long
		push := func(n *Node, d int32) {
			for int(d) >= len(buckets) {
				buckets = append(buckets, nil)
			}
			buckets[d] = append(buckets[d], n)
		}
		for id, a := range direct {
			if a == nil || (a.Conditional && !conditionalOK) || found[id] {
				continue
			}
			found[id], dist[id] = true, 0
		}
		for id := range found {
			if found[id] {
				push(g.nodes[id], dist[id])
			}
		}
		doneEquiv := make([]bool, len(g.deleg.equivs))
		scan := newSegScan()
		for d := 0; d < len(buckets); d++ {
			for _, r := range buckets[d] {
				if stopped() {
					return
				}
				if pairwise && r.Kind == KindRole {
					for _, m := range g.actors {
						if found[m.ID] || m == r {
							continue
						}
						e := pairEdge(m, r)
						if e == nil || (e.Conditional && !conditionalOK) {
							continue
						}
						found[m.ID], dist[m.ID], next[m.ID] = true, int32(d+1), wayHop{e: e}
						push(m, int32(d+1))
					}
				}
				// Delegated edges into r, a whole role class at a time.
				if dr := g.deleg.byRole[r]; !pairwise && dr != nil && !doneEquiv[dr.equiv] {
					complete := true
					e := g.deleg.equivs[dr.equiv]
					g.decideAll(g.classesOfUnfound(e, found, scan))
					for si := range e.segs {
						sg := &e.segs[si]
						if scan.offered(sg) {
							continue
						}
						scan.offer(sg)
						for i, lci := range sg.class {
							if lci < 0 {
								continue
							}
							ai, ci := g.deleg.acctActors[sg.acct][i], sg.base+lci
							m := g.actors[ai]
							if found[m.ID] {
								continue
							}
							out := g.outcome(g.deleg.classes[ci])
							if out == nil {
								continue // no edge, for the whole class
							}
							st := stateOf(m, dr, out)
							if !st.usable || (st.conditional && !conditionalOK) {
								// Decided for the whole class, whatever the role.
								continue
							}
							if !dr.admits(m) {
								complete = complete && m == r
								continue
							}
							h := wayHop{d: dr, o: out, conditional: st.conditional, missing: st.missing}
							found[m.ID], dist[m.ID], next[m.ID] = true, int32(d+1), h
							push(m, int32(d+1))
						}
					}
					doneEquiv[dr.equiv] = complete
				}
				for i := range r.assumedBy {
					p := r.assumedBy[i].From
					if found[p.ID] || p.Dangling {
						continue
					}
					e := edgeOf(&r.assumedBy[i])
					if e == nil || (e.Conditional && !conditionalOK) {
						continue
					}
					found[p.ID], dist[p.ID], next[p.ID] = true, int32(d+1), wayHop{e: e}
					push(p, int32(d+1))
				}
			}
		}
	}
	pass(false)
	pass(true)
	best := make([]*Access, len(g.nodes))
	for id := range found {
		switch {
		case !found[id]:
		case next[id].direct():
			best[id] = direct[id]
		default:
			best[id] = g.viaAccess(g.nodes[id], next, direct)
		}
	}
	return best
}

// classesOfUnfound lists, once each, the undecided classes (of a role
// class) that hold a principal not found yet (found may be nil: none is),
// outside the segments scan offered already (scan may be nil): the ones a
// scan must decide.
func (g *Graph) classesOfUnfound(e *roleEquiv, found []bool, scan *segScan) []*actorClass {
	var out []*actorClass
	seen := map[int32]bool{}
	for si := range e.segs {
		sg := &e.segs[si]
		if scan.offered(sg) {
			continue
		}
		for i, lci := range sg.class {
			if lci < 0 {
				continue
			}
			ai, ci := g.deleg.acctActors[sg.acct][i], sg.base+lci
			if (found != nil && found[g.actors[ai].ID]) || seen[ci] {
				continue
			}
			seen[ci] = true
			if c := g.deleg.classes[ci]; !c.decided() {
				out = append(out, c)
			}
		}
	}
	return out
}

// wayHop is the first hop of a principal's way toward a role with access:
// an explicit edge, or a delegated one, materialised (with its conditions
// and reasons) only if the way is reported. Zero when the way is direct.
type wayHop struct {
	e           *Edge
	d           *delegRole
	o           *delegOutcome
	conditional bool // a delegated edge's verdict under the caller's context
	missing     []string
}

func (h wayHop) direct() bool { return h.e == nil && h.d == nil }

// edge materialises the hop out of p.
func (g *Graph) edge(p *Node, h wayHop) Edge {
	if h.e != nil {
		return *h.e
	}
	e := g.edgeFor(p, h.d, h.o)
	e.Conditional, e.MissingContext = h.conditional, h.missing
	return e
}

// viaAccess builds p's access by following the first hops recorded in next
// to a principal with direct access.
func (g *Graph) viaAccess(p *Node, next []wayHop, direct []*Access) *Access {
	a := &Access{Principal: p, Decision: policy.Allowed, Via: []*Node{}}
	missing := map[string]bool{}
	n := p
	for h := next[n.ID]; !h.direct(); h = next[n.ID] {
		e := g.edge(n, h)
		a.Via = append(a.Via, e.To)
		a.Path = append(a.Path, e)
		if e.Conditional {
			a.Conditional = true
			for _, k := range e.MissingContext {
				missing[k] = true
			}
		}
		n = e.To
	}
	if d := direct[n.ID]; d != nil {
		a.Result = d.Result
		if d.Conditional {
			a.Conditional = true
			for _, k := range d.MissingContext {
				missing[k] = true
			}
		}
	}
	for k := range missing {
		a.MissingContext = append(a.MissingContext, k)
	}
	sort.Strings(a.MissingContext)
	return a
}

// overridesPrincipalKeys reports whether ctx sets a key the snapshot fills
// for each principal (aws:PrincipalTag/…, aws:PrincipalArn, aws:username …):
// edges decided without ctx may then not hold, or be missing, under it.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principal-properties
func overridesPrincipalKeys(ctx policy.Context) bool {
	for k := range ctx {
		k = strings.ToLower(k)
		if strings.HasPrefix(k, "aws:principal") || k == "aws:username" || k == "aws:userid" {
			return true
		}
	}
	return false
}
