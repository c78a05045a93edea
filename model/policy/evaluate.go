package policy

import (
	"slices"
	"strings"

	"github.com/iamx/iamx/model/principal"
)

// Evaluation follows AWS's policy evaluation logic:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
//
//  1. sts:GetCallerIdentity is always allowed, whatever the policies say.
//  2. An explicit Deny in any applicable policy (identity, boundary,
//     resource, SCP) wins.
//  3. SCPs, when given, must allow at every level of the organization (they
//     bind IAM users, roles, sessions and the root user of member accounts,
//     not service or federated principals).
//  4. Principals without identity policies (services, federated providers,
//     anonymous) are allowed only by the resource-based policy.
//  5. Cross-account: the resource policy and the identity policies (within
//     the boundary) must both allow.
//  6. Same account: a resource policy that names the user or session ARN
//     allows on its own, past an implicit deny in identity policies and the
//     boundary. One that names the role ARN, "*", a service or provider
//     allows on its own but stays limited by the boundary. One that names
//     the account only delegates to identity policies. For sts:AssumeRole*
//     the trust policy must allow in one of these ways: naming the account
//     root then also needs an identity allow.
//  7. Otherwise identity policies must allow, and the boundary (when set) too.
//
// Resource-side rules (resource.go): RCPs, when given, must allow at every
// level for any principal; a KMS key policy is mandatory like a trust policy
// (Input.ResourceRequired); S3 Block Public Access's RestrictPublicBuckets
// cuts a public bucket policy's grants to anyone outside the bucket's
// account but AWS services (Input.RestrictPublic); and the bucket owner's
// root user may always read, replace and delete the bucket policy.
//
// Every statement is evaluated in three-valued logic: as AWS would for the
// request as given (absent keys follow AWS's absent-key rules), and whether
// some value of a condition key the request lacks could make it match or
// not. Deciding again with the optimistic and pessimistic readings tells
// whether the decision is Conditional on the missing keys.

// Evaluate decides req against the policies in in. It is pure and safe for
// concurrent use on shared, compiled policies.
func Evaluate(req *Request, in *Input) Result {
	if req == nil {
		return Result{Decision: ImplicitDeny, Layer: LayerIdentity}
	}
	if in == nil {
		in = &Input{}
	}
	e := evaluator{req: req, in: in, ctx: req.Context, resource: req.Resource}
	if e.resource == "" {
		e.resource = "*"
	}
	// missing and hits stay nil until needed: a denied request without
	// missing keys allocates nothing. (Stack buffers do not help here: a
	// slice stored through *evaluator is assumed to escape.)
	if req.Trace {
		e.trace = &Trace{}
	}
	if strings.EqualFold(req.Action, "sts:GetCallerIdentity") {
		return Result{Decision: Allowed, Layer: LayerAlways, Trace: e.trace}
	}
	e.trust = in.Resource != nil && isAssumeRoleAction(req.Action) || in.ResourceRequired
	e.selfAssume = in.Resource != nil && isAssumeRoleAction(req.Action) && req.Principal.Kind == principal.Role && req.Principal.ID == e.resource
	e.restricted = in.RestrictPublic && restrictedByBPA(&req.Principal, req.ResourceAccount)
	e.ownerRoot = isBucketPolicyOwnerOp(&req.Principal, req.Action, req.ResourceAccount)
	e.boundaryQuirk = in.Boundary != nil && hasIdentityPolicies(req.Principal.Kind) && req.Principal.Kind != principal.Account

	var t tally
	for i := range in.Identity {
		e.evalSource(&in.Identity[i], &t, &t.idAllow)
	}
	if in.Boundary != nil {
		e.evalSource(in.Boundary, &t, &t.bdAllow)
	}
	if in.Resource != nil {
		e.evalSource(in.Resource, &t, nil)
	}
	t.scpOK = [3]bool{true, true, true}
	for i := range in.SCPs {
		var level [3]bool
		e.scpLevel = i
		e.evalSource(&in.SCPs[i], &t, &level)
		for m := range level {
			t.scpOK[m] = t.scpOK[m] && level[m]
		}
	}

	t.rcpOK = [3]bool{true, true, true}
	for i := range in.RCPs {
		var level [3]bool
		e.scpLevel = i
		e.evalSource(&in.RCPs[i], &t, &level)
		for m := range level {
			t.rcpOK[m] = t.rcpOK[m] && level[m]
		}
	}

	v := e.decide(&t, modeGiven)
	res := Result{Decision: v.decision, Layer: v.layer, Trace: e.trace}
	if len(e.missing) > 0 {
		res.MissingContext = e.missing // allocated for this call only
		slices.SortFunc(res.MissingContext, compareFold)
		if v.decision == Allowed {
			res.Conditional = e.decide(&t, modePessimistic).decision != Allowed
		} else {
			res.Conditional = e.decide(&t, modeOptimistic).decision == Allowed
		}
	}
	res.Reasons = e.reasons(v)
	return res
}

