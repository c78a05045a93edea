package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/internal/termsafe"
)

// positioner is implemented by pages that can say where the cursor is
// ("sort NAME↑  12/340"); the breadcrumb line shows it on the right.
type positioner interface {
	Position() string
}

// renderCrumbs draws the breadcrumb line: the titles of the view stack
// ("Roles › role/DeployRole › Chains"), the live filter, and on the right
// the page's position. When it does not fit, the oldest crumbs go first.
func (m *Model) renderCrumbs() string {
	st := m.c.Styles
	titles := make([]string, len(m.stack))
	for i, p := range m.stack {
		titles[i] = termsafe.Escape(p.Title()) // titles name principals from the file
	}
	var right string
	if pos, ok := m.top().(positioner); ok {
		right = pos.Position()
	}
	var filter string
	if f, ok := m.top().(Filterable); ok && f.Filter() != "" && m.mode != modeFilter {
		filter = "  /" + termsafe.Escape(f.Filter())
	}
	avail := m.width - ansi.StringWidth(right) - 1
	sep := " › "
	for len(titles) > 1 && ansi.StringWidth(strings.Join(titles, sep)+filter)+2 > avail {
		titles = titles[1:]
		if !strings.HasPrefix(titles[0], "…") {
			titles[0] = "…" + sep + titles[0]
		}
	}
	var b strings.Builder
	for i, t := range titles {
		if i > 0 {
			b.WriteString(st.CrumbSep.Render(sep))
		}
		if i == len(titles)-1 {
			b.WriteString(st.CrumbActive.Render(t))
		} else {
			b.WriteString(st.Crumb.Render(t))
		}
	}
	left := ansi.Truncate(b.String()+st.Prompt.Render(filter), max(avail, 0), "…")
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + st.Muted.Render(right)
}

// globalKeys are the root's keys that work on page p, in the order the
// footer and the ? screen list them: both come from here, so neither names
// a key the root would ignore (/ on a page without a filter, y where
// nothing is selected).
func (m *Model) globalKeys(p Page) []key.Binding {
	k := m.c.Keys
	out := []key.Binding{k.Command}
	if _, ok := p.(Filterable); ok {
		out = append(out, k.Filter)
	} else if pane := searchOf(p); pane != nil {
		out = append(out, k.Search)
		if pane.search != "" {
			out = append(out, searchNext, searchPrev)
		}
	}
	if _, ok := p.(Selector); ok {
		out = append(out, k.Copy)
	}
	if _, isHelp := p.(*helpPage); !isHelp {
		out = append(out, k.Help)
	}
	return append(out, k.Back, k.Quit)
}

// helpGlobals is the global section of the ? screen over page p.
func (m *Model) helpGlobals(p Page) []key.Binding {
	return append(m.globalKeys(p), m.c.Keys.ForceQuit)
}

// helpBindings is every key the ? screen lists for page p: the page's own
// (with the movement keys its footer leaves out), then the global ones.
func (m *Model) helpBindings(p Page) []key.Binding {
	return append(pageKeys(p), m.helpGlobals(p)...)
}

// renderFooter draws the key hints and the status or input line.
func (m *Model) renderFooter() string {
	return m.renderHints() + "\n" + m.renderStatusLine()
}

