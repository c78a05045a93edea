package graph

import (
	"slices"
	"sort"

	"github.com/iamx/iamx/model/actions"

	"github.com/iamx/iamx/model/escalation"
	"github.com/iamx/iamx/model/policy"
)

// Grants: the caller writes permissions for a target (itself, or a
// principal it can act as) and the target is admin-equivalent afterwards.
// Whether it is is decided the way IsAdmin decides it, on the target's
// policies as they would be after the change: its Denies, its permissions
// boundary and the SCPs still apply. A boundary caps a grant unless the
// caller may also delete or replace it.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html

// change is what a grant does to the target's policies.
type change struct {
	extra        []policy.Source // policies added
	replace      string          // managed policy ARN whose document is replaced by with
	with         *policy.Policy
	dropBoundary bool
}

type adminKey struct {
	target  int
	noMFA   bool
	extra   string
	replace string
	with    *policy.Policy
	drop    bool
}

// adminAfter reports whether target is admin-equivalent after c; with
// noMFA, for a session that cannot carry MFA (a Deny guarding on MFA then
// takes its actions away for good).
func (x *escalator) adminAfter(target *Node, c change, noMFA bool) bool {
	k := adminKey{target: target.ID, noMFA: noMFA, replace: c.replace, with: c.with, drop: c.dropBoundary}
	for _, s := range c.extra {
		k.extra += s.ID() + "|"
	}
	if v, ok := x.adminMemo.Load(k); ok {
		return v.(bool)
	}
	g := x.g
	if len(c.extra) == 1 && c.extra[0].Policy == g.allowAll && c.replace == "" &&
		(c.dropBoundary || target.boundary == nil) && (len(g.opts.SCPs) == 0 || target.IsServiceLinked()) && !hasDeny(target.identity) {
		// Allow-all written, nothing that caps or denies: admin, as
		// plainAdmin would find.
		x.adminMemo.Store(k, true)
		return true
	}
	if c.replace == "" && !x.plain && !(len(c.extra) == 1 && c.extra[0].Policy == g.allowAll) &&
		!x.adminAfter(target, change{extra: []policy.Source{x.written()}, dropBoundary: c.dropBoundary}, noMFA) {
		// Policies added allow at most what an allow-all allows, and may
		// deny more: when an allow-all written for target leaves it short
		// of admin (its Denies, boundary or SCPs), so do they.
		x.adminMemo.Store(k, false)
		return false
	}
	ps := g.permSet(target)
	if ps == nil {
		return false
	}
	ids := make([]policy.Source, 0, len(ps.in.Identity)+len(c.extra))
	for _, s := range ps.in.Identity {
		if c.replace != "" && s.ARN == c.replace {
			s.Policy = c.with
		}
		ids = append(ids, s)
	}
	ps.in.Identity = append(ids, c.extra...)
	if c.dropBoundary {
		ps.in.Boundary = nil
	}
	ps.req.Known = knownAbsent(noMFA || x.noMFA(target), ps.req.Known)
	admin := false
	if g.mayBeAdmin(x.cat, ps.in.Identity) {
		ps.compile()
		var decided bool
		if admin, decided = ps.quickAdmin(x.cat); !decided {
			admin, _, _ = ps.admin(x.cat)
		}
	}
	x.adminMemo.Store(k, admin)
	return admin
}

// written is the policy an attacker writes or attaches: every action on
// every resource.
func (x *escalator) written() policy.Source {
	return policy.Source{Type: policy.IdentityPolicy, Name: "(written by the escalation)", Policy: x.g.allowAll}
}

