package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/model"
)

// The loaded resources (issue 15): a list with exposure marks — PUBLIC,
// CROSS-ACCOUNT, SERVICE, as graph.ResourceExposure decides for findings
// too — and a detail page with the policy and who can use the resource.

// resourceTypes are the :resources aliases and the type each lists.
var resourceTypes = map[string]string{
	"resources": "",
	"buckets":   model.TypeS3Bucket,
	"keys":      model.TypeKMSKey,
	"queues":    model.TypeSQSQueue,
}

type resourceRow struct {
	r *model.Resource
	x graph.Exposure
}

// resourcesPage lists loaded resources; enter opens one.
type resourcesPage struct {
	c     *Common
	title string
	table *Table[resourceRow]
}

// NewResourcesPage lists the loaded resources of type typ ("" for all).
func NewResourcesPage(c *Common, title, typ string) Page {
	cols := []Column[resourceRow]{
		{Title: "TYPE", Min: 6, Max: 10, Cell: func(r resourceRow) string { return graph.ResourceKind(r.r.Type) }},
		{Title: "RESOURCE", Min: 20, Flex: true, Cell: func(r resourceRow) string { return r.r.ARN }},
		{Title: "ACCOUNT", Key: "account", Min: 12, Max: 12, Cell: func(r resourceRow) string { return r.r.Account }},
		{Title: "EXPOSURE", Min: 8, Max: 30, Cell: func(r resourceRow) string { return exposureText(r) },
			Style: func(r resourceRow, _ string) *lipgloss.Style {
				if r.x.Public {
					return &c.Styles.Warning
				}
				return nil
			}},
	}
	t := NewTable(c.Styles, c.Keys, cols)
	var rows []resourceRow
	for _, r := range c.Graph.LoadedResources() {
		if typ != "" && r.Type != typ {
			continue
		}
		x, _ := c.Graph.ResourceExposure(r.ARN)
		rows = append(rows, resourceRow{r: r, x: x})
	}
	t.SetEmpty("no resources loaded (live capture, or --resources FILE, records them)")
	t.SetRows(rows)
	return &resourcesPage{c: c, title: title, table: t}
}

func exposureText(r resourceRow) string {
	switch {
	case r.r.Error != "":
		return "policy unknown"
	case r.r.Policy == nil:
		return "no policy"
	}
	return strings.Join(r.x.Marks(), " ")
}

func (p *resourcesPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
		if r, ok := p.table.Selected(); ok {
			return p, Cmd(OpenARNMsg{ARN: r.r.ARN})
		}
		return p, nil
	}
	p.table.Update(msg)
	return p, nil
}
func (p *resourcesPage) View() string       { return p.table.View() }
func (p *resourcesPage) SetSize(w, h int)   { p.table.SetSize(w, h) }
func (p *resourcesPage) Title() string      { return p.title }
func (p *resourcesPage) SetFilter(s string) { p.table.SetFilter(s) }
func (p *resourcesPage) Filter() string     { return p.table.Filter() }
func (p *resourcesPage) Position() string   { return p.table.SortHelp() + "  " + p.table.Position() }
func (p *resourcesPage) KeyMap() []key.Binding {
	return []key.Binding{p.c.Keys.Open, p.c.Keys.Sort, p.c.Keys.SortReverse}
}

var resourceWhoCan = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "who can use it"))

// resourcePage is one resource: what it is, its exposure, its policy
// document; w asks who can perform the type's representative action.
type resourcePage struct {
	c      *Common
	r      *model.Resource
	lines  detailList
	width  int
	height int
}

// NewResourcePage returns the detail page of a loaded resource.
func NewResourcePage(c *Common, r *model.Resource) Page {
	p := &resourcePage{c: c, r: r}
	p.lines.setLines(p.detailLines())
	p.lines.top()
	return p
}

