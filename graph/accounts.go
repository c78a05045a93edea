package graph

import "github.com/iamx/iamx/model/principal"

// AccountSummary is one loaded account at a glance: what it holds, who in
// it is admin, and how many of its roles principals outside the loaded
// accounts may assume.
type AccountSummary struct {
	ID, Alias                      string
	Users, Groups, Roles, Policies int
	// Admins counts the users and roles admin-equivalent by their own
	// policies (IsAdmin); reaching admin through roles is not counted.
	Admins int
	// OutsideTrust counts the roles whose trust admits "*", or names an
	// account that is not loaded or a principal of one: someone iamx
	// cannot see may assume them (conditions, such as sts:ExternalId or
	// aws:PrincipalOrgID, may still hold them back).
	OutsideTrust int
}

// AccountSummaries returns a summary per loaded account, in the order the
// snapshots were given.
func (g *Graph) AccountSummaries() []AccountSummary {
	idx := map[string]int{}
	var out []AccountSummary
	for _, s := range g.snaps {
		if _, dup := idx[s.AccountID]; dup {
			continue
		}
		idx[s.AccountID] = len(out)
		out = append(out, AccountSummary{ID: s.AccountID, Alias: s.AccountAlias})
	}
	at := func(acct string) *AccountSummary {
		if i, ok := idx[acct]; ok {
			return &out[i]
		}
		return nil
	}
	for _, n := range g.users {
		if a := at(n.Account); a != nil {
			a.Users++
		}
	}
	for _, n := range g.groups {
		if a := at(n.Account); a != nil {
			a.Groups++
		}
	}
	for _, n := range g.policies {
		if a := at(n.Account); a != nil {
			a.Policies++
		}
	}
	g.WarmAdmin(g.actors)
	for _, n := range g.actors {
		if a := at(n.Account); a != nil && g.IsAdmin(n) {
			a.Admins++
		}
	}
	outside := map[*Node]bool{}
	for _, o := range g.opens {
		if o.all {
			outside[o.role] = true
		}
		for acct := range o.accounts {
			if g.accounts[acct] == nil {
				outside[o.role] = true
			}
		}
	}
	for _, r := range g.roles {
		a := at(r.Account)
		if a == nil {
			continue
		}
		a.Roles++
		if !outside[r] {
			for i := range r.assumedBy {
				if g.fromOutside(r.assumedBy[i].From) {
					outside[r] = true
					break
				}
			}
		}
		if outside[r] {
			a.OutsideTrust++
		}
	}
	return out
}

// fromOutside reports whether an edge's principal is outside the loaded
// accounts: anyone, or an account, user or role of an account not loaded.
// Services and identity providers are not counted: they act for the
// account's own workloads and users.
func (g *Graph) fromOutside(n *Node) bool {
	if n.Kind != KindExternal || n.Dangling {
		return false
	}
	switch n.Principal.Kind {
	case principal.Anyone:
		return true
	case principal.Service, principal.Federated:
		return false
	}
	return n.Account != "" && g.accounts[n.Account] == nil
}
