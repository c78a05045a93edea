package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
)

// line is one row of a detail pane. Every detail tab is a list of lines:
// some are headings or text, some name a principal, group or policy that
// enter opens, some toggle a fold. The plain text is kept beside the styled
// one so the cursor row can be drawn reversed without fighting the inner
// colour codes, and so NO_COLOR and width arithmetic need no ANSI parsing.
type detailLine struct {
	plain  string
	styled string
	// skip makes a line text even when it carries a target.
	skip bool
	// node or arn is what enter opens; both empty for plain text.
	node *graph.Node
	arn  string
	// fold is an opaque key handed to the owner when enter is pressed on a
	// line that expands or collapses something (a service, an inline policy).
	fold string
	// value is a free slot for the owner (an action name, a version ID).
	value string
	// lazy renders the styled text on demand, for lists so long (an admin's
	// every action) that styling them all up front would lag; used when
	// styled is empty.
	lazy func() string
}

func detailBlank() detailLine { return detailLine{skip: true} }

// escape keeps a line that carries text a terminal would obey or hide (a
// name, tag or document value from the file holding an escape sequence, a
// newline or a bidi override) from reaching the screen raw: its plain text
// is escaped (termsafe) and drawn without colour, since the styled text
// carries the same characters unescaped. Every line passes here on its way
// into a detailList.
func (l *detailLine) escape() {
	if termsafe.Safe(l.plain) {
		return
	}
	l.plain = termsafe.Escape(l.plain)
	l.styled, l.lazy = "", nil
}

// styledText is the line's coloured text when it is the plain text plus
// styling and nothing else; otherwise (a renderer put into the styled text
// something its plain text lacks) the plain text, which escape has vetted.
func (l *detailLine) styledText() string {
	s := l.styled
	if s == "" && l.lazy != nil {
		s = l.lazy()
	}
	if s == "" || !sgrOver(s, l.plain) {
		return l.plain
	}
	return s
}

// sgrOver reports whether styled is plain with SGR sequences (lipgloss's
// colours and attributes, ESC [ … m) inserted and nothing else: no other
// escape sequence, no character plain lacks. It runs for every visible line
// of every frame, so it compares in place instead of stripping a copy.
func sgrOver(styled, plain string) bool {
	j := 0
	for i := 0; i < len(styled); {
		c := styled[i]
		if c == 0x1b {
			k := i + 1
			if k >= len(styled) || styled[k] != '[' {
				return false
			}
			k++
			for k < len(styled) && styled[k] >= 0x30 && styled[k] <= 0x3f { // parameter bytes
				k++
			}
			if k >= len(styled) || styled[k] != 'm' {
				return false
			}
			i = k + 1
			continue
		}
		if j >= len(plain) || plain[j] != c {
			return false
		}
		i++
		j++
	}
	return j == len(plain)
}

// selectable reports whether the cursor stops on the line: it must do
// something on enter (open, unfold, pick). Plain text is scrolled past, so
// the cursor is always where an action is.
func (l *detailLine) selectable() bool {
	return !l.skip && (l.node != nil || l.arn != "" || l.fold != "" || l.value != "")
}

// detailList is a cursor over lines with a scroll offset. The cursor stops
// only on selectable lines; text between them scrolls by, a line at a time,
// so a long document unfolded between two policies can still be read. When
// scrolling carries the cursor off the screen it is detached: nothing is
// selected until a movement key picks a visible line again. Only the
// visible window is rendered, so thousands of lines cost one screen.
type detailList struct {
	lines  []detailLine
	cursor int
	offset int
	xoff   int // horizontal scroll in cells, for long document lines
	width  int
	height int
	// search is the text / looks for; matches the lines holding it, in
	// order, and match the one n and N last moved to (see search.go).
	search  string
	matches []int
	match   int
}