// Evaluation modes for three-valued statements.
const (
	modeGiven       = iota // the request as given
	modeOptimistic         // missing keys take the values that allow: uncertain allows hold, uncertain denies do not
	modePessimistic        // missing keys take the values that deny
)

type evaluator struct {
	req           *Request
	in            *Input
	ctx           Context
	resource      string
	trust         bool // sts:AssumeRole* against a trust policy
	selfAssume    bool // a role asking to assume itself
	boundaryQuirk bool // Deny + NotPrincipal always applies to principals with a boundary
	restricted    bool // RestrictPublicBuckets cuts this principal's resource-policy allows
	ownerRoot     bool // the bucket owner's root on its bucket policy: resource-policy denies do not bind
	scpLevel      int
	trace         *Trace

	recordMissing bool // the current statement is relevant: note keys it lacks
	missing       []string
	missingAt     map[string]int // lower-cased key → index in missing, once it grows
	hits          []hit
}

// hit is a statement that matched the request as given.
type hit struct {
	src   *Source
	st    *Statement
	pm    principalMatch
	level int // SCP level
}

// tally aggregates statement outcomes per layer and mode.
type tally struct {
	deny     [3]bool
	idAllow  [3]bool
	bdAllow  [3]bool
	resAllow [3][4]bool // by principalMatch
	scpOK    [3]bool
	rcpOK    [3]bool
}

// outcome is one statement's three-valued match.
type outcome struct {
	given, canTrue, canFalse bool
	pm                       principalMatch
}

func (o *outcome) holds(mode int, eff Effect) bool {
	switch mode {
	case modeGiven:
		return o.given
	case modeOptimistic:
		if eff == Allow {
			return o.canTrue
		}
		return !o.canFalse
	}
	if eff == Allow {
		return !o.canFalse
	}
	return o.canTrue
}

func (e *evaluator) isKnown(key string) bool {
	return knownIn(e.req.Known, key) || knownIn(e.req.KnownService, key)
}

// knownIn reports whether list names key, exactly or by a "prefix/" entry.
func knownIn(list []string, key string) bool {
	for _, k := range list {
		if strings.EqualFold(k, key) || (strings.HasSuffix(k, "/") && hasPrefixFold(key, k)) {
			return true
		}
	}
	return false
}

// noteMissing records a condition key the request lacks. Keys compare
// case-insensitively; the first spelling seen (as the policy wrote it) is the
// one reported, because "aws:MultiFactorAuthPresent" is what a person types
// back into -c.
//
// Past a few keys they are indexed, so a statement testing thousands of
// absent keys costs linear time, not quadratic. The index maps a lower-cased
// key to its position; evalStatement only ever truncates e.missing, so an
// entry is current exactly when that position still holds the key.
func (e *evaluator) noteMissing(key, name string) {
	if !e.recordMissing {
		return
	}
	if e.missingAt == nil && len(e.missing) < 16 {
		for _, k := range e.missing {
			if strings.EqualFold(k, key) {
				return
			}
		}
	} else {
		if e.missingAt == nil {
			e.missingAt = make(map[string]int, 2*len(e.missing))
			for i, k := range e.missing {
				e.missingAt[strings.ToLower(k)] = i
			}
		}
		lk := strings.ToLower(key)
		if i, ok := e.missingAt[lk]; ok && i < len(e.missing) && strings.EqualFold(e.missing[i], key) {
			return
		}
		e.missingAt[lk] = len(e.missing)
	}
	e.missing = append(e.missing, name)
}

