package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// Admin-equivalence: a principal is admin-equivalent when its identity
// policies, within its permissions boundary and the SCPs, allow every
// catalogue action on every resource ("*") without conditions, and no Deny
// takes any action away for good. AdministratorAccess attached, an inline
// "*" on "*", or statements that together cover every service all qualify.
//
// A Deny that depends on request context (the common "deny everything
// without MFA") does not disqualify: the principal is admin once it supplies
// that context, which is exactly what an attacker holding its credentials
// and MFA would do. Such keys are reported (AdminConditionKeys) so the
// answer can say "admin with MFA". A principal whose *allow* is conditional
// (say, only from one source IP) is not admin-equivalent.
//
// Holding iam:* (or enough of it to grant itself anything) is not admin by
// this definition; Privesc (privesc.go) finds who can become admin.

// IsAdmin reports whether n is admin-equivalent (see above).
func (g *Graph) IsAdmin(n *Node) bool {
	if n == nil {
		return false
	}
	// Lists ask this for every row they draw: answer from the memo before
	// gathering the principal's policies.
	if v, ok := g.perm.adminOf(n); ok {
		return v
	}
	cat := actions.Load()
	if (n.Kind == KindUser || n.Kind == KindRole) && !g.mayBeAdmin(cat, n.identity) {
		// Most principals fail the cheap test on their own policy list:
		// no need to gather their evaluation input.
		return g.perm.isAdmin(n, "", func() bool { return false })
	}
	ps := g.permSet(n)
	if ps == nil {
		return false
	}
	return g.perm.isAdmin(n, adminSignature(ps), func() bool {
		if !g.mayBeAdmin(cat, ps.in.Identity) {
			return false
		}
		ps.compile()
		if admin, decided := ps.quickAdmin(cat); decided {
			return admin
		}
		admin, _, _ := ps.admin(cat)
		return admin
	})
}

// WarmAdmin decides admin-equivalence for every node of ns at once, on all
// cores, so a caller about to ask IsAdmin of many principals (who-can's
// answer, the explorer's lists) pays the wall time once; IsAdmin then answers
// from the memo. The graph is read-only and the memo is guarded, so the
// workers share both safely.
func (g *Graph) WarmAdmin(ns []*Node) {
	parallelFor(len(ns), func(i int) { g.IsAdmin(ns[i]) })
}

// mayBeAdmin is a cheap necessary condition for admin-equivalence, read off
// the Action strings without expanding them: unless some Allow uses
// NotAction or a wildcard in the service part ("*", "*:*", "s3*"), the
// allowed actions span only the services named literally, and those must
// be every service of the catalogue. It keeps IsAdmin over a whole account
// from expanding every principal's statements.
func (g *Graph) mayBeAdmin(cat *actions.Catalogue, identity []policy.Source) bool {
	spans := make([]serviceSpan, 0, len(identity))
	total := 0
	for i := range identity {
		sp := g.perm.servicesOf(identity[i].Policy)
		if sp.wild {
			return g.coversCatalogue(cat, identity)
		}
		spans = append(spans, sp)
		total += len(sp.services)
	}
	if total < cat.NumServices() {
		return false // too few names to span the catalogue, even if all differ
	}
	services := make(map[string]struct{}, total)
	for _, sp := range spans {
		for _, s := range sp.services {
			services[s] = struct{}{}
		}
	}
	return len(services) >= cat.NumServices()
}

// coversCatalogue reports whether the Allow statements of identity that
// could apply to "*" name every catalogue action between them: the
// necessary condition mayBeAdmin falls back on when a wildcard or NotAction
// hides which services a statement spans. The statements' action sets are
// memoised per graph, so this is a union of bitsets.
func (g *Graph) coversCatalogue(cat *actions.Catalogue, identity []policy.Source) bool {
	all := actions.NewBitset(cat.Len())
	for i := range identity {
		p := identity[i].Policy
		if p == nil {
			continue
		}
		for j := range p.Statements {
			st := &p.Statements[j]
			if st.Effect == policy.Allow && st.MayMatchResource("*") {
				all.Or(g.perm.statementActions(cat, st))
			}
		}
	}
	return all.Count() == cat.Len()
}