func (l *detailList) setSize(w, h int) {
	l.width, l.height = w, max(h, 0)
	// A resize should not lose the selection: keep the cursor in view.
	if l.height > 0 && l.cursor >= 0 && l.cursor < len(l.lines) && l.lines[l.cursor].selectable() {
		l.reveal(l.cursor)
	}
	l.clampOffset()
	if l.current() == nil {
		l.pickVisible(1)
	}
}

// setLines replaces the content and keeps the cursor near where it was, so a
// fold toggled in the middle of a list does not throw the user to the top.
func (l *detailList) setLines(lines []detailLine) {
	for i := range lines {
		lines[i].escape()
	}
	l.lines = lines
	l.findMatches()
	l.clampOffset()
	if l.cursor >= len(lines) {
		l.cursor = len(lines) - 1
	}
	if l.current() == nil {
		l.pickVisible(1)
	}
}

// visible reports whether line i is in the window.
func (l *detailList) visible(i int) bool {
	return i >= 0 && i < len(l.lines) && i >= l.offset && i < l.offset+l.height
}

// current returns the selected line, or nil when none is (no selectable
// line, or the cursor scrolled off the screen).
func (l *detailList) current() *detailLine {
	if !l.visible(l.cursor) || !l.lines[l.cursor].selectable() {
		return nil
	}
	return &l.lines[l.cursor]
}

// move steps the cursor by dir (±1). The next selectable line is taken when
// it is on the screen or just below (above) it; further away, the window
// scrolls one line instead, so text in between is not skipped unseen.
func (l *detailList) move(dir int) {
	if l.current() == nil {
		if l.pickVisible(dir) {
			return
		}
		l.scroll(dir)
		l.pickVisible(dir)
		return
	}
	for i := l.cursor + dir; i >= 0 && i < len(l.lines); i += dir {
		if !l.lines[i].selectable() {
			continue
		}
		if l.visible(i) {
			l.cursor = i
			return
		}
		l.scroll(dir)
		if l.visible(i) {
			l.cursor = i
		}
		return
	}
	l.scroll(dir)
}

// scroll moves the window by n lines, within the content.
func (l *detailList) scroll(n int) {
	l.offset += n
	l.clampOffset()
}

// pickVisible selects the first selectable line on the screen, scanning
// from the top for dir > 0 and from the bottom otherwise.
func (l *detailList) pickVisible(dir int) bool {
	first, last := l.offset, min(l.offset+l.height, len(l.lines))-1
	if dir > 0 {
		for i := first; i <= last; i++ {
			if l.lines[i].selectable() {
				l.cursor = i
				return true
			}
		}
		return false
	}
	for i := last; i >= first; i-- {
		if l.lines[i].selectable() {
			l.cursor = i
			return true
		}
	}
	return false
}

// reveal scrolls so line i is on the screen.
func (l *detailList) reveal(i int) {
	if i < l.offset {
		l.offset = i
	}
	if i >= l.offset+l.height {
		l.offset = i - l.height + 1
	}
	l.clampOffset()
}

func (l *detailList) clampOffset() {
	l.offset = max(min(l.offset, len(l.lines)-l.height), 0)
}

func (l *detailList) page(dir int) {
	l.scroll(dir * max(l.height-1, 1))
	if l.current() == nil {
		l.pickVisible(dir)
	}
}

func (l *detailList) top() {
	l.offset = 0
	l.cursor = -1
	l.pickVisible(1)
}

func (l *detailList) bottom() {
	l.offset = len(l.lines)
	l.clampOffset()
	l.cursor = -1
	l.pickVisible(-1)
}

var (
	scrollLeft  = key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left"))
	scrollRight = key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right"))
)

// hscrollStep is how far left/right scroll a long line.
const hscrollStep = 8

// maxWidth is the widest line, for the right end of horizontal scroll.
func (l *detailList) maxWidth() int {
	w := 0
	for _, ln := range l.lines {
		w = max(w, ansi.StringWidth(ln.plain))
	}
	return w
}

// moveKeys are the keys handleMove handles, for the ? screen. Horizontal
// scrolling is listed only when a line is wider than the pane: otherwise
// the keys do nothing.
func (l *detailList) moveKeys(km *KeyMap) []key.Binding {
	keys := []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom}
	if l.maxWidth() >= l.width {
		keys = append(keys, scrollLeft, scrollRight)
	}
	return keys
}