func (e *evaluator) evalSource(src *Source, t *tally, allow *[3]bool) {
	pol := src.Policy
	if pol == nil {
		return
	}
	var pt *PolicyTrace
	if e.trace != nil {
		e.trace.Policies = append(e.trace.Policies, PolicyTrace{Source: *src})
		pt = &e.trace.Policies[len(e.trace.Policies)-1]
		pt.Statements = make([]StatementTrace, 0, len(pol.Statements))
	}
	for i := range pol.Statements {
		st := &pol.Statements[i]
		var tr *StatementTrace
		if pt != nil && e.req.TraceBrief && !st.compiledFor(pol).matchAction(e.req.Action) {
			continue // a brief trace leaves out statements for other actions
		}
		if pt != nil {
			pt.Statements = append(pt.Statements, StatementTrace{Index: st.Index, Sid: st.Sid, Effect: st.Effect})
			tr = &pt.Statements[len(pt.Statements)-1]
		}
		if src.Type == ResourcePolicy && (st.Effect == Allow && e.restricted || st.Effect == Deny && e.ownerRoot) {
			if tr != nil {
				tr.Note = resourceRuleNote(e.restricted)
			}
			continue
		}
		o := e.evalStatement(src, pol, st, tr)
		if !o.canTrue {
			continue
		}
		if o.given {
			if e.hits == nil {
				e.hits = make([]hit, 0, 8)
			}
			e.hits = append(e.hits, hit{src: src, st: st, pm: o.pm, level: e.scpLevel})
		}
		for m := 0; m < 3; m++ {
			if !o.holds(m, st.Effect) {
				continue
			}
			switch {
			case st.Effect == Deny:
				t.deny[m] = true
			case src.Type == ResourcePolicy:
				t.resAllow[m][o.pm] = true
			case allow != nil:
				allow[m] = true
			}
		}
	}
}

// evalStatement matches one statement. Without a trace it stops at the first
// part that cannot match; with one it checks every part.
func (e *evaluator) evalStatement(src *Source, pol *Policy, st *Statement, tr *StatementTrace) (o outcome) {
	c := st.compiledFor(pol)
	e.recordMissing = false
	no := outcome{canFalse: true}
	// Keys this statement lacks count as missing only if some value of
	// them could make it match: drop them again when it cannot.
	mark := len(e.missing)
	defer func() {
		if len(e.missing) > mark && !o.canTrue {
			e.missing = e.missing[:mark]
		}
	}()

	actionOK := c.matchAction(e.req.Action)
	if tr != nil {
		tr.Action = actionOK
		if !actionOK {
			tr.Note = actionNote(e.req.Action, st)
		}
	} else if !actionOK {
		return no
	}

	pm, principalOK := e.matchStatementPrincipal(src, st)
	if tr != nil {
		tr.Principal = principalOK
		if !principalOK && tr.Note == "" {
			tr.Note = principalNote(&e.req.Principal, st)
		}
	} else if !principalOK {
		return no
	}

	e.recordMissing = actionOK && principalOK
	resGiven, resCanTrue, resCanFalse := e.matchResource(c)
	if tr != nil {
		tr.Resource = resGiven
		if !resGiven && tr.Note == "" {
			tr.Note = resourceNote(e.resource, st)
		}
	} else if !resCanTrue {
		return no
	}
	// From here the statement is relevant: its action, principal and
	// resource matched (or could, given a missing variable key).
	e.recordMissing = actionOK && principalOK && resCanTrue

	o = outcome{given: actionOK && principalOK && resGiven, canTrue: actionOK && principalOK && resCanTrue, pm: pm}
	o.canFalse = !actionOK || !principalOK || resCanFalse
	condGiven := true
	for i := range c.conditions {
		cc := &c.conditions[i]
		r := cc.eval(e)
		condGiven = condGiven && r.given
		o.given = o.given && r.given
		o.canTrue = o.canTrue && r.canTrue
		o.canFalse = o.canFalse || r.canFalse
		if tr != nil {
			vals, present := e.ctx[cc.key]
			tr.Conditions = append(tr.Conditions, ConditionTrace{
				Condition: st.Conditions[i], RequestValues: vals, Present: present, Result: r.given,
			})
			if !r.given && tr.Note == "" {
				tr.Note = conditionNote(&st.Conditions[i], vals, present)
			}
		} else if !o.canTrue {
			break
		}
	}
	e.recordMissing = false
	if tr != nil {
		tr.Condition = condGiven
		tr.Matched = o.given
	}
	return o
}

