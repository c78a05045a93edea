package graph

import (
	"fmt"
	"strings"
	"sync"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/escalation"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Escalation edges: the ways of the catalogue (model/escalation) that a
// principal's policies allow, decided by the evaluator with the graph's
// known context, denies, boundaries and SCPs; and the snapshot facts each
// method needs (credential report, instance profiles, trust of a service,
// policy versions).
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

// Hop is one step of an escalation path: an assume-role edge (Edge set) or
// a method of the catalogue. A hop that grants its target admin-equivalent
// access (Admin) ends a path; when the target is the caller itself, From and
// To are the same principal.
type Hop struct {
	From, To *Node
	Kind     string             // the method's ID, or the edge's STS action
	Method   *escalation.Method // nil for assume-role hops
	Edge     *Edge              // the can-assume edge, for assume-role hops
	Actions  []string           // the API calls the hop makes
	// By is the principal that makes the calls when it is not From: a grant
	// made by the path's first principal on a role it reaches later.
	By    *Node
	Admin bool // the hop leaves To admin-equivalent
	// Conditional is true when some call holds only for some values of
	// MissingContext (the evaluator's verdict).
	Conditional    bool
	MissingContext []string
	Conditions     []policy.Condition // of the statements that allow the calls
	Unless         []policy.Condition // of Deny statements that block the calls once the missing context is known
	Requires       []string           // the snapshot facts the hop relies on, checked or not
	Assumption     string             // set on possible hops: what the snapshot cannot see
	// NoMFA is true when the hop is made without MFA (From is a user
	// without an MFA device, or was reached through minted credentials or
	// a service); ToNoMFA says the same of the session it yields.
	NoMFA, ToNoMFA bool
	calls          []call // how the calls were decided, for Conditions
}

// call is one decided API call of a hop.
type call struct {
	caller   *Node
	action   string
	resource string
	ctx      policy.Context
	newRes   bool
	noMFA    bool
}

// escalator decides escalation methods on one graph. It caches the
// credential report by user and the decided calls on new resources; it is
// safe for concurrent use.
type escalator struct {
	g          *Graph
	cat        *actions.Catalogue
	cred       map[string]*model.CredentialReportRow // user ARN → row
	holders    [][]*Node                             // by method index: principals whose policies may allow every call
	newMu      sync.Mutex
	newMemo    map[newKey]callResult
	adminMemo  sync.Map // adminKey → bool
	indepMemo  sync.Map // uniformKey → bool: the caller's decision on the action is the same on every resource of a kind
	callMemo   sync.Map // callKey → callResult, for resource-independent calls
	groupCover sync.Map // group node → actions.Bitset its policies allow on "*"
	groupJoin  sync.Map // group node → *groupJoin (joinChange)
	scopeMemo  sync.Map // scopeKey → *scope
	classMemo  sync.Map // scopeKey → []string: resourceClass's patterns
	// plain turns the per-kind reuse of decideNamed off, and adminAfter's
	// and joinChange's shortcuts: every call is decided by the evaluator,
	// every change on the policies as changed (the slow, obvious way tests
	// compare with).
	plain bool
}

type callKey struct {
	newKey
	kind string
	ctx  string
}

type newKey struct {
	caller int
	action string
	noMFA  bool
}

type callResult struct {
	ok          bool
	conditional bool
	missing     []string
	resource    string
}

func newEscalator(g *Graph) *escalator {
	x := &escalator{g: g, cat: actions.Load(), cred: map[string]*model.CredentialReportRow{}, newMemo: map[newKey]callResult{}}
	for _, s := range g.snaps {
		for i := range s.CredentialReport {
			row := &s.CredentialReport[i]
			x.cred[row.ARN] = row
		}
	}
	ms := escalation.Methods()
	x.holders = make([][]*Node, len(ms))
	// Which documents may allow each action, decided once per document.
	var names []string
	index := map[string]int{}
	for i := range ms {
		for _, p := range ms[i].Permissions {
			if _, ok := index[p.Action]; !ok {
				index[p.Action] = len(names)
				names = append(names, p.Action)
			}
		}
	}
	words := (len(names) + 63) / 64
	docMask := make([][]uint64, len(g.policyDocs))
	parallelFor(len(g.policyDocs), func(i int) {
		m := make([]uint64, words)
		for j, a := range names {
			if mayAllow(g.policyDocs[i], a, "") {
				m[j/64] |= 1 << (j % 64)
			}
		}
		docMask[i] = m
	})
	mask := make([]uint64, words)
	for _, n := range g.actors {
		clear(mask)
		for _, pi := range n.pidx {
			for w := range mask {
				mask[w] |= docMask[pi][w]
			}
		}
		for i := range ms {
			all := true
			for _, p := range ms[i].Permissions {
				j := index[p.Action]
				if mask[j/64]&(1<<(j%64)) == 0 {
					all = false
					break
				}
			}
			if all {
				x.holders[i] = append(x.holders[i], n)
			}
		}
	}
	return x
}

// noMFA reports whether n's own requests cannot carry MFA: a user the
// credential report shows without an MFA device.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
func (x *escalator) noMFA(n *Node) bool {
	if n.Kind != KindUser {
		return false
	}
	row := x.cred[n.ARN]
	return row != nil && row.MFAActive == "false"
}

// mfaSensitive reports whether any statement of n's policies (identity,
// boundary, SCPs) reads an MFA key, in a condition or a ${…} variable: only then can a session without MFA be
// decided differently from one that may have it.
func (x *escalator) mfaSensitive(n *Node) bool {
	check := func(src *policy.Source) bool {
		if src == nil || src.Policy == nil {
			return false
		}
		for i := range src.Policy.Statements {
			for _, k := range src.Policy.Statements[i].ContextKeys() {
				if strings.Contains(k, "multifactorauth") {
					return true
				}
			}
		}
		return false
	}
	for i := range n.identity {
		if check(&n.identity[i]) {
			return true
		}
	}
	if check(n.boundary) {
		return true
	}
	for i := range x.g.opts.SCPs {
		if check(&x.g.opts.SCPs[i]) {
			return true
		}
	}
	return false
}

// knownAbsent adds the MFA keys to a request's known-absent keys when the
// request cannot carry MFA: the evaluator then treats them as absent (a
// condition requiring MFA fails, a deny-without-MFA guard applies) instead
// of reporting them as missing context.
func knownAbsent(noMFA bool, known []string) []string {
	if !noMFA {
		return known
	}
	return append(append(make([]string, 0, len(known)+2), known...), "aws:multifactorauthpresent", "aws:multifactorauthage")
}

// decide evaluates one call.
func (x *escalator) decide(c call, trace bool) policy.Result {
	req := x.g.requestShared(c.caller, c.action, c.resource, c.ctx)
	if c.newRes {
		req.ResourceAccount = ""
	}
	req.Known = knownAbsent(c.noMFA || x.noMFA(c.caller), req.Known)
	req.Trace, req.TraceBrief = trace, trace
	in := x.g.Input(c.caller, &req)
	in.Resource = nil
	return policy.Evaluate(&req, &in)
}

func resultOf(res policy.Result, resource string) callResult {
	if res.Decision != policy.Allowed && !res.Conditional {
		return callResult{}
	}
	return callResult{ok: true, conditional: res.Conditional, missing: res.MissingContext, resource: resource}
}

// allow decides a call on a named resource.
func (x *escalator) allow(caller *Node, noMFA bool, action, resource string, ctx policy.Context) callResult {
	return resultOf(x.decide(call{caller: caller, action: action, resource: resource, ctx: ctx, noMFA: noMFA}, false), resource)
}

// allowNew decides a call on a resource the caller creates or picks: any
// resource its policies allow will do. The candidates are "*" and the
// Resource patterns of the caller's Allow statements for the action, with
// the variables the snapshot knows substituted and wildcards filled in; an
// unconditional answer is preferred.
func (x *escalator) allowNew(caller *Node, noMFA bool, action string) callResult {
	k := newKey{caller.ID, action, noMFA}
	x.newMu.Lock()
	r, ok := x.newMemo[k]
	x.newMu.Unlock()
	if ok {
		return r
	}
	var best callResult
	try := func(res string) bool {
		got := resultOf(x.decide(call{caller: caller, action: action, resource: res, newRes: true, noMFA: noMFA}, false), res)
		if got.ok && (!best.ok || best.conditional && !got.conditional) {
			best = got
		}
		return best.ok && !best.conditional
	}
	if !try("*") {
		ctx := x.g.contextOf(caller)
	search:
		for _, src := range caller.identity {
			if src.Policy == nil {
				continue
			}
			vars := src.Policy.UsesVariables()
			for i := range src.Policy.Statements {
				st := &src.Policy.Statements[i]
				if st.Effect != policy.Allow || st.NotResource != nil || !st.MatchesAction(action) {
					continue
				}
				for _, p := range st.Resource {
					if p == "*" {
						continue
					}
					if vars {
						p = policy.Substitute(p, ctx)
					}
					if try(fillWildcards(p)) {
						break search
					}
				}
			}
		}
	}
	x.newMu.Lock()
	x.newMemo[k] = best
	x.newMu.Unlock()
	return best
}

// fillWildcards turns a resource pattern into one resource it matches: each
// * and ? becomes a letter, and a variable left unsubstituted makes the
// pattern unusable (it stays as written and will not match).
func fillWildcards(p string) string {
	if strings.Contains(p, "${") {
		return p
	}
	return wildcardFiller.Replace(p)
}

var wildcardFiller = strings.NewReplacer("*", "x", "?", "x")

// credRow returns a user's credential report row, or nil when the report
// does not list it.
func (x *escalator) credRow(u *Node) *model.CredentialReportRow { return x.cred[u.ARN] }

// keyCount counts a user's access keys from the credential report: a key
// that exists shows a rotation time or is active, inactive ones included
// (they count toward the limit of two).
func keyCount(row *model.CredentialReportRow) int {
	n := 0
	for _, k := range [][2]string{{row.AccessKey1Active, row.AccessKey1LastRotated}, {row.AccessKey2Active, row.AccessKey2LastRotated}} {
		if strings.EqualFold(k[0], "true") || (k[1] != "" && k[1] != "N/A") {
			n++
		}
	}
	return n
}

// prereq checks one prerequisite of m for caller on target: met, and the
// words for the hop's requires list (empty when there is nothing to say).
// A fact the snapshot lacks is met with an "unchecked" note: the path is
// reported, and says what it assumed.
func (x *escalator) prereq(p escalation.Prerequisite, m *escalation.Method, caller, target *Node, h *Hop) bool {
	userFact := func(field string, want func(string) (bool, bool), what string) bool {
		row := x.credRow(target)
		if row == nil {
			h.Requires = append(h.Requires, fmt.Sprintf("%s has %s (unchecked: not in the credential report)", target.Label(), what))
			return true
		}
		ok, known := want(credField(row, field))
		if !known {
			h.Requires = append(h.Requires, fmt.Sprintf("%s has %s (unchecked: credential report says %q)", target.Label(), what, credField(row, field)))
			return true
		}
		if ok {
			h.Requires = append(h.Requires, fmt.Sprintf("%s has %s (credential report)", target.Label(), what))
		}
		return ok
	}
	is := func(v string) func(string) (bool, bool) {
		return func(got string) (bool, bool) {
			switch strings.ToLower(got) {
			case "true", "false":
				return strings.EqualFold(got, v), true
			}
			return false, false
		}
	}
	switch p {
	case escalation.FewerThanTwoKeys:
		row := x.credRow(target)
		if row == nil {
			h.Requires = append(h.Requires, target.Label()+" has fewer than two access keys (unchecked: not in the credential report)")
			return true
		}
		if keyCount(row) >= 2 {
			return false
		}
		h.Requires = append(h.Requires, fmt.Sprintf("%s has %d access key(s) of 2 (credential report)", target.Label(), keyCount(row)))
		return true
	case escalation.NoLoginProfile:
		return userFact("password_enabled", is("false"), "no console password")
	case escalation.HasLoginProfile:
		return userFact("password_enabled", is("true"), "a console password")
	case escalation.NoMFADevice:
		return userFact("mfa_active", is("false"), "no MFA device")
	case escalation.TrustsService:
		e := x.serviceEdge(target, m.Service)
		if e == nil {
			return false
		}
		h.Requires = append(h.Requires, target.Label()+" trusts "+m.Service)
		return true
	case escalation.InstanceProfile:
		if target.Role != nil && len(target.Role.InstanceProfiles) > 0 {
			h.Requires = append(h.Requires, "instance profile "+target.Role.InstanceProfiles[0].Name+" carries "+target.Label())
			return true
		}
		if m.Category == escalation.ExistingResource {
			return false // the instance must exist already, with a profile
		}
		// The caller may make one: CreateInstanceProfile, then add the role.
		cp := x.allowNew(caller, h.NoMFA, "iam:CreateInstanceProfile")
		ar := x.allowNew(caller, h.NoMFA, "iam:AddRoleToInstanceProfile")
		if !cp.ok || !ar.ok {
			return false
		}
		h.Actions = append(h.Actions, "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile")
		h.calls = append(h.calls, call{caller: caller, action: "iam:CreateInstanceProfile", resource: cp.resource, newRes: true, noMFA: h.NoMFA},
			call{caller: caller, action: "iam:AddRoleToInstanceProfile", resource: ar.resource, newRes: true, noMFA: h.NoMFA})
		h.note(cp)
		h.note(ar)
		h.Requires = append(h.Requires, "an instance profile for "+target.Label()+" (created by the caller)")
		return true
	case escalation.NotServiceLinked:
		return !target.IsServiceLinked()
	}
	return true // CustomerManaged, VersionSlot and OtherVersion are checked per policy
}

func credField(row *model.CredentialReportRow, field string) string {
	switch field {
	case "password_enabled":
		return row.PasswordEnabled
	case "mfa_active":
		return row.MFAActive
	}
	return ""
}

// serviceEdge returns the can-assume edge from a service principal into a
// role, or nil when the role's trust does not admit the service.
func (x *escalator) serviceEdge(role *Node, service string) *Edge {
	for i := range role.assumedBy {
		e := &role.assumedBy[i]
		if e.Kind == EdgeService && e.From.Principal.Kind == principal.Service && strings.EqualFold(e.From.ARN, service) {
			return e
		}
	}
	return nil
}

// targetMeets reports whether target meets every prerequisite of m that
// depends on the target alone (an instance profile the caller would have to
// create does not count).
func (x *escalator) targetMeets(m *escalation.Method, target *Node) bool {
	return x.targetPrereqs(m, target, true)
}

// targetMayMeet reports whether target meets every prerequisite of m that
// depends on the target alone, an instance profile aside (a caller may be
// able to create one): when it does not, no caller can use m on it.
func (x *escalator) targetMayMeet(m *escalation.Method, target *Node) bool {
	return x.targetPrereqs(m, target, false)
}

// targetPrereqs checks m's prerequisites on target alone; profile says
// whether an existing instance profile is required.
func (x *escalator) targetPrereqs(m *escalation.Method, target *Node, profile bool) bool {
	if !fits(m.Target, target) {
		return false
	}
	var h Hop
	for _, p := range m.Requires {
		if p == escalation.InstanceProfile {
			if profile && (target.Role == nil || len(target.Role.InstanceProfiles) == 0) {
				return false
			}
			continue
		}
		if !x.prereq(p, m, nil, target, &h) {
			return false
		}
	}
	return true
}

// mayCallOn is the prefilter of m's calls on target by caller: whether some
// identity Allow of the caller may match each call on a named target.
func (x *escalator) mayCallOn(m *escalation.Method, caller, target *Node) bool {
	for _, p := range m.Permissions {
		if (p.On == escalation.OnTarget || p.On == escalation.OnPassedRole) && !x.mayAllowOn(caller, p.Action, target.ARN) {
			return false
		}
	}
	return true
}

// mayCallSomewhere reports whether caller, in the state noMFA, may make the
// calls of m on some target: the state exists (a user without an MFA device
// is never in the MFA state), the calls on the target pass the prefilter on
// some resource, and, with decideNew, the calls on a new resource are
// allowed (decided as permit decides them: they do not depend on the
// target).
func (x *escalator) mayCallSomewhere(m *escalation.Method, caller *Node, noMFA, decideNew bool) bool {
	if !noMFA && x.noMFA(caller) {
		return false
	}
	for _, p := range m.Permissions {
		switch p.On {
		case escalation.OnNew:
			if decideNew && !x.allowNew(caller, noMFA, p.Action).ok {
				return false
			}
		case escalation.OnTarget, escalation.OnPassedRole:
			if !x.mayAllowSomewhere(caller, p.Action) {
				return false
			}
		}
	}
	return true
}

// note records a decided call's conditionality on the hop.
func (h *Hop) note(r callResult) {
	if r.conditional {
		h.Conditional = true
		h.MissingContext = appendUnique(h.MissingContext, r.missing...)
	}
}

// calls decides the calls of m by caller on target (for OnTargetGroup,
// OnJoinGroup and OnTargetPolicy, on the given group or policy node).
// It returns false when one is refused.
func (x *escalator) permit(m *escalation.Method, caller, target, other *Node, h *Hop) bool {
	for _, p := range m.Permissions {
		var r callResult
		c := call{caller: caller, action: p.Action, noMFA: h.NoMFA}
		switch p.On {
		case escalation.OnTarget:
			c.resource = target.ARN
			switch p.Action {
			case "iam:AttachUserPolicy", "iam:AttachRolePolicy":
				c.ctx = policyARNContext(target)
			case "iam:PutUserPermissionsBoundary", "iam:PutRolePermissionsBoundary":
				c.ctx = policy.Context{"iam:permissionsboundary": {adminPolicyARN(target)}}
			}
		case escalation.OnPassedRole:
			c.resource = target.ARN
			c.ctx = policy.Context{"iam:passedtoservice": {m.Service}}
		case escalation.OnTargetGroup, escalation.OnJoinGroup, escalation.OnTargetPolicy:
			c.resource = other.ARN
			if p.Action == "iam:AttachGroupPolicy" {
				c.ctx = policyARNContext(target)
			}
		case escalation.OnNew:
			r = x.allowNew(caller, h.NoMFA, p.Action)
			if !r.ok {
				return false
			}
			c.resource, c.newRes = r.resource, true
		}
		if p.On != escalation.OnNew {
			if r = x.decideNamed(c); !r.ok {
				return false
			}
		}
		h.calls = append(h.calls, c)
		h.note(r)
	}
	h.Actions = append(m.Actions(), h.Actions...)
	return true
}

// decideNamed decides a call on a named resource. Most callers' policies
// treat every resource of the target's kind alike for an action (every
// statement that may match it says "*" or "arn:aws:iam::ACCOUNT:role/*"):
// the answer is then decided once per caller, action and kind and reused for
// every target. Otherwise the resource patterns must admit the target before
// the evaluator is asked.
func (x *escalator) decideNamed(c call) callResult {
	kind := iamKind(c.resource)
	k := uniformKey{c.caller.ID, c.action, kind}
	uni, ok := x.indepMemo.Load(k)
	if !ok {
		uni = x.uniform(c.caller, c.action, kind)
		x.indepMemo.Store(k, uni)
	}
	if x.plain {
		return resultOf(x.decide(c, false), c.resource)
	}
	ck := callKey{newKey: newKey{c.caller.ID, c.action, c.noMFA}, kind: kind}
	if !uni.(bool) || resourceAccount(c.resource) != c.caller.Account {
		if !x.mayAllowOn(c.caller, c.action, c.resource) {
			return callResult{}
		}
		class, ok := x.resourceClass(c.caller, c.action, c.resource)
		if !ok {
			return resultOf(x.decide(c, false), c.resource)
		}
		ck.kind += "|" + resourceAccount(c.resource) + "|" + class
	}
	for key, vals := range c.ctx {
		ck.ctx += key + "=" + strings.Join(vals, ",") + ";"
	}
	if r, ok := x.callMemo.Load(ck); ok {
		res := r.(callResult)
		res.resource = c.resource
		return res
	}
	r := resultOf(x.decide(c, false), c.resource)
	x.callMemo.Store(ck, r)
	return r
}

// resourceClass names the targets a caller's policies cannot tell apart for
// an action: which Resource and NotResource patterns of every statement
// that may match it (identity, boundary, SCPs) match the resource. The
// evaluator reads a named resource only through those matches, so two
// resources of one class, in one account, are decided alike. ok is false
// when a pattern cannot be matched here as the evaluator would (a variable
// with a default, or one whose value holds a wildcard character).
func (x *escalator) resourceClass(caller *Node, action, resource string) (string, bool) {
	pats := x.classPatterns(caller, action)
	if pats == nil {
		return "", false
	}
	b := make([]byte, (len(pats)+7)/8)
	for i, p := range pats {
		if globMatch(p, resource, false) {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return string(b), true
}

// classPatterns lists the patterns resourceClass matches, memoised per
// caller and action; nil when the class cannot be worked out.
func (x *escalator) classPatterns(caller *Node, action string) []string {
	k := scopeKey{caller.ID, action}
	if v, ok := x.classMemo.Load(k); ok {
		return v.([]string)
	}
	ctx := x.g.requestShared(caller, action, "", nil).Context
	pats := []string{}
	add := func(src *policy.Source) bool {
		if src == nil || src.Policy == nil {
			return true
		}
		vars := src.Policy.Version == "2012-10-17"
		for i := range src.Policy.Statements {
			st := &src.Policy.Statements[i]
			if !st.MatchesAction(action) {
				continue
			}
			for _, list := range [][]string{st.Resource, st.NotResource} {
				for _, p := range list {
					q, ok := classPattern(p, vars, ctx)
					if !ok {
						return false
					}
					pats = append(pats, q)
				}
			}
		}
		return true
	}
	ok := add(caller.boundary)
	for i := range caller.identity {
		ok = ok && add(&caller.identity[i])
	}
	for i := range x.g.opts.SCPs {
		ok = ok && add(&x.g.opts.SCPs[i])
	}
	if !ok {
		pats = nil
	}
	x.classMemo.Store(k, pats)
	return pats
}

// classPattern is a glob that splits resources the way the evaluator's
// match of p does: p itself when it holds no variable (or variables are
// literal text in its document), the variables substituted when the caller's
// context resolves them to plain text, and, for a variable that resolves to
// nothing (absent or multi-valued, so p never matches), the pattern with
// the variable as a wildcard, which only splits further.
func classPattern(p string, vars bool, ctx policy.Context) (string, bool) {
	if !vars || !strings.Contains(p, "${") {
		return p, true
	}
	return policy.ExpandVariables(p, func(inner string) (string, bool) {
		if inner == "*" || inner == "?" || inner == "$" || strings.Contains(inner, ",") {
			return "", false
		}
		key := strings.ToLower(strings.TrimSpace(inner))
		if !strings.HasPrefix(key, "aws:") {
			return "", false
		}
		vals, ok := ctx.Get(key)
		switch {
		case ok && len(vals) == 1 && !strings.ContainsAny(vals[0], "*?"):
			return vals[0], true
		case ok && len(vals) == 1:
			return "", false
		}
		return "*", true
	})
}

type uniformKey struct {
	caller int
	action string
	kind   string
}

// iamKind returns the resource type of an IAM ARN ("user", "role",
// "group", "policy"), or "" for anything else.
func iamKind(a string) string {
	i := strings.Index(a, ":iam::")
	if i < 0 {
		return ""
	}
	rest := a[i+len(":iam::"):]
	j := strings.IndexByte(rest, ':')
	if j < 0 {
		return ""
	}
	kind, _, ok := strings.Cut(rest[j+1:], "/")
	if !ok {
		return ""
	}
	return kind
}

// uniform reports whether every statement of the caller's policies
// (identity, boundary, SCPs) that may match action names either "*" or
// every resource of kind in the caller's account: then no two targets of
// that kind in the account are decided differently.
func (x *escalator) uniform(caller *Node, action, kind string) bool {
	all := func(p string) bool {
		if p == "*" {
			return true
		}
		if kind == "" {
			return false
		}
		for _, acct := range []string{"*", caller.Account} {
			if strings.HasPrefix(p, "arn:") && strings.HasSuffix(p, ":iam::"+acct+":"+kind+"/*") {
				part := strings.TrimSuffix(strings.TrimPrefix(p, "arn:"), ":iam::"+acct+":"+kind+"/*")
				if part == "aws" || part == "*" || part == "aws-cn" || part == "aws-us-gov" {
					return true
				}
			}
		}
		return false
	}
	check := func(src *policy.Source) bool {
		if src == nil || src.Policy == nil {
			return true
		}
		for i := range src.Policy.Statements {
			st := &src.Policy.Statements[i]
			if !st.MatchesAction(action) {
				continue
			}
			if st.NotResource != nil || len(st.Resource) == 0 {
				return false
			}
			for _, r := range st.Resource {
				if !all(r) {
					return false
				}
			}
		}
		return true
	}
	for i := range caller.identity {
		if !check(&caller.identity[i]) {
			return false
		}
	}
	if !check(caller.boundary) {
		return false
	}
	for i := range x.g.opts.SCPs {
		if !check(&x.g.opts.SCPs[i]) {
			return false
		}
	}
	return true
}

// mayAllowOn reports whether the caller's policies may allow action on
// resource (the prefilter's loose test), on the caller's resource scope for
// the action, worked out once: some identity Allow may match it, so may
// some Allow of the permissions boundary when there is one, and no Deny
// refuses the action on every resource.
func (x *escalator) mayAllowOn(caller *Node, action, resource string) bool {
	sc := x.scopeOf(caller, action)
	return !sc.none && sc.identity.match(resource) && (!sc.bounded || sc.boundary.match(resource))
}

// mayAllowSomewhere is mayAllowOn for a resource not yet known: false when
// the caller's policies refuse the action on every resource.
func (x *escalator) mayAllowSomewhere(caller *Node, action string) bool {
	sc := x.scopeOf(caller, action)
	return !sc.none && sc.identity.some() && (!sc.bounded || sc.boundary.some())
}

type scopeKey struct {
	caller int
	action string
}

// scope is what the prefilter knows of the resources a caller may be
// allowed an action on: the Resource patterns of its identity Allow
// statements that may match the action and, when it has a permissions
// boundary (bounded), those of the boundary's, which must allow too; none
// when a Deny without conditions refuses the action on "*", which is every
// resource.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
type scope struct {
	none               bool
	bounded            bool
	identity, boundary patternSet
}

// patternSet is the Resource patterns of Allow statements, with the policy
// variables the snapshot knows for the caller substituted; any is set when
// one of them may match every resource for all the prefilter can tell
// (NotResource, a variable left unresolved, a document where "${" is
// literal text).
type patternSet struct {
	any      bool
	patterns []string
}

func (ps *patternSet) match(resource string) bool {
	if ps.any {
		return true
	}
	for _, p := range ps.patterns {
		if globMatch(p, resource, false) {
			return true
		}
	}
	return false
}

// some reports whether the set may match any resource at all.
func (ps *patternSet) some() bool { return ps.any || len(ps.patterns) > 0 }

// add adds the patterns of src's Allow statements that may match action.
func (ps *patternSet) add(src *policy.Source, action string, ctx policy.Context) {
	if src == nil || src.Policy == nil || ps.any {
		return
	}
	vars := src.Policy.Version == "2012-10-17"
	for i := range src.Policy.Statements {
		st := &src.Policy.Statements[i]
		if st.Effect != policy.Allow || !st.MatchesAction(action) {
			continue
		}
		if st.Resource == nil {
			ps.any = true
			return
		}
		for _, p := range st.Resource {
			if !strings.Contains(p, "${") {
				ps.patterns = append(ps.patterns, p)
				continue
			}
			q, ok := resolvedPattern(p, ctx)
			if !vars || !ok {
				ps.any = true
				return
			}
			ps.patterns = append(ps.patterns, q)
		}
	}
}

func (x *escalator) scopeOf(caller *Node, action string) *scope {
	k := scopeKey{caller.ID, action}
	if v, ok := x.scopeMemo.Load(k); ok {
		return v.(*scope)
	}
	sc := &scope{}
	ctx := x.g.requestShared(caller, action, "", nil).Context // as the calls are decided, before their iam: keys
	for i := range caller.identity {
		sc.identity.add(&caller.identity[i], action, ctx)
		sc.none = sc.none || deniesEverywhere(&caller.identity[i], action)
	}
	if caller.boundary != nil {
		sc.bounded = true
		sc.boundary.add(caller.boundary, action, ctx)
		sc.none = sc.none || deniesEverywhere(caller.boundary, action)
	}
	x.scopeMemo.Store(k, sc)
	return sc
}

// resolvedPattern substitutes the variables of a Resource pattern that the
// caller's own context resolves the way the evaluator would (an aws: key
// with exactly one value, no default); ok is false when one is left. The
// substituted text may hold wildcards the evaluator reads literally: the
// pattern then matches more, never less, as a prefilter must.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func resolvedPattern(p string, ctx policy.Context) (string, bool) {
	return policy.ExpandVariables(p, func(inner string) (string, bool) {
		switch inner {
		case "*", "?", "$":
			return inner, true
		}
		key := strings.ToLower(strings.TrimSpace(inner))
		vals, ok := ctx.Get(key)
		if strings.Contains(inner, ",") || !strings.HasPrefix(key, "aws:") || !ok || len(vals) != 1 {
			return "", false
		}
		return vals[0], true
	})
}

// policyARNContext sets iam:PolicyARN to the policy an attacker attaches.
func policyARNContext(target *Node) policy.Context {
	return policy.Context{"iam:policyarn": {adminPolicyARN(target)}}
}

func adminPolicyARN(n *Node) string {
	part := "aws"
	if n.Snapshot != nil && n.Snapshot.Partition != "" {
		part = n.Snapshot.Partition
	}
	return strings.Replace(escalation.AdministratorAccess, "arn:aws:", "arn:"+part+":", 1)
}

// actAs decides an act-as method (principal access, PassRole, existing
// resources) by caller on target. Credentials minted for a user, and code
// run by a service, carry no MFA: the session it yields is NoMFA; a role
// whose trust the caller rewrote is assumed the way the caller could.
func (x *escalator) actAs(mi int, caller, target *Node, noMFA bool) (Hop, bool) {
	m := &escalation.Methods()[mi]
	h := Hop{From: caller, To: target, Kind: m.ID, Method: m, NoMFA: noMFA, ToNoMFA: true}
	if m.ID == "iam:UpdateAssumeRolePolicy" {
		h.ToNoMFA = noMFA
	}
	if caller == target || !fits(m.Target, target) {
		return h, false
	}
	for _, p := range m.Requires {
		if !x.prereq(p, m, caller, target, &h) {
			return h, false
		}
	}
	if !x.permit(m, caller, target, nil, &h) {
		return h, false
	}
	if m.ID == "iam:UpdateAssumeRolePolicy" && !x.assumeAfterRewrite(caller, target, &h) {
		return h, false
	}
	if m.Possible() {
		h.Assumption = fmt.Sprintf(m.Assumption, target.Label())
	}
	return h, true
}

func fits(t escalation.Target, n *Node) bool {
	switch t {
	case escalation.TargetUser:
		return n.Kind == KindUser
	case escalation.TargetRole:
		return n.Kind == KindRole
	}
	return n.Kind == KindUser || n.Kind == KindRole
}

// assumeAfterRewrite decides sts:AssumeRole on a role whose trust policy
// the caller has rewritten to name it: a same-account trust that names the
// caller's ARN needs no identity allow, but a Deny or an SCP still refuses.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func (x *escalator) assumeAfterRewrite(caller, role *Node, h *Hop) bool {
	trust := &policy.Policy{Version: "2012-10-17", Statements: []policy.Statement{{
		Effect: policy.Allow, Action: []string{"sts:AssumeRole"},
		Principal: &policy.Principals{AWS: []string{caller.ARN}},
	}}}
	trust.Compile()
	req := x.g.requestShared(caller, "sts:AssumeRole", role.ARN, nil)
	if req.ResourceAccount == caller.Account {
		req.ResourceAccount = ""
	}
	req.Known = knownAbsent(h.NoMFA || x.noMFA(caller), req.Known)
	in := x.g.Input(caller, &req)
	in.Resource = &policy.Source{Type: policy.ResourcePolicy, Name: "trust policy (rewritten)", Owner: role.ARN, Policy: trust}
	r := resultOf(policy.Evaluate(&req, &in), role.ARN)
	if !r.ok {
		return false
	}
	h.Actions = append(h.Actions, "sts:AssumeRole")
	h.note(r)
	return true
}
