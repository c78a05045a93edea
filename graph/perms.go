package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Effective permissions: every catalogue action a principal may perform,
// with the resources, conditions and statements behind each.
//
// The catalogue has ~22,000 actions but a principal's statements split it
// into few classes: two actions matched by exactly the same statements (in
// every layer: identity, boundary, SCPs, Allow and Deny alike) get the same
// answer for every resource. So the actions are partitioned by the
// statements whose Action / NotAction match them (catalogue bitsets, one per
// statement), and the evaluator is asked once per class and candidate
// resource pattern. The answers are the evaluator's own, so perms never
// disagrees with `can`.
//
// A candidate resource pattern is evaluated as a literal resource: "*" asks
// for everything, "arn:aws:s3:::b/*" asks for that pattern's text, which a
// statement's pattern matches when it covers it. Candidates come from the
// identity Allow statements (with policy variables the snapshot knows
// substituted), and from the boundary, SCP and Deny-with-NotResource
// statements, which is how an intersection such as "identity allows s3:* on
// *, the boundary only on arn:aws:s3:::dev-*" comes out as arn:aws:s3:::dev-*.
// A candidate counts for an action only if it can name a resource of one of
// the action's types (resourcetype.go). What resource-based policies grant
// (role trust policies) is added by asking the evaluator per resource, as
// can does (permresource.go).
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

// PermFilter narrows Permissions to one service and/or access level.
type PermFilter struct {
	Service string              // service prefix ("s3"), case-insensitive; empty for every service
	Level   actions.AccessLevel // 0 for every level
}

// StatementRef names one statement of one policy, as reasons do.
type StatementRef struct {
	Policy     string            // managed policy ARN, or OWNER#NAME for inline policies
	PolicyName string            // the policy's name, for people
	PolicyType policy.PolicyType // identity, boundary or SCP
	Sid        string
	Index      int
	Effect     policy.Effect
	Via        string // the group it is inherited through; empty when direct
}

// Label is "Sid" or "#index".
func (r StatementRef) Label() string { return policy.StatementLabel(r.Sid, r.Index) }

// Restriction is what limits an action without removing it: a Deny on
// specific resources or with conditions, or a boundary or SCP that allows
// the action only on some resources.
type Restriction struct {
	StatementRef
	Layer         policy.Layer // LayerExplicitDeny, LayerBoundary or LayerSCP
	Resources     []string     // the statement's Resource (or NotResource, see NotResource), variables substituted
	NotResource   bool
	ConditionKeys []string // condition keys the statement tests
}

// ActionPerm is one action the principal may perform.
type ActionPerm struct {
	ID      int    // catalogue ID
	Action  string // "s3:GetObject", as in the catalogue
	Service string
	Level   actions.AccessLevel
	// Resources are the resource patterns the action is allowed on. They hold
	// unconditionally, unless Conditional is set.
	Resources []string
	// Conditional is true when the action is allowed only with request
	// context the snapshot cannot know (ConditionKeys: MFA, source IP,
	// region …), or when a Deny applies unless that context says otherwise.
	Conditional   bool
	ConditionKeys []string
	// ConditionalResources are further patterns allowed only with context,
	// beyond the unconditional Resources.
	ConditionalResources []string
	// NotResources are excluded from Resources by an Allow with NotResource.
	NotResources []string
	Sources      []StatementRef // the identity statements that grant it
	Restrictions []Restriction
	Always       bool // sts:GetCallerIdentity: allowed whatever the policies say
}

// AllowsAll reports whether the action is allowed unconditionally on every
// resource ("*").
func (a *ActionPerm) AllowsAll() bool {
	if a.Conditional {
		return false
	}
	for _, r := range a.Resources {
		if r == "*" {
			return true
		}
	}
	return false
}

// RemovedAction is an action an identity policy grants that a Deny, the
// permissions boundary or an SCP takes away entirely.
type RemovedAction struct {
	ID     int
	Action string
	Level  actions.AccessLevel
	Layer  policy.Layer   // LayerExplicitDeny, LayerBoundary or LayerSCP
	By     []StatementRef // the Deny statements; or the boundary / SCP policies (Index -1)
}

