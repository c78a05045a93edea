package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// NewRolesPage lists roles with who they trust (read from the trust policy,
// with the conditions that guard it), when they were last used, whether they
// are admin-equivalent, and their permissions boundary.
func NewRolesPage(c *Common) Page {
	aliases := answer.AccountAliases(c.Graph)
	trust := func(n *graph.Node) answer.TrustSummary { return answer.TrustOf(n, aliases) }
	cols := []Column[*graph.Node]{nameColumn()}
	if multiAccount(c.Graph) {
		cols = append(cols, accountColumn())
	}
	cols = append(cols,
		Column[*graph.Node]{
			Title: "TRUSTED BY", Min: 12, Max: 60, Flex: true,
			Cell: func(n *graph.Node) string {
				if n.Role == nil {
					return ""
				}
				return trust(n).String()
			},
			Style: func(n *graph.Node, _ string) *lipgloss.Style {
				if n.Role != nil && trust(n).Anyone() {
					return &c.Styles.Error
				}
				return nil
			},
		},
		Column[*graph.Node]{
			Title: "LAST USED", Min: 10, Max: 10,
			Cell: func(n *graph.Node) string { return dateCell(roleLastUsed(n), "never") },
			Less: func(a, b *graph.Node) int { return compareTime(roleLastUsed(a), roleLastUsed(b)) },
		},
		adminColumn(c),
		Column[*graph.Node]{
			Title: "BOUNDARY", Min: 8, Max: 24,
			Cell: func(n *graph.Node) string {
				if n.Role == nil || n.Role.PermissionsBoundary == "" {
					return ""
				}
				return policyNameOf(n.Role.PermissionsBoundary)
			},
		},
	)
	c.Graph.WarmAdmin(c.Graph.Roles()) // the ADMIN column asks every row: decide them on all cores first
	return newListPage(c, "Roles", cols, c.Graph.Roles())
}

func roleLastUsed(n *graph.Node) time.Time {
	if n.Role == nil || n.Role.LastUsed == nil {
		return time.Time{}
	}
	return n.Role.LastUsed.LastUsedDate
}

// policyNameOf is the last path segment of a managed policy ARN.
func policyNameOf(a string) string {
	if i := strings.LastIndexByte(a, '/'); i >= 0 {
		return a[i+1:]
	}
	return a
}
