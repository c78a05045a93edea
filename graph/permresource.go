package graph

import (
	"github.com/iamx/iamx/model"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// What resource-based policies add to effective permissions.
//
// Identity policies are one side of a request; a resource's own policy can
// grant on its own. In the same account a policy that names the principal
// ARN needs no identity allow, and for sts:AssumeRole* a role's trust policy
// must allow whatever the identity side says (role trust policies and KMS
// key policies are the exceptions to the same-account union). So perms asks
// the evaluator, as `can` does, about each resource whose policy may name the
// principal, and merges the answers into the identity side's rows.
//
// Today the resources with policies are the loaded roles (their trust
// policies). Other resource-based policies plug in through resourcePolicies:
// list each resource with the actions its policy governs, and have
// Graph.Input attach that policy to requests for it; perms, who-can and can
// then agree by construction.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html

// resourcePolicy is one resource whose own policy may grant access.
type resourcePolicy struct {
	arn     string // the resource, or a pattern within it (a bucket's objects)
	label   string // for people: "trust policy of role/Deploy"
	src     *policy.Source
	actions []int // catalogue IDs of the actions the policy decides on arn
	// open: an Allow statement names "*" or uses NotPrincipal. named: the
	// loaded users and roles an Allow statement names by ARN (a session
	// names its role). A policy naming an account only (its ID or root)
	// hands the decision to that account's IAM policies, so it grants a
	// principal it does not name nothing its identity policies do not allow.
	open  bool
	named []*Node
}

// grantIndex finds the resource policies that may name a principal:
// those whose Allow statements name its account (account ID, root ARN, or
// one of its users' or roles' ARNs), and the open ones ("*", NotPrincipal).
type grantIndex struct {
	list      []resourcePolicy
	open      []int
	byAccount map[string][]int
	// keys are the loaded KMS keys with a known key policy, per account.
	keys map[string][]string
}

// Which resource policy AWS requires for an action, beyond identity
// policies.
type requirement uint8

const (
	requiresNone  requirement = iota
	requiresTrust             // sts:AssumeRole*: the role's trust policy
	requiresKey               // a kms action on a key: the key policy
)

// requiresResourcePolicy reports whether AWS requires the resource's own
// policy to allow action, so that identity policies alone grant it on no
// resource: sts:AssumeRole* and the role's trust policy.
func requiresResourcePolicy(action string) bool { return policy.IsAssumeRoleAction(action) }

// requirementOf says which resource policy AWS requires for act: a role's
// trust policy for sts:AssumeRole*; for a kms action that takes a key, the
// key policy ("no principal has any permission to a KMS key unless the key
// policy allows it, directly or by delegating to the account's IAM
// policies"), on keys only: an alias the action also takes is decided by
// identity policies.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
func requirementOf(act *actions.Action) requirement {
	switch {
	case requiresResourcePolicy(act.String()):
		return requiresTrust
	case act.Service == "kms" && keyFormat(act) != "":
		return requiresKey
	}
	return requiresNone
}

// keyFormat returns the catalogue's ARN format of a KMS key among the
// action's resource types, or "".
func keyFormat(act *actions.Action) string {
	for i := range act.Resources {
		if f := act.Resources[i].ARN; strings.Contains(f, ":kms:") && strings.HasSuffix(f, ":key/${KeyId}") {
			return f
		}
	}
	return ""
}

// resourcePolicies lists the resources of the graph with a policy of their
// own, built once: the loaded roles' trust policies, and the policies of
// the loaded resources (a bucket's also for the object patterns its
// statements name).
func (g *Graph) resourcePolicies() *grantIndex {
	g.perm.resOnce.Do(func() {
		cat := actions.Load()
		idx := &grantIndex{byAccount: map[string][]int{}, keys: map[string][]string{}}
		var assume []int
		for _, name := range []string{actionAssumeRole, actionAssumeWebID, actionAssumeSAML} {
			if a, ok := cat.Lookup(name); ok {
				assume = append(assume, a.ID)
			}
		}
		for _, r := range g.roles {
			if src := trustSource(r); src != nil {
				g.addGrant(idx, resourcePolicy{arn: r.ARN, label: "trust policy of " + r.Label(), src: src, actions: assume})
			}
		}
		arns := make([]string, 0, len(g.res.byARN))
		for a, e := range g.res.byARN {
			if e.src != nil {
				arns = append(arns, a)
			}
		}
		sort.Strings(arns)
		taken := map[string][]int{} // per resource type, and "TYPE/" for objects
		for _, a := range arns {
			e := g.res.byARN[a]
			if e.r.Type == model.TypeKMSKey && isKMSKey(a) {
				idx.keys[e.r.Account] = append(idx.keys[e.r.Account], a)
			}
			for _, c := range governed(e) {
				k := e.r.Type
				if c != a {
					k += "/"
				}
				acts, ok := taken[k]
				if !ok {
					acts = actionsTaking(cat, c)
					taken[k] = acts
				}
				g.addGrant(idx, resourcePolicy{arn: c, label: e.src.Name + " of " + a, src: e.src, actions: acts})
			}
		}
		g.perm.res = idx
	})
	return g.perm.res
}

// governed returns the resource and, for a bucket, the object patterns
// within it that its policy's Allow statements name ("arn:aws:s3:::b/*").
func governed(e *resourceEntry) []string {
	out := []string{e.r.ARN}
	if e.r.Type != model.TypeS3Bucket {
		return out
	}
	for i := range e.src.Policy.Statements {
		st := &e.src.Policy.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		for _, r := range st.Resource {
			if strings.HasPrefix(r, e.r.ARN+"/") {
				out = appendUnique(out, r)
			}
		}
	}
	return out
}

// actionsTaking returns the actions of the resource's service that take
// it (resourcetype.go).
func actionsTaking(cat *actions.Catalogue, resource string) []int {
	segs := strings.SplitN(resource, ":", 4)
	if len(segs) < 4 {
		return nil
	}
	svc, ok := cat.Service(strings.ToLower(segs[2]))
	if !ok {
		return nil
	}
	var out []int
	for _, a := range svc.Actions {
		if len(a.Resources) > 0 && ActionTakes(a, resource) {
			out = append(out, a.ID)
		}
	}
	return out
}

func (g *Graph) addGrant(idx *grantIndex, rp resourcePolicy) {
	for j := range rp.src.Policy.Statements {
		st := &rp.src.Policy.Statements[j]
		if st.Effect != policy.Allow || st.Principal == nil {
			continue
		}
		for _, p := range namedPrincipals(st.Principal) {
			if n := g.loadedNamed(p); n != nil && !slices.Contains(rp.named, n) {
				rp.named = append(rp.named, n)
			}
		}
	}
	idx.add(rp)
}

func (idx *grantIndex) add(rp resourcePolicy) {
	i := len(idx.list)
	var accounts []string
	for j := range rp.src.Policy.Statements {
		st := &rp.src.Policy.Statements[j]
		if st.Effect != policy.Allow {
			continue
		}
		if st.NotPrincipal != nil || (st.Principal != nil && st.Principal.Wildcard) {
			rp.open = true
			continue
		}
		if st.Principal == nil {
			continue
		}
		for _, id := range st.Principal.AWS {
			id = strings.TrimSpace(id)
			if id == "*" {
				rp.open = true
				continue
			}
			acct := id
			if !arn.IsAccountID(id) {
				acct = arn.AccountOf(id)
			}
			if acct != "" && !slices.Contains(accounts, acct) {
				accounts = append(accounts, acct)
			}
		}
	}
	idx.list = append(idx.list, rp)
	if rp.open {
		idx.open = append(idx.open, i)
		return
	}
	for _, a := range accounts {
		idx.byAccount[a] = append(idx.byAccount[a], i)
	}
}

// naming returns the resource policies that may name n, in list order.
func (idx *grantIndex) naming(n *Node) []*resourcePolicy {
	ids := append(append([]int(nil), idx.open...), idx.byAccount[n.Account]...)
	sort.Ints(ids)
	out := make([]*resourcePolicy, 0, len(ids))
	for k, i := range ids {
		if k == 0 || ids[k-1] != i {
			out = append(out, &idx.list[i])
		}
	}
	return out
}

// resourceGrant is the evaluator's answer for one action on one resource
// with a policy.
type resourceGrant struct {
	rp  *resourcePolicy
	res policy.Result
}

// resourceGrants evaluates, as `can` does, every action (within filter) that
// a resource policy naming n may grant, on that resource. Refused requests
// are left out.
func (ps *permSet) resourceGrants(cat *actions.Catalogue, filter actions.Bitset) map[int][]resourceGrant {
	out, _ := ps.resourceGrantsBy(cat, filter, true)
	return out
}

// resourceGrantsBy is resourceGrants; with classes false it asks about
// every action on its own (the slow obvious way, for tests). It also
// returns how many requests it evaluated.
func (ps *permSet) resourceGrantsBy(cat *actions.Catalogue, filter actions.Bitset, classes bool) (map[int][]resourceGrant, int) {
	type job struct {
		rp  *resourcePolicy
		act *actions.Action
	}
	// A policy that names the principal's account only grants what the
	// identity side allows: the actions no identity statement allows are
	// not asked about, and where AWS does not require the resource's
	// policy it adds no resource the identity side's patterns do not
	// already cover (same account: the union; another account: both must
	// allow).
	identity := ps.candidates(cat, nil)
	var jobs []job
	for _, rp := range ps.g.resourcePolicies().naming(ps.n) {
		direct := rp.open || slices.Contains(rp.named, ps.n)
		for _, id := range rp.actions {
			act := cat.Action(id)
			// The resource is of the type its policy governs (a trust
			// policy, a role; a key; a bucket and its objects): the
			// actions were chosen by ActionTakes.
			if (filter != nil && !filter.Has(id)) || !mayAllow(rp.src.Policy, act.String(), "") {
				continue
			}
			if !direct && (!identity.Has(id) || requirementOf(act) == requiresNone) {
				continue
			}
			jobs = append(jobs, job{rp, act})
		}
	}
	// Actions matched by the same statements of every policy in play, none
	// with a condition, get the same answer on one resource: one evaluation
	// per such class and resource (keys × kms actions is most of the work).
	type classKey struct {
		rp  *resourcePolicy
		sig string
	}
	idSig := map[int]string{}
	rep := make([]int, len(jobs))
	first := map[classKey]int{}
	for i, j := range jobs {
		sig, ok := idSig[j.act.ID]
		if !ok {
			sig = ps.actionSignature(j.act)
			idSig[j.act.ID] = sig
		}
		rep[i] = i
		if !classes || sig == "" {
			continue
		}
		rs := resourceSignature(j.rp.src.Policy, j.act.String())
		if rs == "" {
			continue
		}
		k := classKey{j.rp, sig + "|" + rs}
		if f, ok := first[k]; ok {
			rep[i] = f
		} else {
			first[k] = i
		}
	}
	var asked []int
	for i := range jobs {
		if rep[i] == i {
			asked = append(asked, i)
		}
	}
	results := make([]policy.Result, len(jobs))
	parallelFor(len(asked), func(k int) {
		j := jobs[asked[k]]
		req := ps.g.requestShared(ps.n, j.act.String(), j.rp.arn, nil)
		in := ps.g.Input(ps.n, &req)
		results[asked[k]] = policy.Evaluate(&req, &in)
	})
	out := map[int][]resourceGrant{}
	for i, j := range jobs {
		if r := results[rep[i]]; r.Decision == policy.Allowed || r.Conditional {
			out[j.act.ID] = append(out[j.act.ID], resourceGrant{rp: j.rp, res: r})
		}
	}
	return out, len(asked)
}

// actionSignature names the principal's statements (identity, boundary,
// SCPs) that match act, or "" when one of them has a condition (the keys an
// action carries differ) or resource control policies are loaded (not among
// them): then act is asked about on its own.
func (ps *permSet) actionSignature(act *actions.Action) string {
	if len(ps.g.res.rcps) > 0 {
		return ""
	}
	var b strings.Builder
	for si := range ps.stmts {
		if ps.stmts[si].acts.Has(act.ID) {
			if len(ps.stmts[si].st.Conditions) > 0 {
				return ""
			}
			b.WriteString(strconv.Itoa(si))
			b.WriteByte(',')
		}
	}
	return "s" + b.String()
}

// resourceSignature names the statements of a resource policy that match
// action, or "" when one has a condition.
func resourceSignature(p *policy.Policy, action string) string {
	var b strings.Builder
	for i := range p.Statements {
		if st := &p.Statements[i]; st.MatchesAction(action) {
			if len(st.Conditions) > 0 {
				return ""
			}
			b.WriteString(strconv.Itoa(i))
			b.WriteByte(',')
		}
	}
	return "r" + b.String()
}

// mergeResourceGrants folds the resource-side answers into out.Actions.
//
//   - An action whose trust policy AWS requires (sts:AssumeRole*) is
//     allowed only on the roles whose trust policy allows it; the identity
//     side's patterns stay as Unknown where they can name roles outside the
//     loaded accounts, whose trust policies the snapshot lacks.
//   - A kms action on keys, whose key policy AWS requires, is allowed on the
//     loaded keys whose key policy allows it (as can evaluates it), and on
//     the keys of the principal's own account the snapshot does not hold
//     under AWS's default key policy, which delegates to the account's IAM
//     policies (said in out.Assumptions); the loaded keys of the account
//     whose policy does not allow are NotResources. Keys of other accounts
//     the identity side names are Unknown, never allowed.
//   - Any other action gains the resources whose policy allows it beyond
//     the identity patterns, and the row names the policy.
func (ps *permSet) mergeResourceGrants(cat *actions.Catalogue, filter actions.Bitset, out *Permissions) {
	grants := ps.resourceGrants(cat, filter)
	// The actions to merge: those with grants, and those whose resource
	// policy is required (their identity rows change even without grants).
	want := map[int]bool{}
	for id := range grants {
		want[id] = true
	}
	for _, name := range []string{actionAssumeRole, actionAssumeWebID, actionAssumeSAML} {
		if act, ok := cat.Lookup(name); ok {
			want[act.ID] = true
		}
	}
	if svc, ok := cat.Service("kms"); ok {
		for _, act := range svc.Actions {
			if requirementOf(act) == requiresKey {
				want[act.ID] = true
			}
		}
	}
	rows := map[int]int{}
	for i := range out.Actions {
		if id := out.Actions[i].ID; want[id] {
			rows[id] = i
		}
	}
	ids := make([]int, 0, len(want))
	for id := range want {
		_, had := rows[id]
		if had || len(grants[id]) > 0 {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	drop := map[int]bool{}
	appended, assumed := false, false
	for _, id := range ids {
		act := cat.Action(id)
		row := ActionPerm{ID: id, Action: act.String(), Service: act.Service, Level: act.Level}
		i, had := rows[id]
		if had {
			row = out.Actions[i]
		}
		m := ps.mergeRow(row, act, grants[id])
		assumed = assumed || m.assumed
		switch {
		case had && m.row == nil:
			drop[i] = true
		case had:
			out.Actions[i] = *m.row
		case m.row != nil:
			out.Actions = append(out.Actions, *m.row)
			appended = true
		}
		if len(m.unknown) > 0 {
			out.Unknown = append(out.Unknown, UnknownAction{ID: id, Action: act.String(), Level: act.Level, Resources: m.unknown, Sources: row.Sources})
		}
		if m.row != nil && len(m.row.Resources) > 0 {
			out.Removed = slices.DeleteFunc(out.Removed, func(r RemovedAction) bool { return r.ID == id })
		}
	}
	if len(drop) > 0 {
		kept := out.Actions[:0]
		for i, a := range out.Actions {
			if !drop[i] {
				kept = append(kept, a)
			}
		}
		out.Actions = kept
	}
	if appended {
		sort.Slice(out.Actions, func(i, j int) bool { return out.Actions[i].Action < out.Actions[j].Action })
	}
	sort.Slice(out.Unknown, func(i, j int) bool { return out.Unknown[i].Action < out.Unknown[j].Action })
	if assumed {
		out.Assumptions = append(out.Assumptions, DefaultKeyPolicyAssumption(ps.n.Account))
	}
}

// DefaultKeyPolicyAssumption says what perms assumed of the keys of account
// the snapshot does not hold.
func DefaultKeyPolicyAssumption(account string) string {
	return "KMS keys of account " + account + " that are not in the snapshot, or whose key policy could not be read, " +
		"are taken to have AWS's default key policy, which delegates to the account's IAM policies: " +
		"the kms rows on arn:*:kms:*:" + account + ":key/* rest on it"
}

// merged is one row after mergeRow.
type merged struct {
	row     *ActionPerm // nil when nothing is allowed
	unknown []string    // identity patterns whose resources' required policies the snapshot lacks
	assumed bool        // a pattern rests on the default key policy
}

// mergeRow returns row with the resource grants added, in new slices where
// it changes them (a row's slices are shared with its class).
func (ps *permSet) mergeRow(row ActionPerm, act *actions.Action, grants []resourceGrant) merged {
	var m merged
	req := requirementOf(act)
	var res, cond, keys []string
	var sources []StatementRef
	if row.Conditional {
		cond = slices.Clone(row.Resources)
	} else {
		res, cond = slices.Clone(row.Resources), slices.Clone(row.ConditionalResources)
	}
	var denied []string // loaded keys the identity patterns cover whose policy does not allow as they say
	switch req {
	case requiresTrust:
		for _, p := range append(res, cond...) {
			if ps.g.mayNameOutside(p) {
				m.unknown = appendUnique(m.unknown, p)
			}
		}
		res, cond, row.NotResources = nil, nil, nil
	case requiresKey:
		res, cond, denied, m.unknown, m.assumed = ps.keyPatterns(act, res, cond, grants)
		row.NotResources = append(slices.Clone(row.NotResources), denied...)
		fallthrough
	default:
		// Shared with the class (answers intern them by array) until a
		// grant adds to them: clipped, an append copies.
		keys = slices.Clip(row.ConditionKeys)
		sources = slices.Clip(row.Sources)
	}
	addedKeys := false
	// Each resource has one grant per action: only the identity side's
	// patterns can already cover it (a key they cover whose policy says
	// otherwise is among denied).
	baseRes, baseCond := res, cond
	covered := func(r string, list []string) bool { return coveredBy(r, list) && !slices.Contains(denied, r) }
	for _, gr := range grants {
		r := gr.rp.arn
		if !gr.res.Conditional {
			if !covered(r, baseRes) {
				res = append(res, r)
			}
		} else {
			if covered(r, baseRes) || covered(r, baseCond) {
				continue
			}
			cond = append(cond, r)
			for _, k := range gr.res.MissingContext {
				if !slices.ContainsFunc(keys, func(x string) bool { return strings.EqualFold(x, k) }) {
					keys = append(keys, k)
					addedKeys = true
				}
			}
		}
		for _, rs := range gr.res.Reasons {
			sources = appendRef(sources, ps.reasonRef(rs, gr.rp))
		}
	}
	if len(res) == 0 && len(cond) == 0 {
		return m
	}
	row.Conditional = len(res) == 0
	if row.Conditional {
		res, cond = cond, nil
	}
	if addedKeys {
		sort.Strings(keys)
	}
	row.Resources, row.ConditionalResources, row.ConditionKeys, row.Sources = res, cond, keys, sources
	m.row = &row
	return m
}

// keyPatterns splits the identity side's patterns of a kms action on keys
// (unconditional res, conditional cond) into: the parts naming the
// action's other resource types (aliases), which identity policies decide;
// the keys of the principal's own account, allowed under the default key
// policy except the loaded ones whose policy does not allow as the pattern
// says (denied); and the patterns that can name keys of other accounts
// (unknown). The grants decide the loaded keys. assumed is whether some
// pattern rests on the default key policy.
func (ps *permSet) keyPatterns(act *actions.Action, res, cond []string, grants []resourceGrant) (outRes, outCond, denied, unknown []string, assumed bool) {
	keyFmt := keyFormat(act)
	loaded := ps.g.resourcePolicies().keys[ps.n.Account]
	var ownRes, ownCond []string
	split := func(p string, conditional bool) {
		dst, own := &outRes, &ownRes
		if conditional {
			dst, own = &outCond, &ownCond
		}
		for i := range act.Resources {
			if f := act.Resources[i].ARN; f != keyFmt {
				if q, ok := narrow(p, f, ""); ok {
					*dst = appendUnique(*dst, q)
				}
			}
		}
		if !coversAll(p) && !patternFitsFormat(p, keyFmt) {
			return
		}
		if q, ok := narrow(p, keyFmt, ps.n.Account); ok && !slices.Contains(loaded, q) {
			*own = appendUnique(*own, q) // a loaded key named exactly: its grant decides
		}
		if segs := strings.SplitN(p, ":", 6); len(segs) < 6 || segs[4] != ps.n.Account {
			unknown = appendUnique(unknown, p)
		}
	}
	for _, p := range res {
		split(p, false)
	}
	for _, p := range cond {
		split(p, true)
	}
	granted := map[string]*resourceGrant{}
	for i := range grants {
		granted[grants[i].rp.arn] = &grants[i]
	}
	for _, k := range loaded {
		inRes, inCond := coveredBy(k, ownRes), coveredBy(k, ownCond)
		if !inRes && !inCond {
			continue
		}
		gr := granted[k]
		if gr == nil || (inRes && gr.res.Conditional) {
			denied = append(denied, k)
		}
	}
	assumed = len(ownRes)+len(ownCond) > 0
	return append(outRes, ownRes...), append(outCond, ownCond...), denied, unknown, assumed
}

// narrow returns the part of pattern p that names resources of the
// catalogue's ARN format (in account, when given) as one pattern: p's
// segments with the format's literal ones and the account written in, its
// resource part within the format's literal prefix ("key/"). ok is false
// when p names none, or when the part cannot be written so; what it
// returns never names more than p does.
func narrow(p, format, account string) (string, bool) {
	fs := strings.SplitN(format, ":", 6)
	if len(fs) != 6 {
		return "", false
	}
	ps := strings.SplitN(p, ":", 6)
	if len(ps) < 6 {
		// The last segment matches the rest of an ARN: ending in "*", its
		// part with every further segment "*" names a subset.
		if !strings.HasSuffix(ps[len(ps)-1], "*") {
			return "", false
		}
		for len(ps) < 6 {
			ps = append(ps, "*")
		}
	}
	out := make([]string, 6)
	for i := range 5 {
		switch {
		case i == 4 && account != "":
			if !globMatch(ps[i], account, false) {
				return "", false
			}
			out[i] = account
		case !strings.Contains(fs[i], "${"):
			if !globMatch(ps[i], fs[i], false) {
				return "", false
			}
			out[i] = fs[i]
		default:
			out[i] = ps[i]
		}
	}
	prefix, _, _ := strings.Cut(fs[5], "${")
	switch {
	case strings.HasPrefix(ps[5], prefix):
		out[5] = ps[5]
	case strings.HasPrefix(ps[5], "*"):
		out[5] = prefix + ps[5]
	default:
		return "", false
	}
	q := strings.Join(out, ":")
	if coversAll(p) && account == "" {
		return q, true // the format itself, its variables "*"
	}
	return q, patternFitsFormat(q, format)
}

// reasonRef names an evaluator reason: an identity statement as refFor
// does, a resource policy's statement by the resource.
func (ps *permSet) reasonRef(r policy.Reason, rp *resourcePolicy) StatementRef {
	if r.PolicyType != policy.ResourcePolicy {
		return ps.refFor(r)
	}
	return StatementRef{Policy: r.Policy, PolicyName: rp.label, PolicyType: r.PolicyType,
		Sid: r.Sid, Index: r.Index, Effect: r.Effect, Via: r.Via}
}

// mayNameOutside reports whether a resource pattern can name a resource
// outside the loaded accounts: its account segment is not one loaded
// account written out.
func (g *Graph) mayNameOutside(pattern string) bool {
	segs := strings.SplitN(pattern, ":", 6)
	if len(segs) < 6 {
		return true
	}
	acct := segs[4]
	if strings.ContainsAny(acct, "*?") {
		return true
	}
	return g.accounts[acct] == nil
}