// UnknownAction is an action whose answer rests on resource policies the
// snapshot lacks.
type UnknownAction struct {
	ID        int
	Action    string
	Level     actions.AccessLevel
	Resources []string       // the identity side's patterns
	Sources   []StatementRef // the identity statements that allow them
}

// Permissions is a principal's effective permissions.
type Permissions struct {
	Principal *Node
	Filter    PermFilter
	// Admin is true when the principal is admin-equivalent (see IsAdmin);
	// AdminSources are the identity statements that grant * on *.
	Admin        bool
	AdminSources []StatementRef
	// AdminConditionKeys are the request keys a Deny depends on that keeps an
	// admin from * on * without them (e.g. aws:MultiFactorAuthPresent).
	AdminConditionKeys []string
	Actions            []ActionPerm    // sorted by action name
	Removed            []RemovedAction // sorted by action name
	// Unknown are actions the identity policies allow on patterns that can
	// name resources outside the loaded accounts, where AWS requires the
	// resource's own policy to allow too (sts:AssumeRole*: the role's trust
	// policy; kms actions on keys: the key policy) and the snapshot does not
	// hold it. Never counted as allowed.
	Unknown []UnknownAction // sorted by action name
	// Assumptions say what rows rest on that the snapshot lacks: the
	// default key policy of the account's keys it does not hold.
	Assumptions []string
	Note        string // why the list is empty or partial, for people
}

// Permissions returns what n may do: for users and roles, their identity
// policies (a user's with its groups') within the permissions boundary and
// SCPs, minus explicit denies; for a group, its own policies (each member's
// boundary and own policies also apply); for a managed policy, what the
// document grants on its own. External principals carry no policies iamx can
// see: the answer is empty with a Note.
func (g *Graph) Permissions(n *Node, f PermFilter) *Permissions {
	out := &Permissions{Principal: n, Filter: f}
	if n == nil {
		out.Note = "no principal"
		return out
	}
	ps := g.permSet(n)
	if ps == nil {
		out.Note = externalNote(n)
		return out
	}
	cat := actions.Load()
	filter, ok := filterSet(cat, f)
	if !ok {
		out.Note = "no service " + f.Service + " in the action catalogue"
		return out
	}
	ps.compile().run(cat, filter, out)
	if n.Kind == KindUser || n.Kind == KindRole {
		ps.mergeResourceGrants(cat, filter, out)
	}
	if g.mayBeAdmin(cat, ps.in.Identity) {
		out.Admin, out.AdminSources, out.AdminConditionKeys = ps.admin(cat)
	}
	return out
}

func externalNote(n *Node) string {
	switch n.Principal.Kind {
	case principal.Service:
		return n.ARN + " is an AWS service: it acts only through roles it may assume (see chains)"
	case principal.Federated:
		return n.ARN + " is an identity provider: its users act only through roles they may assume (see chains)"
	case principal.Account:
		return "account " + n.Account + " is not loaded: its own policies are unknown; see chains for the roles it may assume here"
	}
	return n.Label() + " has no policies in the loaded snapshots; see chains for the roles it may assume"
}

// filterSet returns the catalogue actions f admits, or nil for all.
func filterSet(cat *actions.Catalogue, f PermFilter) (actions.Bitset, bool) {
	if f.Service == "" && f.Level == 0 {
		return nil, true
	}
	b := actions.NewBitset(cat.Len())
	add := func(as []*actions.Action) {
		for _, a := range as {
			if f.Level == 0 || a.Level == f.Level {
				b.Set(a.ID)
			}
		}
	}
	if f.Service != "" {
		svc, ok := cat.Service(strings.ToLower(f.Service))
		if !ok {
			return nil, false
		}
		add(svc.Actions)
		return b, true
	}
	for _, svc := range cat.Services() {
		add(svc.Actions)
	}
	return b, true
}