func (c *compiledStatement) matchAction(action string) bool {
	any := false
	for i := range c.actions {
		if ok, _ := c.actions[i].match(action, nil); ok {
			any = true
			break
		}
	}
	return any != c.notAction
}

// matchResource returns the resource match as given and whether values of
// missing keys (in variables) could make it true or false.
func (e *evaluator) matchResource(c *compiledStatement) (given, canTrue, canFalse bool) {
	if !c.hasResource {
		return true, true, false
	}
	matched, unknown := false, false
	for i := range c.resources {
		ok, unk := c.resources[i].match(e.resource, e)
		if ok {
			matched = true
			break
		}
		unknown = unknown || unk
	}
	if c.notResource {
		// NotResource applies when the resource matches none of the patterns.
		return !matched, !matched, matched || unknown
	}
	return matched, matched || unknown, !matched
}

// matchStatementPrincipal applies Principal / NotPrincipal. They matter only
// in resource-based policies; identity policies, boundaries and SCPs apply
// to the principal they are attached to.
func (e *evaluator) matchStatementPrincipal(src *Source, st *Statement) (principalMatch, bool) {
	if src.Type != ResourcePolicy {
		return principalNamed, true
	}
	p := &e.req.Principal
	if e.selfAssume && st.Effect == Allow {
		// A role may assume itself only when its trust policy names its
		// ARN: "*", its account or NotPrincipal do not grant it.
		// https://aws.amazon.com/blogs/security/announcing-an-update-to-iam-role-trust-policy-behavior/
		if st.Principal != nil && slices.Contains(st.Principal.AWS, p.ID) {
			return principalNamed, true
		}
		return principalNone, false
	}
	switch {
	case st.Principal != nil:
		m := matchPrincipals(st.Principal, p)
		return m, m != principalNone
	case st.NotPrincipal != nil:
		// "The NotPrincipal element with a Deny effect will always deny any
		// IAM principal that has a permissions boundary policy attached."
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
		if st.Effect == Deny && e.boundaryQuirk {
			return principalNamed, true
		}
		if excludedByNotPrincipal(st.NotPrincipal, p) {
			return principalNone, false
		}
		return principalNamed, true
	}
	// A resource-based statement without a principal names nobody.
	return principalNone, false
}

// verdict is a decision with the layers whose allow statements made it.
type verdict struct {
	decision Decision
	layer    Layer
	resMin   principalMatch // resource allows at least this strong are reasons; none: no resource reasons
	identity bool
	boundary bool
	scp      bool
	rcp      bool
}

func hasIdentityPolicies(k principal.Kind) bool {
	switch k {
	case principal.User, principal.Role, principal.AssumedRole, principal.FederatedUser, principal.Account:
		return true
	}
	return false
}

// isAssumeRoleAction reports whether action is checked against a role's
// trust policy, which must then allow even in the same account. Session tags
// and source identity set while assuming a role are authorized by the trust
// policy the same way.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
func isAssumeRoleAction(action string) bool {
	for _, a := range [...]string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"} {
		if strings.EqualFold(action, a) {
			return true
		}
	}
	return false
}

