package tui

import (
	"cmp"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph/answer"
)

// findingsOnce computes the account's findings once, on first use (the
// :findings view or a principal's Overview), from the answer layer: the
// explorer shows what `iamx findings` prints.
type findingsOnce struct {
	once sync.Once
	f    answer.Findings
}

func (c *Common) findings() answer.Findings {
	if c.findingsCache == nil {
		c.findingsCache = &findingsOnce{}
	}
	fc := c.findingsCache
	fc.once.Do(func() { fc.f = answer.FindingsOf(c.Graph, c.Graph.Escalation()) })
	return fc.f
}

// findingsPage lists every finding, most severe first; enter opens the
// principal, role or policy it is about.
type findingsPage struct {
	c     *Common
	table *Table[answer.Finding]
}

// NewFindingsPage lists the account's findings.
func NewFindingsPage(c *Common) Page {
	label := func(a string) string {
		if n := c.Graph.Node(a); n != nil {
			return n.Label()
		}
		return a
	}
	cols := []Column[answer.Finding]{
		{Title: "SEVERITY", Min: 9, Max: 9, Cell: func(f answer.Finding) string { return string(f.Severity) },
			Less: func(a, b answer.Finding) int { return cmp.Compare(b.Severity.Rank(), a.Severity.Rank()) },
			Style: func(f answer.Finding, _ string) *lipgloss.Style {
				if f.Severity.Rank() >= answer.High.Rank() {
					return &c.Styles.Warning
				}
				return nil
			}},
		{Title: "FINDING", Min: 12, Max: 30, Cell: func(f answer.Finding) string { return f.ID }},
		{Title: "ABOUT", Min: 12, Max: 40, Cell: func(f answer.Finding) string { return label(f.Subject()) }},
		{Title: "TITLE", Min: 20, Flex: true, Cell: func(f answer.Finding) string { return f.Title + " — " + f.Detail }},
	}
	t := NewTable(c.Styles, c.Keys, cols)
	f := c.findings()
	empty := "no findings"
	if len(f.Assumptions) > 0 {
		empty += " (" + strings.Join(f.Assumptions, "; ") + ")"
	}
	t.SetEmpty(empty)
	t.SetRows(f.Findings)
	return &findingsPage{c: c, table: t}
}

func (p *findingsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
		if f, ok := p.table.Selected(); ok {
			return p, Cmd(OpenARNMsg{ARN: f.Subject()})
		}
		return p, nil
	}
	p.table.Update(msg)
	return p, nil
}
func (p *findingsPage) View() string       { return p.table.View() }
func (p *findingsPage) SetSize(w, h int)   { p.table.SetSize(w, h) }
func (p *findingsPage) Title() string      { return "Findings" }
func (p *findingsPage) SetFilter(s string) { p.table.SetFilter(s) }
func (p *findingsPage) Filter() string     { return p.table.Filter() }
func (p *findingsPage) Position() string   { return p.table.SortHelp() + "  " + p.table.Position() }
func (p *findingsPage) KeyMap() []key.Binding {
	return []key.Binding{p.c.Keys.Open, p.c.Keys.Sort, p.c.Keys.SortReverse}
}
