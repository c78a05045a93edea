package graph

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/iamx/iamx/model/escalation"
	"github.com/iamx/iamx/model/policy"
)

// Becoming someone else: through trust (sts:AssumeRole*) and through the
// act-as methods of the escalation catalogue (minting a user's access key
// or password, rewriting a role's trust, passing a role to a service), and
// granting oneself, or a role one can assume, admin-equivalence. who-can,
// chains and perms --reach read these searches, and the escalation
// analysis (privesc.go) decides every method the same way, so "can reach"
// means the same in every answer.
//
// A search runs over states, as the escalation analysis does: a principal
// whose session may carry MFA (or whether it does is unknown), or cannot
// (a user without an MFA device, credentials minted for another user, code
// run by a service). Minted credentials carry no MFA, so an allow or a trust
// that needs MFA does not hold for them.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent

// Way is how a principal becomes another: a shortest path of hops,
// assume-role edges and escalation methods in any order.
type Way struct {
	To   *Node
	Hops []Hop
	// Admin: To is admin-equivalent in the session the way ends in, or a
	// grant on the way leaves it so.
	Admin bool
}

// Conditional reports whether some hop holds only with more context.
func (w Way) Conditional() bool { return pathConditional(w.Hops) }

// Escalates reports whether the way uses an escalation method (not only
// assume-role edges).
func (w Way) Escalates() bool {
	for i := range w.Hops {
		if w.Hops[i].Method != nil {
			return true
		}
	}
	return false
}

// MissingContext is the union of the hops' missing keys, sorted.
func (w Way) MissingContext() []string { return hopsMissing(w.Hops) }

func hopsMissing(hops []Hop) []string {
	var out []string
	for i := range hops {
		if hops[i].Conditional {
			out = appendUnique(out, hops[i].MissingContext...)
		}
	}
	sort.Strings(out)
	return out
}

// Reach is what a principal can become: every principal reachable through
// trust and escalation (one shortest way each) and, when it can become
// admin-equivalent through a grant, a shortest such way.
type Reach struct {
	From  *Node
	Ways  []Way // fewest hops first, then unconditional first, then by ARN
	Grant *Way  // nil when no grant on the way makes anyone admin-equivalent
	// Truncated: the search stopped at MaxBecomeWork decisions; Ways holds
	// the principals reached so far, each by a shortest way found, and
	// others may be reachable.
	Truncated bool
	// AdminDepth is the fewest hops at which From becomes admin-equivalent
	// unconditionally (0: it does not). Through trust and escalation (not
	// assume-only) the search goes no deeper: an admin-equivalent
	// principal can become any principal, so Ways holds the principals
	// reached within AdminDepth hops and every other one is reachable
	// through the admin.
	AdminDepth int
}

// MaxBecomeWork bounds the escalation decisions of one forward search
// (Becomes): a principal that can mint keys for thousands of users, each
// of whom can do the same, would otherwise decide every pair.
const MaxBecomeWork = 1 << 16

// noMFAContext is the context a session without MFA is decided in.
var noMFAContext = policy.Context{"aws:multifactorauthpresent": {"false"}}

// becoming is the escalation side of the searches: the escalation
// analysis's method decisions, read through a few calls only.
type becoming struct {
	g      *Graph
	x      *escalator
	actAs  []int // act-as methods a snapshot can decide (not the possible ones)
	grants []int // methods that leave their target admin-equivalent
	// plain turns the shortcuts of actAsInto off (see whoCanReach).
	plain bool
}

// becomingOf returns the escalation side, sharing the escalation
// analysis's decisions when it has run already.
func (g *Graph) becomingOf() *becoming {
	var x *escalator
	if pv := g.EscalationDone(); pv != nil {
		x = pv.x
	} else {
		x = newEscalator(g)
	}
	return &becoming{g: g, x: x,
		actAs:  x.methodsBy(func(m *escalation.Method) bool { return m.Yields == escalation.ActAs && !m.Possible() }),
		grants: x.methodsBy(func(m *escalation.Method) bool { return m.Yields != escalation.ActAs }),
	}
}

