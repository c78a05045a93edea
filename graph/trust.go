package graph

import (
	"slices"
	"strings"

	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Edge kinds: the STS action that assumes the role, or "service" for an AWS
// service principal (which calls sts:AssumeRole on its own behalf).
const (
	EdgeAssumeRole  = "sts:AssumeRole"
	EdgeWebIdentity = "sts:AssumeRoleWithWebIdentity"
	EdgeSAML        = "sts:AssumeRoleWithSAML"
	EdgeService     = "service"

	actionAssumeRole  = "sts:AssumeRole"
	actionAssumeWebID = "sts:AssumeRoleWithWebIdentity"
	actionAssumeSAML  = "sts:AssumeRoleWithSAML"
)

// Edge is a can-assume edge: From may assume the role To.
type Edge struct {
	From, To *Node
	Kind     string // EdgeAssumeRole, EdgeWebIdentity, EdgeSAML or EdgeService
	// Conditions are the conditions of the statements (trust side and
	// identity side) that allow the edge or could decide it with more
	// context: MFA, sts:ExternalId, OIDC sub/aud, aws:SourceAccount, …
	Conditions []policy.Condition
	// Unless are the conditions of Deny statements that could block the
	// edge once the missing context is known (e.g. a deny-without-MFA
	// guard): the edge holds unless they are all true.
	Unless  []policy.Condition
	Reasons []policy.Reason // the statements that allowed it
	// Conditional is true when the edge holds only for some values of
	// MissingContext (the evaluator's verdict).
	Conditional    bool
	MissingContext []string
}

// Action returns the STS action the edge stands for.
func (e *Edge) Action() string {
	if e.Kind == EdgeService {
		return actionAssumeRole
	}
	return e.Kind
}

// AssumableBy returns the edges into a role: who may assume it, with both
// the trust side and the identity side decided. The list is built on each
// call (delegated edges are not stored); sorted by principal.
func (g *Graph) AssumableBy(role *Node) []Edge {
	if role == nil {
		return nil
	}
	out := append([]Edge(nil), role.assumedBy...)
	g.delegatedIn(role, func(e Edge) bool { out = append(out, e); return true })
	if len(out) > len(role.assumedBy) {
		sortEdges(out, func(e *Edge) *Node { return e.From })
	}
	return out
}

// Assumes returns the edges out of a principal: the roles it may assume,
// sorted by role. The list is built on each call.
func (g *Graph) Assumes(n *Node) []Edge {
	if n == nil {
		return nil
	}
	out := append([]Edge(nil), n.assumes...)
	g.delegatedOut(n, func(e Edge) bool { out = append(out, e); return true })
	if len(out) > len(n.assumes) {
		sortEdges(out, func(e *Edge) *Node { return e.To })
	}
	return out
}

// candidate is a principal a trust policy may admit, with the edge kind.
type candidate struct {
	node *Node
	kind string
	stmt *policy.Statement // for dangling principals: the statement naming them
}

// buildTrustEdges decides every can-assume edge with the evaluator.
//
// Trust policies: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// Cross-account needs both sides: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func (g *Graph) buildTrustEdges() {
	assumeMemo := make(memo, len(g.policyDocs))
	roles := append([]*Node(nil), g.roles...)
	var delegs []*delegRole
	type pair struct {
		r *Node
		c candidate
	}
	var pairs []pair
	for _, r := range roles {
		tp := r.Role.TrustPolicy.Policy
		if tp == nil {
			continue
		}
		d := newDelegRole(r, tp)
		open := openTrust{role: r}
		cands := g.trustCandidates(r, tp, assumeMemo, d, &open)
		for _, c := range cands {
			pairs = append(pairs, pair{r, c})
		}
		if d != nil && (d.all || len(d.accounts) > 0) {
			delegs = append(delegs, d)
		}
		if open.isOpen() {
			// The externals it names are decided with the rest.
			for _, c := range cands {
				if c.kind == EdgeAssumeRole || c.kind == EdgeService {
					open.name(c.node)
				}
			}
			o := open
			g.opens = append(g.opens, &o)
		}
	}
	// The candidates (external nodes included) are all known: decide them
	// on every core, then record the edges in order.
	edges := make([]*Edge, len(pairs))
	parallelFor(len(pairs), func(i int) { edges[i] = g.decideEdge(pairs[i].r, pairs[i].c) })
	for _, e := range edges {
		if e != nil {
			g.addEdge(*e)
		}
	}
	// Every external is known now: the open trusts reach those they do
	// not name (outside.go).
	outside, into := g.outsideRoles(g.opens)
	outEdges := make([][]*Edge, len(outside))
	parallelFor(len(outside), func(i int) { outEdges[i] = g.decideOutside(outside[i], into[i]) })
	for _, list := range outEdges {
		for _, e := range list {
			g.addEdge(*e)
		}
	}
	g.buildDelegation(delegs)
	for _, n := range g.nodes {
		sortEdges(n.assumes, func(e *Edge) *Node { return e.To })
		sortEdges(n.assumedBy, func(e *Edge) *Node { return e.From })
	}
}

