package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
)

// groupPage is the detail of a group: who is in it and what it grants.
// Groups are not principals, so there is no Permissions or Explain here:
// enter on a member shows what the group means for that user.
type groupPage struct {
	c    *Common
	n    *graph.Node
	list detailList
	open map[string]bool
}

// NewGroupPage returns the detail page of a group.
func NewGroupPage(c *Common, n *graph.Node) Page {
	p := &groupPage{c: c, n: n, open: map[string]bool{}}
	p.list.setLines(p.lines())
	p.list.top()
	return p
}

func (p *groupPage) Title() string         { return p.n.Label() }
func (p *groupPage) SetSize(w, h int)      { p.list.setSize(w, h) }
func (p *groupPage) View() string          { return p.list.view(p.c.Styles, true) }
func (p *groupPage) Selected() *graph.Node { return orNode(p.list.selectedNode(), p.n) }

func orNode(n, fallback *graph.Node) *graph.Node {
	if n != nil {
		return n
	}
	return fallback
}

func (p *groupPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if p.list.handleWheel(msg) {
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	if p.list.handleMove(km, p.c.Keys) {
		return p, nil
	}
	if key.Matches(km, p.c.Keys.Open) {
		if cur := p.list.current(); cur != nil && cur.fold != "" {
			p.open[cur.fold] = !p.open[cur.fold]
			p.list.setLines(p.lines())
			return p, nil
		}
		return p, p.list.openCmd()
	}
	return p, nil
}

func (p *groupPage) searchPane() *detailList { return &p.list }

func (p *groupPage) FullHelp() []key.Binding { return p.list.moveKeys(p.c.Keys) }

func (p *groupPage) KeyMap() []key.Binding {
	km := p.c.Keys
	return []key.Binding{km.Up, km.Down, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open/expand"))}
}

func (p *groupPage) lines() []detailLine {
	st := p.c.Styles
	g := p.c.Graph
	var out []detailLine
	if gr := p.n.Group; gr != nil {
		out = append(out, asText(detailKV(st, "ARN", gr.ARN)), asText(detailKV(st, "ID", dashIfEmpty(gr.ID))),
			asText(detailKV(st, "Path", dashIfEmpty(gr.Path))), asText(detailKV(st, "Created", detailDate(gr.CreateDate))))
	}
	members := g.MembersOf(p.n)
	out = append(out, detailBlank(), detailHeading(st, fmt.Sprintf("Members (%d)", len(members))))
	if len(members) == 0 {
		out = append(out, detailMuted(st, "  no users"))
	}
	for _, m := range members {
		plain := "  " + m.Name
		styled := plain
		if mark := g.AdminStatus(m).Mark(); mark != "" {
			plain += "  " + mark
			styled += "  " + st.Accent.Render(mark)
		}
		out = append(out, detailLine{plain: plain, styled: styled, node: m})
	}
	refs := g.PoliciesOf(p.n)
	out = append(out, detailBlank(), detailHeading(st, fmt.Sprintf("Policies (%d)", len(refs))))
	out = append(out, policyRefLines(p.c, refs, p.open)...)
	return out
}
