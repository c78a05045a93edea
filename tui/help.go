package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/internal/termsafe"
)

// helpPage is the ? screen, generated from the key maps and the command
// list, so it cannot drift from what the keys do.
type helpPage struct {
	c      *Common
	under  Page
	global []key.Binding // the root's keys that work on under
	lines  []string
	offset int
	w, h   int
}

func newHelpPage(c *Common, under Page, global []key.Binding) *helpPage {
	return &helpPage{c: c, under: under, global: global}
}

// build lays the help out for width w: the keys of the page under it (all
// of them, movement included) and the global keys that work there, with a
// word on filtering and sorting where those work, in two columns when they
// fit; then the commands.
func (p *helpPage) build(w int) {
	st := p.c.Styles
	k := p.c.Keys
	section := func(title string, bs []key.Binding) []string {
		if len(bs) == 0 {
			return nil
		}
		lines := []string{st.Title.Render(title)}
		seen := map[string]bool{}
		for _, b := range bs {
			h := b.Help()
			if h.Key == "" || seen[h.Key] {
				continue
			}
			seen[h.Key] = true
			lines = append(lines, "  "+st.FooterKey.Render(fmt.Sprintf("%-10s", h.Key))+" "+h.Desc)
		}
		return append(lines, "")
	}
	var left, right []string
	sorts := false
	if p.under != nil {
		keys := pageKeys(p.under)
		left = append(left, section("This view — "+termsafe.Escape(p.under.Title()), keys)...)
		for _, b := range keys {
			sorts = sorts || b.Help().Key == k.Sort.Help().Key
		}
	}
	right = append(right, section("Global", p.global)...)
	if _, ok := p.under.(Filterable); ok {
		right = append(right,
			st.Title.Render("Filter (/)"),
			"  narrows the list as you type;",
			"  every word must appear in a row.",
			"  enter keeps it, esc clears it.",
			"")
	}
	if searchOf(p.under) != nil {
		right = append(right,
			st.Title.Render("Search (/)"),
			"  highlights the lines that hold",
			"  the text as you type (any case);",
			"  n and N step through them,",
			"  enter keeps it, esc clears it.",
			"")
	}
	if sorts {
		right = append(right,
			st.Title.Render("Sort (s, S)"),
			"  s sorts by the next column,",
			"  S reverses; the ↑/↓ marks it.",
			"")
	}
	var lines []string
	colW := w / 2
	if colW >= 40 {
		for i := 0; i < max(len(left), len(right)); i++ {
			var l, r string
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			lines = append(lines, padCell(l, colW, false)+r)
		}
	} else {
		lines = append(append(lines, left...), right...)
	}
	lines = append(lines, st.Title.Render("Commands (: then the command; tab completes)"))
	nameW := 0
	for _, cs := range commandSpecs() {
		nameW = max(nameW, ansi.StringWidth(":"+cs.name+" "+cs.args))
	}
	for _, cs := range commandSpecs() {
		name := ":" + cs.name
		if cs.args != "" {
			name += " " + cs.args
		}
		al := ""
		if len(cs.aliases) > 0 {
			al = st.Muted.Render("  (:" + strings.Join(cs.aliases, ", :") + ")")
		}
		lines = append(lines, "  "+st.FooterKey.Render(padCell(name, nameW, false))+" "+cs.help+al)
	}
	p.lines = lines
}

func (p *helpPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if m, ok := msg.(tea.KeyPressMsg); ok {
		k := p.c.Keys
		switch {
		case key.Matches(m, k.Down):
			p.offset++
		case key.Matches(m, k.Up):
			p.offset--
		case key.Matches(m, k.PageDown):
			p.offset += p.h
		case key.Matches(m, k.PageUp):
			p.offset -= p.h
		case key.Matches(m, k.Top):
			p.offset = 0
		case key.Matches(m, k.Bottom):
			p.offset = len(p.lines)
		}
		p.clamp()
	}
	return p, nil
}

func (p *helpPage) clamp() {
	p.offset = min(p.offset, max(len(p.lines)-p.h, 0))
	p.offset = max(p.offset, 0)
}

func (p *helpPage) View() string {
	end := min(p.offset+p.h, len(p.lines))
	out := make([]string, 0, p.h)
	for _, l := range p.lines[p.offset:end] {
		out = append(out, ansi.Truncate(l, p.w, "…"))
	}
	return strings.Join(out, "\n")
}

func (p *helpPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.build(w)
	p.clamp()
}

// Position tells how much of the help is below the screen.
func (p *helpPage) Position() string {
	if len(p.lines) <= p.h {
		return ""
	}
	return fmt.Sprintf("lines %d–%d of %d", p.offset+1, min(p.offset+p.h, len(p.lines)), len(p.lines))
}
func (p *helpPage) Title() string { return "Help" }
func (p *helpPage) KeyMap() []key.Binding {
	return []key.Binding{p.c.Keys.Down, p.c.Keys.Up}
}

func (p *helpPage) FullHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.PageDown, k.PageUp, k.Top, k.Bottom}
}