// sortEdges sorts edges stably by the node end names (edgeLess), then kind.
// An organization's outside principals hold thousands of edges each: the
// order is found on indexes and the edges moved once, not swapped about.
func sortEdges(edges []Edge, end func(*Edge) *Node) {
	less := func(a, b *Edge) bool { return edgeLess(end(a), end(b), a.Kind, b.Kind) }
	sorted := true
	for i := 1; i < len(edges) && sorted; i++ {
		sorted = !less(&edges[i], &edges[i-1])
	}
	if sorted {
		return
	}
	idx := make([]int32, len(edges))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int {
		switch {
		case less(&edges[i], &edges[j]):
			return -1
		case less(&edges[j], &edges[i]):
			return 1
		}
		return 0
	})
	out := make([]Edge, len(edges))
	for i, k := range idx {
		out[i] = edges[k]
	}
	copy(edges, out)
}

func edgeLess(a, b *Node, ka, kb string) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.ARN != b.ARN {
		return a.ARN < b.ARN
	}
	return ka < kb
}

// trustCandidates lists, once each, the principals the Allow statements of a
// trust policy could admit. Who is admitted in the end is the evaluator's
// call; this only keeps the evaluation count proportional to what the trust
// policy names.
//
// With d set (the trust policy has no NotPrincipal, so only the account
// decides whether a delegation statement applies), statements that admit
// principals by account root or "*" do not list the loaded users and roles:
// they are recorded in d and decided per class of principal (delegation.go).
// Principals the policy names by ARN are recorded in d.named and decided
// here, one by one.
func (g *Graph) trustCandidates(r *Node, tp *policy.Policy, assumeMemo memo, d *delegRole, open *openTrust) []candidate {
	var out []candidate
	seen := map[[2]any]bool{}
	add := func(n *Node, kind string, st *policy.Statement) {
		k := [2]any{n, kind}
		if n == nil || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, candidate{node: n, kind: kind, stmt: st})
		if d != nil && (n.Kind == KindUser || n.Kind == KindRole) {
			d.named[n] = true
		}
	}
	// everyone admits the anyone node and every user and role loaded.
	everyone := func(st *policy.Statement) {
		open.all = true
		add(g.external(principal.Principal{Kind: principal.Anyone, ID: "*", Name: "*"}, false), EdgeAssumeRole, st)
		if d != nil {
			d.all = true
			return
		}
		for _, a := range g.actors {
			add(a, EdgeAssumeRole, st)
		}
	}
	for i := range tp.Statements {
		st := &tp.Statements[i]
		if st.Effect != policy.Allow {
			if d != nil && st.Principal != nil && st.MatchesAction(actionAssumeRole) {
				g.deniedByName(st, add)
			}
			continue
		}
		assume := st.MatchesAction(actionAssumeRole)
		webID := st.MatchesAction(actionAssumeWebID)
		saml := st.MatchesAction(actionAssumeSAML)
		if !assume && !webID && !saml {
			continue
		}
		if st.NotPrincipal != nil || (st.Principal != nil && st.Principal.Wildcard) {
			// "Principal": "*" admits any principal, and Allow with
			// NotPrincipal admits everyone not listed.
			if assume {
				everyone(st)
			}
			continue
		}
		if st.Principal == nil {
			continue
		}
		if assume {
			for _, id := range st.Principal.AWS {
				g.awsCandidates(r, id, st, assumeMemo, add, everyone, d, open)
			}
			for _, s := range st.Principal.Service {
				add(g.external(principal.NewService(s), false), EdgeService, st)
			}
		}
		for _, f := range st.Principal.Federated {
			p := principal.NewFederated(f)
			kind := EdgeWebIdentity
			if strings.Contains(p.ID, ":saml-provider/") {
				kind = EdgeSAML
			}
			if (kind == EdgeSAML && saml) || (kind == EdgeWebIdentity && webID) {
				add(g.external(p, false), kind, st)
			}
		}
	}
	return out
}

// deniedByName lists the loaded users and roles a Deny statement of a
// delegating trust policy names by ARN. The Deny applies to them and not
// to the rest of their account, so they cannot share a delegated class with
// it: they are decided one by one, like principals an Allow names.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
func (g *Graph) deniedByName(st *policy.Statement, add func(*Node, string, *policy.Statement)) {
	for _, id := range st.Principal.AWS {
		p, err := principal.Parse(strings.TrimSpace(id))
		if err != nil || (p.Kind != principal.User && p.Kind != principal.Role) {
			continue
		}
		if n := g.byARN[p.ID]; n != nil && n.Kind != KindExternal {
			add(n, EdgeAssumeRole, st)
		}
	}
}

