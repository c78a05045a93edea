package graph

import "github.com/iamx/iamx/model/principal"

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
	accounts map[string]bool // accounts an Allow names by root or ID
	named    map[*Node]bool  // principals the role's candidates already list
}

func newOpenTrust(r *Node) *openTrust {
	return &openTrust{role: r, accounts: map[string]bool{}, named: map[*Node]bool{}}
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

// outsideCandidates lists the (role, principal) pairs of the externals the
// graph knows that open trusts admit without naming them.
func (g *Graph) outsideCandidates(opens []*openTrust, f func(r *Node, c candidate)) {
	var outside []*Node
	for _, x := range g.externals {
		if g.isOutside(x) {
			outside = append(outside, x)
		}
	}
	for _, o := range opens {
		for _, x := range outside {
			if o.admits(x) {
				o.named[x] = true
				f(o.role, candidate{node: x, kind: outsideKind(x)})
			}
		}
	}
}

// outsideEdges decides the edges of a principal the graph does not hold (a
// transient node from Resolve) into every role open to it.
func (g *Graph) outsideEdges(n *Node) []Edge {
	if !g.isOutside(n) {
		return nil
	}
	var out []Edge
	for _, o := range g.opens {
		if o.admits(n) {
			if e := g.decideEdge(o.role, candidate{node: n, kind: outsideKind(n)}); e != nil {
				out = append(out, *e)
			}
		}
	}
	return out
}
