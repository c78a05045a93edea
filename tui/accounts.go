package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
)

// accountsPage lists the loaded accounts: what each holds, its admins, and
// its roles open to principals outside the loaded accounts. Enter scopes
// the users, groups, roles and policies lists to the account (the filter
// "account:ID", which any list with an ACCOUNT column takes) and opens the
// users list.
type accountsPage struct {
	c     *Common
	table *Table[graph.AccountSummary]
}

// AccountFilterMsg asks the root to filter every list by one account.
type AccountFilterMsg struct{ Account string }

// NewAccountsPage lists the loaded accounts.
func NewAccountsPage(c *Common) Page {
	count := func(title string, f func(graph.AccountSummary) int) Column[graph.AccountSummary] {
		return Column[graph.AccountSummary]{Title: title, Min: len(title), Max: 8, Right: true,
			Cell: func(a graph.AccountSummary) string { return strconv.Itoa(f(a)) },
			Less: func(a, b graph.AccountSummary) int { return f(a) - f(b) }}
	}
	cols := []Column[graph.AccountSummary]{
		{Title: "ACCOUNT", Key: "account", Cell: func(a graph.AccountSummary) string { return a.ID }, Min: 12, Max: 12},
		{Title: "ALIAS", Cell: func(a graph.AccountSummary) string { return a.Alias }, Min: 5, Max: 32, Flex: true},
		count("USERS", func(a graph.AccountSummary) int { return a.Users }),
		count("ROLES", func(a graph.AccountSummary) int { return a.Roles }),
		count("GROUPS", func(a graph.AccountSummary) int { return a.Groups }),
		count("ADMINS", func(a graph.AccountSummary) int { return a.Admins }),
		count("OUTSIDE", func(a graph.AccountSummary) int { return a.OutsideTrust }),
	}
	t := NewTable(c.Styles, c.Keys, cols)
	t.SetEmpty("no account loaded")
	t.SetRows(c.Graph.AccountSummaries())
	return &accountsPage{c: c, table: t}
}

func (p *accountsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, p.c.Keys.Open) {
		if a, ok := p.table.Selected(); ok {
			return p, Cmd(AccountFilterMsg{Account: a.ID})
		}
		return p, nil
	}
	p.table.Update(msg)
	return p, nil
}

func (p *accountsPage) View() string       { return p.table.View() }
func (p *accountsPage) SetSize(w, h int)   { p.table.SetSize(w, h) }
func (p *accountsPage) Title() string      { return "Accounts" }
func (p *accountsPage) SetFilter(s string) { p.table.SetFilter(s) }
func (p *accountsPage) Filter() string     { return p.table.Filter() }
func (p *accountsPage) Position() string   { return p.table.SortHelp() + "  " + p.table.Position() }

func (p *accountsPage) KeyMap() []key.Binding {
	k := p.c.Keys
	return []key.Binding{accountScope, k.Sort, k.SortReverse}
}

var accountScope = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "lists of this account"))

func (p *accountsPage) FullHelp() []key.Binding { return tableKeys(p.c.Keys) }