// stmt is one statement of a principal's policies, with the catalogue
// actions it matches.
type stmt struct {
	src   *policy.Source
	st    *policy.Statement
	layer policy.PolicyType
	acts  actions.Bitset
	// resources are Resource (or NotResource) with the variables the snapshot
	// knows substituted; nil when the statement has neither.
	resources []string
	ref       StatementRef
}

// permSet is everything Permissions needs about one principal.
type permSet struct {
	g        *Graph
	n        *Node
	in       policy.Input
	req      policy.Request
	stmts    []stmt
	identity []int // indices into stmts of identity Allow statements
	always   bool  // sts:GetCallerIdentity applies
}

// permSet gathers n's policies, or returns nil for external principals.
// Call compile before reading stmts.
func (g *Graph) permSet(n *Node) *permSet {
	ps := &permSet{g: g, n: n}
	switch n.Kind {
	case KindUser, KindRole:
		ps.req = g.requestShared(n, "iamx:Probe", "*", nil)
		ps.in = g.Input(n, &ps.req)
		ps.in.Resource = nil
		ps.always = true
	case KindGroup:
		refs := g.PoliciesOf(n)
		for _, r := range refs {
			ps.in.Identity = append(ps.in.Identity, r.Source)
		}
		ps.in.SCPs = g.scpsFor(n.Account)
		ps.req = policy.Request{Principal: principal.Principal{Kind: principal.User, ID: n.ARN, Account: n.Account, Name: n.Name}, Context: policy.Context{}}
	case KindPolicy:
		if v := n.Policy.DefaultVersion(); v != nil && v.Document.Policy != nil {
			ps.in.Identity = []policy.Source{{Type: policy.IdentityPolicy, ARN: n.ARN, Name: n.Name, Policy: v.Document.Policy}}
		}
		ps.req = policy.Request{Principal: principal.Principal{Kind: principal.User, ID: n.ARN, Account: n.Account, Name: n.Name}, Context: policy.Context{}}
	default:
		return nil
	}
	return ps
}

// compile expands every statement's actions into a catalogue bitset and
// substitutes the variables the snapshot knows in its resources.
func (ps *permSet) compile() *permSet {
	if ps.stmts != nil {
		return ps
	}
	cat := actions.Load()
	add := func(src *policy.Source) {
		if src == nil || src.Policy == nil {
			return
		}
		vars := src.Policy.UsesVariables()
		for i := range src.Policy.Statements {
			st := &src.Policy.Statements[i]
			acts := ps.g.perm.statementActions(cat, st)
			s := stmt{src: src, st: st, layer: src.Type, acts: acts, ref: refOf(src, st)}
			res := st.Resource
			if st.NotResource != nil {
				res = st.NotResource
			}
			if res != nil {
				s.resources = make([]string, len(res))
				for j, r := range res {
					s.resources[j] = r
					if vars {
						s.resources[j] = policy.Substitute(r, ps.req.Context)
					}
				}
			}
			if src.Type == policy.IdentityPolicy && st.Effect == policy.Allow {
				ps.identity = append(ps.identity, len(ps.stmts))
			}
			ps.stmts = append(ps.stmts, s)
		}
	}
	for i := range ps.in.Identity {
		add(&ps.in.Identity[i])
	}
	add(ps.in.Boundary)
	for i := range ps.in.SCPs {
		add(&ps.in.SCPs[i])
	}
	if ps.stmts == nil {
		ps.stmts = []stmt{}
	}
	return ps
}

// statementActions is the set of catalogue actions a statement's Action
// (or NotAction: every action but those) matches.
func statementActions(cat *actions.Catalogue, st *policy.Statement) actions.Bitset {
	if st.NotAction != nil {
		b := actions.NewBitset(cat.Len())
		for id := 0; id < cat.Len(); id++ {
			b.Set(id)
		}
		b.AndNot(cat.ExpandSet(st.NotAction))
		return b
	}
	return cat.ExpandSet(st.Action)
}

func refOf(src *policy.Source, st *policy.Statement) StatementRef {
	return StatementRef{Policy: src.ID(), PolicyName: src.Name, PolicyType: src.Type,
		Sid: st.Sid, Index: st.Index, Effect: st.Effect, Via: src.Via}
}