// assumeHop is a can-assume edge as a hop, re-decided without MFA for a
// session that cannot carry it; ok is false when that rules the edge out.
func (b *becoming) assumeHop(e Edge, noMFA bool) (Hop, bool) {
	if e.Conditional && noMFA {
		ne, ok := b.g.EdgeUnder(e, noMFAContext)
		if !ok {
			return Hop{}, false
		}
		e = ne
	}
	return Hop{From: e.From, To: e.To, Kind: e.Kind, Edge: &e, Actions: []string{e.Action()},
		Conditional: e.Conditional, MissingContext: e.MissingContext, Conditions: e.Conditions, Unless: e.Unless,
		NoMFA: noMFA, ToNoMFA: noMFA}, true
}

// actAsFrom returns the act-as hops caller (in state noMFA) can make into
// principals not reached yet (reached: in the session the hop yields), on
// every core; each target once. A caller whose policies treat every target
// of the kind alike is decided on one target of each class (meets every
// prerequisite, or lacks only an instance profile) first: a refusal there
// stands for the class. work counts the decisions made.
func (b *becoming) actAsFrom(caller *Node, noMFA bool, reached func(*Node, bool) bool, tried *triedCalls, work *int) []Hop {
	var out []Hop
	for _, mi := range b.actAs {
		if !b.x.holds(mi, caller) || tried.newRefused(b, mi, caller, noMFA) {
			continue
		}
		m := &escalation.Methods()[mi]
		toNoMFA := m.ID != "iam:UpdateAssumeRolePolicy" || noMFA
		var ts []*Node
		for _, t := range b.g.actors {
			if t != caller && !t.Dangling && fits(m.Target, t) && !reached(t, toNoMFA) && b.x.targetMayMeet(m, t) {
				ts = append(ts, t)
			}
		}
		refused := [2]bool{} // by class, for a uniform caller
		if tried.uniform(b, mi, caller) {
			for k, meets := range []bool{false, true} {
				for _, t := range ts {
					if b.x.targetMeets(m, t) == meets {
						*work++
						_, ok := b.x.actAs(mi, caller, t, noMFA)
						refused[k] = !ok
						break
					}
				}
			}
		}
		*work += len(ts)
		hops := make([]*Hop, len(ts))
		parallelFor(len(ts), func(i int) {
			t := ts[i]
			if refused[b2i(b.x.targetMeets(m, t))] || !b.x.mayCallOn(m, caller, t) {
				return
			}
			if h, ok := b.x.actAs(mi, caller, t, noMFA); ok {
				hops[i] = &h
			}
		})
		for _, h := range hops {
			if h != nil {
				out = append(out, *h)
			}
		}
	}
	return out
}