// grant decides a Grant or Uncap method by caller on target: the best hop
// (unconditional first) that leaves target admin-equivalent. noMFA is the
// caller's session's; the target is then used the same way.
func (x *escalator) grant(mi int, caller, target *Node, noMFA bool) (Hop, bool) {
	m := &escalation.Methods()[mi]
	if !fits(m.Target, target) {
		return Hop{}, false
	}
	var best Hop
	found := false
	consider := func(other *Node, c change, requires ...string) {
		if found && !best.Conditional {
			return
		}
		h := Hop{From: target, To: target, Kind: m.ID, Method: m, Admin: true, Requires: requires, NoMFA: noMFA, ToNoMFA: noMFA}
		if caller != target {
			h.By = caller
		}
		if !x.permit(m, caller, target, other, &h) {
			return
		}
		if !x.adminAfter(target, c, noMFA) {
			// A boundary may cap the grant: also remove or replace it.
			if c.dropBoundary || target.boundary == nil || m.Yields == escalation.Uncap || !x.uncap(caller, target, &h) {
				return
			}
			c.dropBoundary = true
			if !x.adminAfter(target, c, noMFA) {
				return
			}
		}
		if !found || best.Conditional && !h.Conditional {
			best, found = h, true
		}
	}
	switch m.Yields {
	case escalation.Uncap:
		if target.boundary != nil {
			consider(nil, change{dropBoundary: true}, target.Label()+" has permissions boundary "+target.boundary.Name)
		}
	case escalation.Grant:
		for _, p := range m.Permissions {
			switch p.On {
			case escalation.OnTarget:
				consider(nil, change{extra: []policy.Source{x.written()}})
			case escalation.OnTargetGroup:
				for _, gr := range target.groups {
					consider(gr, change{extra: []policy.Source{x.written()}}, target.Label()+" is a member of "+gr.Label())
				}
			case escalation.OnJoinGroup:
				for _, gr := range x.joinable(target) {
					consider(gr, x.joinChange(gr), gr.Label()+"'s policies make "+target.Label()+" admin-equivalent")
				}
			case escalation.OnTargetPolicy:
				for _, pn := range x.attachedCustomer(target) {
					x.policyGrant(m, caller, target, pn, noMFA, consider)
				}
			}
		}
	}
	return best, found
}

// policyGrant considers CreatePolicyVersion and SetDefaultPolicyVersion on
// one customer managed policy attached to target.
func (x *escalator) policyGrant(m *escalation.Method, caller, target, pn *Node, noMFA bool, consider func(*Node, change, ...string)) {
	mp := pn.Policy
	where := pn.Label() + " is customer managed and attached to " + target.Label()
	switch m.ID {
	case "iam:CreatePolicyVersion":
		if len(mp.Versions) >= 5 {
			if !x.allow(caller, noMFA, "iam:DeletePolicyVersion", pn.ARN, nil).ok {
				return
			}
			where += " (5 versions: iam:DeletePolicyVersion makes room)"
		}
		consider(pn, change{extra: []policy.Source{x.written()}}, where)
	case "iam:SetDefaultPolicyVersion":
		def := mp.DefaultVersion()
		for i := range mp.Versions {
			v := &mp.Versions[i]
			if v == def || v.Document.Policy == nil {
				continue
			}
			consider(pn, change{replace: pn.ARN, with: v.Document.Policy}, where+"; its version "+v.VersionID+" becomes the default")
		}
	}
}

// uncap adds to h the call that removes or replaces target's boundary, when
// the caller may make one.
func (x *escalator) uncap(caller, target *Node, h *Hop) bool {
	ids := []string{"iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"}
	if target.Kind == KindRole {
		ids = []string{"iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"}
	}
	for _, id := range ids {
		m := escalation.ByID(id)
		u := Hop{NoMFA: h.NoMFA}
		if x.permit(m, caller, target, nil, &u) {
			h.Kind += "+" + id
			h.Actions = append(h.Actions, u.Actions...)
			h.calls = append(h.calls, u.calls...)
			h.Conditional = h.Conditional || u.Conditional
			h.MissingContext = appendUnique(h.MissingContext, u.MissingContext...)
			h.Requires = append(h.Requires, target.Label()+"'s permissions boundary "+target.boundary.Name+" is removed")
			return true
		}
	}
	return false
}

