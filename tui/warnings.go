package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// warningRow is one load warning with the account it came from and the
// entity it is about, when it names one.
type warningRow struct {
	account string
	w       model.Warning
	node    *graph.Node
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
	var rows []warningRow
	for _, s := range c.Graph.Snapshots() {
		for _, w := range s.Warnings {
			rows = append(rows, warningRow{account: s.AccountID, w: w, node: warningEntity(c.Graph, s, w.Where)})
		}
	}
	for _, w := range c.Graph.Warnings() {
		rows = append(rows, warningRow{account: "-", w: w})
	}
	cols := []Column[warningRow]{
		{Title: "ACCOUNT", Key: "account", Cell: func(r warningRow) string { return r.account }, Min: 12, Max: 12},
		{Title: "WHERE", Cell: func(r warningRow) string { return r.w.Where }, Min: 16, Max: 60, Flex: true},
		{Title: "PROBLEM", Cell: func(r warningRow) string { return r.w.Message }, Min: 20, Flex: true},
	}
	t := NewTable(c.Styles, c.Keys, cols)
	t.SetEmpty("no load warnings: every document parsed and every call succeeded")
	t.SetRows(rows)
	return &warningsPage{c: c, table: t}
}

// warningEntity finds the entity a load warning is about. The loader writes
// Where as "roles[12] (Deploy).AssumeRolePolicyDocument…": the list, the
// index in the file, and the name in parentheses. The name is matched
// against the entities of that kind in the warning's own snapshot (the
// index counts the file's entries, not the loaded ones). nil when the
// warning is about the account (a denied call) or names nothing loaded.
func warningEntity(g *graph.Graph, s *model.Snapshot, where string) *graph.Node {
	list, rest, ok := strings.Cut(where, "[")
	if !ok {
		return nil
	}
	if _, rest, ok = strings.Cut(rest, "] ("); !ok {
		return nil
	}
	var nodes []*graph.Node
	switch list {
	case "users":
		nodes = g.Users()
	case "groups":
		nodes = g.Groups()
	case "roles":
		nodes = g.Roles()
	case "policies":
		nodes = g.Policies()
	default:
		return nil
	}
	var found *graph.Node
	for _, n := range nodes {
		if n.Name == "" || !strings.HasPrefix(rest, n.Name+")") {
			continue
		}
		if n.Snapshot == s {
			return n
		}
		if found == nil {
			found = n // an AWS managed policy shared by the loaded accounts
		}
	}
	return found
}

func (p *warningsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, p.c.Keys.Open) {
		r, ok := p.table.Selected()
		switch {
		case !ok:
			return p, nil
		case r.node == nil && r.w.Where == "":
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
