package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

const (
	tabDocument = "Document"
	tabVersions = "Versions"
	tabAttached = "Attached"
)

// policyPage is the detail of a managed policy: its document (default
// version first, others a key away), its versions, and where it is attached.
type policyPage struct {
	c       *Common
	n       *graph.Node
	tabs    tabBar
	version int // index into Policy.Versions of the document shown
	doc     detailList
	vers    detailList
	att     detailList
	width   int
	height  int
}

var (
	policyNextVersion = key.NewBinding(key.WithKeys("v", "]"), key.WithHelp("v/]", "next version"))
	policyPrevVersion = key.NewBinding(key.WithKeys("V", "["), key.WithHelp("V/[", "previous version"))
)

// NewPolicyPage returns the detail page of a managed policy.
func NewPolicyPage(c *Common, n *graph.Node) Page {
	p := &policyPage{c: c, n: n, tabs: newTabBar(tabDocument, tabVersions, tabAttached), version: -1}
	if mp := n.Policy; mp != nil {
		for i := range mp.Versions {
			if &mp.Versions[i] == mp.DefaultVersion() {
				p.version = i
			}
		}
		if p.version < 0 && len(mp.Versions) > 0 {
			p.version = 0
		}
	}
	p.doc.setLines(p.documentLines())
	p.vers.setLines(p.versionLines())
	p.att.setLines(p.attachedLines())
	p.doc.top()
	p.vers.top()
	p.att.top()
	return p
}

func (p *policyPage) Title() string { return p.n.Label() }

func (p *policyPage) SetSize(w, h int) {
	p.width, p.height = w, h
	body := max(h-1, 0)
	p.doc.setSize(w, body)
	p.vers.setSize(w, body)
	p.att.setSize(w, body)
}

func (p *policyPage) pane() *detailList {
	switch p.tabs.activeName() {
	case tabVersions:
		return &p.vers
	case tabAttached:
		return &p.att
	}
	return &p.doc
}

func (p *policyPage) Selected() *graph.Node {
	if n := p.pane().selectedNode(); n != nil {
		return n
	}
	return p.n
}

func (p *policyPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if p.pane().handleWheel(msg) {
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	if p.tabs.update(km, p.c.Keys) {
		return p, nil
	}
	switch {
	case key.Matches(km, policyNextVersion):
		p.showVersion(p.version + 1)
		return p, nil
	case key.Matches(km, policyPrevVersion):
		p.showVersion(p.version - 1)
		return p, nil
	}
	l := p.pane()
	if l.handleMove(km, p.c.Keys) {
		return p, nil
	}
	if key.Matches(km, p.c.Keys.Open) {
		if cur := l.current(); cur != nil && p.tabs.activeName() == tabVersions && cur.value != "" {
			for i, v := range p.n.Policy.Versions {
				if v.VersionID == cur.value {
					p.showVersion(i)
					p.tabs.selectName(tabDocument)
				}
			}
			return p, nil
		}
		return p, l.openCmd()
	}
	return p, nil
}

// showVersion switches the document to version i (wrapping).
func (p *policyPage) showVersion(i int) {
	mp := p.n.Policy
	if mp == nil || len(mp.Versions) < 2 {
		return // one version: v has nothing to step to (enter on it still opens it)
	}
	p.version = (i + len(mp.Versions)) % len(mp.Versions)
	p.doc.setLines(p.documentLines())
	p.doc.top()
	p.vers.setLines(p.versionLines())
	if p.tabs.activeName() != tabVersions {
		p.tabs.selectName(tabDocument)
	}
}

func (p *policyPage) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	bar := p.tabs.view(p.c.Styles, p.width)
	l := p.pane()
	if hint := l.scrollHint(); hint != "" {
		if gap := p.width - ansi.StringWidth(bar) - len(hint); gap > 1 {
			bar += strings.Repeat(" ", gap) + p.c.Styles.Muted.Render(hint)
		}
	}
	if p.height == 1 {
		return bar
	}
	return bar + "\n" + l.view(p.c.Styles, p.tabs.activeName() != tabDocument)
}

func (p *policyPage) searchPane() *detailList { return p.pane() }

func (p *policyPage) FullHelp() []key.Binding {
	return append(p.pane().moveKeys(p.c.Keys), p.versionKeys()...)
}

// versionKeys step through the versions, when there is more than one.
func (p *policyPage) versionKeys() []key.Binding {
	if p.n.Policy == nil || len(p.n.Policy.Versions) < 2 {
		return nil
	}
	return []key.Binding{policyNextVersion, policyPrevVersion}
}

