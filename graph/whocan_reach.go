package graph

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/policy"
)

// WhoCanReach is WhoCan with privilege escalation: besides whoever can
// perform the request directly or through assume-role chains, every
// principal that can become one of them through the escalation catalogue
// (mint a key for a user who can, pass a role that can to a service,
// rewrite its trust …, chained with assume-role hops in any order), and
// every principal that can grant itself, or a role it can assume,
// admin-equivalence that the request's Denies, boundary and SCPs leave
// standing. Such a principal is listed with Escalation set and its way in
// Hops; a hop that holds only with more context makes it conditional.
//
// The search runs backward from the principals WhoCan finds, so act-as
// methods are decided only on them, never on every pair of principals; a
// principal WhoCan lists keeps WhoCan's answer. The caller's context is
// applied to WhoCan's answer, and its aws:MultiFactorAuthPresent to the
// session escalation starts from; other keys are not applied to escalation
// hops, which keep their own missing keys.
func (g *Graph) WhoCanReach(cctx context.Context, action, resource string, ctx policy.Context) ([]Access, error) {
	return g.whoCanReach(cctx, action, resource, ctx, false)
}

// whoCanReach is WhoCanReach; plain turns its shortcuts off (uniform
// callers decided once, sessions without MFA copied): every call is
// decided on every target, the slow way tests compare with.
func (g *Graph) whoCanReach(cctx context.Context, action, resource string, ctx policy.Context, plain bool) ([]Access, error) {
	base, err := g.WhoCanContext(cctx, action, resource, ctx)
	if err != nil {
		return nil, err
	}
	if resource == "" {
		resource = "*"
	}
	// Minted credentials carry no MFA, whatever the caller's own session
	// carries (-c): who can without it?
	noMFABase := base
	if ctxHas(ctx, "aws:MultiFactorAuthPresent") || anyMissing(base, "aws:MultiFactorAuthPresent") {
		c := policy.Context{}
		for k, v := range ctx {
			if !strings.EqualFold(k, "aws:MultiFactorAuthPresent") && !strings.EqualFold(k, "aws:MultiFactorAuthAge") {
				c[k] = v
			}
		}
		c["aws:multifactorauthpresent"] = []string{"false"}
		if noMFABase, err = g.WhoCanContext(cctx, action, resource, c); err != nil {
			return nil, err
		}
	}
	r := g.newReachSearch(action, resource, ctx)
	r.b.plain = plain
	// A caller who says its session has no MFA is in the state without it.
	for k, v := range ctx {
		if strings.EqualFold(k, "aws:MultiFactorAuthPresent") && len(v) == 1 && strings.EqualFold(v[0], "false") {
			r.noMFA = true
		}
	}
	r.seedBase(base, false)
	r.seedBase(noMFABase, true)
	r.seedGrants()
	if err := r.run(cctx); err != nil {
		return nil, err
	}
	listed := make([]bool, len(g.nodes))
	for i := range base {
		listed[base[i].Principal.ID] = true
	}
	out := base
	for _, n := range g.nodes {
		if listed[n.ID] || n.Dangling || n.Kind == KindGroup || n.Kind == KindPolicy {
			continue
		}
		if a := r.access(n); a != nil {
			out = append(out, *a)
		}
	}
	sortAccess(out)
	return out, nil
}

// sortAccess orders who-can rows: unconditional first, then fewest hops,
// then by kind and ARN.
func sortAccess(out []Access) {
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Conditional != b.Conditional {
			return !a.Conditional
		}
		if len(a.Via) != len(b.Via) {
			return len(a.Via) < len(b.Via)
		}
		if a.Principal.Kind != b.Principal.Kind {
			return a.Principal.Kind < b.Principal.Kind
		}
		return a.Principal.ARN < b.Principal.ARN
	})
}

