package graph

import (
	"sort"
	"strconv"
	"strings"

	"github.com/iamx/iamx/model/policy"
)

// Delegated trust. A trust policy that names an account root (or "*")
// delegates to that account: any of its users and roles whose own policies
// allow sts:AssumeRole on the role may assume it. In real accounts most
// principals with broad policies can assume most such roles, so these edges
// number in the millions (10,000 principals × hundreds of roles) and cannot
// be decided, or stored, one by one.
//
// They are decided per class instead. Principals fall into classes that the
// evaluator cannot tell apart for sts:AssumeRole: same kind and account,
// same statements that could match sts:AssumeRole in their identity policies
// and boundary, same SCP exemption, and same values of every principal key
// those statements or the trust policies read. Delegating roles fall into
// equivalence classes: same trust policy text, same account, and same
// matches against every resource pattern of those statements. The evaluator
// decides one representative pair per (principal class, role class); the
// edges of every member pair follow from it and are produced on demand.
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

// actorClass is a set of users and roles the evaluator treats alike for
// sts:AssumeRole.
type actorClass struct {
	account  string
	members  []*Node
	relevant bool     // some identity statement could allow sts:AssumeRole
	ok       []okPair // role classes whose representative edge exists
}

// roleEquiv is a set of delegating roles the evaluator treats alike.
type roleEquiv struct {
	roles []*delegRole
	all   bool     // the trust admits "*" (no identity allow needed in the same account)
	ok    []okPair // actor classes whose representative edge exists
}

type okPair struct {
	index int32 // the class (in roleEquiv.ok) or the equiv (in actorClass.ok)
	out   *delegOutcome
}

