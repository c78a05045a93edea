package tui

import (
	"time"

	"github.com/iamx/iamx/graph"
)

// NewGroupsPage lists groups with their member and policy counts.
func NewGroupsPage(c *Common) Page {
	members := func(n *graph.Node) int { return len(c.Graph.MembersOf(n)) }
	policies := func(n *graph.Node) int {
		if n.Group == nil {
			return 0
		}
		return len(n.Group.InlinePolicies) + len(n.Group.AttachedPolicies)
	}
	created := func(n *graph.Node) time.Time {
		if n.Group == nil {
			return time.Time{}
		}
		return n.Group.CreateDate
	}
	cols := []Column[*graph.Node]{nameColumn()}
	if multiAccount(c.Graph) {
		cols = append(cols, accountColumn())
	}
	cols = append(cols,
		Column[*graph.Node]{
			Title: "MEMBERS", Min: 7, Max: 7, Right: true,
			Cell: func(n *graph.Node) string { return countCell(members(n)) },
			Less: func(a, b *graph.Node) int { return compareInt(members(a), members(b)) },
		},
		Column[*graph.Node]{
			Title: "POLICIES", Min: 8, Max: 8, Right: true,
			Cell: func(n *graph.Node) string { return countCell(policies(n)) },
			Less: func(a, b *graph.Node) int { return compareInt(policies(a), policies(b)) },
		},
		Column[*graph.Node]{
			Title: "ATTACHED", Min: 8, Max: 60, Flex: true,
			Cell: func(n *graph.Node) string {
				if n.Group == nil {
					return ""
				}
				var names []string
				for _, a := range n.Group.AttachedPolicies {
					names = append(names, a.Name)
				}
				for _, p := range n.Group.InlinePolicies {
					names = append(names, p.Name+" (inline)")
				}
				return joinComma(names)
			},
		},
		Column[*graph.Node]{
			Title: "CREATED", Min: 10, Max: 10,
			Cell: func(n *graph.Node) string { return dateCell(created(n), "-") },
			Less: func(a, b *graph.Node) int { return compareTime(created(a), created(b)) },
		},
	)
	return newListPage(c, "Groups", cols, c.Graph.Groups())
}