func (p *resourcePage) detailLines() []detailLine {
	st := p.c.Styles
	r := p.r
	x, _ := p.c.Graph.ResourceExposure(r.ARN)
	out := []detailLine{asText(detailKV(st, "ARN", r.ARN)), asText(detailKV(st, "Type", r.Type))}
	if r.Account != "" {
		out = append(out, asText(detailKV(st, "Account", r.Account)))
	}
	exp := strings.Join(x.Marks(), " ")
	if exp == "" {
		exp = "none (its policy lets in no one outside its account)"
	}
	if x.PublicRestricted {
		exp += " · public policy cut by RestrictPublicBuckets"
	}
	out = append(out, asText(detailKV(st, "Exposure", exp)))
	if len(x.Accounts) > 0 {
		out = append(out, asText(detailKV(st, "Accounts", strings.Join(x.Accounts, ", "))))
	}
	if len(x.Services) > 0 {
		out = append(out, asText(detailKV(st, "Services", strings.Join(x.Services, ", "))))
	}
	if len(x.Statements) > 0 {
		out = append(out, asText(detailKV(st, "Statements", strings.Join(x.Statements, ", "))))
	}
	if action, _ := graph.RepresentativeAction(r); action != "" {
		out = append(out, asText(detailKV(st, "Who can", "press w: who can "+action)))
	}
	out = append(out, detailBlank())
	out = append(out, controlsLines(st, answer.Controls(p.c.Graph, r))...)
	out = append(out, detailBlank())
	switch {
	case r.Error != "":
		out = append(out, detailMuted(st, "the policy could not be read: "+flatText(r.Error)))
	case r.Policy == nil:
		out = append(out, detailMuted(st, "no resource policy"))
	default:
		for _, dl := range highlightJSON(r.Policy.JSON, st) {
			out = append(out, detailLine{plain: dl.plain, styled: dl.styled, skip: true})
		}
	}
	return out
}

func (p *resourcePage) Title() string { return graph.ResourceKind(p.r.Type) + "/" + arnTail(p.r.ARN) }

func (p *resourcePage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.lines.setSize(w, h)
}

func (p *resourcePage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if p.lines.handleWheel(msg) {
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	if key.Matches(km, resourceWhoCan) {
		if action, res := graph.RepresentativeAction(p.r); action != "" {
			return p, Cmd(pushPageMsg{NewWhoCanPage(p.c, action, res)})
		}
		return p, nil
	}
	p.lines.handleMove(km, p.c.Keys)
	return p, nil
}

func (p *resourcePage) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	return p.lines.view(p.c.Styles, true)
}

func (p *resourcePage) KeyMap() []key.Binding {
	km := p.c.Keys
	return []key.Binding{km.Up, km.Down, km.PageDown, resourceWhoCan}
}

// pushPageMsg asks the root to push a page built by the sender.
type pushPageMsg struct{ page Page }

func arnTail(a string) string {
	if i := strings.LastIndexAny(a, ":/"); i >= 0 && i+1 < len(a) {
		return a[i+1:]
	}
	return a
}

// controlsLines draws the organization levels that apply to a resource,
// root first: each level's RCPs (which bind the resource, when RCPsBind) and
// SCPs (which bind its account's principals).
func controlsLines(st *Styles, c answer.ResourceControls) []detailLine {
	out := []detailLine{detailHeading(st, "Organization (root → OU → account)")}
	rcps := "bind this resource: every level must allow"
	if !c.RCPsBind {
		rcps = "do not bind it: " + c.RCPNote
	}
	out = append(out, asText(detailKV(st, "RCPs", flatText(rcps))))
	for _, l := range c.Levels {
		name := l.Kind + " " + l.ID
		if l.Name != "" {
			name += " (" + l.Name + ")"
		}
		out = append(out, asText(detailKV(st, "", flatText(name))))
		out = append(out, asText(detailKV(st, "", "  RCP  "+flatText(orNone(l.RCPs)))))
		out = append(out, asText(detailKV(st, "", "  SCP  "+flatText(orNone(l.SCPs)))))
	}
	for _, gap := range c.Gaps {
		out = append(out, detailMuted(st, "  not applied: "+flatText(gap)))
	}
	return out
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none recorded"
	}
	return strings.Join(names, ", ")
}