// actAsInto returns the act-as hops into (target, toNoMFA) from the
// callers of each method (callers[mi]) not yet settled (skip), on every
// core. A caller whose policies treat every target of the kind alike
// (uniform) is decided once per method and session on the targets that
// meet every prerequisite, and once on those that lack only an instance
// profile (which the caller would create): tried records that.
func (b *becoming) actAsInto(target *Node, toNoMFA bool, callers [][]*Node, skip func(*Node, bool) bool, tried *triedCalls) []Hop {
	if target.ID < 0 || target.Dangling || (target.Kind != KindUser && target.Kind != KindRole) {
		return nil
	}
	var out []Hop
	for _, mi := range b.actAs {
		m := &escalation.Methods()[mi]
		if !fits(m.Target, target) {
			continue
		}
		// The session a method yields is without MFA, except a rewritten
		// trust, which keeps the caller's.
		from := []bool{false, true}
		if m.ID == "iam:UpdateAssumeRolePolicy" {
			from = []bool{toNoMFA}
		} else if !toNoMFA {
			continue
		}
		if !b.x.targetMayMeet(m, target) {
			continue
		}
		meets := b.x.targetMeets(m, target)
		hs := callers[mi]
		hops := make([]*Hop, 2*len(hs))
		parallelFor(len(hs), func(i int) {
			c := hs[i]
			if c == target || c.Dangling || skip(c, from[0]) && skip(c, from[len(from)-1]) {
				return
			}
			uni := tried.uniform(b, mi, c)
			if !uni && !b.x.mayCallOn(m, c, target) {
				return
			}
			var class [2]string
			classed := false
			if !uni {
				class, classed = tried.classOf(b, mi, c, target)
			}
			decided, okWith := false, false // the MFA-possible session's verdict, this call
			for j, fm := range from {
				if skip(c, fm) || uni && tried.done(mi, c, fm, meets) || tried.newRefused(b, mi, c, fm) ||
					classed && tried.failed(mi, c, fm, meets, class) {
					continue
				}
				if uni {
					tried.mark(mi, c, fm, meets)
				}
				if fm && decided && !tried.sensitive(b, c) {
					// Nothing c holds reads MFA: the same verdict without it.
					if okWith {
						h := *hops[2*i]
						h.NoMFA = true
						hops[2*i+j] = &h
					}
					continue
				}
				h, ok := b.x.actAs(mi, c, target, fm)
				if ok {
					hops[2*i+j] = &h
				} else if classed {
					tried.fail(mi, c, fm, meets, class)
				}
				if !fm {
					decided, okWith = true, ok
				}
			}
		})
		for _, h := range hops {
			if h != nil {
				out = append(out, *h)
			}
		}
	}
	return out
}

// triedCalls records, per act-as method, which callers are uniform
// (decided alike on every target of the kind) and in which sessions a
// uniform caller has been decided. Each caller's entries are written only
// by the worker that holds it.
type triedCalls struct {
	// fails holds the failed decisions of callers that are not uniform,
	// by the class of the target: the targets their policies cannot tell
	// apart for the method's calls are refused alike.
	fails sync.Map  // failKey → true
	mfa   []uint8   // by node ID: 0 unknown, 1 its policies read an MFA key, 2 not
	new   [][]uint8 // by method, node ID: per session, 1 its calls that create a resource are decided allowed, 2 refused
	uni   [][]uint8 // by method, node ID: 0 unknown, 1 uniform, 2 not
	seen  [][]uint8 // by method, node ID: a bit per session (MFA possible or not) and target class (meets every prerequisite or lacks an instance profile)
}

func newTriedCalls(g *Graph) *triedCalls {
	n := len(escalation.Methods())
	t := &triedCalls{mfa: make([]uint8, len(g.nodes)), new: make([][]uint8, n), uni: make([][]uint8, n), seen: make([][]uint8, n)}
	for i := range n {
		t.new[i] = make([]uint8, len(g.nodes))
		t.uni[i] = make([]uint8, len(g.nodes))
		t.seen[i] = make([]uint8, len(g.nodes))
	}
	return t
}

func (t *triedCalls) uniform(b *becoming, mi int, c *Node) bool {
	if b.plain {
		return false
	}
	if v := t.uni[mi][c.ID]; v != 0 {
		return v == 1
	}
	u := b.uniformCaller(mi, c)
	t.uni[mi][c.ID] = 2
	if u {
		t.uni[mi][c.ID] = 1
	}
	return u
}

// sensitive reports whether c's policies read an MFA key (memoised; a
// caller's entry is written only by the worker that holds it).
func (t *triedCalls) sensitive(b *becoming, c *Node) bool {
	if b.plain {
		return true
	}
	if v := t.mfa[c.ID]; v != 0 {
		return v == 1
	}
	v := b.x.mfaSensitive(c)
	t.mfa[c.ID] = 2
	if v {
		t.mfa[c.ID] = 1
	}
	return v
}