// renderHints lists the focused page's keys, then the global ones, as many
// as fit. "? help" always fits: it is the way to every key the footer had
// no room for, so its room is kept before the others are laid out.
func (m *Model) renderHints() string {
	st := m.c.Styles
	k := m.c.Keys
	var bindings []key.Binding
	switch m.mode {
	case modeCommand:
		if len(m.comp) > 1 {
			return m.renderCandidates()
		}
		bindings = []key.Binding{k.Accept, k.Complete, k.Cancel}
	case modeFilter:
		bindings = []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
			key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		}
	case modeSearch:
		bindings = []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		}
	case modePrompt:
		bindings = []key.Binding{k.Accept, k.Cancel}
	default:
		bindings = append(bindings, m.top().KeyMap()...)
		for _, b := range m.globalKeys(m.top()) {
			// esc at the top of the stack only says so: not worth the room.
			if b.Help().Key != k.Back.Help().Key || len(m.stack) > 1 {
				bindings = append(bindings, b)
			}
		}
	}
	itemWidth := func(h key.Help) int { return ansi.StringWidth(h.Key+" "+h.Desc) + 2 }
	reserved := 0 // room kept for "? help" until it is drawn
	if m.mode == modeNormal {
		reserved = itemWidth(k.Help.Help())
	}
	var b strings.Builder
	w := 0
	for _, bd := range bindings {
		h := bd.Help()
		if !bd.Enabled() || h.Key == "" {
			continue
		}
		isHelp := h.Key == k.Help.Help().Key
		if isHelp {
			reserved = 0
		} else if w+itemWidth(h)+reserved > m.width {
			continue
		}
		if w > 0 {
			b.WriteString("  ")
		}
		b.WriteString(st.FooterKey.Render(h.Key) + " " + st.FooterDesc.Render(h.Desc))
		w += itemWidth(h)
	}
	return b.String()
}

// renderCandidates lists the completions a tab left, the one tab last put
// in the line reversed, as many as fit and how many more.
func (m *Model) renderCandidates() string {
	st := m.c.Styles
	var b strings.Builder
	w := 0
	for i, c := range m.comp {
		c = termsafe.Escape(c) // principal names come from the file
		more := "  +" + strconv.Itoa(len(m.comp)-i) + " more (tab)"
		if w+ansi.StringWidth(c)+2+len(more) > m.width && i < len(m.comp)-1 {
			b.WriteString(st.Muted.Render(more))
			break
		}
		if i > 0 {
			b.WriteString("  ")
		}
		if i == m.compAt {
			b.WriteString(st.TableSelected.Render(c))
		} else {
			b.WriteString(st.FooterDesc.Render(c))
		}
		w += ansi.StringWidth(c) + 2
	}
	return ansi.Truncate(b.String(), m.width, "…")
}

// renderStatusLine is the input line in command, filter and prompt modes;
// otherwise the last status message, or the ARN of the selected node.
func (m *Model) renderStatusLine() string {
	st := m.c.Styles
	switch m.mode {
	case modeCommand:
		ghost := commandGhost(m.input.String())
		return st.Prompt.Render(":") + m.input.View(st, m.width-1, ghost)
	case modeFilter:
		return st.Prompt.Render("/") + m.input.View(st, m.width-1, "")
	case modeSearch:
		return m.searchLine(st)
	case modePrompt:
		q := st.Prompt.Render(m.prompt.question + " ")
		return q + m.input.View(st, m.width-ansi.StringWidth(q), "")
	}
	if m.status != "" {
		s := st.Status
		if m.statusErr {
			s = st.StatusErr
		}
		return s.Render(ansi.Truncate(termsafe.Escape(m.status), m.width, "…"))
	}
	if pane := searchOf(m.top()); pane != nil && pane.search != "" {
		return st.Prompt.Render(ansi.Truncate(termsafe.Escape(pane.searchStatus()), m.width, "…"))
	}
	if sel, ok := m.top().(Selector); ok {
		if n := sel.Selected(); n != nil {
			return st.Muted.Render(ansi.Truncate(termsafe.Escape(n.ARN), m.width, "…"))
		}
	}
	return ""
}

// searchLine is the / input on a detail page, with how many lines match at
// its right when there is room.
func (m *Model) searchLine(st *Styles) string {
	var count string
	if pane := searchOf(m.top()); pane != nil && pane.search != "" {
		count = "  " + strconv.Itoa(len(pane.matches)) + " lines"
		if len(pane.matches) == 1 {
			count = "  1 line"
		}
	}
	w := m.width - 1 - ansi.StringWidth(count)
	if w < 10 {
		count, w = "", m.width-1
	}
	return st.Prompt.Render("/") + m.input.View(st, w, "") + st.Muted.Render(count)
}