// candidates returns the actions some identity Allow statement matches,
// within filter (nil: all).
func (ps *permSet) candidates(cat *actions.Catalogue, filter actions.Bitset) actions.Bitset {
	c := actions.NewBitset(cat.Len())
	for _, i := range ps.identity {
		c.Or(ps.stmts[i].acts)
	}
	if filter != nil {
		c.And(filter)
	}
	return c
}

// classes partitions the IDs in set by which statements match them. It
// returns, per class, its member IDs (ascending) and the indices of the
// statements that match it.
func (ps *permSet) classes(set actions.Bitset) (members [][]int, sigs [][]int) {
	ids := make([]int, 0, set.Count())
	set.ForEach(func(id int) { ids = append(ids, id) })
	if len(ids) == 0 {
		return nil, nil
	}
	// sts:GetCallerIdentity is decided without policies: it gets a class of
	// its own so it never stands for other actions.
	cls := make([]int32, len(ids))
	nclass := 1
	if gci, ok := actions.Load().Lookup("sts:GetCallerIdentity"); ok && set.Has(gci.ID) && len(ids) > 1 {
		for i, id := range ids {
			if id == gci.ID {
				cls[i] = 1
			}
		}
		nclass = 2
	}
	var remap []int32
	for si := range ps.stmts {
		acts := ps.stmts[si].acts
		if !splits(acts, set) {
			continue
		}
		remap = remap[:0]
		for i := 0; i < 2*nclass; i++ {
			remap = append(remap, -1)
		}
		next := int32(0)
		for i, id := range ids {
			k := cls[i] * 2
			if acts.Has(id) {
				k++
			}
			if remap[k] < 0 {
				remap[k] = next
				next++
			}
			cls[i] = remap[k]
		}
		nclass = int(next)
	}
	// Members by counting sort into one backing array.
	count := make([]int, nclass+1)
	for _, c := range cls {
		count[c+1]++
	}
	for c := 1; c <= nclass; c++ {
		count[c] += count[c-1]
	}
	backing := make([]int, len(ids))
	fill := append([]int(nil), count[:nclass]...)
	for i, id := range ids {
		c := cls[i]
		backing[fill[c]] = id
		fill[c]++
	}
	members = make([][]int, nclass)
	sigs = make([][]int, nclass)
	for c := range members {
		members[c] = backing[count[c]:count[c+1]:count[c+1]]
		rep := members[c][0]
		for si := range ps.stmts {
			if ps.stmts[si].acts.Has(rep) {
				sigs[c] = append(sigs[c], si)
			}
		}
	}
	return members, sigs
}

// splits reports whether acts holds some but not all of set.
func splits(acts, set actions.Bitset) bool {
	some, all := false, true
	for w := range set {
		var a uint64
		if w < len(acts) {
			a = acts[w]
		}
		if set[w]&a != 0 {
			some = true
		}
		if set[w]&^a != 0 {
			all = false
		}
		if some && !all {
			return true
		}
	}
	return false
}

// evaluate asks the evaluator about action on resource, as n, without any
// resource-based policy (this is the identity side's view; resource
// policies are added by resourceGrants) and as if the resource were in n's
// own account. The keys of the action's service that AWS never sends with
// it are absent by fact, as in `can`.
func (ps *permSet) evaluate(action, resource string) policy.Result {
	req := ps.req
	req.Action = action
	req.Resource = resource
	req.ResourceAccount = ""
	req.KnownService = ps.g.svcKeys.absent(action)
	in := ps.in
	return policy.Evaluate(&req, &in)
}

// classAnswer is the shared part of the ActionPerms of one class.
type classAnswer struct {
	resources     []string
	conditional   bool
	keys          []string
	condResources []string
	notResources  []string
	sources       []StatementRef
	restrictions  []Restriction
	// removed: identity grants it, but nothing survives.
	removed      bool
	removedLayer policy.Layer
	removedBy    []StatementRef
}