// awsCandidates expands one entry of a trust statement's AWS principal list.
func (g *Graph) awsCandidates(r *Node, id string, st *policy.Statement, assumeMemo memo,
	add func(*Node, string, *policy.Statement), everyone func(*policy.Statement), d *delegRole, open *openTrust) {
	id = strings.TrimSpace(id)
	if id == "" {
		return // names nobody (AWS rejects it; a hand-edited snapshot may not)
	}
	if id == "*" {
		everyone(st)
		return
	}
	p, err := principal.ParseIn(partitionOf(r.ARN), id)
	if err != nil {
		// AWS rewrites the ARN of a deleted user or role in a trust policy
		// to its unique ID (AIDA…, AROA…); anything else unreadable is kept
		// the same way rather than dropped.
		add(g.external(principal.Principal{Kind: principal.Unknown, ID: id, Name: id}, true), EdgeAssumeRole, st)
		return
	}
	switch p.Kind {
	case principal.Account:
		open.addAccount(p.Account)
		add(g.external(p, false), EdgeAssumeRole, st)
		if g.accounts[p.Account] == nil {
			return
		}
		if d != nil {
			d.accounts[p.Account] = true
			return
		}
		// Trusting the account root delegates to the account: each of its
		// users and roles needs its own identity allow, so only those whose
		// policies could allow sts:AssumeRole on this role are evaluated.
		for _, a := range g.actors {
			if a.Account == p.Account && g.mayAssume(a, r.ARN, assumeMemo) {
				add(a, EdgeAssumeRole, st)
			}
		}
	case principal.User, principal.Role:
		if n := g.byARN[p.ID]; n != nil && n.Kind != KindExternal {
			add(n, EdgeAssumeRole, st)
			return
		}
		if n := g.byTypeName[typeNameKey(p.Account, p.Kind.String(), p.Name)]; n != nil {
			add(n, EdgeAssumeRole, st)
			return
		}
		// Named but absent from its loaded account: it no longer exists.
		add(g.external(p, g.accounts[p.Account] != nil), EdgeAssumeRole, st)
	case principal.AssumedRole:
		if n := g.byTypeName[typeNameKey(p.Account, "role", roleOfSession(p.ID))]; n != nil {
			add(n, EdgeAssumeRole, st)
			return
		}
		add(g.external(p, false), EdgeAssumeRole, st)
	default:
		add(g.external(p, false), EdgeAssumeRole, st)
	}
}

// mayAssume reports whether any identity policy of a could allow
// sts:AssumeRole on roleARN.
func (g *Graph) mayAssume(a *Node, roleARN string, assumeMemo memo) bool {
	for i, src := range a.identity {
		pol := src.Policy
		// Whether the policy allows sts:AssumeRole at all is memoised per
		// document; the resource test depends on the role.
		if assumeMemo.get(a.pidx[i], func() bool { return mayAllow(pol, actionAssumeRole, "") }) &&
			mayAllow(pol, actionAssumeRole, roleARN) {
			return true
		}
	}
	return false
}

// external returns the external node for p, creating it on first use.
func (g *Graph) external(p principal.Principal, dangling bool) *Node {
	if n := g.byARN[p.ID]; n != nil {
		return n
	}
	n := g.add(&Node{Kind: KindExternal, ARN: p.ID, Name: p.Name, Account: p.Account, Principal: p, Dangling: dangling})
	if p.Kind == principal.Account && n.Name == "" {
		n.Name = p.Account
	}
	n.base = g.baseContext(n)
	return n
}

// decideEdge asks the evaluator whether c.node may assume role r, and
// returns the edge when it may, or may with more context; nil otherwise.
func (g *Graph) decideEdge(r *Node, c candidate) *Edge {
	from := c.node
	if from.Dangling {
		// A principal that no longer exists cannot assume anything; the
		// edge is kept so the role's trust shows the stale entry.
		return &Edge{From: from, To: r, Kind: c.kind, Conditions: c.stmt.Conditions,
			Conditional: len(c.stmt.Conditions) > 0,
			Reasons: []policy.Reason{{Policy: trustSource(r).ID(), PolicyType: policy.ResourcePolicy,
				Sid: c.stmt.Sid, Index: c.stmt.Index, Effect: policy.Allow}}}
	}
	action := actionAssumeRole
	if c.kind == EdgeWebIdentity || c.kind == EdgeSAML {
		action = c.kind
	}
	req := g.requestShared(from, action, r.ARN, nil)
	req.ResourceAccount = r.Account
	if req.ResourceAccount == from.Account {
		req.ResourceAccount = ""
	}
	in := g.Input(from, &req)
	res := policy.Evaluate(&req, &in)
	if res.Decision != policy.Allowed && !res.Conditional {
		return nil
	}
	e := &Edge{From: from, To: r, Kind: c.kind, Conditional: res.Conditional, MissingContext: res.MissingContext}
	e.Reasons = dropExternalSide(res.Reasons)
	// The trace says which statements bear on the edge and with what
	// conditions; it costs an allocation-heavy second pass, paid only for
	// edges that exist.
	req.Trace, req.TraceBrief = true, true
	tr := policy.Evaluate(&req, &in)
	e.Conditions, e.Unless, e.Reasons = edgeConditions(tr, e.Reasons)
	return e
}

