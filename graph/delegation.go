package graph

import (
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/iamx/iamx/model/policy"
)

// Delegated trust. A trust policy that names an account root (or "*")
// delegates to that account: any of its users and roles whose own policies
// allow sts:AssumeRole on the role may assume it. In real accounts most
// principals with broad policies can assume most such roles, so these edges
// number in the millions (10,000 principals × hundreds of roles) and cannot
// be decided, or stored, one by one.
//
// They are decided per class instead. Delegating roles fall into role
// classes: same trust policy text, same account, and same matches against
// every resource pattern of the identity statements that could match
// sts:AssumeRole. Then, per role class, principals fall into classes the
// evaluator cannot tell apart for those roles: same kind and account, same
// SCP exemption and boundary presence, the same statements (identity and
// boundary) that could match sts:AssumeRole on those roles, and the same
// values of the principal keys (aws:username, aws:PrincipalTag/…) that
// those statements and the trust policy read. Keys the request lacks, such
// as aws:MultiFactorAuthPresent, leave a condition's outcome independent of
// its values. The evaluator decides one representative pair per (role
// class, principal class); the edges of every member pair follow from it
// and are produced on demand.
//
// Principals a trust policy names by ARN, and roles whose trust policy uses
// NotPrincipal (whose effect depends on the exact principal), are decided
// one by one as explicit edges.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts

// delegRole is a role whose trust policy delegates to loaded accounts.
type delegRole struct {
	role     *Node
	accounts map[string]bool // loaded accounts whose root the trust names
	all      bool            // the trust admits "*": every loaded account
	named    map[*Node]bool  // users and roles named by ARN: decided explicitly
	equiv    int32
}

// admits reports whether p is decided by this delegation. A role never
// assumes itself by delegation: AWS requires the trust policy to name the
// role explicitly for that.
// https://aws.amazon.com/blogs/security/announcing-an-update-to-iam-role-trust-policy-behavior/
func (d *delegRole) admits(p *Node) bool {
	return p != d.role && (d.all || d.accounts[p.Account]) && !d.named[p]
}

// actorClass is a set of users and roles the evaluator treats alike when
// they ask to assume the roles of one role class. Its members are the actors
// whose roleEquiv.classOf entry names it; a few are kept as representatives.
type actorClass struct {
	reps []*Node
	out  *delegOutcome // the representative edge; nil when there is none
}

// roleEquiv is a set of delegating roles the evaluator treats alike.
type roleEquiv struct {
	roles   []*delegRole
	all     bool    // the trust admits "*" (no identity allow needed in the same account)
	rsig    []uint8 // per resource pattern: 0 no match, 1 match, 2 depends on the principal
	classOf []int32 // by actor ordinal: the principal class (in delegation.classes) with an edge, or -1
	members int     // actors with an edge
}

// delegOutcome is the evaluator's answer for a representative pair, kept in
// a form that can be re-addressed to any member pair.
type delegOutcome struct {
	conditional bool
	missing     []string

	// The edge's detail (conditions, unless, reasons) comes from a traced
	// evaluation of the representative pair p → d.role, run the first time
	// an edge of the class is materialised: tens of thousands of classes
	// have edges, and a query shows the detail of a handful.
	p      *Node
	d      *delegRole
	once   sync.Once
	detail delegDetail
}

type delegDetail struct {
	conditions []policy.Condition
	unless     []policy.Condition
	reasons    []reasonTmpl
}

// reasonTmpl is a reason whose policy is named relative to the pair:
// identity policies by document, the boundary, or the role's trust policy.
type reasonTmpl struct {
	r     policy.Reason
	doc   *policy.Policy // identity: the document, found again among the member's sources
	trust bool
	bound bool
}

// delegation is the build's index of delegated trust.
type delegation struct {
	roles   []*delegRole
	byRole  map[*Node]*delegRole
	ordinal []int32 // by node ID: index in Graph.actors, or -1
	classes []*actorClass
	equivs  []*roleEquiv
	// relevant holds the documents with a statement that could match
	// sts:AssumeRole; only they are given to the evaluator.
	relevant map[*policy.Policy]bool
}

