package tui

import (
	"strings"

	"github.com/iamx/iamx/graph"
)

// NewPoliciesPage lists managed policies: who owns them, how many
// principals use them (attached and as a boundary), and their versions.
func NewPoliciesPage(c *Common) Page {
	attached := func(n *graph.Node) int {
		if n.Policy == nil {
			return 0
		}
		return int(n.Policy.AttachmentCount)
	}
	boundary := func(n *graph.Node) int {
		if n.Policy == nil {
			return 0
		}
		return int(n.Policy.PermissionsBoundaryUsageCount)
	}
	versions := func(n *graph.Node) int {
		if n.Policy == nil {
			return 0
		}
		return len(n.Policy.Versions)
	}
	cols := []Column[*graph.Node]{nameColumn()}
	if multiAccount(c.Graph) {
		cols = append(cols, accountColumn())
	}
	cols = append(cols,
		Column[*graph.Node]{
			Title: "OWNER", Min: 8, Max: 8,
			Cell: func(n *graph.Node) string {
				if n.Policy != nil && n.Policy.IsAWSManaged() {
					return "AWS"
				}
				return "customer"
			},
		},
		Column[*graph.Node]{
			Title: "ATTACHED", Min: 8, Max: 8, Right: true,
			Cell: func(n *graph.Node) string { return countCell(attached(n)) },
			Less: func(a, b *graph.Node) int { return compareInt(attached(a), attached(b)) },
		},
		Column[*graph.Node]{
			Title: "BOUNDARY", Min: 8, Max: 8, Right: true,
			Cell: func(n *graph.Node) string { return countCell(boundary(n)) },
			Less: func(a, b *graph.Node) int { return compareInt(boundary(a), boundary(b)) },
		},
		Column[*graph.Node]{
			Title: "VERSIONS", Min: 8, Max: 8, Right: true,
			Cell: func(n *graph.Node) string { return countCell(versions(n)) },
			Less: func(a, b *graph.Node) int { return compareInt(versions(a), versions(b)) },
		},
		Column[*graph.Node]{
			Title: "DEFAULT", Min: 7, Max: 7,
			Cell: func(n *graph.Node) string {
				if n.Policy == nil {
					return ""
				}
				return n.Policy.DefaultVersionID
			},
			// v10 after v9: compare version numbers, not text.
			Less: func(a, b *graph.Node) int {
				return compareInt(versionNumber(a), versionNumber(b))
			},
		},
		Column[*graph.Node]{
			Title: "UPDATED", Min: 10, Max: 10,
			Cell: func(n *graph.Node) string {
				if n.Policy == nil {
					return ""
				}
				return dateCell(n.Policy.UpdateDate, "-")
			},
		},
	)
	return newListPage(c, "Policies", cols, c.Graph.Policies())
}

func versionNumber(n *graph.Node) int {
	if n.Policy == nil {
		return 0
	}
	v := 0
	for _, r := range strings.TrimPrefix(n.Policy.DefaultVersionID, "v") {
		if r < '0' || r > '9' {
			return 0
		}
		v = v*10 + int(r-'0')
	}
	return v
}
