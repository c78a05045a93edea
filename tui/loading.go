package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/internal/termsafe"
)

// loadingView shows one line per stream while the account loads, fed by
// Progress messages from the loading tea.Cmd.
type loadingView struct {
	st      *Styles
	source  string
	order   []string
	streams map[string]Progress
	w, h    int
}

func newLoadingView(st *Styles, source string) *loadingView {
	return &loadingView{st: st, source: source, streams: map[string]Progress{}}
}

func (l *loadingView) Update(p Progress) {
	if _, ok := l.streams[p.Stream]; !ok {
		l.order = append(l.order, p.Stream)
	}
	l.streams[p.Stream] = p
}

func (l *loadingView) SetSize(w, h int) { l.w, l.h = w, h }

func (l *loadingView) View() string {
	st := l.st
	src := l.source
	if src == "" {
		src = "account"
	}
	lines := []string{st.Title.Render("iamx — loading " + termsafe.Escape(src) + " …"), ""}
	width := 0
	for _, s := range l.order {
		width = max(width, ansi.StringWidth(s))
	}
	for _, s := range l.order {
		p := l.streams[s]
		var state string
		switch {
		case p.Err != nil:
			state = st.Error.Render("failed: " + oneLineText(p.Err.Error()))
		case p.Warning != "":
			state = st.Warning.Render("skipped: " + oneLineText(p.Warning))
		case p.Done:
			state = st.OK.Render("done")
		default:
			state = st.Muted.Render("…")
		}
		count := ""
		if p.Counted {
			count = fmt.Sprintf("%7d", p.Items)
			if p.Pages > 1 {
				count += st.Muted.Render(fmt.Sprintf(" (%d pages)", p.Pages))
			}
		}
		lines = append(lines, fmt.Sprintf("  %-*s %s  %s", width, s, count, state))
	}
	lines = append(lines, "", st.Muted.Render("ctrl+c cancels"))
	for i, line := range lines {
		lines[i] = ansi.Truncate(line, l.w, "…")
	}
	return strings.Join(lines, "\n")
}