// candidateResources returns the resource patterns to ask about for a class
// matched by the statements sig, identity first so "*" (the common case)
// leads, and the patterns an Allow with NotResource excludes.
func (ps *permSet) candidateResources(sig []int) (cands, notResources []string) {
	seen := map[string]bool{}
	add := func(r string) {
		if !seen[r] {
			seen[r] = true
			cands = append(cands, r)
		}
	}
	for _, si := range sig {
		s := &ps.stmts[si]
		if s.layer == policy.IdentityPolicy && s.st.Effect == policy.Allow {
			if s.resources == nil || s.st.NotResource != nil {
				add("*")
				if s.st.NotResource != nil {
					notResources = appendUnique(notResources, s.resources...)
				}
			} else {
				for _, r := range s.resources {
					add(r)
				}
			}
		}
	}
	for _, si := range sig {
		s := &ps.stmts[si]
		narrowing := (s.layer != policy.IdentityPolicy && s.st.Effect == policy.Allow && s.st.NotResource == nil) ||
			(s.st.Effect == policy.Deny && s.st.NotResource != nil)
		if narrowing {
			for _, r := range s.resources {
				add(r)
			}
		}
	}
	return cands, notResources
}

// answer decides one group of a class from the evaluator's results for its
// candidate resources (results[i] for cands[i]), keeping only the candidates
// the group's actions take (take[i]; nil: all).
func (ps *permSet) answer(cands []string, results []policy.Result, take []bool, sig []int, notResources []string) classAnswer {
	a := classAnswer{notResources: notResources}
	type cres struct {
		r   string
		res *policy.Result
	}
	var allowed, conditional, refused []cres
	for i, r := range cands {
		if take != nil && !take[i] {
			continue
		}
		res := &results[i]
		switch {
		case res.Decision == policy.Allowed && !res.Conditional:
			allowed = append(allowed, cres{r, res})
		case res.Conditional:
			conditional = append(conditional, cres{r, res})
		default:
			refused = append(refused, cres{r, res})
		}
	}

	if len(allowed) == 0 && len(conditional) == 0 {
		// Removed only when a layer other than identity refused: a grant
		// whose own conditions can never hold for n is not a grant.
		for _, c := range refused {
			if l := c.res.Layer; l == policy.LayerExplicitDeny || l == policy.LayerBoundary || l == policy.LayerSCP {
				a.removed, a.removedLayer = true, l
				a.removedBy = ps.blame(*c.res, sig)
				break
			}
		}
		return a
	}

	for _, c := range allowed {
		a.resources = append(a.resources, c.r)
		for _, r := range c.res.Reasons {
			if r.PolicyType == policy.IdentityPolicy {
				a.sources = appendRef(a.sources, ps.refFor(r))
			}
		}
	}
	a.resources = pruneCovered(a.resources)
	for _, c := range conditional {
		a.keys = appendUnique(a.keys, c.res.MissingContext...)
		if !coveredBy(c.r, a.resources) {
			a.condResources = append(a.condResources, c.r)
		}
		for _, si := range sig {
			s := &ps.stmts[si]
			if s.layer == policy.IdentityPolicy && s.st.Effect == policy.Allow && s.produces(c.r) {
				a.sources = appendRef(a.sources, s.ref)
			}
		}
	}
	a.condResources = pruneCovered(a.condResources)
	if len(a.resources) == 0 {
		a.resources, a.condResources, a.conditional = a.condResources, nil, true
	}
	for i, k := range a.keys {
		a.keys[i] = ps.keyName(k)
	}
	sort.Strings(a.keys)

	// Restrictions: every Deny that matches the action (it did not remove
	// it, or we would not be here), and boundary / SCP allows that narrow
	// the resources.
	for _, si := range sig {
		s := &ps.stmts[si]
		switch {
		case s.st.Effect == policy.Deny:
			a.restrictions = append(a.restrictions, s.restriction(policy.LayerExplicitDeny))
		case s.layer == policy.BoundaryPolicy && s.narrows():
			a.restrictions = append(a.restrictions, s.restriction(policy.LayerBoundary))
		case s.layer == policy.SCPPolicy && s.narrows():
			a.restrictions = append(a.restrictions, s.restriction(policy.LayerSCP))
		}
	}
	return a
}

