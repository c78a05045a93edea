package graph

import (
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"iter"
	"maps"
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
// those statements, the trust policy and the SCPs read. Keys the request
// lacks, such as aws:MultiFactorAuthPresent, leave a condition's outcome
// independent of its values. The evaluator decides one representative pair per (role
// class, principal class); the edges of every member pair follow from it
// and are produced on demand.
//
// Principals a trust policy names by ARN (in an Allow or a Deny), and roles
// whose trust policy uses NotPrincipal (whose effect depends on the exact
// principal), are decided one by one as explicit edges.
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
// whose entry in the role class's segments names it.
type actorClass struct {
	// p → d.role is the representative pair, decided on first use (see
	// outcome): a query reads the classes of the principals it has not
	// placed yet, a fraction of them.
	//
	// An organization holds tens of millions of classes (a role class
	// that admits "*" has classes in every account): three words each.
	p   *Node
	d   *delegRole
	out atomic.Pointer[delegOutcome] // the representative edge; nil: undecided; noEdge: there is none
}

// noEdge marks a decided class whose members have no edge.
var noEdge = &delegOutcome{}

// decided reports whether the class's representative pair is decided.
func (c *actorClass) decided() bool { return c.out.Load() != nil }

// outcome returns the class's decided edge, or nil when its members have
// none, evaluating the representative pair on first use. Safe for
// concurrent use: two callers may both evaluate the pair (the evaluation is
// a pure read of the graph), and the first answer stored is the one kept.
func (g *Graph) outcome(c *actorClass) *delegOutcome {
	o := c.out.Load()
	if o == nil {
		o = g.decideClass(c)
	}
	if o == noEdge {
		return nil
	}
	return o
}

// decideClass evaluates c's representative pair and stores the answer
// (noEdge for none) unless another caller stored one first; it returns the
// stored answer.
func (g *Graph) decideClass(c *actorClass) *delegOutcome {
	o := noEdge
	if c.p != nil {
		if d := g.decideDelegated(c.p, c.d); d != nil {
			o = d
		}
	}
	if !c.out.CompareAndSwap(nil, o) {
		o = c.out.Load()
	}
	return o
}

// roleEquiv is a set of delegating roles the evaluator treats alike.
type roleEquiv struct {
	roles []*delegRole
	all   bool     // the trust admits "*" (no identity allow needed in the same account)
	rsig  []patHit // the resource patterns that match its roles, in order
	// segs holds the principal classes of the actors of the accounts the
	// trust admits, one segment per account, by account index: an
	// organization's role classes each admit one or two accounts of
	// hundreds, and a table over every loaded actor per role class would
	// grow with the square of the accounts. Accounts whose actors have no
	// edge for sure have no segment.
	segs []equivSeg
}

// patHit is a resource pattern that matches a role: v is 1 when it does,
// 2 when that depends on the principal (the pattern has ${…}).
type patHit struct {
	pat int32
	v   uint8
}

// sigAt returns e's signature at pattern p: 0 no match, 1 match, 2 depends
// on the principal.
func (e *roleEquiv) sigAt(p int32) uint8 {
	if i, ok := slices.BinarySearchFunc(e.rsig, p, func(h patHit, p int32) int { return cmp.Compare(h.pat, p) }); ok {
		return e.rsig[i].v
	}
	return 0
}

// hitsIn returns e's signature on the patterns pats (sorted).
func (e *roleEquiv) hitsIn(pats []int32) []patHit {
	var out []patHit
	for _, h := range e.rsig {
		if _, ok := slices.BinarySearch(pats, h.pat); ok {
			out = append(out, h)
		}
	}
	return out
}

// matches reports whether a statement could match the roles of e.
func (e *roleEquiv) matches(in *stmtInfo) bool {
	if in.any {
		return true
	}
	hit, maybe := false, false
	for _, p := range in.patterns {
		switch e.sigAt(int32(p)) {
		case 1:
			hit = true
		case 2:
			maybe = true
		}
	}
	if in.not {
		return !hit || maybe
	}
	return hit || maybe
}

// unsure reports whether a signature has a pattern whose match depends on
// the principal.
func unsure(sig []patHit) bool {
	return slices.ContainsFunc(sig, func(h patHit) bool { return h.v == 2 })
}

// appendHits appends an exact encoding of a signature.
func appendHits(b []byte, sig []patHit) []byte {
	for _, h := range sig {
		b = binary.AppendUvarint(b, uint64(h.pat)<<2|uint64(h.v))
	}
	return b
}

// foreignPatterns lists, per account, the patterns of its actors'
// statements that may match a role of another account: all but those
// whose account segment is the account's own ID, literally. Matching is
// segment by segment (model/policy), so such a pattern never matches an
// ARN of another account: a role of another account has signature 0 on it.
func foreignPatterns(cl *classifier, glob []string) [][]int32 {
	dl := &cl.g.deleg
	byID := make([]*stmtInfo, cl.nStmts)
	for _, in := range cl.stmts {
		byID[in.id] = in
	}
	out := make([][]int32, len(dl.accounts))
	for k, acct := range dl.accounts {
		var pats []int32
		for _, id := range cl.acctStmts[k] {
			for _, p := range byID[id].patterns {
				if parts := strings.SplitN(glob[p], ":", 6); len(parts) == 6 && parts[4] == acct {
					continue
				}
				pats = append(pats, int32(p))
			}
		}
		slices.Sort(pats)
		out[k] = slices.Compact(pats)
	}
	return out
}

// equivSeg is the principal classes of one account's actors for a role
// class: class[i] is that of the account's i-th actor (delegation.pos),
// an index in delegation.classes, or -1 when it has no edge for sure.
type equivSeg struct {
	acct   int32
	base   int32   // added to class's entries: they count from 0 in each segment
	class  []int32 // may be shared with the same account's segment of other role classes
	shared bool    // its classes (from base) are those of other role classes' segments too
}

// segScan is what one breadth-first scan over delegated edges into roles
// has offered already: a shared segment once offered in full need not be
// offered again for another role class. Its members have the same class,
// hence the same outcome, under every role class pointing at it, and every
// role of those classes admits every one of them (it is of an account the
// trust admits, none named, none the role).
type segScan struct{ done map[int32]bool } // by base of a shared segment

func newSegScan() *segScan { return &segScan{done: map[int32]bool{}} }

// offered reports whether sg was offered already.
func (s *segScan) offered(sg *equivSeg) bool { return s != nil && sg.shared && s.done[sg.base] }

// offer records that sg is being offered in full.
func (s *segScan) offer(sg *equivSeg) {
	if s != nil && sg.shared {
		s.done[sg.base] = true
	}
}

// classOf returns the principal class of the actor with ordinal o for role
// class e, or -1 when it has no edge for sure.
func (dl *delegation) classOf(e *roleEquiv, o int32) int32 {
	return e.classAt(dl.acct[o], dl.pos[o])
}

// classAt is classOf for the actor at position pos of account a.
func (e *roleEquiv) classAt(a, pos int32) int32 {
	var s *equivSeg
	switch len(e.segs) {
	case 0:
		return -1
	case 1: // most role classes admit one account
		if s = &e.segs[0]; s.acct != a {
			return -1
		}
	default:
		i, ok := slices.BinarySearchFunc(e.segs, a, func(s equivSeg, a int32) int { return cmp.Compare(s.acct, a) })
		if !ok {
			return -1
		}
		s = &e.segs[i]
	}
	if ci := s.class[pos]; ci >= 0 {
		return s.base + ci
	}
	return -1
}

// members yields the ordinal and class of every actor that has a class for
// role class e, in ordinal order within each account.
func (dl *delegation) members(e *roleEquiv) iter.Seq2[int32, int32] {
	return func(yield func(int32, int32) bool) {
		for _, s := range e.segs {
			for i, ci := range s.class {
				if ci >= 0 && !yield(dl.acctActors[s.acct][i], s.base+ci) {
					return
				}
			}
		}
	}
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
	// The actors by account: accounts in order of first appearance.
	accounts   []string
	acctIdx    map[string]int32
	acct       []int32   // by actor ordinal: its account's index
	pos        []int32   // by actor ordinal: its index in acctActors[acct]
	acctActors [][]int32 // by account index: its actors' ordinals, in order
	equivsOf   [][]int32 // by account index: the role classes with a segment for it, in order
	classes    []*actorClass
	equivs     []*roleEquiv
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
	patterns []int // indexes of its Resource or NotResource patterns
	not      bool  // NotResource
	any      bool  // no Resource element: matches every role
	allow    bool  // Effect Allow
	reads    classInput
}

// classInput is what of a principal a statement's outcome depends on: the
// values of some principal keys, and the outcomes of conditions that read
// principal keys only. A condition such as StringLike
// aws:PrincipalTag/team "team-*" cannot tell "team-a" from "team-b", so
// principals split by its outcome, not by their tag values (which would
// make every principal with its own tag value a class of its own, and the
// classes as many as principals times role classes).
type classInput struct {
	keys  []string  // principal keys whose values count as they are
	conds []condRef // conditions whose outcome counts
}

// condRef is condition i of a statement of p, with the keys it reads
// (lower-case): its own, and those of the variables in its values.
type condRef struct {
	p    *policy.Policy
	st   *policy.Statement
	i    int
	key  string
	vars []string
}

// principalOnly reports whether a condition reads principal keys only: its
// key and every ${…} in its values.
func principalOnly(c *policy.Condition) bool {
	if !principalKey(strings.ToLower(c.Key)) {
		return false
	}
	vars := map[string]bool{}
	for _, v := range c.Values {
		policy.VariableKeys(v, vars)
	}
	for k := range vars {
		if !principalKey(k) {
			return false
		}
	}
	return true
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
	dl.acctIdx = map[string]int32{}
	dl.acct = make([]int32, len(g.actors))
	dl.pos = make([]int32, len(g.actors))
	for i, a := range g.actors {
		dl.ordinal[a.ID] = int32(i)
		k, ok := dl.acctIdx[a.Account]
		if !ok {
			k = int32(len(dl.accounts))
			dl.acctIdx[a.Account] = k
			dl.accounts = append(dl.accounts, a.Account)
			dl.acctActors = append(dl.acctActors, nil)
		}
		dl.acct[i] = k
		dl.pos[i] = int32(len(dl.acctActors[k]))
		dl.acctActors[k] = append(dl.acctActors[k], int32(i))
	}
	dl.equivsOf = make([][]int32, len(dl.accounts))
	if len(roles) == 0 {
		return
	}

	// Statements that could match sts:AssumeRole, per document, with their
	// resource patterns numbered and the principal keys they read.
	patternIdx := map[string]int{}
	var patterns []string
	infos := map[*policy.Policy][]*stmtInfo{}
	nStmts := 0
	inputOf := func(p *policy.Policy, st *policy.Statement) classInput {
		var in classInput
		if len(st.ContextKeys()) == 0 {
			// No condition and no ${…} in Resource or NotResource: the
			// outcome reads nothing of the principal.
			in.keys = []string{}
			return in
		}
		set := map[string]bool{}
		for i := range st.Conditions {
			c := &st.Conditions[i]
			if principalOnly(c) {
				vars := map[string]bool{}
				for _, v := range c.Values {
					policy.VariableKeys(v, vars)
				}
				ref := condRef{p: p, st: st, i: i, key: strings.ToLower(c.Key)}
				for k := range vars {
					ref.vars = append(ref.vars, k)
				}
				sort.Strings(ref.vars)
				in.conds = append(in.conds, ref)
				continue
			}
			if k := strings.ToLower(c.Key); principalKey(k) {
				set[k] = true
			}
			// A key absent from the graph's own requests leaves the
			// outcome independent of the values, but a caller's
			// context may supply it (who-can -c sts:SourceIdentity=…
			// against "${aws:username}"): the variables' keys split
			// classes either way.
			for _, v := range c.Values {
				policy.VariableKeys(v, set)
			}
		}
		// "${aws:username}" in a Resource decides, per principal, whether
		// the statement names the role: its keys split classes too.
		for _, r := range st.Resource {
			policy.VariableKeys(r, set)
		}
		for _, r := range st.NotResource {
			policy.VariableKeys(r, set)
		}
		in.keys = make([]string, 0, len(set))
		for k := range set {
			in.keys = append(in.keys, k)
		}
		sort.Strings(in.keys)
		return in
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
			if !st.MatchesAction(actionAssumeRole) {
				continue
			}
			in := &stmtInfo{id: nStmts, reads: inputOf(p, st), allow: st.Effect == policy.Allow}
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
	// SCP and RCP statements match the role's ARN as identity statements
	// do (an SCP may deny sts:AssumeRole on one role by name): their
	// patterns are part of every role's signature. They are numbered
	// after the relevant identity documents are known, so they are never
	// taken for identity policies.
	orgDocs := g.orgDocuments()
	var orgPats []int32
	for _, p := range orgDocs {
		for _, in := range infosOf(p) {
			for _, pat := range in.patterns {
				orgPats = append(orgPats, int32(pat))
			}
		}
	}
	slices.Sort(orgPats)
	orgPats = slices.Compact(orgPats)

	// Role classes. Each role's signature against the patterns is its own
	// work: compute them on every core, then group.
	rsigs := make([][]patHit, len(roles))
	// A pattern can only match ARNs that start with its literal prefix (up
	// to the first wildcard), so each role tests just the patterns filed
	// under one of its own prefixes. Patterns with ${…} match as if each
	// variable were "*", and only "may" match (2).
	glob := make([]string, len(patterns))
	byPrefix := map[string][]int{}
	for i, p := range patterns {
		glob[i] = p
		if strings.Contains(p, "${") {
			glob[i] = variablesAsWildcards(p)
		}
		lit := glob[i]
		if j := strings.IndexAny(lit, "*?"); j >= 0 {
			lit = lit[:j]
		}
		byPrefix[lit] = append(byPrefix[lit], i)
	}
	// A pattern without variables is matched exactly as the evaluator
	// matches it (segment by segment: "arn:aws:*:role/X" names no role).
	exact := make([]policy.ResourcePattern, len(patterns))
	for i, p := range patterns {
		if glob[i] == p {
			exact[i] = policy.CompileResource(p)
		}
	}
	parallelFor(len(roles), func(k int) {
		arn := roles[k].role.ARN
		var rsig []patHit
		for l := 0; l <= len(arn); l++ {
			for _, i := range byPrefix[arn[:l]] {
				switch {
				case glob[i] != patterns[i]:
					if globMatch(glob[i], arn, false) {
						rsig = append(rsig, patHit{int32(i), 2})
					}
				case exact[i].Match(arn):
					rsig = append(rsig, patHit{int32(i), 1})
				}
			}
		}
		slices.SortFunc(rsig, func(a, b patHit) int { return cmp.Compare(a.pat, b.pat) })
		rsigs[k] = rsig
	})
	equivByKey := map[string]int32{}
	var b []byte
	for k, d := range roles {
		rsig := rsigs[k]
		b = append(b[:0], d.role.Account...)
		b = append(b, '|')
		if len(d.role.Role.TrustPolicy.JSON) > 0 {
			b = append(b, d.role.Role.TrustPolicy.JSON...)
		} else {
			b = strconv.AppendInt(b, int64(d.role.ID), 10)
		}
		b = append(b, '|')
		b = appendHits(b, rsig)
		if unsure(rsig) {
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

	// Per role class, the principal classes: independent of one another,
	// so classified on every core, then numbered in role class order.
	cl := newClassifier(g, nStmts, idInfos, bdInfos, inputOf, orgDocs)
	cl.foreignPats = foreignPatterns(cl, glob)
	cl.orgPats = orgPats
	local := make([]classified, len(dl.equivs))
	parallelFor(len(dl.equivs), func(ei int) { local[ei] = cl.classify(dl.equivs[ei]) })
	for ei, e := range dl.equivs {
		base := int32(len(dl.classes))
		dl.classes = append(dl.classes, local[ei].classes...)
		for i := range e.segs {
			if sc := local[ei].shared[i]; sc != nil {
				// The first role class to reach a shared segment numbers
				// its classes; the others point at them.
				if sc.base < 0 {
					sc.base = int32(len(dl.classes))
					for j := range sc.chunk {
						dl.classes = append(dl.classes, &sc.chunk[j])
					}
				}
				e.segs[i].base = sc.base
			} else {
				e.segs[i].base += base
			}
			dl.equivsOf[e.segs[i].acct] = append(dl.equivsOf[e.segs[i].acct], int32(ei))
		}
	}
}

// orgDocuments returns the SCP and RCP documents of every account, each
// once, in a fixed order.
func (g *Graph) orgDocuments() []*policy.Policy {
	var out []*policy.Policy
	seen := map[*policy.Policy]bool{}
	add := func(list []policy.Source) {
		for _, src := range list {
			if src.Policy != nil && !seen[src.Policy] {
				seen[src.Policy] = true
				out = append(out, src.Policy)
			}
		}
	}
	add(g.opts.SCPs)
	for _, m := range []map[string][]policy.Source{g.res.scps, g.res.rcps} {
		for _, acct := range slices.Sorted(maps.Keys(m)) {
			add(m[acct])
		}
	}
	return out
}

// classifier sorts the loaded users and roles into the principal classes
// of one role class at a time; it only reads what buildDelegation prepared.
type classifier struct {
	g           *Graph
	nStmts      int
	idInfos     [][]*stmtInfo // per actor: identity statements that could match sts:AssumeRole
	bdInfos     [][]*stmtInfo // per actor: the same of its boundary
	inputOf     func(*policy.Policy, *policy.Statement) classInput
	static      []uint64         // per actor: the hash of its kind, account, service-linked flag and what SCPs read of it
	req         []policy.Request // per actor: its sts:AssumeRole request, for the keys it knows
	idHash      [][]uint64       // per actor, parallel to idInfos: the hash of what each statement reads of it
	bdHash      [][]uint64       // the same for bdInfos
	seed        maphash.Seed
	trust       sync.Map    // trust policy text → *trustReads
	stmts       []*stmtInfo // every statement that could match sts:AssumeRole
	acctStmts   [][]int     // per account index: the statements of its actors, each once
	foreign     sync.Map    // foreignKey → *foreignSeg
	orgPats     []int32     // the patterns of SCP and RCP statements, in order
	foreignPats [][]int32   // per account index: its statements' patterns that may match another account's role, in order
	rcpSet      []int32     // per account index: its RCP levels, numbered by equal lists; -1 none
	decisions   sync.Map    // decisionKey → *sharedClasses
}

// foreignKey names the classes of one account's actors for role classes of
// other accounts: they depend only on which of the account's statements
// match the roles and on the trust policy's text (what it reads of them).
// Which statements match is decided by the roles' signature on the
// account's patterns, and of those only the ones that may match a role
// of another account (foreignPatterns) can be anything but "no match".
type foreignKey struct {
	acct  int32
	trust string
	hits  string // the role class's signature on foreignPats[acct] (appendHits)
}

// decisionKey names the decisions of a foreign segment's classes that role
// classes of different accounts share. Given the segment (the principals'
// account, the trust text, the principals' statements that match), an
// evaluation of p → role reads of the role only its ARN, against the
// Resource patterns of those statements, of the SCPs and of the RCPs;
// that the role is of another account than p; and the RCPs of the role's
// account. The key holds each exactly, for role classes that are
// portable (see classifier.portable).
type decisionKey struct {
	seg    *foreignSeg
	rcps   int32  // classifier.rcpSet of the role's account
	orgSig string // the role's signature on the SCP and RCP patterns
}

// sharedClasses is the principal classes of a foreign segment shared by
// the role classes of one decisionKey: decided once for all of them.
type sharedClasses struct {
	once  sync.Once
	chunk []actorClass
	base  int32 // index of chunk[0] in delegation.classes; -1 until numbered
}

// classified is what classify returns: the role class's own classes, and
// per segment the shared classes it points at (nil: its own).
type classified struct {
	classes []*actorClass
	shared  []*sharedClasses
}

// rcpSets numbers the accounts' RCP levels: accounts with equal lists
// (the same sources, level by level: sameLevel) get the same number; -1
// none.
func rcpSets(g *Graph) []int32 {
	dl := &g.deleg
	out := make([]int32, len(dl.accounts))
	var lists [][]policy.Source
	for k, acct := range dl.accounts {
		l := g.res.rcps[acct]
		if len(l) == 0 {
			out[k] = -1
			continue
		}
		i := slices.IndexFunc(lists, func(m []policy.Source) bool { return slices.EqualFunc(m, l, sameLevel) })
		if i < 0 {
			i = len(lists)
			lists = append(lists, l)
		}
		out[k] = int32(i)
	}
	return out
}

// sameLevel reports whether two organization levels evaluate alike and are
// named alike in reasons: the same document, type and name, and the same
// owner unless a policy ARN names the level (Source.ID). The account's own
// level of two accounts with the same one policy attached (the usual
// RCPFullAWSAccess) is the same level.
func sameLevel(a, b policy.Source) bool {
	return a.Policy == b.Policy && a.Type == b.Type && a.ARN == b.ARN && a.Name == b.Name && a.Via == b.Via &&
		(a.ARN != "" || a.Owner == b.Owner)
}

// portable reports whether e's decisions for the principals of other
// accounts may be shared with role classes of other accounts (decisionKey):
// the identity, boundary, SCP and RCP patterns match its roles without
// depending on the principal (no "${…}" in play), and its trust policy
// has no Resource element (which would match the role's own ARN). What
// else an evaluation reads of the role — its tags, aws:ResourceAccount —
// is never filled into the graph's own requests, so it is missing context
// for every role alike.
func (e *roleEquiv) portable() bool {
	if unsure(e.rsig) {
		return false
	}
	tp := e.roles[0].role.Role.TrustPolicy.Policy
	if tp == nil {
		return false
	}
	for i := range tp.Statements {
		if tp.Statements[i].Resource != nil || tp.Statements[i].NotResource != nil {
			return false
		}
	}
	return true
}

// foreignSeg is the classes of one account's actors shared by the role
// classes of a foreignKey: local class numbers and each class's first member.
type foreignSeg struct {
	once  sync.Once
	class []int32
	first []int32 // per local class: its first member's ordinal
}

// boundaryMark stands for "has a permissions boundary" in a class key.
const boundaryMark = 1 << 62

// newClassifier prepares what classify reads: the per-actor statement
// lists and the part of every class key that does not depend on the role.
func newClassifier(g *Graph, nStmts int, idInfos, bdInfos [][]*stmtInfo, inputOf func(*policy.Policy, *policy.Statement) classInput, orgDocs []*policy.Policy) *classifier {
	cl := &classifier{g: g, nStmts: nStmts, idInfos: idInfos, bdInfos: bdInfos, inputOf: inputOf,
		static: make([]uint64, len(g.actors)), seed: maphash.MakeSeed(),
		idHash: make([][]uint64, len(g.actors)), bdHash: make([][]uint64, len(g.actors)), req: make([]policy.Request, len(g.actors))}
	// SCP and RCP statements bind every principal of the loaded accounts
	// alike, except for what they read of principals (the common "deny
	// unless aws:PrincipalArn is the break-glass role"): that splits
	// classes for every role class. The documents of every account are
	// read for every actor: a finer split than needed, never a coarser one.
	var scpReads []classInput
	for _, p := range orgDocs {
		for i := range p.Statements {
			if st := &p.Statements[i]; st.MatchesAction(actionAssumeRole) {
				scpReads = append(scpReads, inputOf(p, st))
			}
		}
	}
	cl.rcpSet = rcpSets(g)
	seenStmt := make([]bool, nStmts)
	dl := &g.deleg
	cl.acctStmts = make([][]int, len(dl.accounts))
	inAcct := make([]int32, nStmts) // the last account (index+1) a statement was listed for
	for ai := range g.actors {
		k := dl.acct[ai]
		for _, list := range [2][]*stmtInfo{idInfos[ai], bdInfos[ai]} {
			for _, in := range list {
				if inAcct[in.id] != k+1 {
					inAcct[in.id] = k + 1
					cl.acctStmts[k] = append(cl.acctStmts[k], in.id)
				}
			}
		}
		for _, list := range [2][]*stmtInfo{idInfos[ai], bdInfos[ai]} {
			for _, in := range list {
				if !seenStmt[in.id] {
					seenStmt[in.id] = true
					cl.stmts = append(cl.stmts, in)
				}
			}
		}
	}
	// What each statement reads of each actor, once: the condition outcomes
	// cost an evaluation each, and every role class reads them again.
	parallelFor(len(g.actors), func(ai int) {
		a := g.actors[ai]
		cl.req[ai] = g.requestShared(a, actionAssumeRole, "*", nil)
		req := &cl.req[ai]
		h := maphash.String(cl.seed, a.Account)
		h = mix(h, uint64(a.Kind))
		if a.IsServiceLinked() {
			h = mix(h, 1)
		}
		for _, r := range scpReads {
			h = mix(h, cl.inputHash(a, req, r))
		}
		cl.static[ai] = h
		cl.idHash[ai] = make([]uint64, len(idInfos[ai]))
		for j, in := range idInfos[ai] {
			cl.idHash[ai][j] = cl.inputHash(a, req, in.reads)
		}
		cl.bdHash[ai] = make([]uint64, len(bdInfos[ai]))
		for j, in := range bdInfos[ai] {
			cl.bdHash[ai][j] = cl.inputHash(a, req, in.reads)
		}
	})
	return cl
}

// inputHash hashes what a statement reads of a: the values of its keys,
// and for each condition on principal keys alone, its outcome and which of
// its keys a has (they decide which keys an edge reports as missing).
// req is a's request, for the keys it knows.
func (cl *classifier) inputHash(a *Node, req *policy.Request, in classInput) uint64 {
	var h uint64
	for _, k := range in.keys {
		h = mix(h, cl.valueHash(a, k))
	}
	for _, c := range in.conds {
		given, canTrue, canFalse := c.p.ConditionOutcome(c.st, c.i, req)
		x := uint64(1)
		for _, b := range []bool{given, canTrue, canFalse} {
			x <<= 1
			if b {
				x |= 1
			}
		}
		h = mix(h, x)
		h = mix(h, cl.presence(a, c.key))
		for _, k := range c.vars {
			h = mix(h, cl.presence(a, k))
		}
	}
	return h
}

// presence hashes a lower-case key with whether a has it.
func (cl *classifier) presence(a *Node, k string) uint64 {
	_, ok := a.base[k]
	if ok {
		return mix(maphash.String(cl.seed, k), 1)
	}
	return mix(maphash.String(cl.seed, k), 0)
}

// trustReads is what one trust policy reads of every actor, computed once
// for all the role classes that share the policy's text.
type trustReads struct {
	once sync.Once
	hash []uint64 // per actor; nil when the policy reads nothing of principals
}

// trustHashes returns, per actor, the hash of what d's trust policy reads of
// it, or nil when it reads nothing.
func (cl *classifier) trustHashes(d *delegRole) []uint64 {
	key := string(d.role.Role.TrustPolicy.JSON)
	if key == "" {
		key = d.role.ARN
	}
	v, _ := cl.trust.LoadOrStore(key, &trustReads{})
	tr := v.(*trustReads)
	tr.once.Do(func() {
		tp := d.role.Role.TrustPolicy.Policy
		var reads []classInput
		for i := range tp.Statements {
			if r := cl.inputOf(tp, &tp.Statements[i]); len(r.keys) > 0 || len(r.conds) > 0 {
				reads = append(reads, r)
			}
		}
		if len(reads) == 0 {
			return
		}
		tr.hash = make([]uint64, len(cl.g.actors))
		for ai, a := range cl.g.actors {
			for _, r := range reads {
				tr.hash[ai] = mix(tr.hash[ai], cl.inputHash(a, &cl.req[ai], r))
			}
		}
	})
	return tr.hash
}

// valueHash hashes a principal key and a's values of it.
func (cl *classifier) valueHash(a *Node, k string) uint64 {
	h := maphash.String(cl.seed, k)
	for _, v := range a.base[k] {
		h = mix(h, maphash.String(cl.seed, v))
	}
	return mix(h, uint64(len(a.base[k])))
}

// mix folds x into the hash h (a multiply-xorshift step). Class keys are
// hashed rather than stored: a 64-bit collision among the few hundred
// classes of one role class is out of reach.
func mix(h, x uint64) uint64 {
	h ^= x + 0x9e3779b97f4a7c15 + h<<6 + h>>2
	h *= 0xff51afd7ed558ccd
	return h ^ h>>33
}

// classify fills e.segs with indexes into the classes it returns (-1:
// no edge for sure), visiting only the actors of the accounts the trust
// admits. Each class has its representative pair, evaluated when
// a query first needs it.
func (cl *classifier) classify(e *roleEquiv) classified {
	rep := e.roles[0]
	trustHash := cl.trustHashes(rep)
	// A trust policy that admits "*" and no account root allows a
	// principal of its own account on its own, limited only by denies
	// and the boundary: identity Allow statements cannot change the
	// decision there, so they do not split classes.
	wildcardOnly := rep.all && len(rep.accounts) == 0
	// The accounts the trust admits, in index order; and the role's own.
	dl := &cl.g.deleg
	var admitted []int32
	if rep.all {
		for k := range dl.accounts {
			admitted = append(admitted, int32(k))
		}
	} else {
		for acct := range rep.accounts {
			if k, ok := dl.acctIdx[acct]; ok {
				admitted = append(admitted, k)
			}
		}
		slices.Sort(admitted)
	}
	roleAcct, ok := dl.acctIdx[rep.role.Account]
	if !ok {
		roleAcct = -1
	}
	ec := &equivClasses{cl: cl, e: e, trustHash: trustHash}
	var shared []*sharedClasses // per segment of e.segs
	portable := e.portable()
	rcps := int32(-1)
	if roleAcct >= 0 {
		rcps = cl.rcpSet[roleAcct]
	}
	orgSig := string(appendHits(nil, e.hitsIn(cl.orgPats)))
	trustKey := string(rep.role.Role.TrustPolicy.JSON)
	if trustKey == "" {
		trustKey = rep.role.ARN
	}
	for _, k := range admitted {
		seg := equivSeg{acct: k, base: int32(len(ec.classes))}
		if k != roleAcct && !cl.namesIn(e, k) {
			// Another account's actors, none named by the roles: their
			// classes are those of every role class that matches the
			// same of their statements under the same trust text.
			fk := foreignKey{acct: k, trust: trustKey, hits: string(appendHits(nil, e.hitsIn(cl.foreignPats[k])))}
			v, _ := cl.foreign.LoadOrStore(fk, &foreignSeg{})
			fs := v.(*foreignSeg)
			fs.once.Do(func() {
				sub := &equivClasses{cl: cl, e: e, trustHash: trustHash, index: map[uint64]int32{}}
				fs.class = make([]int32, len(dl.acctActors[k]))
				for i, o := range dl.acctActors[k] {
					fs.class[i] = sub.place(o, false, false)
					if ci := fs.class[i]; ci >= 0 && int(ci) == len(fs.first) {
						fs.first = append(fs.first, o)
					}
				}
			})
			seg.class = fs.class
			if len(fs.first) == 0 {
				continue
			}
			if portable {
				dk := decisionKey{seg: fs, rcps: rcps, orgSig: orgSig}
				v, _ := cl.decisions.LoadOrStore(dk, &sharedClasses{base: -1})
				sc := v.(*sharedClasses)
				sc.once.Do(func() {
					sc.chunk = make([]actorClass, len(fs.first))
					for i, o := range fs.first {
						c := &sc.chunk[i]
						c.p, c.d = representative(cl.g.actors[o], e)
					}
				})
				seg.base, seg.shared = 0, true
				e.segs = append(e.segs, seg)
				shared = append(shared, sc)
				continue
			}
			chunk := make([]actorClass, len(fs.first))
			for i, o := range fs.first {
				c := &chunk[i]
				c.p, c.d = representative(cl.g.actors[o], e)
				ec.classes = append(ec.classes, c)
				ec.needs = append(ec.needs, true)
			}
			e.segs = append(e.segs, seg)
			shared = append(shared, nil)
			continue
		}
		ec.index = map[uint64]int32{}
		seg.class = make([]int32, len(dl.acctActors[k]))
		live := false
		for i, o := range dl.acctActors[k] {
			seg.class[i] = ec.place(o, k == roleAcct, wildcardOnly && k == roleAcct)
			if seg.class[i] >= 0 {
				seg.class[i] -= seg.base
				live = true
			}
		}
		if live {
			e.segs = append(e.segs, seg)
			shared = append(shared, nil)
		}
	}
	// Delegation by account root needs an identity allow; a class with no
	// statement that could give one has no edge, nor does a class with no
	// pair to decide.
	classes := ec.classes
	dead := false
	for ci, c := range classes {
		if !ec.needs[ci] && !e.all {
			c.p, c.d = nil, nil
		}
		dead = dead || c.p == nil
	}
	if dead {
		live := e.segs[:0]
		liveShared := shared[:0]
		for si, s := range e.segs {
			if shared[si] != nil {
				// Shared classes are never dead: each has a member
				// of another account and a representative.
				live = append(live, s)
				liveShared = append(liveShared, shared[si])
				continue
			}
			any := false
			for i, ci := range s.class {
				// A dead class is never of a shared segment: its
				// classes all have a member and a representative.
				if ci >= 0 && classes[s.base+ci].p == nil {
					s.class[i] = -1
				}
				any = any || s.class[i] >= 0
			}
			if any {
				live = append(live, s)
				liveShared = append(liveShared, nil)
			}
		}
		e.segs, shared = live, liveShared
	}
	return classified{classes: classes, shared: shared}
}

// namesIn reports whether a role of e names an actor of account k (those
// pairs are decided explicitly, so the account's classes are e's own).
func (cl *classifier) namesIn(e *roleEquiv, k int32) bool {
	for _, d := range e.roles {
		for m := range d.named {
			if o := cl.g.deleg.ordinal[m.ID]; o >= 0 && cl.g.deleg.acct[o] == k {
				return true
			}
		}
	}
	return false
}

// equivClasses is the principal classes of one role class as classify
// builds them.
type equivClasses struct {
	cl        *classifier
	e         *roleEquiv
	trustHash []uint64         // per actor: what the trust policy reads of it; nil when nothing
	index     map[uint64]int32 // class key hash → index in classes
	classes   []*actorClass
	needs     []bool   // per class: it has a statement that could allow
	matched   []uint64 // scratch: what the matching statements read of an actor
}

// place puts the actor with ordinal ai in a class, adding one when none
// fits, and returns its index, or -1 when it has no edge for sure.
// sameAccount: ai is of the role's account. skipAllows: the role's trust
// admits "*" alone and ai is of the role's account, so identity allows do
// not bear on the decision.
func (ec *equivClasses) place(ai int32, sameAccount, skipAllows bool) int32 {
	cl, e := ec.cl, ec.e
	a := cl.g.actors[ai]
	matched := ec.matched[:0]
	relevant := false
	h := cl.static[ai]
	for j, in := range cl.idInfos[ai] {
		if (!skipAllows || !in.allow) && e.matches(in) {
			h = mix(h, uint64(in.id))
			matched = append(matched, cl.idHash[ai][j])
			relevant = true
		}
	}
	if !relevant && (!e.all || !sameAccount) {
		// Delegation by account root needs an identity allow, and so
		// does any request from another account, whatever the trust
		// admits; no statement of a's could give one: no edge.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_evaluation-logic-cross-account.html
		return -1
	}
	// The class key: what the evaluator sees of a for these roles — its
	// matching statements, and what they and the trust policy read of it.
	if a.boundary != nil {
		h = mix(h, boundaryMark)
		for j, in := range cl.bdInfos[ai] {
			if e.matches(in) {
				matched = append(matched, cl.bdHash[ai][j])
				h = mix(h, uint64(cl.nStmts+in.id))
			}
		}
	}
	for _, x := range matched {
		h = mix(h, x)
	}
	ec.matched = matched
	if ec.trustHash != nil {
		h = mix(h, ec.trustHash[ai])
	}
	ci, ok := ec.index[h]
	if !ok {
		ci = int32(len(ec.classes))
		ec.index[h] = ci
		ec.classes = append(ec.classes, &actorClass{})
		ec.needs = append(ec.needs, false)
	}
	ec.needs[ci] = ec.needs[ci] || relevant
	if c := ec.classes[ci]; c.p == nil {
		// The first member some role of the class admits: the first
		// members may all be named by the roles (decided explicitly) or
		// be the role itself.
		c.p, c.d = representative(a, e)
	}
	return ci
}

// parallelFor calls f(0) … f(n-1) spread over GOMAXPROCS workers. The calls
// must be independent.
func parallelFor(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// delegatedEdges counts the delegated edges without producing them: every
// admitted member of a class with an edge, less those named explicitly and
// the role itself. It decides every class.
func (g *Graph) delegatedEdges() int {
	dl := &g.deleg
	g.decideAll(dl.classes)
	total := 0
	for _, e := range dl.equivs {
		members := 0
		for _, ci := range dl.members(e) {
			if g.outcome(dl.classes[ci]) != nil {
				members++
			}
		}
		has := func(m *Node) bool {
			o := dl.ordinal[m.ID]
			if o < 0 {
				return false
			}
			ci := dl.classOf(e, o)
			return ci >= 0 && g.outcome(dl.classes[ci]) != nil
		}
		for _, d := range e.roles {
			n := members
			for m := range d.named {
				if has(m) {
					n--
				}
			}
			if has(d.role) && !d.named[d.role] {
				n--
			}
			total += n
		}
	}
	return total
}

// representative returns m and a role of the role class that decides the
// pair by delegation, or nil when every role of the class names m or is m.
func representative(m *Node, e *roleEquiv) (*Node, *delegRole) {
	for _, d := range e.roles {
		if d.admits(m) {
			return m, d
		}
	}
	return nil, nil
}

// decideAll decides the classes' representative pairs on every core: the
// evaluations are independent reads of the graph.
func (g *Graph) decideAll(classes []*actorClass) {
	if len(classes) < 16 {
		for _, c := range classes {
			g.outcome(c)
		}
		return
	}
	parallelFor(len(classes), func(i int) { g.outcome(classes[i]) })
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
	return g.delegatedOutPairs(p, func(d *delegRole, o *delegOutcome) bool { return f(g.edgeFor(p, d, o)) })
}

// delegatedOutPairs is delegatedOut without materialising the edges: f gets
// the role and the class outcome that edgeFor would turn into p → d.role.
func (g *Graph) delegatedOutPairs(p *Node, f func(*delegRole, *delegOutcome) bool) bool {
	dl := &g.deleg
	if p.ID < 0 || p.ID >= len(dl.ordinal) || dl.ordinal[p.ID] < 0 {
		return true
	}
	o := dl.ordinal[p.ID]
	a, pos := dl.acct[o], dl.pos[o]
	for _, ei := range dl.equivsOf[a] {
		e := dl.equivs[ei]
		ci := e.classAt(a, pos)
		if ci < 0 {
			continue
		}
		out := g.outcome(dl.classes[ci])
		if out == nil {
			continue
		}
		for _, d := range e.roles {
			if d.admits(p) && !f(d, out) {
				return false
			}
		}
	}
	return true
}

// delegatedIn calls f for each delegated edge into role r; f returns false to stop.
func (g *Graph) delegatedIn(r *Node, f func(Edge) bool) bool {
	return g.delegatedInPairs(r, func(m *Node, d *delegRole, o *delegOutcome) bool { return f(g.edgeFor(m, d, o)) })
}

// delegatedInPairs is delegatedIn without materialising the edges: f gets
// the member m, and what edgeFor would turn into m → r.
func (g *Graph) delegatedInPairs(r *Node, f func(*Node, *delegRole, *delegOutcome) bool) bool {
	d := g.deleg.byRole[r]
	if d == nil {
		return true
	}
	dl := &g.deleg
	for ai, ci := range dl.members(dl.equivs[d.equiv]) {
		m := g.actors[ai]
		if !d.admits(m) {
			continue
		}
		if out := g.outcome(dl.classes[ci]); out != nil && !f(m, d, out) {
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
