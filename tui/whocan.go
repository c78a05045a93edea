package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// whoCanPage answers ":whocan ACTION [RESOURCE]": every principal that can
// make the request, directly, through a chain of roles or through privilege
// escalation, and whether only with more context. graph.WhoCanReach does
// the work (the same list iamx who-can prints); this is its table.
type whoCanPage struct {
	c        *Common
	action   string
	resource string
	context  string // the KEY=VALUE pairs asked with, as typed
	table    *Table[graph.Access]
	rows     []graph.Access
	width    int
}

// NewWhoCanPage returns the answer to who can perform action on resource.
// It computes on the caller's goroutine; the explorer's :whocan uses
// whoCanQuery instead, off the key loop.
func NewWhoCanPage(c *Common, action, resource string) Page {
	p, _ := whoCanQuery(c, action, resource)(context.Background())
	return p
}

// whoCanQuery computes who can perform action on resource, stopping when
// its context is canceled.
func whoCanQuery(c *Common, action, resource string) queryFunc {
	return whoCanQueryContext(c, action, resource, nil, "")
}

// whoCanQueryContext is whoCanQuery with request context: reqCtx parsed,
// text as typed (for the title and for Explain).
func whoCanQueryContext(c *Common, action, resource string, reqCtx policy.Context, text string) queryFunc {
	if strings.TrimSpace(resource) == "" {
		resource = "*"
	}
	return func(ctx context.Context) (Page, error) {
		kept, _ := c.Graph.RequestContext(action, reqCtx)
		rows, err := c.Graph.WhoCanReach(ctx, action, resource, kept)
		if err != nil {
			return nil, err
		}
		p := newWhoCanPage(c, action, resource, rows).(*whoCanPage)
		p.context = text
		return p, nil
	}
}

func newWhoCanPage(c *Common, action, resource string, rows []graph.Access) Page {
	p := &whoCanPage{c: c, action: action, resource: resource}
	st := c.Styles
	p.table = NewTable(st, c.Keys, []Column[graph.Access]{
		{Title: "PRINCIPAL", Cell: func(a graph.Access) string { return a.Principal.Label() }, Min: 16, Max: 34, Flex: true},
		{Title: "ACCESS", Cell: whoCanAccess, Min: 8, Max: 12,
			Style: func(a graph.Access, _ string) *lipgloss.Style {
				if a.Conditional {
					return &st.Warning
				}
				return &st.OK
			}},
		{Title: "ADMIN", Cell: func(a graph.Access) string { return c.Graph.AdminStatus(a.Principal).Mark() }, Min: 5, Max: 8,
			Style: func(_ graph.Access, s string) *lipgloss.Style {
				if s != "" {
					return &st.Accent
				}
				return nil
			}},
		{Title: "NEEDS", Cell: func(a graph.Access) string { return strings.Join(accessKeys(c, a), ", ") }, Min: 5, Max: 26},
		{Title: "VIA", Cell: whoCanVia, Min: 14, Flex: true},
	})
	p.table.SetEmpty(fmt.Sprintf("nobody can %s on %s", termsafe.Escape(action), termsafe.Escape(resource)))
	if t, err := c.Graph.ResolveResource(action, resource); err == nil && len(t.Assumptions) > 0 {
		// A role whose trust policy the snapshot lacks: say why nobody.
		p.table.SetEmpty(fmt.Sprintf("nobody is known to be able to %s on %s: %s", termsafe.Escape(action), termsafe.Escape(resource), termsafe.Escape(t.Assumptions[0])))
	}
	p.rows = rows
	p.table.SetRows(p.rows)
	return p
}

func whoCanAccess(a graph.Access) string {
	if a.Conditional {
		return "allow if"
	}
	return "allow"
}

// whoCanVia names the principals of the way: "direct", "DeployRole →
// ProdAdmin", or with an escalation method before the principal it leads
// to: "[iam:CreateAccessKey] ci-deployer → DeployRole".
func whoCanVia(a graph.Access) string {
	if len(a.Via) == 0 {
		return "direct"
	}
	names := make([]string, len(a.Via))
	for i, n := range a.Via {
		names[i] = n.Name
		if a.Escalation && a.Hops[i].Method != nil {
			if a.Hops[i].From == a.Hops[i].To {
				names[i] = "itself"
			}
			names[i] = "[" + a.Hops[i].Kind + "] " + names[i]
		}
	}
	return strings.Join(names, " → ")
}

func (p *whoCanPage) Title() string {
	t := "whocan " + p.action + " " + p.resource
	if p.context != "" {
		t += " " + p.context
	}
	return t
}

func (p *whoCanPage) SetSize(w, h int) {
	p.width = w
	p.table.SetSize(w, max(h-1, 0))
}

// summary is the line above the table: how many, how many conditional.
func (p *whoCanPage) summary() string {
	cond, chained, escalated := 0, 0, 0
	for _, a := range p.rows {
		if a.Conditional {
			cond++
		}
		switch {
		case a.Escalation:
			escalated++
		case len(a.Via) > 0:
			chained++
		}
	}
	s := fmt.Sprintf("%s can %s on %s · %d conditional · %d through roles",
		countOf(len(p.rows), "principal", "principals"), termsafe.Escape(p.action), termsafe.Escape(p.resource), cond, chained)
	if escalated > 0 {
		s += fmt.Sprintf(" · %d through escalation", escalated)
	}
	return s
}

func (p *whoCanPage) View() string {
	return cutWidth(p.c.Styles.Title.Render(p.summary()), p.width) + "\n" + p.table.View()
}

func (p *whoCanPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, p.c.Keys.Open) {
		if a, ok := p.table.Selected(); ok {
			return p, Cmd(ExplainMsg{Access: a, Action: p.action, Resource: p.resource, Context: p.context})
		}
		return p, nil
	}
	p.table.Update(msg)
	return p, nil
}

func (p *whoCanPage) Selected() *graph.Node {
	if a, ok := p.table.Selected(); ok {
		return a.Principal
	}
	return nil
}

func (p *whoCanPage) SetFilter(text string) { p.table.SetFilter(text) }
func (p *whoCanPage) Filter() string        { return p.table.Filter() }

func (p *whoCanPage) KeyMap() []key.Binding {
	km := p.c.Keys
	return []key.Binding{km.Up, km.Down, km.Open, km.Sort, km.SortReverse}
}

func (p *whoCanPage) FullHelp() []key.Binding { return tableKeys(p.c.Keys) }

// accessKeys spells the keys an access depends on as the policies on its
// way do (the evaluator reports them lower-cased).
func accessKeys(c *Common, a graph.Access) []string {
	if len(a.MissingContext) == 0 {
		return nil
	}
	conds := principalConditions(c, a.Principal)
	for _, e := range a.Path {
		conds = append(conds, e.Conditions...)
	}
	for _, r := range a.Via {
		conds = append(conds, principalConditions(c, r)...)
	}
	return spellKeys(a.MissingContext, conds)
}
