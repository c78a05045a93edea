package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/model"
)

// warningRow is one load warning with the account it came from.
type warningRow struct {
	account string
	w       model.Warning
}

// warningsPage lists what did not load cleanly: malformed documents, denied
// optional calls. A reviewer must see what the answers may be missing.
type warningsPage struct {
	c     *Common
	table *Table[warningRow]
}

// NewWarningsPage lists the snapshots' load warnings.
func NewWarningsPage(c *Common) Page {
	var rows []warningRow
	for _, s := range c.Graph.Snapshots() {
		for _, w := range s.Warnings {
			rows = append(rows, warningRow{account: s.AccountID, w: w})
		}
	}
	for _, w := range c.Graph.Warnings() {
		rows = append(rows, warningRow{account: "-", w: w})
	}
	cols := []Column[warningRow]{
		{Title: "ACCOUNT", Cell: func(r warningRow) string { return r.account }, Min: 12, Max: 12},
		{Title: "WHERE", Cell: func(r warningRow) string { return r.w.Where }, Min: 16, Max: 60, Flex: true},
		{Title: "PROBLEM", Cell: func(r warningRow) string { return r.w.Message }, Min: 20, Flex: true},
	}
	t := NewTable(c.Styles, c.Keys, cols)
	t.SetEmpty("no load warnings: every document parsed and every call succeeded")
	t.SetRows(rows)
	return &warningsPage{c: c, table: t}
}

func (p *warningsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	p.table.Update(msg)
	return p, nil
}
func (p *warningsPage) View() string       { return p.table.View() }
func (p *warningsPage) SetSize(w, h int)   { p.table.SetSize(w, h) }
func (p *warningsPage) Title() string      { return "Warnings" }
func (p *warningsPage) SetFilter(s string) { p.table.SetFilter(s) }
func (p *warningsPage) Filter() string     { return p.table.Filter() }
func (p *warningsPage) Position() string   { return p.table.Position() }
func (p *warningsPage) KeyMap() []key.Binding {
	return []key.Binding{p.c.Keys.Up, p.c.Keys.Down, p.c.Keys.Sort}
}