// newRefused reports whether c may not make a call of method mi that
// creates a resource (lambda:CreateFunction, ec2:RunInstances …) in the
// session: those calls do not depend on the target, so the method then
// fails on every target.
func (t *triedCalls) newRefused(b *becoming, mi int, c *Node, noMFA bool) bool {
	shift := 2 * b2i(noMFA)
	if v := (t.new[mi][c.ID] >> shift) & 3; v != 0 {
		return v == 2
	}
	refused := false
	for _, p := range escalation.Methods()[mi].Permissions {
		if p.On == escalation.OnNew && !b.x.allowNew(c, noMFA, p.Action).ok {
			refused = true
			break
		}
	}
	v := uint8(1)
	if refused {
		v = 2
	}
	t.new[mi][c.ID] |= v << shift
	return refused
}

type failKey struct {
	mi, caller   int
	noMFA, meets bool
	class        [2]string // the target's class for each call on it (at most two)
}

// classOf names the class of target for c's calls of method mi: the
// escalation analysis's resource class of each call on a named target
// (sts:AssumeRole too, for a rewritten trust). ok is false when a call's
// class cannot be told, or the shortcut is off.
func (t *triedCalls) classOf(b *becoming, mi int, c, target *Node) ([2]string, bool) {
	var out [2]string
	if b.plain || target.Account != c.Account {
		return out, false
	}
	m := &escalation.Methods()[mi]
	n := 0
	add := func(action string) bool {
		if n == len(out) {
			return false
		}
		cl, ok := b.x.resourceClass(c, action, target.ARN)
		out[n] = cl
		n++
		return ok
	}
	for _, p := range m.Permissions {
		if (p.On == escalation.OnTarget || p.On == escalation.OnPassedRole) && !add(p.Action) {
			return out, false
		}
	}
	if m.ID == "iam:UpdateAssumeRolePolicy" && !add("sts:AssumeRole") {
		return out, false
	}
	return out, true
}

func (t *triedCalls) failed(mi int, c *Node, noMFA, meets bool, class [2]string) bool {
	_, ok := t.fails.Load(failKey{mi, c.ID, noMFA, meets, class})
	return ok
}

func (t *triedCalls) fail(mi int, c *Node, noMFA, meets bool, class [2]string) {
	t.fails.Store(failKey{mi, c.ID, noMFA, meets, class}, true)
}

func triedBit(noMFA, meets bool) uint8 { return 1 << (b2i(noMFA) + 2*b2i(meets)) }

func (t *triedCalls) done(mi int, c *Node, noMFA, meets bool) bool {
	return t.seen[mi][c.ID]&triedBit(noMFA, meets) != 0
}

func (t *triedCalls) mark(mi int, c *Node, noMFA, meets bool) {
	t.seen[mi][c.ID] |= triedBit(noMFA, meets)
}

// uniformCaller reports whether c's policies decide every call of method
// mi alike on every target of its kind but c itself, one account loaded:
// one decision on a target that meets every prerequisite then stands for
// all. Like the escalation analysis's test, it reads the resources of the
// statements that may match each call (identity, boundary, SCPs); it also
// sets aside the patterns that can name no target other than c (another
// kind or service, user/${aws:username}). A rewritten trust is assumed
// with sts:AssumeRole on the role, so that call counts too.
func (b *becoming) uniformCaller(mi int, c *Node) bool {
	m := &escalation.Methods()[mi]
	if len(b.g.accounts) > 1 {
		return false
	}
	kind := "user"
	if m.Target == escalation.TargetRole {
		kind = "role"
	}
	calls := []string{}
	for _, p := range m.Permissions {
		if p.On != escalation.OnNew {
			calls = append(calls, p.Action)
		}
	}
	if m.ID == "iam:UpdateAssumeRolePolicy" {
		calls = append(calls, "sts:AssumeRole")
	}
	for _, a := range calls {
		// The rewritten trust names c: a same-account trust that names the
		// caller needs no identity Allow, so only its Denies read the role.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
		if !b.sameOnEveryTarget(c, a, kind, a == "sts:AssumeRole") {
			return false
		}
	}
	return true
}