// blame names what refused a class: the Deny statements that matched, or the
// boundary or SCP policies that did not allow.
func (ps *permSet) blame(res policy.Result, sig []int) []StatementRef {
	var out []StatementRef
	switch res.Layer {
	case policy.LayerExplicitDeny:
		for _, r := range res.Reasons {
			out = appendRef(out, ps.refFor(r))
		}
	case policy.LayerBoundary:
		if b := ps.in.Boundary; b != nil {
			out = append(out, StatementRef{Policy: b.ID(), PolicyName: b.Name, PolicyType: policy.BoundaryPolicy, Index: -1})
		}
	case policy.LayerSCP:
		for i := range ps.in.SCPs {
			s := &ps.in.SCPs[i]
			allows := false
			for _, si := range sig {
				if ps.stmts[si].src == s && ps.stmts[si].st.Effect == policy.Allow {
					allows = true
				}
			}
			if !allows {
				out = append(out, StatementRef{Policy: s.ID(), PolicyName: s.Name, PolicyType: policy.SCPPolicy, Index: -1})
			}
		}
	}
	return out
}

// keyName returns a condition key as the policies write it
// ("aws:MultiFactorAuthPresent"); the evaluator reports keys lower-cased.
func (ps *permSet) keyName(k string) string {
	for i := range ps.stmts {
		st := ps.stmts[i].st
		for j := range st.Conditions {
			if strings.EqualFold(st.Conditions[j].Key, k) {
				return st.Conditions[j].Key
			}
		}
	}
	return k
}

// refFor turns an evaluator reason back into a StatementRef with the
// policy's name.
func (ps *permSet) refFor(r policy.Reason) StatementRef {
	for i := range ps.stmts {
		s := &ps.stmts[i]
		if s.ref.Index == r.Index && s.ref.PolicyType == r.PolicyType && s.ref.Via == r.Via && s.ref.Policy == r.Policy {
			return s.ref
		}
	}
	return StatementRef{Policy: r.Policy, PolicyType: r.PolicyType, Sid: r.Sid, Index: r.Index, Effect: r.Effect, Via: r.Via}
}

// produces reports whether the Allow statement s could have granted the
// candidate resource r.
func (s *stmt) produces(r string) bool {
	if s.resources == nil || s.st.NotResource != nil {
		return r == "*"
	}
	for _, p := range s.resources {
		if p == r || globMatch(p, r, false) {
			return true
		}
	}
	return false
}

// narrows reports whether an Allow statement allows less than every resource.
func (s *stmt) narrows() bool {
	if s.resources == nil {
		return false
	}
	if s.st.NotResource != nil {
		return true
	}
	for _, r := range s.resources {
		if r == "*" {
			return false
		}
	}
	return true
}

func (s *stmt) restriction(l policy.Layer) Restriction {
	r := Restriction{StatementRef: s.ref, Layer: l, Resources: s.resources, NotResource: s.st.NotResource != nil}
	for _, c := range s.st.Conditions {
		r.ConditionKeys = appendUnique(r.ConditionKeys, c.Key)
	}
	return r
}