// delegOutcome is the evaluator's answer for a representative pair, kept in
// a form that can be re-addressed to any member pair.
type delegOutcome struct {
	conditional bool
	missing     []string
	conditions  []policy.Condition
	reasons     []reasonTmpl
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
	classOf []int32 // by node ID; -1 for nodes that are not users or roles
	classes []*actorClass
	equivs  []*roleEquiv
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

// buildDelegation classifies principals and delegating roles and decides
// one representative edge per pair of classes.
func (g *Graph) buildDelegation(roles []*delegRole) {
	dl := &g.deleg
	dl.roles = roles
	dl.byRole = make(map[*Node]*delegRole, len(roles))
	for _, d := range roles {
		dl.byRole[d.role] = d
	}
	dl.classOf = make([]int32, len(g.nodes))
	for i := range dl.classOf {
		dl.classOf[i] = -1
	}
	if len(roles) == 0 {
		return
	}

	// Statements that could match sts:AssumeRole, per document.
	relevant := map[*policy.Policy][]*policy.Statement{}
	stmtID := map[*policy.Statement]int{}
	relevantOf := func(p *policy.Policy) []*policy.Statement {
		if p == nil {
			return nil
		}
		if l, ok := relevant[p]; ok {
			return l
		}
		var l []*policy.Statement
		for i := range p.Statements {
			st := &p.Statements[i]
			if mayMatchAction(st, actionAssumeRole) {
				l = append(l, st)
				stmtID[st] = len(stmtID)
			}
		}
		relevant[p] = l
		return l
	}
	// Keys that statements bearing on the decision read from the
	// principal: a class must agree on their values.
	keys := map[string]bool{}
	var patterns []string
	seenPattern := map[string]bool{}
	noteStmt := func(st *policy.Statement) {
		for _, c := range st.Conditions {
			keys[strings.ToLower(c.Key)] = true
			for _, v := range c.Values {
				noteVariables(v, keys)
			}
		}
		for _, list := range [][]string{st.Resource, st.NotResource} {
			for _, p := range list {
				noteVariables(p, keys)
				if !seenPattern[p] {
					seenPattern[p] = true
					patterns = append(patterns, p)
				}
			}
		}
	}
	for _, a := range g.actors {
		for _, src := range a.identity {
			for _, st := range relevantOf(src.Policy) {
				noteStmt(st)
			}
		}
		if a.boundary != nil {
			for _, st := range relevantOf(a.boundary.Policy) {
				noteStmt(st)
			}
		}
	}
	for i := range g.opts.SCPs {
		for _, st := range relevantOf(g.opts.SCPs[i].Policy) {
			noteStmt(st)
		}
	}
	for _, d := range roles {
		tp := d.role.Role.TrustPolicy.Policy
		for i := range tp.Statements {
			noteStmt(&tp.Statements[i])
		}
	}
	keyList := make([]string, 0, len(keys))
	for k := range keys {
		keyList = append(keyList, k)
	}
	sort.Strings(keyList)

	// Principal classes.
	classByKey := map[string]int32{}
	var b strings.Builder
	for _, a := range g.actors {
		b.Reset()
		b.WriteString(a.Kind.String())
		b.WriteByte('|')
		b.WriteString(a.Account)
		if a.IsServiceLinked() {
			b.WriteString("|slr")
		}
		hasRelevant := false
		for _, src := range a.identity {
			for _, st := range relevantOf(src.Policy) {
				b.WriteString("|i")
				b.WriteString(strconv.Itoa(stmtID[st]))
				hasRelevant = true
			}
		}
		if a.boundary != nil {
			b.WriteString("|B")
			for _, st := range relevantOf(a.boundary.Policy) {
				b.WriteString("|b")
				b.WriteString(strconv.Itoa(stmtID[st]))
			}
		}
		for _, k := range keyList {
			if v, ok := a.base[k]; ok {
				b.WriteString("|" + k + "=")
				for _, x := range v {
					b.WriteString(strconv.Quote(x))
				}
			}
		}
		key := b.String()
		ci, ok := classByKey[key]
		if !ok {
			ci = int32(len(dl.classes))
			classByKey[key] = ci
			dl.classes = append(dl.classes, &actorClass{account: a.Account, relevant: hasRelevant})
		}
		dl.classOf[a.ID] = ci
		dl.classes[ci].members = append(dl.classes[ci].members, a)
	}

	// Role classes.
	equivByKey := map[string]int32{}
	for _, d := range roles {
		b.Reset()
		b.WriteString(d.role.Account)
		b.WriteByte('|')
		if len(d.role.Role.TrustPolicy.JSON) > 0 {
			b.Write(d.role.Role.TrustPolicy.JSON)
		} else {
			b.WriteString(strconv.Itoa(d.role.ID))
		}
		b.WriteByte('|')
		for _, p := range patterns {
			switch {
			case !strings.Contains(p, "${"):
				if globMatch(p, d.role.ARN, false) {
					b.WriteByte('1')
				} else {
					b.WriteByte('0')
				}
			case globMatch(variablesAsWildcards(p), d.role.ARN, false):
				// Whether it matches depends on the principal: this role
				// is its own class.
				b.WriteString("?" + d.role.ARN + "?")
			default:
				b.WriteByte('0')
			}
		}
		key := b.String()
		ei, ok := equivByKey[key]
		if !ok {
			ei = int32(len(dl.equivs))
			equivByKey[key] = ei
			dl.equivs = append(dl.equivs, &roleEquiv{all: d.all})
		}
		d.equiv = ei
		dl.equivs[ei].roles = append(dl.equivs[ei].roles, d)
	}

	// One representative evaluation per pair of classes.
	for ei, e := range dl.equivs {
		for ci, c := range dl.classes {
			// Delegation by account root needs an identity allow; a class
			// with no statement that could give one has no edge.
			if !c.relevant && !e.all {
				continue
			}
			p, d := representative(c, e)
			if p == nil {
				continue
			}
			if out := g.decideDelegated(p, d); out != nil {
				c.ok = append(c.ok, okPair{int32(ei), out})
				e.ok = append(e.ok, okPair{int32(ci), out})
			}
		}
	}
	// Count the edges without producing them: every admitted member of an
	// ok class, less those named explicitly and the role itself.
	for _, e := range dl.equivs {
		okClass := map[int32]bool{}
		members := 0
		for _, ok := range e.ok {
			okClass[ok.index] = true
			members += len(dl.classes[ok.index].members)
		}
		for _, d := range e.roles {
			n := members
			for m := range d.named {
				if c := dl.classOf[m.ID]; c >= 0 && okClass[c] {
					n--
				}
			}
			if c := dl.classOf[d.role.ID]; c >= 0 && okClass[c] && !d.named[d.role] {
				n--
			}
			g.edges += n
		}
	}
}

// representative picks a member pair of a principal class and a role class
// that delegation decides, or nil when there is none. Roles of one class
// share their trust text, hence the accounts they admit.
func representative(c *actorClass, e *roleEquiv) (*Node, *delegRole) {
	if d := e.roles[0]; !d.all && !d.accounts[c.account] {
		return nil, nil
	}
	for _, d := range e.roles {
		for _, m := range c.members {
			if d.admits(m) {
				return m, d
			}
		}
	}
	return nil, nil
}

// decideDelegated evaluates one representative pair.
func (g *Graph) decideDelegated(p *Node, d *delegRole) *delegOutcome {
	r := d.role
	req := g.requestShared(p, actionAssumeRole, r.ARN, nil)
	req.ResourceAccount = r.Account
	if req.ResourceAccount == p.Account {
		req.ResourceAccount = ""
	}
	in := g.Input(p, &req)
	res := policy.Evaluate(&req, &in)
	if res.Decision != policy.Allowed && !res.Conditional {
		return nil
	}
	req.Trace = true
	tr := policy.Evaluate(&req, &in)
	conds, reasons := edgeConditions(tr, dropExternalSide(res.Reasons))
	out := &delegOutcome{conditional: res.Conditional, missing: res.MissingContext, conditions: conds}
	for _, rs := range reasons {
		t := reasonTmpl{r: rs}
		switch rs.PolicyType {
		case policy.ResourcePolicy:
			t.trust = true
		case policy.BoundaryPolicy:
			t.bound = true
		case policy.IdentityPolicy:
			for i := range p.identity {
				if p.identity[i].ID() == rs.Policy && p.identity[i].Via == rs.Via {
					t.doc = p.identity[i].Policy
					break
				}
			}
		}
		out.reasons = append(out.reasons, t)
	}
	return out
}

// edgeFor materialises the delegated edge p → d.role.
func (g *Graph) edgeFor(p *Node, d *delegRole, o *delegOutcome) Edge {
	e := Edge{From: p, To: d.role, Kind: EdgeAssumeRole, Conditions: o.conditions, Conditional: o.conditional,
		MissingContext: o.missing, Reasons: make([]policy.Reason, 0, len(o.reasons))}
	for _, t := range o.reasons {
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
			for i := range p.identity {
				if p.identity[i].Policy == t.doc {
					r.Policy, r.Via = p.identity[i].ID(), p.identity[i].Via
					break
				}
			}
		}
		e.Reasons = append(e.Reasons, r)
	}
	return e
}

// delegatedOut calls f for each delegated edge out of p; f returns false to stop.
func (g *Graph) delegatedOut(p *Node, f func(Edge) bool) bool {
	dl := &g.deleg
	if p.ID < 0 || p.ID >= len(dl.classOf) || dl.classOf[p.ID] < 0 {
		return true
	}
	c := dl.classes[dl.classOf[p.ID]]
	for _, ok := range c.ok {
		for _, d := range dl.equivs[ok.index].roles {
			if d.admits(p) && !f(g.edgeFor(p, d, ok.out)) {
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
	for _, ok := range g.deleg.equivs[d.equiv].ok {
		for _, m := range g.deleg.classes[ok.index].members {
			if d.admits(m) && !f(g.edgeFor(m, d, ok.out)) {
				return false
			}
		}
	}
	return true
}

// noteVariables adds the keys of ${…} policy variables in s.
func noteVariables(s string, keys map[string]bool) {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return
		}
		keys[strings.ToLower(s[i+2:i+j])] = true
		s = s[i+j+1:]
	}
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
