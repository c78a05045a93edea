package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
)

// Principal detail tabs. Their number keys are fixed, so 6 is Explain for a
// user, a role and an external principal alike, even where a tab is absent.
const (
	tabOverview    = "Overview"
	tabPolicies    = "Policies"
	tabPermissions = "Permissions"
	tabTrust       = "Trust"
	tabChains      = "Chains"
	tabExplain     = "Explain"
)

var principalTabKeys = map[string]string{
	tabOverview: "1", tabPolicies: "2", tabPermissions: "3", tabTrust: "4", tabChains: "5", tabExplain: "6",
}

// principalPage is the detail of a user, role or external principal. Each
// tab is a detailList built on first view and rebuilt when a fold changes;
// Explain owns its inputs.
type principalPage struct {
	c       *Common
	n       *graph.Node
	tabs    tabBar
	panes   map[string]*detailList
	open    map[string]bool // expanded folds: "policy:3", "svc:s3", "chain:…"
	explain *explainForm
	perms   *permsView                    // computed (as a tea.Cmd) on first view of Permissions
	chains  *chainsData                   // the same for Chains
	pending map[string]context.CancelFunc // tabs whose data is being computed
	width   int
	height  int
}

// NewPrincipalPage returns the detail page of a user, role or external
// principal.
func NewPrincipalPage(c *Common, n *graph.Node) Page {
	var names []string
	switch n.Kind {
	case graph.KindRole:
		names = []string{tabOverview, tabPolicies, tabPermissions, tabTrust, tabChains, tabExplain}
	case graph.KindUser:
		names = []string{tabOverview, tabPolicies, tabPermissions, tabChains, tabExplain}
	default:
		// External principals carry no identity policies of a loaded
		// account: what matters is which roles they reach.
		names = []string{tabOverview, tabChains, tabExplain}
	}
	keys := make([]string, len(names))
	for i, name := range names {
		keys[i] = principalTabKeys[name]
	}
	return &principalPage{
		c:       c,
		n:       n,
		tabs:    newTabBarKeys(names, keys),
		panes:   map[string]*detailList{},
		open:    map[string]bool{},
		explain: newExplainForm(c, n),
	}
}

func (p *principalPage) Title() string { return p.n.Label() }

func (p *principalPage) SetSize(w, h int) {
	p.width, p.height = w, h
	for _, l := range p.panes {
		l.setSize(w, p.bodyHeight())
	}
	p.explain.setSize(w, p.bodyHeight())
}

// bodyHeight is the height under the tab bar.
func (p *principalPage) bodyHeight() int { return max(p.height-1, 0) }

// Capturing reports whether the Explain inputs have the keyboard.
func (p *principalPage) Capturing() bool {
	return p.tabs.activeName() == tabExplain && p.explain.capturing()
}

// Selected is the node under the cursor, or the principal itself, for y.
// On the Overview it is always the principal: the cursor there rests on a
// group or a boundary line, but the page is about the principal, and y
// copies its ARN.
func (p *principalPage) Selected() *graph.Node {
	switch p.tabs.activeName() {
	case tabOverview:
		return p.n
	case tabExplain:
		if n := p.explain.list.selectedNode(); n != nil {
			return n
		}
		return p.n
	}
	if n := p.pane().selectedNode(); n != nil {
		return n
	}
	return p.n
}

// pane returns the active tab's list, building it on first use.
func (p *principalPage) pane() *detailList {
	name := p.tabs.activeName()
	l, ok := p.panes[name]
	if !ok {
		l = &detailList{}
		l.setSize(p.width, p.bodyHeight())
		l.setLines(p.build(name))
		l.top()
		p.panes[name] = l
	}
	return l
}

// build renders a tab's lines from the graph.
func (p *principalPage) build(name string) []detailLine {
	switch name {
	case tabOverview:
		return p.overviewLines()
	case tabPolicies:
		return p.policyLines()
	case tabPermissions:
		return p.permissionLines()
	case tabTrust:
		return p.trustLines()
	case tabChains:
		return p.chainLines()
	}
	return nil
}

// rebuild redraws the active tab after a fold changed, keeping the cursor.
func (p *principalPage) rebuild() {
	name := p.tabs.activeName()
	if l, ok := p.panes[name]; ok {
		l.setLines(p.build(name))
	}
}

func (p *principalPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if d, ok := msg.(tabDataMsg); ok {
		p.tabData(d)
		return p, nil
	}
	if p.Capturing() {
		cmd, _ := p.explain.update(msg)
		return p, cmd
	}
	if p.tabs.activeName() == tabExplain {
		if p.explain.list.handleWheel(msg) {
			return p, nil
		}
	} else if p.pane().handleWheel(msg) {
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	if p.tabs.update(km, p.c.Keys) {
		return p, p.ensureTab()
	}
	if p.tabs.activeName() == tabExplain {
		cmd, _ := p.explain.update(km)
		return p, cmd
	}
	l := p.pane()
	if l.handleMove(km, p.c.Keys) {
		return p, nil
	}
	switch {
	case key.Matches(km, p.c.Keys.Open):
		if cur := l.current(); cur != nil && cur.fold != "" {
			p.open[cur.fold] = !p.open[cur.fold]
			p.rebuild()
			return p, nil
		}
		return p, l.openCmd()
	case key.Matches(km, foldAllKey) && p.tabs.activeName() == tabPermissions:
		p.toggleAllServices()
		return p, nil
	}
	return p, nil
}

func (p *principalPage) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	bar := p.tabs.view(p.c.Styles, p.width)
	var body, hint string
	if p.tabs.activeName() == tabExplain {
		body = p.explain.view()
		hint = p.explain.list.scrollHint()
	} else {
		l := p.pane()
		body = l.view(p.c.Styles, true)
		hint = l.scrollHint()
	}
	// The scroll position goes at the right of the tab bar when it fits.
	if hint != "" {
		if gap := p.width - ansi.StringWidth(bar) - len(hint) - 1; gap > 0 {
			bar += strings.Repeat(" ", gap+1) + p.c.Styles.Muted.Render(hint)
		}
	}
	if p.height == 1 {
		return bar
	}
	return bar + "\n" + body
}

var foldAllKey = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "expand/collapse all"))

// explainAccess shows the Explain tab answering a who-can row's request:
// filled in, evaluated, with the assume-role hops when the access goes
// through roles.
func (p *principalPage) explainAccess(msg ExplainMsg) {
	p.tabs.selectName(tabExplain)
	p.explain.prefill(msg.Action, msg.Resource, msg.Context, msg.Access.Path)
	p.explain.run()
}

// searchPane is the tab / searches; the Explain form has none.
func (p *principalPage) searchPane() *detailList {
	if p.tabs.activeName() == tabExplain {
		return nil
	}
	return p.pane()
}

func (p *principalPage) FullHelp() []key.Binding {
	if p.tabs.activeName() == tabExplain {
		return p.explain.list.moveKeys(p.c.Keys)
	}
	return p.pane().moveKeys(p.c.Keys)
}

func (p *principalPage) KeyMap() []key.Binding {
	km := p.c.Keys
	keys := p.tabs.keyBindings(km)
	switch p.tabs.activeName() {
	case tabExplain:
		return append(keys, p.explain.keyBindings()...)
	case tabPermissions:
		return append(keys, km.Up, km.Down, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "expand/open")), foldAllKey)
	case tabPolicies:
		return append(keys, km.Up, km.Down, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open/expand")))
	}
	return append(keys, km.Up, km.Down, km.Open)
}