// run fills out.Actions and out.Removed for the actions in filter (nil: all).
//
// Within a class, actions can still differ in two ways the statements do
// not see, so each class is split further before it is answered:
//   - the condition keys of their own service that AWS never sends with them
//     (only those the class's statements test), which the evaluator reads as
//     absent by fact: one evaluation per such group;
//   - the resource types they take (ActionTakes): a candidate pattern counts
//     for an action only if it can name a resource of one of its types.
func (ps *permSet) run(cat *actions.Catalogue, filter actions.Bitset, out *Permissions) {
	cand := ps.candidates(cat, filter)
	members, sigs := ps.classes(cand)
	out.Actions = make([]ActionPerm, 0, cand.Count()+1)
	fits := fitMemo{&ps.g.perm}
	for c, m := range members {
		cands, notRes := ps.candidateResources(sigs[c])
		for _, grp := range ps.serviceKeyGroups(cat, m, sigs[c]) {
			results := make([]policy.Result, len(cands))
			rep := cat.Action(grp[0]).String()
			for i, r := range cands {
				results[i] = ps.evaluate(rep, r)
			}
			for _, tg := range fits.groups(cat, grp, cands) {
				a := ps.answer(cands, results, tg.take, sigs[c], notRes)
				for _, id := range tg.ids {
					act := cat.Action(id)
					if a.removed {
						out.Removed = append(out.Removed, RemovedAction{ID: id, Action: act.String(), Level: act.Level, Layer: a.removedLayer, By: a.removedBy})
						continue
					}
					if a.resources == nil {
						continue
					}
					out.Actions = append(out.Actions, ActionPerm{
						ID: id, Action: act.String(), Service: act.Service, Level: act.Level,
						Resources: a.resources, Conditional: a.conditional, ConditionKeys: a.keys,
						ConditionalResources: a.condResources, NotResources: a.notResources,
						Sources: a.sources, Restrictions: a.restrictions,
					})
				}
			}
		}
	}
	if ps.always {
		// sts:GetCallerIdentity is allowed whatever the policies say.
		// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
		if act, ok := cat.Lookup("sts:GetCallerIdentity"); ok && (filter == nil || filter.Has(act.ID)) {
			ap := ActionPerm{ID: act.ID, Action: act.String(), Service: act.Service, Level: act.Level, Resources: []string{"*"}, Always: true}
			replaced := false
			for i := range out.Actions {
				if out.Actions[i].ID == act.ID {
					ap.Sources = out.Actions[i].Sources
					out.Actions[i] = ap
					replaced = true
				}
			}
			for i := range out.Removed {
				if out.Removed[i].ID == act.ID {
					out.Removed = append(out.Removed[:i], out.Removed[i+1:]...)
					break
				}
			}
			if !replaced {
				out.Actions = append(out.Actions, ap)
			}
		}
	}
	sort.Slice(out.Actions, func(i, j int) bool { return out.Actions[i].Action < out.Actions[j].Action })
	sort.Slice(out.Removed, func(i, j int) bool { return out.Removed[i].Action < out.Removed[j].Action })
}

// serviceKeyGroups splits a class's members (ascending IDs) by which of the
// service-specific condition keys its statements test AWS never sends with
// them. Usually the statements test none and the class stays whole.
func (ps *permSet) serviceKeyGroups(cat *actions.Catalogue, members []int, sig []int) [][]int {
	var keys []string
	for _, si := range sig {
		for _, c := range ps.stmts[si].st.Conditions {
			k := strings.ToLower(c.Key)
			if !strings.HasPrefix(k, "aws:") && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return [][]int{members}
	}
	var out [][]int
	index := map[string]int{}
	mask := make([]byte, len(keys))
	for _, id := range members {
		absent := ps.g.svcKeys.absent(cat.Action(id).String())
		for i, k := range keys {
			mask[i] = '0'
			if absentKey(absent, k) {
				mask[i] = '1'
			}
		}
		j, ok := index[string(mask)]
		if !ok {
			j = len(out)
			index[string(mask)] = j
			out = append(out, nil)
		}
		out[j] = append(out[j], id)
	}
	return out
}

// coveredBy reports whether another pattern in list covers r.
func coveredBy(r string, list []string) bool {
	for _, q := range list {
		if q == r || globMatch(q, r, false) {
			return true
		}
	}
	return false
}

// pruneCovered drops patterns another pattern of the list covers ("*"
// covers everything), keeping the first of equal ones.
func pruneCovered(list []string) []string {
	if len(list) < 2 {
		return list
	}
	out := list[:0:0]
	for i, r := range list {
		covered := false
		for j, q := range list {
			if i != j && q != r && globMatch(q, r, false) {
				covered = true
				break
			}
		}
		if !covered && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func appendUnique(list []string, xs ...string) []string {
	for _, x := range xs {
		if !slices.Contains(list, x) {
			list = append(list, x)
		}
	}
	return list
}

func appendRef(list []StatementRef, r StatementRef) []StatementRef {
	for _, x := range list {
		if x == r {
			return list
		}
	}
	return append(list, r)
}
