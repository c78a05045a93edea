package tui

import (
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// warningsOnce indexes the load warnings by entity once, on first use (the
// :warnings view or a principal's Overview).
type warningsOnce struct {
	once sync.Once
	w    *answer.Warnings
}

func (c *Common) warnings() *answer.Warnings {
	if c.warningsCache == nil {
		c.warningsCache = &warningsOnce{}
	}
	wc := c.warningsCache
	wc.once.Do(func() { wc.w = answer.WarningsOf(c.Graph) })
	return wc.w
}

// warningRow is one load warning with the entity it is about, when that
// entity loaded.
type warningRow struct {
	w    answer.LoadWarning
	node *graph.Node
}

// warningsPage lists what did not load cleanly: malformed documents, denied
// optional calls. A reviewer must see what the answers may be missing; enter
// opens the user, group, role or policy a warning is about.
type warningsPage struct {
	c     *Common
	table *Table[warningRow]
}

// NewWarningsPage lists the snapshots' load warnings.
func NewWarningsPage(c *Common) Page {
	all := c.warnings().All
	rows := make([]warningRow, len(all))
	for i, w := range all {
		rows[i] = warningRow{w: w}
		if w.Entity != "" {
			rows[i].node = c.Graph.Node(w.Entity)
		}
	}
	cols := []Column[warningRow]{
		{Title: "ACCOUNT", Key: "account", Cell: func(r warningRow) string { return dashIfEmpty(r.w.Account) }, Min: 12, Max: 12},
		{Title: "WHERE", Cell: func(r warningRow) string { return r.w.Where }, Min: 16, Max: 60, Flex: true},
		{Title: "PROBLEM", Cell: func(r warningRow) string { return r.w.Message }, Min: 20, Flex: true},
	}
	t := NewTable(c.Styles, c.Keys, cols)
	t.SetEmpty("no load warnings: every document parsed and every call succeeded")
	t.SetRows(rows)
	return &warningsPage{c: c, table: t}
}

func (p *warningsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, p.c.Keys.Open) {
		r, ok := p.table.Selected()
		switch {
		case !ok:
			return p, nil
		case r.node == nil && r.w.Entity == "":
			return p, Cmd(StatusMsg{Text: "this warning is about the account, not one entity", Err: true})
		case r.node == nil:
			return p, Cmd(StatusMsg{Text: "this warning names no user, group, role or policy that loaded", Err: true})
		}
		return p, Cmd(OpenNodeMsg{Node: r.node})
	}
	p.table.Update(msg)
	return p, nil
}

// Selected is the entity of the warning under the cursor, for y.
func (p *warningsPage) Selected() *graph.Node {
	if r, ok := p.table.Selected(); ok {
		return r.node
	}
	return nil
}

func (p *warningsPage) View() string            { return p.table.View() }
func (p *warningsPage) SetSize(w, h int)        { p.table.SetSize(w, h) }
func (p *warningsPage) Title() string           { return "Warnings" }
func (p *warningsPage) SetFilter(s string)      { p.table.SetFilter(s) }
func (p *warningsPage) Filter() string          { return p.table.Filter() }
func (p *warningsPage) Position() string        { return p.table.Position() }
func (p *warningsPage) FullHelp() []key.Binding { return tableKeys(p.c.Keys) }
func (p *warningsPage) KeyMap() []key.Binding {
	return []key.Binding{p.c.Keys.Open, p.c.Keys.Up, p.c.Keys.Down, p.c.Keys.Sort}
}
