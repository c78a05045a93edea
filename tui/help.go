package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpPage is the ? screen, generated from the key maps and the command
// list, so it cannot drift from what the keys do.
type helpPage struct {
	c      *Common
	lines  []string
	offset int
	w, h   int
}

func newHelpPage(c *Common, under Page) *helpPage {
	st := c.Styles
	k := c.Keys
	var lines []string
	section := func(title string, bs []key.Binding) {
		if len(bs) == 0 {
			return
		}
		lines = append(lines, st.Title.Render(title))
		seen := map[string]bool{}
		for _, b := range bs {
			h := b.Help()
			if h.Key == "" || seen[h.Key] {
				continue
			}
			seen[h.Key] = true
			lines = append(lines, fmt.Sprintf("  %s %s", st.FooterKey.Render(fmt.Sprintf("%-12s", h.Key)), h.Desc))
		}
		lines = append(lines, "")
	}
	if under != nil {
		section("This view — "+under.Title(), under.KeyMap())
	}
	section("Global", k.GlobalHelp())
	section("Moving", k.MoveHelp())
	lines = append(lines, st.Title.Render("Commands (type : then the command; tab completes)"))
	for _, cs := range commandSpecs() {
		name := ":" + cs.name
		if cs.args != "" {
			name += " " + cs.args
		}
		al := ""
		if len(cs.aliases) > 0 {
			al = st.Muted.Render("  (also :" + strings.Join(cs.aliases, ", :") + ")")
		}
		lines = append(lines, fmt.Sprintf("  %s %s%s", st.FooterKey.Render(fmt.Sprintf("%-36s", name)), cs.help, al))
	}
	lines = append(lines, "",
		st.Title.Render("Filter"),
		"  / narrows the list as you type: every word must appear in some column.",
		"  enter keeps the filter, esc clears it.",
		"",
		st.Muted.Render("esc closes this help"))
	return &helpPage{c: c, lines: lines}
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

func (p *helpPage) SetSize(w, h int) { p.w, p.h = w, h; p.clamp() }
func (p *helpPage) Title() string    { return "Help" }
func (p *helpPage) KeyMap() []key.Binding {
	return []key.Binding{p.c.Keys.Down, p.c.Keys.Up}
}
