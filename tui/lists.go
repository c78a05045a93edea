package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
)

// listPage is a top-level list of nodes (users, groups, roles, policies):
// a Table plus drill-in. The per-kind files only choose the columns.
type listPage struct {
	c     *Common
	title string
	table *Table[*graph.Node]
}

func newListPage(c *Common, title string, cols []Column[*graph.Node], rows []*graph.Node) *listPage {
	p := &listPage{c: c, title: title, table: NewTable(c.Styles, c.Keys, cols)}
	p.table.SetEmpty("no " + strings.ToLower(title) + " in this account")
	p.table.SetRows(rows)
	return p
}

func (p *listPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
		if n, ok := p.table.Selected(); ok {
			return p, Cmd(OpenNodeMsg{Node: n})
		}
		return p, nil
	}
	if m, ok := msg.(tea.MouseClickMsg); ok && m.Button == tea.MouseLeft {
		p.table.ClickRow(m.Y)
		return p, nil
	}
	p.table.Update(msg)
	return p, nil
}

func (p *listPage) View() string              { return p.table.View() }
func (p *listPage) SetSize(width, height int) { p.table.SetSize(width, height) }
func (p *listPage) Title() string             { return p.title }
func (p *listPage) SetFilter(text string)     { p.table.SetFilter(text) }
func (p *listPage) Filter() string            { return p.table.Filter() }

// Position is shown at the right of the breadcrumb line.
func (p *listPage) Position() string { return p.table.SortHelp() + "  " + p.table.Position() }

func (p *listPage) Selected() *graph.Node {
	n, _ := p.table.Selected()
	return n
}

func (p *listPage) KeyMap() []key.Binding {
	k := p.c.Keys
	// Movement keys are in the ? help; the footer keeps room for the global keys.
	return []key.Binding{k.Open, k.Sort, k.SortReverse}
}

func (p *listPage) FullHelp() []key.Binding { return tableKeys(p.c.Keys) }

// Shared column helpers.

func nameColumn() Column[*graph.Node] {
	return Column[*graph.Node]{Title: "NAME", Cell: func(n *graph.Node) string { return n.Name }, Min: 12, Max: 48, Flex: true}
}

// accountColumn is added when several accounts are loaded together.
func accountColumn() Column[*graph.Node] {
	return Column[*graph.Node]{Title: "ACCOUNT", Key: "account", Cell: func(n *graph.Node) string { return n.Account }, Min: 12, Max: 12}
}

func multiAccount(g *graph.Graph) bool { return len(g.Snapshots()) > 1 }

// adminColumn marks principals that are effectively allowed * on *, or
// reach a role that is ("via role"): graph.AdminStatus, the answer every
// admin mark of the explorer shows.
func adminColumn(c *Common) Column[*graph.Node] {
	return Column[*graph.Node]{
		Title: "ADMIN",
		Cell: func(n *graph.Node) string {
			return c.Graph.AdminStatus(n).Mark()
		},
		Style: func(_ *graph.Node, s string) *lipgloss.Style {
			if s != "" {
				return &c.Styles.Accent
			}
			return nil
		},
		Min: 5, Max: 8,
	}
}

// dateCell formats a time as a day, or "never" / "-" when zero.
func dateCell(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.UTC().Format("2006-01-02")
}

func compareTime(a, b time.Time) int { return a.Compare(b) }

func countCell(n int) string { return strconv.Itoa(n) }

func fmtInt(n int) string { return strconv.Itoa(n) }

func compareInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
