package graph

import (
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Outside principals. A trust policy that admits "*" (Principal "*", AWS
// "*", or Allow with NotPrincipal), or an account by its root or ID, admits
// principals nobody names: the root of any account, and any user or role of
// an account that is not loaded (whose own side iamx cannot see and takes as
// allowing, see Input); "*" also admits every AWS service. The graph gives each such principal it knows of (the
// externals that trust policies name) the edges of every role open to it, and
// a principal it meets only on the command line (Resolve) the same edges,
// decided by the same evaluation: so can, chains and who-can agree.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts

// openTrust is a role whose trust policy admits "*" or whole accounts.
type openTrust struct {
	role     *Node
	all      bool            // an Allow admits "*"
	accounts map[string]bool // accounts an Allow names by root or ID; nil when none
	named    map[*Node]bool  // externals the role's candidates already list; nil when none
}

// addAccount records an account the trust names by root or ID.
func (o *openTrust) addAccount(acct string) {
	if o.accounts == nil {
		o.accounts = map[string]bool{}
	}
	o.accounts[acct] = true
}

// name records an external the trust's candidates list (decided already).
// Users and roles of loaded accounts are never outside principals.
func (o *openTrust) name(n *Node) {
	if n.Kind != KindExternal {
		return
	}
	if o.named == nil {
		o.named = map[*Node]bool{}
	}
	o.named[n] = true
}

// isOpen reports whether the trust admits anyone it does not name.
func (o *openTrust) isOpen() bool { return o.all || len(o.accounts) > 0 }

// admits reports whether the trust may admit the outside principal n
// without naming it: the evaluator decides whether it does.
func (o *openTrust) admits(n *Node) bool {
	if n.Principal.Kind == principal.Service {
		return o.all && !o.named[n]
	}
	return !o.named[n] && (o.all || o.accounts[n.Account])
}

// outsideKind is the edge kind of an outside principal's edge.
func outsideKind(n *Node) string {
	if n.Principal.Kind == principal.Service {
		return EdgeService
	}
	return EdgeAssumeRole
}

// isOutside reports whether n is a principal that "*" and account trusts
// reach without naming it: an account (its root), a user, role or session
// of an account that is not loaded, or a service. The users and roles of
// loaded accounts are actors, decided with their own policies
// (delegation.go); identity providers assume roles with their own actions
// (sts:AssumeRoleWithWebIdentity, …WithSAML), and deleted principals assume
// nothing.
func (g *Graph) isOutside(n *Node) bool {
	if n == nil || n.Kind != KindExternal || n.Dangling {
		return false
	}
	switch n.Principal.Kind {
	case principal.Account, principal.Service:
		return true
	case principal.User, principal.Role, principal.AssumedRole, principal.FederatedUser:
		return n.Account != "" && g.accounts[n.Account] == nil
	}
	return false
}

// outsideRoles returns, per outside external the graph knows, the open
// roles that admit it without naming it (marking them named, so each pair
// is decided once).
func (g *Graph) outsideRoles(opens []*openTrust) (outside []*Node, roles [][]*Node) {
	for _, x := range g.externals {
		if !g.isOutside(x) {
			continue
		}
		var rs []*Node
		for _, o := range opens {
			if o.admits(x) {
				o.name(x)
				rs = append(rs, o.role)
			}
		}
		if len(rs) > 0 {
			outside = append(outside, x)
			roles = append(roles, rs)
		}
	}
	return outside, roles
}

// outsideEdges decides the edges of a principal the graph does not hold (a
// transient node from Resolve) into every role open to it.
func (g *Graph) outsideEdges(n *Node) []Edge {
	if !g.isOutside(n) {
		return nil
	}
	var roles []*Node
	for _, o := range g.opens {
		if o.admits(n) {
			roles = append(roles, o.role)
		}
	}
	edges := g.decideOutside(n, roles)
	out := make([]Edge, len(edges))
	for i, e := range edges {
		out[i] = *e
	}
	return out
}

// decideOutside decides the edges of outside principal x into roles. Its own
// side is the same stand-in whatever the role, so the evaluator's answer
// depends only on the role's trust policy and account: roles sharing both
// (hundreds of "*"-with-PrincipalOrgID roles in a real account) are decided
// once, and the edge is re-addressed to each.
func (g *Graph) decideOutside(x *Node, roles []*Node) []*Edge {
	type decided struct {
		edge *Edge // nil: no edge
	}
	memo := map[string]map[string]decided{} // account → trust policy text → outcome
	var out []*Edge
	for _, r := range roles {
		text := r.Role.TrustPolicy.JSON
		if len(text) == 0 {
			text = []byte(r.ARN) // no text to compare: its own class
		}
		byText := memo[r.Account]
		if byText == nil {
			byText = map[string]decided{}
			memo[r.Account] = byText
		}
		d, ok := byText[string(text)]
		if !ok {
			d.edge = g.decideEdge(r, candidate{node: x, kind: outsideKind(x)})
			byText[string(text)] = d
			if d.edge != nil {
				out = append(out, d.edge)
			}
			continue
		}
		if d.edge != nil {
			out = append(out, readdress(d.edge, r))
		}
	}
	return out
}

// readdress returns a copy of an outside edge into another role with the
// same trust policy: the trust statements that allowed it are that role's.
func readdress(e *Edge, r *Node) *Edge {
	c := *e
	c.To = r
	c.Reasons = make([]policy.Reason, len(e.Reasons))
	copy(c.Reasons, e.Reasons)
	if src := trustSource(r); src != nil {
		for i := range c.Reasons {
			if c.Reasons[i].PolicyType == policy.ResourcePolicy {
				c.Reasons[i].Policy = src.ID()
			}
		}
	}
	return &c
}