// joinable lists the groups of target's account it is not in whose policies
// could, with its own, allow every action on "*" (a necessary condition for
// admin-equivalence, on the statements' memoised action sets).
func (x *escalator) joinable(target *Node) []*Node {
	if target.Kind != KindUser {
		return nil
	}
	// The actions its own policies leave out: a group must name them all.
	missing := actions.NewBitset(x.cat.Len())
	for id := range x.cat.Len() {
		missing.Set(id)
	}
	missing.AndNot(x.cover(target.identity))
	var out []*Node
	left := actions.NewBitset(x.cat.Len())
	for _, gr := range x.g.groups {
		if gr.Account != target.Account || contains(target.groups, gr) {
			continue
		}
		gc, ok := x.groupCover.Load(gr)
		if !ok {
			gc = x.cover(x.groupSources(gr))
			x.groupCover.Store(gr, gc)
		}
		left = append(left[:0], missing...)
		left.AndNot(gc.(actions.Bitset))
		if left.IsEmpty() {
			out = append(out, gr)
		}
	}
	return out
}

// joinChange is what joining gr does to a user's policies: the group's
// policies are added. When they hold an Allow of every action on "*"
// without conditions and no Deny, every request the user makes afterwards
// is allowed by its identity policies exactly as after an allow-all is
// written for it, whatever else they say; adminAfter then decides the
// change as that one, which it decides once per user instead of once per
// user and group.
func (x *escalator) joinChange(gr *Node) change {
	v, ok := x.groupJoin.Load(gr)
	if !ok {
		j := &groupJoin{sources: x.groupSources(gr)}
		j.all = x.grantsAll(j.sources)
		v = j
		x.groupJoin.Store(gr, j)
	}
	j := v.(*groupJoin)
	if j.all && !x.plain {
		return change{extra: []policy.Source{x.written()}}
	}
	return change{extra: j.sources}
}

// groupJoin is what joinChange works out once per group.
type groupJoin struct {
	sources []policy.Source // the group's policies, as groupSources lists them
	all     bool            // they allow everything and deny nothing
}

// grantsAll reports whether srcs hold an Allow of every action on "*"
// without conditions, and no Deny.
func (x *escalator) grantsAll(srcs []policy.Source) bool {
	all := false
	for i := range srcs {
		p := srcs[i].Policy
		if p == nil {
			continue
		}
		for j := range p.Statements {
			st := &p.Statements[j]
			switch {
			case st.Effect == policy.Deny:
				return false
			case len(st.Conditions) == 0 && st.NotResource == nil && slices.Contains(st.Resource, "*") &&
				x.g.perm.statementActions(x.cat, st).Count() == x.cat.Len():
				all = true
			}
		}
	}
	return all
}

// cover is the set of actions the Allow statements of srcs that could apply
// to "*" name between them.
func (x *escalator) cover(srcs []policy.Source) actions.Bitset {
	all := actions.NewBitset(x.cat.Len())
	for i := range srcs {
		p := srcs[i].Policy
		if p == nil {
			continue
		}
		for j := range p.Statements {
			st := &p.Statements[j]
			if st.Effect == policy.Allow && st.MayMatchResource("*") {
				all.Or(x.g.perm.statementActions(x.cat, st))
			}
		}
	}
	return all
}

func contains(list []*Node, n *Node) bool {
	for _, m := range list {
		if m == n {
			return true
		}
	}
	return false
}

func (x *escalator) groupSources(gr *Node) []policy.Source {
	var out []policy.Source
	for _, r := range x.g.PoliciesOf(gr) {
		s := r.Source
		s.Via = gr.Name
		out = append(out, s)
	}
	return out
}

// attachedCustomer lists the customer managed policies attached to target,
// directly or through its groups, sorted by ARN.
func (x *escalator) attachedCustomer(target *Node) []*Node {
	seen := map[*Node]bool{}
	var out []*Node
	for _, s := range target.identity {
		if s.ARN == "" {
			continue
		}
		pn := x.g.byARN[s.ARN]
		if pn == nil || pn.Kind != KindPolicy || pn.Policy.IsAWSManaged() || seen[pn] {
			continue
		}
		seen[pn] = true
		out = append(out, pn)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

func hasDeny(srcs []policy.Source) bool {
	for _, s := range srcs {
		if s.Policy == nil {
			continue
		}
		for i := range s.Policy.Statements {
			if s.Policy.Statements[i].Effect == policy.Deny {
				return true
			}
		}
	}
	return false
}
