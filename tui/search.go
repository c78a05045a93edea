package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
)

// Search inside a detail pane, as in less and k9s: / opens a search line,
// every line holding the text is highlighted as it is typed, the window
// jumps to the first match at or below the top of the screen, n and N step
// to the next and previous match (wrapping), esc clears. Lists narrow with
// their filter instead; detail panes keep every line, since the lines
// around a match (its statement, its policy) are what explain it.

// searcher is implemented by detail pages: the pane / searches, or nil
// where the focused tab has no text to search (the Explain form).
type searcher interface {
	searchPane() *detailList
}

var (
	searchNext = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match"))
	searchPrev = key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match"))
)

// searchOf returns the pane of p that / searches, or nil.
func searchOf(p Page) *detailList {
	if s, ok := p.(searcher); ok {
		return s.searchPane()
	}
	return nil
}

// setSearch sets the text searched for (case-insensitive) and moves to the
// first match from the top of the window down, wrapping; empty clears.
func (l *detailList) setSearch(text string) {
	l.search = text
	l.findMatches()
	if len(l.matches) == 0 {
		l.match = -1
		return
	}
	l.match = 0
	for i, m := range l.matches {
		if m >= l.offset {
			l.match = i
			break
		}
	}
	l.showMatch()
}

// findMatches lists the lines holding the search text. It runs when the
// text or the lines change, never per frame.
func (l *detailList) findMatches() {
	l.matches = l.matches[:0]
	if l.search == "" {
		return
	}
	needle := strings.ToLower(l.search)
	for i, ln := range l.lines {
		if strings.Contains(strings.ToLower(ln.plain), needle) {
			l.matches = append(l.matches, i)
		}
	}
	if l.match >= len(l.matches) {
		l.match = len(l.matches) - 1
	}
}

// nextMatch steps dir (±1) through the matches, wrapping.
func (l *detailList) nextMatch(dir int) {
	if len(l.matches) == 0 {
		return
	}
	l.match = (l.match + dir + len(l.matches)) % len(l.matches)
	l.showMatch()
}

// showMatch scrolls the current match into view, a few lines below the top
// so its context shows, and puts the cursor on it when it is selectable.
func (l *detailList) showMatch() {
	i := l.matches[l.match]
	if !l.visible(i) {
		l.offset = i - min(3, l.height/4)
		l.clampOffset()
	}
	if l.lines[i].selectable() {
		l.cursor = i
	} else if l.current() == nil {
		l.pickVisible(1)
	}
}

// isMatch reports whether line i holds the search text.
func (l *detailList) isMatch(i int) bool {
	if len(l.matches) == 0 {
		return false
	}
	lo, hi := 0, len(l.matches)
	for lo < hi {
		mid := (lo + hi) / 2
		if l.matches[mid] < i {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo < len(l.matches) && l.matches[lo] == i
}

// searchStatus says where the search is: "2/5 'admin'" or "no match".
func (l *detailList) searchStatus() string {
	if l.search == "" {
		return ""
	}
	if len(l.matches) == 0 {
		return "no match for /" + l.search
	}
	return "match " + strconv.Itoa(l.match+1) + "/" + strconv.Itoa(len(l.matches)) + " for /" + l.search
}

// highlightMatches draws a matching line from its plain text — which
// escape has made safe to print — with every occurrence of the search text
// in the match style. The styled text is not used: its colour codes sit
// between the characters a match spans.
func highlightMatches(st *Styles, plain, search string) string {
	lower, needle := strings.ToLower(plain), strings.ToLower(search)
	if needle == "" || len(lower) != len(plain) {
		// Lower-casing changed byte lengths (rare letters): highlight the
		// whole line rather than risk cutting a character in two.
		return st.Match.Render(plain)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, needle)
		if i < 0 {
			b.WriteString(plain)
			return b.String()
		}
		b.WriteString(plain[:i])
		b.WriteString(st.Match.Render(plain[i : i+len(needle)]))
		plain, lower = plain[i+len(needle):], lower[i+len(needle):]
	}
}