func (b *becoming) sameOnEveryTarget(c *Node, action, kind string, identityDenies bool) bool {
	check := func(src *policy.Source, deniesOnly bool) bool {
		if src == nil || src.Policy == nil {
			return true
		}
		for i := range src.Policy.Statements {
			st := &src.Policy.Statements[i]
			if !st.MatchesAction(action) || deniesOnly && st.Effect != policy.Deny {
				continue
			}
			if st.NotResource != nil || len(st.Resource) == 0 {
				return false
			}
			for _, r := range st.Resource {
				if !targetBlind(r, kind, c) {
					return false
				}
			}
		}
		return true
	}
	for i := range c.identity {
		if !check(&c.identity[i], identityDenies) {
			return false
		}
	}
	if !check(c.boundary, false) {
		return false
	}
	for i := range b.g.opts.SCPs {
		if !check(&b.g.opts.SCPs[i], false) {
			return false
		}
	}
	return true
}

// targetBlind reports whether resource pattern r treats every principal
// of kind in c's account but c alike: it names all of them, or none.
func targetBlind(r, kind string, c *Node) bool {
	if r == "*" {
		return true
	}
	parts := strings.SplitN(r, ":", 6)
	own := strings.SplitN(c.ARN, ":", 3)
	if len(parts) != 6 || parts[0] != "arn" || len(own) != 3 {
		return false
	}
	literal := func(s string) bool { return !strings.ContainsAny(s, "*?$") }
	partition, service, acct, res := parts[1], parts[2], parts[4], parts[5]
	switch {
	case literal(partition) && partition != own[1],
		literal(service) && service != "iam",
		literal(acct) && acct != "" && acct != c.Account:
		return true // names nothing in c's account
	case service != "iam" || acct != "*" && acct != c.Account || partition != "*" && partition != own[1]:
		return false
	case res == kind+"/*":
		return true
	case kind == "user" && res == "user/${aws:username}":
		return true // c itself, never a target
	}
	slash := strings.IndexByte(res, '/')
	return slash > 0 && literal(res[:slash]) && res[:slash] != kind
}

// grantWay returns the best way (unconditional first) for caller, in
// state noMFA, to make itself admin-equivalent, or a role it can assume
// and then use: [grant] or [assume, grant made by caller]. ok is false
// when it cannot.
func (b *becoming) grantWay(caller *Node, noMFA bool) ([]Hop, bool) {
	var held []int
	for _, mi := range b.grants {
		if b.x.holds(mi, caller) {
			held = append(held, mi)
		}
	}
	if len(held) == 0 {
		return nil, false
	}
	var best []Hop
	better := func(w []Hop) {
		if best == nil || betterWay(w, best) {
			best = w
		}
	}
	for _, mi := range held {
		if h, ok := b.x.grant(mi, caller, caller, noMFA); ok {
			better([]Hop{h})
		}
	}
	if best != nil && !pathConditional(best) {
		return best, true
	}
	for _, e := range b.g.Assumes(caller) {
		if e.To == caller || e.To.ID < 0 || e.To.Kind != KindRole {
			continue
		}
		ah, ok := b.assumeHop(e, noMFA)
		if !ok {
			continue
		}
		for _, mi := range held {
			if h, ok := b.x.grant(mi, caller, e.To, noMFA); ok {
				better([]Hop{ah, h})
				break
			}
		}
	}
	return best, best != nil
}