func (e *evaluator) decide(t *tally, m int) verdict {
	deny := func(l Layer) verdict { return verdict{decision: ImplicitDeny, layer: l} }
	if t.deny[m] {
		return verdict{decision: ExplicitDeny, layer: LayerExplicitDeny}
	}
	p := &e.req.Principal
	scp := len(e.in.SCPs) > 0 && hasIdentityPolicies(p.Kind)
	if scp && !t.scpOK[m] {
		return deny(LayerSCP)
	}
	rcp := len(e.in.RCPs) > 0
	if rcp && !t.rcpOK[m] {
		return deny(LayerRCP)
	}
	res := &t.resAllow[m]
	resAny := res[principalAccount] || res[principalNamed] || res[principalDirect]
	if !hasIdentityPolicies(p.Kind) {
		if res[principalNamed] || res[principalDirect] {
			return verdict{decision: Allowed, layer: LayerResource, resMin: principalNamed, rcp: rcp}
		}
		return deny(LayerResource)
	}
	root := p.Kind == principal.Account // the root user has every permission in its own account
	idOK := root || t.idAllow[m]
	hasBoundary := e.in.Boundary != nil && !root
	bdOK := !hasBoundary || t.bdAllow[m]
	ok := verdict{decision: Allowed, scp: scp, rcp: rcp}

	if e.req.ResourceAccount != "" && p.Account != "" && e.req.ResourceAccount != p.Account {
		// Cross-account: both sides must allow.
		switch {
		case !resAny:
			return deny(LayerResource)
		case !idOK:
			return deny(LayerIdentity)
		case !bdOK:
			return deny(LayerBoundary)
		}
		ok.layer, ok.resMin, ok.identity, ok.boundary = LayerIdentity, principalAccount, !root, hasBoundary
		return ok
	}
	if res[principalDirect] {
		ok.layer, ok.resMin = LayerResource, principalDirect
		return ok
	}
	if res[principalNamed] {
		if !bdOK {
			return deny(LayerBoundary)
		}
		ok.layer, ok.resMin, ok.boundary = LayerResource, principalNamed, hasBoundary
		return ok
	}
	if e.trust && !res[principalAccount] {
		return deny(LayerResource)
	}
	switch {
	case !idOK:
		return deny(LayerIdentity)
	case !bdOK:
		return deny(LayerBoundary)
	}
	ok.layer, ok.identity, ok.boundary = LayerIdentity, !root, hasBoundary
	if e.trust {
		ok.resMin = principalAccount
	}
	return ok
}

// reasons lists the statements behind verdict v: the matching Deny
// statements of an explicit deny, or the allow statements of every layer
// the allow needed.
func (e *evaluator) reasons(v verdict) []Reason {
	if len(e.hits) == 0 || v.decision == ImplicitDeny {
		return nil
	}
	out := make([]Reason, 0, len(e.hits))
	add := func(h *hit) {
		out = append(out, Reason{
			Policy: h.src.ID(), PolicyType: h.src.Type, Via: h.src.Via,
			Sid: h.st.Sid, Index: h.st.Index, Effect: h.st.Effect,
		})
	}
	for i := range e.hits {
		h := &e.hits[i]
		switch v.decision {
		case ExplicitDeny:
			if h.st.Effect == Deny {
				add(h)
			}
		case Allowed:
			if h.st.Effect != Allow {
				continue
			}
			switch h.src.Type {
			case IdentityPolicy:
				if v.identity {
					add(h)
				}
			case BoundaryPolicy:
				if v.boundary {
					add(h)
				}
			case ResourcePolicy:
				if v.resMin != principalNone && h.pm >= v.resMin {
					add(h)
				}
			case SCPPolicy:
				if v.scp {
					add(h)
				}
			case RCPPolicy:
				if v.rcp {
					add(h)
				}
			}
		}
	}
	return out
}

// compareFold orders condition keys case-insensitively, as AWS compares them.
func compareFold(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
