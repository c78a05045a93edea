package tui

import (
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph/answer"
)

// changeRow is one line of :changes: an effect (what the changes mean) or
// a change (what changed), from the diff against --baseline.
type changeRow struct {
	rank   int // effects first, most severe first; then changes in order
	what   string
	kind   string
	arn    string
	detail string
	severe bool
}

// changesPage lists the effects, most severe first, then the changes of
// the diff against --baseline; enter opens the entity.
type changesPage struct {
	c     *Common
	table *Table[changeRow]
}

// NewChangesPage lists the diff against the baseline.
func NewChangesPage(c *Common) Page {
	var rows []changeRow
	d := c.Changes
	for i, e := range d.Effects {
		rows = append(rows, changeRow{rank: i, what: string(e.Severity), kind: e.Effect, arn: e.Principal, detail: e.Detail,
			severe: e.Severity.Rank() >= answer.High.Rank()})
	}
	for i, ch := range d.Changes {
		rows = append(rows, changeRow{rank: len(d.Effects) + i, what: ch.Change, kind: ch.Kind, arn: ch.ARN, detail: strings.Join(ch.Details, "; ")})
	}
	label := func(a string) string {
		if n := c.Graph.Node(a); n != nil {
			return n.Label()
		}
		return a
	}
	cols := []Column[changeRow]{
		{Title: "WHAT", Min: 8, Max: 9, Cell: func(r changeRow) string { return r.what },
			Less: func(a, b changeRow) int { return a.rank - b.rank },
			Style: func(r changeRow, _ string) *lipgloss.Style {
				if r.severe {
					return &c.Styles.Warning
				}
				return nil
			}},
		{Title: "KIND", Min: 6, Max: 26, Cell: func(r changeRow) string { return r.kind }},
		{Title: "ENTITY", Min: 12, Max: 40, Cell: func(r changeRow) string { return label(r.arn) }},
		{Title: "DETAIL", Min: 20, Flex: true, Cell: func(r changeRow) string { return r.detail }},
	}
	t := NewTable(c.Styles, c.Keys, cols)
	t.SetEmpty("no changes since the baseline " + d.Old.File)
	t.SetRows(rows)
	return &changesPage{c: c, table: t}
}

func (p *changesPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
		if r, ok := p.table.Selected(); ok {
			if p.c.Graph.Node(r.arn) == nil {
				return p, Cmd(StatusMsg{Text: r.arn + " is not in the current snapshot (removed)", Err: true})
			}
			return p, Cmd(OpenARNMsg{ARN: r.arn})
		}
		return p, nil
	}
	p.table.Update(msg)
	return p, nil
}
func (p *changesPage) View() string       { return p.table.View() }
func (p *changesPage) SetSize(w, h int)   { p.table.SetSize(w, h) }
func (p *changesPage) Title() string      { return "Changes since " + filepath.Base(p.c.Changes.Old.File) }
func (p *changesPage) SetFilter(s string) { p.table.SetFilter(s) }
func (p *changesPage) Filter() string     { return p.table.Filter() }
func (p *changesPage) Position() string   { return p.table.SortHelp() + "  " + p.table.Position() }
func (p *changesPage) KeyMap() []key.Binding {
	return []key.Binding{p.c.Keys.Open, p.c.Keys.Sort, p.c.Keys.SortReverse}
}
