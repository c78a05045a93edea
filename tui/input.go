package tui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/internal/termsafe"
)

// lineInput is the one-line editor under the command, filter and prompt
// modes. It is deliberately small: no blinking cursor (which would redraw
// the screen on a timer) and the editing keys of a shell.
type lineInput struct {
	value []rune
	pos   int
}

func (in *lineInput) String() string { return string(in.value) }

func (in *lineInput) Set(s string) {
	in.value = []rune(s)
	in.pos = len(in.value)
}

// Update applies an editing key or pasted text; it reports whether the text
// changed.
func (in *lineInput) Update(msg tea.Msg) (changed bool) {
	before := string(in.value)
	switch msg := msg.(type) {
	case tea.PasteMsg:
		in.insert(strings.Join(strings.Fields(msg.Content), " "))
	case tea.KeyPressMsg:
		switch msg.String() {
		case "backspace", "ctrl+h":
			if in.pos > 0 {
				in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
				in.pos--
			}
		case "delete", "ctrl+d":
			if in.pos < len(in.value) {
				in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
			}
		case "left", "ctrl+b":
			in.pos = max(in.pos-1, 0)
		case "right", "ctrl+f":
			in.pos = min(in.pos+1, len(in.value))
		case "home", "ctrl+a":
			in.pos = 0
		case "end", "ctrl+e":
			in.pos = len(in.value)
		case "ctrl+u":
			in.value = append([]rune(nil), in.value[in.pos:]...)
			in.pos = 0
		case "ctrl+k":
			in.value = in.value[:in.pos]
		case "ctrl+w", "alt+backspace":
			i := in.pos
			for i > 0 && unicode.IsSpace(in.value[i-1]) {
				i--
			}
			for i > 0 && !unicode.IsSpace(in.value[i-1]) {
				i--
			}
			in.value = append(in.value[:i], in.value[in.pos:]...)
			in.pos = i
		default:
			if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
				in.insert(msg.Text)
			}
		}
	}
	return string(in.value) != before
}

func (in *lineInput) insert(s string) {
	r := []rune(s)
	v := make([]rune, 0, len(in.value)+len(r))
	v = append(v, in.value[:in.pos]...)
	v = append(v, r...)
	v = append(v, in.value[in.pos:]...)
	in.value = v
	in.pos += len(r)
}

// View renders the text with a block cursor. When the text is wider than
// width, its start is cut so the cursor stays visible. ghost, shown muted
// after the cursor when the cursor is at the end, is a completion hint.
//
// The text is shown escaped (termsafe): it may be a name completed from the
// file, or pasted.
func (in *lineInput) View(s *Styles, width int, ghost string) string {
	before := termsafe.Escape(string(in.value[:in.pos]))
	at, after := " ", ""
	if in.pos < len(in.value) {
		at = termsafe.Escape(string(in.value[in.pos]))
		after = termsafe.Escape(string(in.value[in.pos+1:]))
	} else if ghost != "" {
		g := []rune(ghost)
		at = termsafe.Escape(string(g[0]))
		after = s.Completion.Render(termsafe.Escape(string(g[1:])))
	}
	out := before + s.TableSelected.Render(at) + after
	if over := ansi.StringWidth(out) - width; over > 0 && width > 1 {
		return "…" + ansi.TruncateLeft(out, over+1, "")
	}
	return out
}