// serviceSpan is what mayBeAdmin reads off one document's Allow
// statements that could allow on the resource "*" (admin-equivalence is
// decided there): the services they name literally (lower-cased, each
// once), or wild when one uses NotAction or a wildcard in the service part.
type serviceSpan struct {
	wild     bool
	services []string
}

func newServiceSpan(p *policy.Policy) serviceSpan {
	var sp serviceSpan
	if p == nil {
		return sp
	}
	for j := range p.Statements {
		st := &p.Statements[j]
		if st.Effect != policy.Allow || !st.MayMatchResource("*") {
			continue
		}
		if st.NotAction != nil {
			return serviceSpan{wild: true}
		}
		for _, a := range st.Action {
			svc, _, ok := strings.Cut(a, ":")
			if strings.ContainsAny(svc, "*?") {
				return serviceSpan{wild: true}
			}
			if svc = strings.ToLower(svc); ok && !slices.Contains(sp.services, svc) {
				sp.services = append(sp.services, svc)
			}
		}
	}
	return sp
}

// admin decides admin-equivalence and returns the identity statements that
// grant * on * and the request keys a context-dependent Deny tests.
func (ps *permSet) admin(cat *actions.Catalogue) (bool, []StatementRef, []string) {
	all := ps.candidates(cat, nil)
	if all.Count() < cat.Len() {
		return false, nil, nil // some action is granted by no statement at all
	}
	var keys []string
	var allowOnly *policy.Input
	var members [][]int
	if !ps.plainAdmin(cat) {
		members, _ = ps.classes(all)
	}
	for _, m := range members {
		rep := cat.Action(m[0]).String()
		if len(m) == 1 && rep == "sts:GetCallerIdentity" {
			continue
		}
		res := ps.evaluate(rep, "*")
		if res.Decision == policy.Allowed && !res.Conditional {
			continue
		}
		if !res.Conditional {
			return false, nil, nil // refused for good
		}
		// Conditional: admin only if the allow itself is unconditional and
		// only a Deny depends on the missing keys.
		if allowOnly == nil {
			allowOnly = ps.withoutDenies()
		}
		req := ps.req
		req.Action, req.Resource, req.ResourceAccount = rep, "*", ""
		if r := policy.Evaluate(&req, allowOnly); r.Decision != policy.Allowed || r.Conditional {
			return false, nil, nil
		}
		keys = appendUnique(keys, res.MissingContext...)
	}
	for i, k := range keys {
		keys[i] = ps.keyName(k)
	}
	sort.Strings(keys)
	var srcs []StatementRef
	for _, i := range ps.identity {
		s := &ps.stmts[i]
		if s.acts.Count() == cat.Len() && s.produces("*") && len(s.st.Conditions) == 0 {
			srcs = appendRef(srcs, s.ref)
		}
	}
	if len(srcs) == 0 {
		// Admin through several statements together: name them all.
		for _, i := range ps.identity {
			if s := &ps.stmts[i]; s.produces("*") {
				srcs = appendRef(srcs, s.ref)
			}
		}
	}
	return true, srcs, keys
}