// newDelegRole returns the delegation record for a role whose trust policy
// allows deciding by class, or nil when it uses NotPrincipal.
func newDelegRole(r *Node, tp *policy.Policy) *delegRole {
	for i := range tp.Statements {
		if tp.Statements[i].NotPrincipal != nil {
			return nil
		}
	}
	return &delegRole{role: r, accounts: map[string]bool{}, named: map[*Node]bool{}}
}

// principalKey reports whether a condition key is one the graph fills from
// the snapshot, so that its value can differ between principals.
func principalKey(k string) bool {
	switch k {
	case "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalisawsservice",
		"aws:principalservicename", "aws:username", "aws:userid":
		return true
	}
	return strings.HasPrefix(k, "aws:principaltag/")
}

// stmtInfo is what delegation needs of a statement that could match
// sts:AssumeRole.
type stmtInfo struct {
	id       int
	patterns []int    // indexes of its Resource or NotResource patterns
	not      bool     // NotResource
	any      bool     // no Resource element: matches every role
	allow    bool     // Effect Allow
	keys     []string // principal keys it reads
}

// buildDelegation classifies delegating roles and, per role class, the
// principals; then decides one representative edge per pair of classes.
func (g *Graph) buildDelegation(roles []*delegRole) {
	dl := &g.deleg
	dl.roles = roles
	dl.byRole = make(map[*Node]*delegRole, len(roles))
	for _, d := range roles {
		dl.byRole[d.role] = d
	}
	dl.ordinal = make([]int32, len(g.nodes))
	for i := range dl.ordinal {
		dl.ordinal[i] = -1
	}
	for i, a := range g.actors {
		dl.ordinal[a.ID] = int32(i)
	}
	if len(roles) == 0 {
		return
	}

	// Statements that could match sts:AssumeRole, per document, with their
	// resource patterns numbered and the principal keys they read.
	patternIdx := map[string]int{}
	var patterns []string
	infos := map[*policy.Policy][]*stmtInfo{}
	nStmts := 0
	keysOf := func(st *policy.Statement) []string {
		set := map[string]bool{}
		for _, c := range st.Conditions {
			k := strings.ToLower(c.Key)
			if !principalKey(k) {
				// The key is absent from every request built here, so
				// the condition's outcome does not depend on its values.
				continue
			}
			set[k] = true
			for _, v := range c.Values {
				variableKeys(v, set)
			}
		}
		// "${aws:username}" in a Resource decides, per principal, whether
		// the statement names the role: its keys split classes too.
		for _, r := range st.Resource {
			variableKeys(r, set)
		}
		for _, r := range st.NotResource {
			variableKeys(r, set)
		}
		out := make([]string, 0, len(set))
		for k := range set {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	infosOf := func(p *policy.Policy) []*stmtInfo {
		if p == nil {
			return nil
		}
		if l, ok := infos[p]; ok {
			return l
		}
		var l []*stmtInfo
		for i := range p.Statements {
			st := &p.Statements[i]
			if !mayMatchAction(st, actionAssumeRole) {
				continue
			}
			in := &stmtInfo{id: nStmts, keys: keysOf(st), allow: st.Effect == policy.Allow}
			nStmts++
			list := st.Resource
			if st.NotResource != nil {
				list, in.not = st.NotResource, true
			}
			in.any = list == nil
			for _, pat := range list {
				k, ok := patternIdx[pat]
				if !ok {
					k = len(patterns)
					patternIdx[pat] = k
					patterns = append(patterns, pat)
				}
				in.patterns = append(in.patterns, k)
			}
			l = append(l, in)
		}
		infos[p] = l
		return l
	}
	// Per actor, its statements that could match sts:AssumeRole (identity,
	// then boundary), and the identity sources holding them.
	idInfos := make([][]*stmtInfo, len(g.actors))
	bdInfos := make([][]*stmtInfo, len(g.actors))
	for ai, a := range g.actors {
		for _, src := range a.identity {
			idInfos[ai] = append(idInfos[ai], infosOf(src.Policy)...)
		}
		if a.boundary != nil {
			bdInfos[ai] = infosOf(a.boundary.Policy)
		}
	}
	dl.relevant = make(map[*policy.Policy]bool, len(infos))
	for p, l := range infos {
		if len(l) > 0 {
			dl.relevant[p] = true
		}
	}

	// Role classes.
	equivByKey := map[string]int32{}
	var b []byte
	for _, d := range roles {
		rsig := make([]uint8, len(patterns))
		for i, p := range patterns {
			switch {
			case !strings.Contains(p, "${"):
				if globMatch(p, d.role.ARN, false) {
					rsig[i] = 1
				}
			case globMatch(variablesAsWildcards(p), d.role.ARN, false):
				rsig[i] = 2
			}
		}
		b = append(b[:0], d.role.Account...)
		b = append(b, '|')
		if len(d.role.Role.TrustPolicy.JSON) > 0 {
			b = append(b, d.role.Role.TrustPolicy.JSON...)
		} else {
			b = strconv.AppendInt(b, int64(d.role.ID), 10)
		}
		b = append(b, '|')
		for _, x := range rsig {
			b = append(b, '0'+x)
		}
		if slices.Contains(rsig, 2) {
			// Whether a pattern matches depends on the principal: this
			// role is its own class.
			b = append(b, d.role.ARN...)
		}
		ei, ok := equivByKey[string(b)]
		if !ok {
			ei = int32(len(dl.equivs))
			equivByKey[string(b)] = ei
			dl.equivs = append(dl.equivs, &roleEquiv{all: d.all, rsig: rsig})
		}
		d.equiv = ei
		dl.equivs[ei].roles = append(dl.equivs[ei].roles, d)
	}

	// Per role class: principal classes, and one evaluation each.
	var jobs []delegJob
	for _, e := range dl.equivs {
		rep := e.roles[0]
		trustKeys := map[string]bool{}
		tp := rep.role.Role.TrustPolicy.Policy
		for i := range tp.Statements {
			for _, k := range keysOf(&tp.Statements[i]) {
				trustKeys[k] = true
			}
		}
		var trustKeyList []string
		for k := range trustKeys {
			trustKeyList = append(trustKeyList, k)
		}
		sort.Strings(trustKeyList)
		// A trust policy that admits "*" and no account root allows a
		// principal of its own account on its own, limited only by denies
		// and the boundary: identity Allow statements cannot change the
		// decision there, so they do not split classes.
		wildcardOnly := rep.all && len(rep.accounts) == 0
		matchesRole := func(in *stmtInfo) bool {
			if in.any {
				return true
			}
			hit, unsure := false, false
			for _, p := range in.patterns {
				switch e.rsig[p] {
				case 1:
					hit = true
				case 2:
					unsure = true
				}
			}
			if in.not {
				return !hit || unsure
			}
			return hit || unsure
		}
		memo := make([]int8, nStmts) // per statement: 0 unknown, 1 matches, 2 does not
		matches := func(in *stmtInfo) bool {
			switch memo[in.id] {
			case 1:
				return true
			case 2:
				return false
			}
			if matchesRole(in) {
				memo[in.id] = 1
				return true
			}
			memo[in.id] = 2
			return false
		}
		e.classOf = make([]int32, len(g.actors))
		local := map[uint64]int32{} // class key hash → index in dl.classes
		needs := map[int32]bool{}   // classes with a statement that could allow
		for ai, a := range g.actors {
			e.classOf[ai] = -1
			if !rep.all && !rep.accounts[a.Account] {
				continue
			}
			b = append(b[:0], a.Kind.String()...)
			b = append(b, '|')
			b = append(b, a.Account...)
			if a.IsServiceLinked() {
				b = append(b, "|slr"...)
			}
			var keys []string
			relevant := false
			skipAllows := wildcardOnly && a.Account == rep.role.Account
			for _, in := range idInfos[ai] {
				if skipAllows && in.allow {
					continue
				}
				if matches(in) {
					b = append(b, "|i"...)
					b = strconv.AppendInt(b, int64(in.id), 10)
					keys = append(keys, in.keys...)
					relevant = true
				}
			}
			if a.boundary != nil {
				b = append(b, "|B"...)
				for _, in := range bdInfos[ai] {
					if matches(in) {
						b = append(b, "|b"...)
						b = strconv.AppendInt(b, int64(in.id), 10)
						keys = append(keys, in.keys...)
					}
				}
			}
			keys = append(keys, trustKeyList...)
			for _, k := range keys {
				b = append(b, '|')
				b = append(b, k...)
				b = append(b, '=')
				for _, v := range a.base[k] {
					b = strconv.AppendQuote(b, v)
				}
			}
			h := fnv64(b)
			ci, ok := local[h]
			if !ok {
				ci = int32(len(dl.classes))
				local[h] = ci
				dl.classes = append(dl.classes, &actorClass{})
				if relevant {
					needs[ci] = true
				}
			}
			e.classOf[ai] = ci
			if c := dl.classes[ci]; len(c.reps) < 4 {
				c.reps = append(c.reps, a)
			}
		}
		// Each class's representative is evaluated below, all classes of
		// all role classes at once.
		for _, ci := range sortedClassIDs(local) {
			c := dl.classes[ci]
			// Delegation by account root needs an identity allow; a class
			// with no statement that could give one has no edge.
			if !needs[ci] && !e.all {
				continue
			}
			if p, d := representative(c, e); p != nil {
				jobs = append(jobs, delegJob{c, p, d})
			}
		}
	}
	// The representatives' evaluations are independent reads of the graph:
	// decide them on every core.
	g.decideAll(jobs)
	for _, e := range dl.equivs {
		for ai := range e.classOf {
			if ci := e.classOf[ai]; ci >= 0 {
				if dl.classes[ci].out == nil {
					e.classOf[ai] = -1
				} else {
					e.members++
				}
			}
		}
	}
	// Count the edges without producing them: every admitted member of an
	// ok class, less those named explicitly and the role itself.
	for _, e := range dl.equivs {
		for _, d := range e.roles {
			n := e.members
			for m := range d.named {
				if o := dl.ordinal[m.ID]; o >= 0 && e.classOf[o] >= 0 {
					n--
				}
			}
			if o := dl.ordinal[d.role.ID]; o >= 0 && e.classOf[o] >= 0 && !d.named[d.role] {
				n--
			}
			g.edges += n
		}
	}
}

// fnv64 hashes a class key. Keys are hashed rather than stored: a 64-bit
// collision among the few hundred classes of one role class is out of reach.
func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func sortedClassIDs(m map[uint64]int32) []int32 {
	out := make([]int32, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// representative picks a member pair of a principal class and a role class
// that delegation decides, or nil when there is none. A role is never its
// own representative pair, and names exclude few principals, so a handful
// of members suffices.
func representative(c *actorClass, e *roleEquiv) (*Node, *delegRole) {
	for _, d := range e.roles {
		for _, m := range c.reps {
			if d.admits(m) {
				return m, d
			}
		}
	}
	return nil, nil
}

// delegJob is one representative pair to decide: the outcome goes to class.
type delegJob struct {
	class *actorClass
	p     *Node
	d     *delegRole
}

// decideAll decides every job, spread over GOMAXPROCS workers. Each writes
// only its own class's outcome.
func (g *Graph) decideAll(jobs []delegJob) {
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				j.class.out = g.decideDelegated(j.p, j.d)
			}
		})
	}
	wg.Wait()
}