// Becomes returns what from can become (see Reach): through trust alone
// when assumeOnly, else through trust and the escalation catalogue.
func (g *Graph) Becomes(from *Node, assumeOnly bool) Reach {
	r := Reach{From: from}
	if from == nil {
		return r
	}
	if !assumeOnly {
		g.Escalation() // the whole analysis is cheaper than deciding its calls one search at a time
	}
	b := g.becomingOf()
	type state struct {
		n     *Node
		noMFA bool
	}
	key := func(n *Node, noMFA bool) state { return state{n, noMFA} }
	way := map[state][]Hop{}
	start := key(from, b.x.noMFA(from))
	way[start] = []Hop{}
	queue := []state{start}
	var grant []Hop
	offer := func(h Hop, prefix []Hop) {
		s := key(h.To, h.ToNoMFA)
		w := append(slices.Clip(prefix), h)
		if cur, ok := way[s]; ok {
			if betterWay(w, cur) {
				way[s] = w
			}
			return
		}
		way[s] = w
		queue = append(queue, s)
	}
	tried := newTriedCalls(g)
	reached := func(n *Node, noMFA bool) bool { _, ok := way[key(n, noMFA)]; return ok }
	work := 0
	for qi := 0; qi < len(queue); qi++ {
		if work > MaxBecomeWork {
			r.Truncated = true
			break
		}
		s := queue[qi]
		prefix := way[s]
		if !assumeOnly && s.n != from && !pathConditional(prefix) && g.AdminIn(s.n, s.noMFA) && (r.AdminDepth == 0 || len(prefix) < r.AdminDepth) {
			r.AdminDepth = len(prefix)
		}
		if r.AdminDepth > 0 && len(prefix) >= r.AdminDepth {
			continue // past the first admin: anyone is reachable through it
		}
		for _, e := range g.Assumes(s.n) {
			if e.To == from || e.To.Dangling {
				continue
			}
			if h, ok := b.assumeHop(e, s.noMFA); ok {
				offer(h, prefix)
			}
		}
		if assumeOnly || s.n.Kind != KindUser && s.n.Kind != KindRole || s.n.ID < 0 || g.AdminIn(s.n, s.noMFA) {
			// An admin-equivalent principal can become anyone: the ways
			// end there.
			continue
		}
		for _, h := range b.actAsFrom(s.n, s.noMFA, reached, tried, &work) {
			if h.To != from {
				offer(h, prefix)
			}
		}
		if gw, ok := b.grantWay(s.n, s.noMFA); ok {
			w := append(slices.Clip(prefix), gw...)
			if grant == nil || betterWay(w, grant) {
				grant = w
			}
			if !pathConditional(w) && (r.AdminDepth == 0 || len(w) < r.AdminDepth) {
				r.AdminDepth = len(w)
			}
		}
	}
	// One way per principal: the better of its states.
	best := map[*Node][]Hop{}
	for s, w := range way {
		if s.n == from {
			continue
		}
		if cur, ok := best[s.n]; !ok || betterWay(w, cur) {
			best[s.n] = w
		}
	}
	for n, w := range best {
		b.explain(w)
		r.Ways = append(r.Ways, Way{To: n, Hops: w, Admin: g.AdminIn(n, w[len(w)-1].ToNoMFA)})
	}
	sortWays(r.Ways)
	if grant != nil && !g.IsAdmin(from) {
		b.explain(grant)
		r.Grant = &Way{To: grant[len(grant)-1].To, Hops: grant, Admin: true}
	}
	return r
}

func sortWays(ws []Way) {
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if len(a.Hops) != len(b.Hops) {
			return len(a.Hops) < len(b.Hops)
		}
		if ca, cb := a.Conditional(), b.Conditional(); ca != cb {
			return !ca
		}
		return a.To.ARN < b.To.ARN
	})
}

// AdminIn reports whether n is admin-equivalent in a session that may
// carry MFA, or (noMFA) cannot: an admin whose Deny guards on MFA is not
// admin with credentials minted for it.
func (g *Graph) AdminIn(n *Node, noMFA bool) bool {
	if !g.IsAdmin(n) {
		return false
	}
	if !noMFA {
		return true
	}
	return g.becomingOf().x.adminAfter(n, change{}, true)
}

// betterWay reports whether way a beats b: fewer hops, or as many and
// unconditional where b is not.
func betterWay(a, b []Hop) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return pathConditional(b) && !pathConditional(a)
}

// explain fills the hops' Conditions (see Privesc.Explain). The hops are
// copies the search made: filling them changes no shared state.
func (b *becoming) explain(hops []Hop) {
	pv := &Privesc{g: b.g, x: b.x}
	for i := range hops {
		pv.Explain(&hops[i])
	}
}