func (p *policyPage) KeyMap() []key.Binding {
	km := p.c.Keys
	keys := p.tabs.keyBindings(km)
	switch p.tabs.activeName() {
	case tabDocument:
		return append(append(keys, km.Up, km.Down, km.PageDown), p.versionKeys()...)
	case tabVersions:
		return append(keys, km.Up, km.Down, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show version")))
	}
	return append(keys, km.Up, km.Down, km.Open)
}

// documentLines is the Document tab: a summary, then the highlighted
// document of the selected version. Document lines are text, not targets:
// the cursor keys scroll them.
func (p *policyPage) documentLines() []detailLine {
	st := p.c.Styles
	mp := p.n.Policy
	if mp == nil {
		return []detailLine{detailMuted(st, "this policy is not in the snapshot")}
	}
	owner := "customer managed"
	if mp.IsAWSManaged() {
		owner = "AWS managed"
	}
	out := []detailLine{asText(detailKV(st, "ARN", mp.ARN))}
	if mp.Description != "" {
		out = append(out, asText(detailKV(st, "About", flatText(mp.Description))))
	}
	used := fmt.Sprintf("%s · attached %d · boundary of %d", owner, mp.AttachmentCount, mp.PermissionsBoundaryUsageCount)
	out = append(out, asText(detailKV(st, "Kind", used)))
	if p.version < 0 {
		out = append(out, detailBlank(), detailMuted(st, "no policy version in the snapshot"))
		return out
	}
	v := &mp.Versions[p.version]
	ver := v.VersionID
	if v.IsDefaultVersion || v.VersionID == mp.DefaultVersionID {
		ver += " (default)"
	} else {
		ver += " (not in force: default is " + mp.DefaultVersionID + ")"
	}
	ver += fmt.Sprintf(" · %d of %d · %s", p.version+1, len(mp.Versions), detailDate(v.CreateDate))
	vl := detailKV(st, "Version", ver)
	if !(v.IsDefaultVersion || v.VersionID == mp.DefaultVersionID) {
		vl = detailKVStyled(st, "Version", ver, st.Warning.Render(ver))
	}
	out = append(out, asText(vl), detailBlank())
	if v.Document.Policy == nil && len(v.Document.JSON) > 0 {
		out = append(out, detailLine{plain: "⚠ could not be parsed; shown as loaded", styled: st.Warning.Render("⚠ could not be parsed; shown as loaded"), skip: true})
	}
	for _, dl := range highlightJSON(v.Document.JSON, st) {
		out = append(out, detailLine{plain: dl.plain, styled: dl.styled, skip: true})
	}
	return out
}

func asText(l detailLine) detailLine { l.skip = true; return l }

// versionLines is the Versions tab; enter shows a version's document.
func (p *policyPage) versionLines() []detailLine {
	st := p.c.Styles
	mp := p.n.Policy
	if mp == nil || len(mp.Versions) == 0 {
		return []detailLine{detailMuted(st, "no versions in the snapshot")}
	}
	head := fmt.Sprintf("  %-8s %-10s %-8s %s", "VERSION", "CREATED", "DEFAULT", "STATEMENTS")
	out := []detailLine{{plain: head, styled: st.TableHeader.Render(head), skip: true}}
	for i, v := range mp.Versions {
		mark := " "
		if i == p.version {
			mark = "▸"
		}
		def := ""
		if v.IsDefaultVersion || v.VersionID == mp.DefaultVersionID {
			def = "default"
		}
		stmts := "unparsed"
		if v.Document.Policy != nil {
			stmts = fmt.Sprint(len(v.Document.Policy.Statements))
		}
		plain := fmt.Sprintf("%s %-8s %-10s %-8s %s", mark, v.VersionID, detailDate(v.CreateDate), def, stmts)
		styled := plain
		if def != "" {
			styled = fmt.Sprintf("%s %-8s %-10s %s %s", mark, v.VersionID, detailDate(v.CreateDate), st.OK.Render(fmt.Sprintf("%-8s", def)), stmts)
		}
		out = append(out, detailLine{plain: plain, styled: styled, value: v.VersionID})
	}
	return out
}

// attachedLines is the Attached tab: users, groups and roles with the
// policy attached, and principals that use it as a permissions boundary.
func (p *policyPage) attachedLines() []detailLine {
	st := p.c.Styles
	var users, groups, roles, boundary []*graph.Node
	seen := map[[2]any]bool{}
	addOnce := func(list *[]*graph.Node, n *graph.Node, tag string) {
		if k := [2]any{n, tag}; !seen[k] {
			seen[k] = true
			*list = append(*list, n)
		}
	}
	for _, n := range p.c.Graph.AttachedTo(p.n) {
		attached, asBoundary := attachment(n, p.n.ARN)
		if asBoundary {
			addOnce(&boundary, n, "b")
		}
		if !attached {
			continue
		}
		switch n.Kind {
		case graph.KindUser:
			addOnce(&users, n, "a")
		case graph.KindGroup:
			addOnce(&groups, n, "a")
		case graph.KindRole:
			addOnce(&roles, n, "a")
		}
	}
	var out []detailLine
	section := func(title string, list []*graph.Node, extra func(*graph.Node) string) {
		out = append(out, detailHeading(st, fmt.Sprintf("%s (%d)", title, len(list))))
		if len(list) == 0 {
			out = append(out, detailMuted(st, "  none"))
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		for _, n := range list {
			plain := "  " + n.Label()
			styled := plain
			if extra != nil {
				if x := extra(n); x != "" {
					plain += "  " + x
					styled += "  " + st.Muted.Render(x)
				}
			}
			out = append(out, detailLine{plain: plain, styled: styled, node: n})
		}
		out = append(out, detailBlank())
	}
	section("Users", users, nil)
	section("Groups", groups, func(n *graph.Node) string {
		return countOf(len(p.c.Graph.MembersOf(n)), "member", "members")
	})
	section("Roles", roles, nil)
	section("As permissions boundary", boundary, nil)
	return out[:len(out)-1]
}

// attachment reports how policy arn is attached to n: as a permissions
// policy, as its permissions boundary, or both.
func attachment(n *graph.Node, arn string) (attached, boundary bool) {
	var list []model.AttachedPolicy
	var b string
	switch {
	case n.User != nil:
		list, b = n.User.AttachedPolicies, n.User.PermissionsBoundary
	case n.Group != nil:
		list = n.Group.AttachedPolicies
	case n.Role != nil:
		list, b = n.Role.AttachedPolicies, n.Role.PermissionsBoundary
	}
	for _, a := range list {
		if a.ARN == arn {
			attached = true
		}
	}
	return attached, b == arn
}
