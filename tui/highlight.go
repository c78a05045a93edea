package tui

import (
	"bytes"
	"encoding/json"
	"strings"

	"charm.land/lipgloss/v2"
)

// docLine is one line of a rendered document: the plain text (for width,
// search and the selected-row rendering) and the same text with colour.
type docLine struct {
	plain  string
	styled string
}

// jsonPalette maps JSON token classes to styles. It borrows the explorer's
// palette so a policy document reads in the same colours as the rest of the
// screen: keys like header labels, strings like allowed things, literals like
// warnings; "Deny" stands out the way an explicit deny does everywhere else.
type jsonPalette struct {
	key, str, literal, punct, allow, deny lipgloss.Style
}

func newJSONPalette(st *Styles) jsonPalette {
	return jsonPalette{
		key:     st.HeaderKey,
		str:     st.OK,
		literal: st.Warning,
		punct:   st.Muted,
		allow:   st.OK.Inherit(st.Strong),
		deny:    st.Error,
	}
}

// highlightJSON pretty-prints a policy document and colours it token by
// token. Text that is not valid JSON is shown as it is, uncoloured, so a
// document the loader could not parse is still readable. Under NO_COLOR the
// styled text equals the plain text.
func highlightJSON(doc []byte, st *Styles) []docLine {
	var buf bytes.Buffer
	text := string(doc)
	valid := json.Indent(&buf, bytes.TrimSpace(doc), "", "  ") == nil
	if valid {
		text = buf.String()
	}
	text = strings.ReplaceAll(text, "\t", "  ")
	raw := strings.Split(strings.TrimRight(text, "\n"), "\n")
	out := make([]docLine, len(raw))
	pal := newJSONPalette(st)
	for i, l := range raw {
		l = strings.TrimRight(l, "\r")
		out[i] = docLine{plain: l, styled: l}
		if valid && !st.NoColor {
			out[i].styled = highlightJSONLine(l, pal)
		}
	}
	return out
}

// highlightJSONLine colours one line of indented JSON. json.Indent puts at
// most one key and one scalar on a line, but the scanner does not rely on
// it: it classifies every token it meets.
func highlightJSONLine(l string, pal jsonPalette) string {
	var b strings.Builder
	lastKey := ""
	for i := 0; i < len(l); {
		c := l[i]
		switch {
		case c == ' ':
			j := i
			for j < len(l) && l[j] == ' ' {
				j++
			}
			b.WriteString(l[i:j])
			i = j
		case c == '"':
			j := endOfString(l, i)
			tok := l[i:j]
			if isKey(l, j) {
				b.WriteString(pal.key.Render(tok))
				lastKey = tok
			} else {
				b.WriteString(valueStyle(pal, lastKey, tok).Render(tok))
			}
			i = j
		case strings.IndexByte("{}[],:", c) >= 0:
			b.WriteString(pal.punct.Render(string(c)))
			i++
		default:
			j := i
			for j < len(l) && strings.IndexByte(" {}[],:\"", l[j]) < 0 {
				j++
			}
			b.WriteString(pal.literal.Render(l[i:j]))
			i = j
		}
	}
	return b.String()
}

// valueStyle picks the style of a string value; an Effect's value gets the
// allow or deny colour so a Deny statement is visible at a glance.
func valueStyle(pal jsonPalette, key, tok string) lipgloss.Style {
	if key == `"Effect"` {
		switch tok {
		case `"Allow"`:
			return pal.allow
		case `"Deny"`:
			return pal.deny
		}
	}
	return pal.str
}

// endOfString returns the index just past the closing quote of the string
// starting at i, honouring backslash escapes; an unterminated string runs to
// the end of the line.
func endOfString(l string, i int) int {
	for j := i + 1; j < len(l); j++ {
		switch l[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(l)
}

// isKey reports whether the string ending at j is an object key: the next
// non-space character is a colon.
func isKey(l string, j int) bool {
	for ; j < len(l); j++ {
		if l[j] != ' ' {
			return l[j] == ':'
		}
	}
	return false
}