func ctxHas(ctx policy.Context, key string) bool {
	for k := range ctx {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

func anyMissing(list []Access, key string) bool {
	for i := range list {
		for _, k := range list[i].MissingContext {
			if strings.EqualFold(k, key) {
				return true
			}
		}
	}
	return false
}

// reachSearch is WhoCanReach's backward search over states (see
// becomes.go): state 2·ID is a principal whose session may carry MFA,
// 2·ID+1 one that cannot.
type reachSearch struct {
	g                *Graph
	b                *becoming
	action, resource string
	ctx              policy.Context
	dist             []int32   // hops from the state to a principal that can; -1 when none
	next             []*Hop    // the first hop of the way; nil at a seed
	base             []*Access // WhoCan's answer for a seed state
	grant            [][]Hop   // a grant seed's way
	granted          []*policy.Result
	buckets          [][]int
	noMFA            bool // the caller's context says aws:MultiFactorAuthPresent is false
}

func (g *Graph) newReachSearch(action, resource string, ctx policy.Context) *reachSearch {
	ns := 2 * len(g.nodes)
	r := &reachSearch{g: g, b: g.becomingOf(), action: action, resource: resource, ctx: ctx,
		dist: make([]int32, ns), next: make([]*Hop, ns), base: make([]*Access, ns), grant: make([][]Hop, ns),
		granted: make([]*policy.Result, ns)}
	for i := range r.dist {
		r.dist[i] = -1
	}
	return r
}

func state(n *Node, noMFA bool) int {
	if noMFA {
		return 2*n.ID + 1
	}
	return 2 * n.ID
}

func (r *reachSearch) push(s int, d int32) {
	for int(d) >= len(r.buckets) {
		r.buckets = append(r.buckets, nil)
	}
	r.buckets[d] = append(r.buckets[d], s)
}

func (r *reachSearch) seedBase(list []Access, noMFA bool) {
	for i := range list {
		s := state(list[i].Principal, noMFA)
		r.dist[s], r.base[s] = int32(len(list[i].Via)), &list[i]
		r.push(s, r.dist[s])
	}
}

// seedGrants seeds the holders of a grant method that can make themselves,
// or a role they can assume, admin-equivalent, where the request is
// allowed afterwards.
func (r *reachSearch) seedGrants() {
	var holders []*Node
	seen := map[*Node]bool{}
	for _, mi := range r.b.grants {
		for _, h := range r.b.x.holders[mi] {
			if !seen[h] && !h.Dangling {
				seen[h] = true
				holders = append(holders, h)
			}
		}
	}
	ways := make([][2][]Hop, len(holders))
	results := make([][2]*policy.Result, len(holders))
	parallelFor(len(holders), func(i int) {
		h := holders[i]
		sensitive := r.b.plain || r.b.x.mfaSensitive(h)
		var withMFA []Hop // the way decided in the MFA-possible state, before the request is asked
		decided := false
		for j, noMFA := range []bool{false, true} {
			if r.base[state(h, noMFA)] != nil {
				continue
			}
			var w []Hop
			if noMFA && decided && !sensitive && (withMFA == nil || len(withMFA) == 1) {
				// Nothing h holds reads MFA: its self-grant is made the
				// same way without it (a role's may not be: its policies
				// are the role's).
				w = withoutMFA(withMFA)
			} else {
				w, _ = r.b.grantWay(h, noMFA)
			}
			if !noMFA {
				withMFA, decided = w, true
			}
			if w == nil {
				continue
			}
			if res, ok := r.afterGrant(w[len(w)-1], noMFA); ok {
				ways[i][j], results[i][j] = w, &res
			}
		}
	})
	for i, h := range holders {
		for j, noMFA := range []bool{false, true} {
			if ways[i][j] == nil {
				continue
			}
			s := state(h, noMFA)
			r.dist[s], r.grant[s], r.granted[s] = int32(len(ways[i][j])), ways[i][j], results[i][j]
			r.push(s, r.dist[s])
		}
	}
}

// afterGrant decides the request for the principal a grant hop left
// admin-equivalent, with the policy the grant writes: its Denies, its
// boundary (unless the grant removed it) and the SCPs still apply.
func (r *reachSearch) afterGrant(h Hop, noMFA bool) (policy.Result, bool) {
	t := h.To
	req := r.g.requestShared(t, r.action, r.resource, r.ctx)
	req.Known = knownAbsent(noMFA || r.b.x.noMFA(t), req.Known)
	in := r.g.Input(t, &req)
	in.Identity = append(slices.Clip(in.Identity), r.b.x.written())
	if strings.Contains(h.Kind, "PermissionsBoundary") {
		in.Boundary = nil
	}
	res := policy.Evaluate(&req, &in)
	return res, res.Decision == policy.Allowed || res.Conditional
}

// settled reports whether state s has a way of at most d hops, or is
// WhoCan's (whose answer stands).
func (r *reachSearch) settled(s int, d int32) bool {
	return r.base[s] != nil || r.dist[s] >= 0 && r.dist[s] <= d
}

func (r *reachSearch) offer(h Hop, d int32) {
	s := state(h.From, h.NoMFA)
	switch cur := r.dist[s]; {
	case r.base[s] != nil:
	case cur < 0 || cur > d:
		r.dist[s], r.next[s], r.grant[s] = d, &h, nil
		r.push(s, d)
	case cur == d && r.next[s] != nil && r.next[s].Conditional && !h.Conditional:
		r.next[s] = &h
	}
}

func (r *reachSearch) run(cctx context.Context) error {
	stopped := stopFunc(cctx)
	// The callers of each act-as method not settled yet: most principals
	// an answer lists are WhoCan's, and need no offer.
	callers := make([][]*Node, len(r.b.x.holders))
	tried := newTriedCalls(r.g)
	for d := int32(0); int(d) < len(r.buckets); d++ {
		for _, mi := range r.b.actAs {
			src := r.b.x.holders[mi]
			if d > 0 {
				src = callers[mi]
			}
			callers[mi] = slices.DeleteFunc(slices.Clone(src), func(c *Node) bool {
				return r.settled(state(c, false), d) && r.settled(state(c, true), d)
			})
		}
		for _, s := range r.buckets[d] {
			if r.dist[s] != d {
				continue
			}
			if stopped() {
				return cctx.Err()
			}
			n, noMFA := r.g.nodes[s/2], s%2 == 1
			if r.base[s] == nil && n.Kind == KindRole {
				// WhoCan closed its own answer under trust already.
				for _, e := range r.g.AssumableBy(n) {
					if e.From.Dangling || e.From.ID < 0 || r.settled(state(e.From, noMFA), d+1) {
						continue
					}
					if h, ok := r.b.assumeHop(e, noMFA); ok {
						r.offer(h, d+1)
					}
				}
			}
			skip := func(c *Node, fm bool) bool { return r.settled(state(c, fm), d+1) }
			for _, h := range r.b.actAsInto(n, noMFA, callers, skip, tried) {
				r.offer(h, d+1)
			}
		}
	}
	return nil
}

// access builds n's answer from the state its own credentials are in, or
// nil when that state reaches nobody that can.
func (r *reachSearch) access(n *Node) *Access {
	s := state(n, r.noMFA || r.b.x.noMFA(n))
	if r.dist[s] < 0 {
		return nil
	}
	if b := r.base[s]; b != nil {
		a := *b // listed without MFA only (a negated MFA condition)
		return &a
	}
	var hops []Hop
	for r.next[s] != nil {
		h := *r.next[s]
		hops = append(hops, h)
		s = state(h.To, h.ToNoMFA)
	}
	a := &Access{Principal: n, Decision: policy.Allowed, Escalation: true}
	switch {
	case r.base[s] != nil:
		b := r.base[s]
		for _, e := range b.Path {
			if h, ok := r.b.assumeHop(e, s%2 == 1); ok {
				hops = append(hops, h)
			}
		}
		a.Result, a.MissingContext = b.Result, append([]string(nil), b.MissingContext...)
		a.Conditional = b.Conditional
	case r.grant[s] != nil:
		hops = append(hops, r.grant[s]...)
		res := r.granted[s]
		a.Result, a.Conditional = *res, res.Conditional
		a.MissingContext = append([]string(nil), res.MissingContext...)
	default:
		return nil
	}
	r.b.explain(hops)
	a.Hops = hops
	if end := hops[len(hops)-1]; end.Admin {
		a.ViaAdmin = true
	} else {
		a.ViaAdmin = r.g.AdminIn(end.To, end.ToNoMFA)
	}
	a.Via = make([]*Node, 0, len(hops))
	for _, h := range hops {
		a.Via = append(a.Via, h.To)
		if h.Conditional {
			a.Conditional = true
			a.MissingContext = appendUnique(a.MissingContext, h.MissingContext...)
		}
	}
	sort.Strings(a.MissingContext)
	return a
}

// withoutMFA is a way made in a session that cannot carry MFA, by a
// principal none of whose policies read it; nil stays nil.
func withoutMFA(w []Hop) []Hop {
	if w == nil {
		return nil
	}
	out := slices.Clone(w)
	for i := range out {
		out[i].NoMFA, out[i].ToNoMFA = true, true
	}
	return out
}