// EdgeUnder re-decides a conditional edge with the caller's context (keys
// such as aws:MultiFactorAuthPresent or sts:ExternalId supplied with -c):
// ok is false when the context rules it out; otherwise the edge comes back
// with Conditional and MissingContext as the evaluator now says. Edges that
// are not conditional, and empty contexts, return e unchanged.
func (g *Graph) EdgeUnder(e Edge, ctx policy.Context) (Edge, bool) {
	if !e.Conditional || len(ctx) == 0 || e.From.Dangling {
		return e, true
	}
	req := g.requestShared(e.From, e.Action(), e.To.ARN, ctx)
	req.ResourceAccount = e.To.Account
	if req.ResourceAccount == e.From.Account {
		req.ResourceAccount = ""
	}
	in := g.Input(e.From, &req)
	res := policy.Evaluate(&req, &in)
	if res.Decision != policy.Allowed && !res.Conditional {
		return e, false
	}
	e.Conditional, e.MissingContext = res.Conditional, res.MissingContext
	if rs := dropExternalSide(res.Reasons); len(rs) > 0 {
		e.Reasons = rs
	}
	return e, true
}

func (g *Graph) addEdge(e Edge) {
	e.From.assumes = append(e.From.assumes, e)
	e.To.assumedBy = append(e.To.assumedBy, e)
	g.edges++
}

func dropExternalSide(rs []policy.Reason) []policy.Reason {
	out := rs[:0:0]
	for _, r := range rs {
		if strings.HasSuffix(r.Policy, "#"+externalSideName) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// edgeConditions collects the conditions an edge carries, from a traced
// evaluation. An edge that holds outright carries the conditions of the
// statements that allowed it (its reasons), which held. A conditional edge
// carries the conditions of every statement that applies apart from its
// conditions and tested a key the request lacked: those decide it once the
// context is known — an Allow's among the conditions, a Deny's among the
// unless list, since a Deny's condition is what must NOT hold. When the
// evaluator gave no reasons (an allow that needs more context), the Allow
// statements found that way become the reasons.
func edgeConditions(res policy.Result, reasons []policy.Reason) (conds, unless []policy.Condition, _ []policy.Reason) {
	conds = []policy.Condition{}
	if res.Trace == nil {
		return conds, nil, reasons
	}
	isReason := func(src *policy.Source, index int) bool {
		id := src.ID()
		for _, r := range reasons {
			if r.Policy == id && r.Index == index {
				return true
			}
		}
		return false
	}
	needReasons := len(reasons) == 0
	var found []policy.Reason
	for _, pt := range res.Trace.Policies {
		if pt.Source.Name == externalSideName {
			continue
		}
		for _, st := range pt.Statements {
			if !st.Action || !st.Resource || !st.Principal || len(st.Conditions) == 0 {
				continue
			}
			if !res.Conditional {
				if isReason(&pt.Source, st.Index) {
					for _, ct := range st.Conditions {
						conds = appendCondition(conds, ct.Condition)
					}
				}
				continue
			}
			missing := false
			for _, ct := range st.Conditions {
				missing = missing || !ct.Present
			}
			if !missing {
				continue
			}
			for _, ct := range st.Conditions {
				if st.Effect == policy.Deny {
					unless = appendCondition(unless, ct.Condition)
				} else {
					conds = appendCondition(conds, ct.Condition)
				}
			}
			if needReasons && st.Effect == policy.Allow {
				src := pt.Source
				found = append(found, policy.Reason{Policy: src.ID(), PolicyType: src.Type, Via: src.Via,
					Sid: st.Sid, Index: st.Index, Effect: st.Effect})
			}
		}
	}
	if needReasons {
		reasons = found
	}
	return conds, unless, reasons
}

func appendCondition(list []policy.Condition, c policy.Condition) []policy.Condition {
	for _, have := range list {
		if have.Operator == c.Operator && strings.EqualFold(have.Key, c.Key) && slices.Equal(have.Values, c.Values) {
			return list
		}
	}
	return append(list, c)
}