// delegInput is the evaluation of the representative pair p → d.role.
// Identity policies with no statement that could match sts:AssumeRole
// cannot bear on the decision and are left out, which keeps the evaluation
// (and its trace) short.
func (g *Graph) delegInput(p *Node, d *delegRole) (policy.Request, policy.Input) {
	r := d.role
	req := g.requestShared(p, actionAssumeRole, r.ARN, nil)
	req.ResourceAccount = r.Account
	if req.ResourceAccount == p.Account {
		req.ResourceAccount = ""
	}
	in := g.Input(p, &req)
	var identity []policy.Source
	for _, src := range in.Identity {
		if g.deleg.relevant[src.Policy] {
			identity = append(identity, src)
		}
	}
	in.Identity = identity
	return req, in
}

// decideDelegated evaluates one representative pair, untraced: whether
// there is an edge, and whether it needs more context.
func (g *Graph) decideDelegated(p *Node, d *delegRole) *delegOutcome {
	req, in := g.delegInput(p, d)
	res := policy.Evaluate(&req, &in)
	if res.Decision != policy.Allowed && !res.Conditional {
		return nil
	}
	return &delegOutcome{conditional: res.Conditional, missing: res.MissingContext, p: p, d: d}
}

// details returns the edge's conditions and reasons, tracing the
// representative pair on first use. Safe for concurrent use.
func (o *delegOutcome) details(g *Graph) *delegDetail {
	o.once.Do(func() {
		req, in := g.delegInput(o.p, o.d)
		req.Trace, req.TraceBrief = true, true
		res := policy.Evaluate(&req, &in)
		conds, unless, reasons := edgeConditions(res, dropExternalSide(res.Reasons))
		o.detail = delegDetail{conditions: conds, unless: unless}
		for _, rs := range reasons {
			t := reasonTmpl{r: rs}
			switch rs.PolicyType {
			case policy.ResourcePolicy:
				t.trust = true
			case policy.BoundaryPolicy:
				t.bound = true
			case policy.IdentityPolicy:
				for i := range o.p.identity {
					if o.p.identity[i].ID() == rs.Policy && o.p.identity[i].Via == rs.Via {
						t.doc = o.p.identity[i].Policy
						break
					}
				}
			}
			o.detail.reasons = append(o.detail.reasons, t)
		}
	})
	return &o.detail
}