// handleMove applies a movement key and reports whether it was one.
func (l *detailList) handleMove(msg tea.KeyPressMsg, km *KeyMap) bool {
	switch {
	case key.Matches(msg, km.Up):
		l.move(-1)
	case key.Matches(msg, km.Down):
		l.move(1)
	case key.Matches(msg, km.PageUp):
		l.page(-1)
	case key.Matches(msg, km.PageDown):
		l.page(1)
	case key.Matches(msg, km.Top):
		l.top()
	case key.Matches(msg, km.Bottom):
		l.bottom()
	case key.Matches(msg, scrollLeft):
		l.xoff = max(l.xoff-hscrollStep, 0)
	case key.Matches(msg, scrollRight):
		l.xoff = min(l.xoff+hscrollStep, max(l.maxWidth()-l.width+1, 0))
	default:
		return false
	}
	return true
}

// handleWheel scrolls on a mouse wheel (only sent with --mouse) and
// reports whether msg was one.
func (l *detailList) handleWheel(msg tea.Msg) bool {
	w, ok := msg.(tea.MouseWheelMsg)
	if !ok {
		return false
	}
	switch w.Button {
	case tea.MouseWheelUp:
		l.scroll(-3)
	case tea.MouseWheelDown:
		l.scroll(3)
	default:
		return false
	}
	if l.current() == nil {
		l.pickVisible(1)
	}
	return true
}

// openCmd returns the navigation command for the line under the cursor, or
// nil when it names nothing.
func (l *detailList) openCmd() tea.Cmd {
	cur := l.current()
	switch {
	case cur == nil:
		return nil
	case cur.node != nil:
		return Cmd(OpenNodeMsg{Node: cur.node})
	case cur.arn != "":
		return Cmd(OpenARNMsg{ARN: cur.arn})
	}
	return nil
}

// selectedNode is the node under the cursor, for y (copy ARN).
func (l *detailList) selectedNode() *graph.Node {
	if cur := l.current(); cur != nil {
		return cur.node
	}
	return nil
}

// view renders exactly height lines of at most width cells. Long lines are
// cut with "…" rather than wrapped, so the layout never shifts.
func (l *detailList) view(st *Styles, focused bool) string {
	if l.height <= 0 {
		return ""
	}
	rows := make([]string, 0, l.height)
	for i := l.offset; i < len(l.lines) && len(rows) < l.height; i++ {
		ln := l.lines[i]
		if focused && i == l.cursor && ln.selectable() {
			plain := ln.plain
			if l.xoff > 0 {
				plain = ansi.Cut(plain, l.xoff, l.xoff+l.width+1)
			}
			rows = append(rows, st.TableSelected.Render(padWidth(cutWidth(plain, l.width), l.width)))
			continue
		}
		var s string
		if l.isMatch(i) {
			s = highlightMatches(st, ln.plain, l.search)
		} else {
			s = ln.styledText()
		}
		if l.xoff > 0 {
			s = ansi.Cut(s, l.xoff, l.xoff+l.width+1)
		}
		rows = append(rows, cutWidth(s, l.width))
	}
	for len(rows) < l.height {
		rows = append(rows, "")
	}
	return strings.Join(rows, "\n")
}

// scrollHint says where the window is in a long list ("12-31 of 240"), for
// the line under a pane; empty when everything fits.
func (l *detailList) scrollHint() string {
	if len(l.lines) <= l.height || l.height <= 0 {
		return ""
	}
	end := min(l.offset+l.height, len(l.lines))
	return strconv.Itoa(l.offset+1) + "-" + strconv.Itoa(end) + " of " + strconv.Itoa(len(l.lines))
}

// cutWidth cuts s (which may carry ANSI codes) to width cells with "…".
func cutWidth(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// padWidth pads plain text with spaces to width cells.
func padWidth(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}