// quickAdmin decides admin-equivalence without partitioning the catalogue in
// the common case: every layer that must allow (identity, the boundary, each
// SCP) holds an unconditional Allow of every action on "*", and the Deny
// statements are decided one representative action each. A Deny treats every
// action it matches alike (the context and the resource "*" are the same for
// all), so one evaluation per Deny says whether it takes its actions away for
// good (not admin) or only without some context (still admin). decided is
// false when the allows do not have that shape; admin then decides.
func (ps *permSet) quickAdmin(cat *actions.Catalogue) (admin, decided bool) {
	covered := map[*policy.Source]bool{}
	identity := false
	var denies []*stmt
	for i := range ps.stmts {
		s := &ps.stmts[i]
		if s.st.Effect == policy.Deny {
			denies = append(denies, s)
			continue
		}
		if s.st.NotResource == nil && len(s.st.Conditions) == 0 && s.produces("*") && s.acts.Count() == cat.Len() {
			if s.layer == policy.IdentityPolicy {
				identity = true
			} else {
				covered[s.src] = true
			}
		}
	}
	if !identity || (ps.in.Boundary != nil && !covered[ps.in.Boundary]) {
		return false, false
	}
	for i := range ps.in.SCPs {
		if !covered[&ps.in.SCPs[i]] {
			return false, false
		}
	}
	gci, _ := cat.Lookup("sts:GetCallerIdentity")
	for _, d := range denies {
		rep := -1
		d.acts.ForEach(func(id int) {
			if rep < 0 && (gci == nil || id != gci.ID) {
				rep = id
			}
		})
		if rep < 0 {
			continue // denies nothing but the always-allowed GetCallerIdentity
		}
		if res := ps.evaluate(cat.Action(rep).String(), "*"); res.Decision != policy.Allowed && !res.Conditional {
			return false, true // this Deny takes its actions away for good
		}
	}
	return true, true
}

// plainAdmin is admin's fast path for the common case — AdministratorAccess
// with nothing against it: no Deny statement anywhere, and every layer that
// must allow (identity, the boundary, each SCP) holds an unconditional Allow
// of every action on "*". Then every request is allowed and partitioning the
// catalogue is unnecessary.
func (ps *permSet) plainAdmin(cat *actions.Catalogue) bool {
	covered := map[*policy.Source]bool{}
	identity := false
	for i := range ps.stmts {
		s := &ps.stmts[i]
		if s.st.Effect == policy.Deny {
			return false
		}
		if s.st.NotResource == nil && len(s.st.Conditions) == 0 && s.produces("*") && s.acts.Count() == cat.Len() {
			if s.layer == policy.IdentityPolicy {
				identity = true
			} else {
				covered[s.src] = true
			}
		}
	}
	if !identity || (ps.in.Boundary != nil && !covered[ps.in.Boundary]) {
		return false
	}
	for i := range ps.in.SCPs {
		if !covered[&ps.in.SCPs[i]] {
			return false
		}
	}
	return true
}

// withoutDenies returns ps's input with every Deny statement left out.
func (ps *permSet) withoutDenies() *policy.Input {
	strip := func(src policy.Source) policy.Source {
		if src.Policy == nil {
			return src
		}
		p := *src.Policy
		p.Statements = nil
		for _, st := range src.Policy.Statements {
			if st.Effect == policy.Allow {
				p.Statements = append(p.Statements, st)
			}
		}
		src.Policy = &p
		return src
	}
	in := policy.Input{}
	for _, s := range ps.in.Identity {
		in.Identity = append(in.Identity, strip(s))
	}
	if ps.in.Boundary != nil {
		b := strip(*ps.in.Boundary)
		in.Boundary = &b
	}
	for _, s := range ps.in.SCPs {
		in.SCPs = append(in.SCPs, strip(s))
	}
	return &in
}

// AdminVia returns the admin-equivalent roles n can reach through
// assume-role chains, nearest first. n itself is not included.
func (g *Graph) AdminVia(n *Node) []*Node {
	if n == nil {
		return nil
	}
	dist := g.Reachable(n)
	var out []*Node
	for r := range dist {
		if r != n && r.Kind == KindRole && g.IsAdmin(r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if dist[out[i]] != dist[out[j]] {
			return dist[out[i]] < dist[out[j]]
		}
		return out[i].ARN < out[j].ARN
	})
	return out
}