// edgeFor materialises the delegated edge p → d.role.
func (g *Graph) edgeFor(p *Node, d *delegRole, o *delegOutcome) Edge {
	dt := o.details(g)
	e := Edge{From: p, To: d.role, Kind: EdgeAssumeRole, Conditions: dt.conditions, Unless: dt.unless, Conditional: o.conditional,
		MissingContext: o.missing, Reasons: make([]policy.Reason, 0, len(dt.reasons))}
	for _, t := range dt.reasons {
		r := t.r
		switch {
		case t.trust:
			if src := trustSource(d.role); src != nil {
				r.Policy = src.ID()
			}
		case t.bound:
			if p.boundary != nil {
				r.Policy = p.boundary.ID()
			}
		case t.doc != nil:
			found := false
			for i := range p.identity {
				if p.identity[i].Policy == t.doc {
					r.Policy, r.Via = p.identity[i].ID(), p.identity[i].Via
					found = true
					break
				}
			}
			if !found {
				// An identity allow of the representative that this
				// member lacks (it did not decide the edge).
				continue
			}
		}
		e.Reasons = append(e.Reasons, r)
	}
	return e
}

// delegatedOut calls f for each delegated edge out of p; f returns false to stop.
func (g *Graph) delegatedOut(p *Node, f func(Edge) bool) bool {
	dl := &g.deleg
	if p.ID < 0 || p.ID >= len(dl.ordinal) || dl.ordinal[p.ID] < 0 {
		return true
	}
	o := dl.ordinal[p.ID]
	for _, e := range dl.equivs {
		ci := e.classOf[o]
		if ci < 0 {
			continue
		}
		out := dl.classes[ci].out
		for _, d := range e.roles {
			if d.admits(p) && !f(g.edgeFor(p, d, out)) {
				return false
			}
		}
	}
	return true
}

// delegatedIn calls f for each delegated edge into role r; f returns false to stop.
func (g *Graph) delegatedIn(r *Node, f func(Edge) bool) bool {
	d := g.deleg.byRole[r]
	if d == nil {
		return true
	}
	dl := &g.deleg
	for ai, ci := range dl.equivs[d.equiv].classOf {
		if ci < 0 {
			continue
		}
		if m := g.actors[ai]; d.admits(m) && !f(g.edgeFor(m, d, dl.classes[ci].out)) {
			return false
		}
	}
	return true
}

// variablesAsWildcards replaces each ${…} with *, giving a pattern that
// matches whatever the variables could become.
func variablesAsWildcards(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteByte('*')
		s = s[i+j+1:]
	}
}
