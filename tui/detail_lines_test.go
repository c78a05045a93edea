package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// lines builds a list from a picture: "*" lines are selectable (they carry
// a fold), others are text.
func testLines(spec ...string) []detailLine {
	out := make([]detailLine, len(spec))
	for i, s := range spec {
		out[i] = detailLine{plain: s}
		if strings.HasPrefix(s, "*") {
			out[i].fold = s
		}
	}
	return out
}

// The cursor of a detail pane stops only where enter does something, and
// never skips text the user has not seen (DESIGN.md §6: never lost).
func TestDetailListMovement(t *testing.T) {
	st := NewStyles(true)
	km := DefaultKeyMap()
	cases := []struct {
		name    string
		lines   []detailLine
		height  int
		keys    []string
		current string // plain text of the selected line; "" for none
		offset  int
	}{
		{"starts on the first selectable line", testLines("head", "*a", "text", "*b"), 4, nil, "*a", 0},
		{"down skips text on the screen", testLines("head", "*a", "text", "*b"), 4, []string{"down"}, "*b", 0},
		{"up skips text back", testLines("head", "*a", "text", "*b"), 4, []string{"down", "up"}, "*a", 0},
		{"text below the screen scrolls in a line at a time", testLines("*a", "t1", "t2", "t3", "*b"), 3, []string{"down"}, "", 1},
		{"the next line is taken once it scrolls into view", testLines("*a", "t1", "t2", "t3", "*b"), 3, []string{"down", "down"}, "*b", 2},
		{"scrolling past the cursor detaches it", testLines("*a", "t1", "t2", "t3", "t4"), 2, []string{"down", "down"}, "", 2},
		{"a text-only pane scrolls", testLines("t1", "t2", "t3", "t4"), 2, []string{"down", "down", "down"}, "", 2},
		{"bottom selects the last visible selectable line", testLines("*a", "t1", "*b", "t2", "*c", "t3"), 3, []string{"G"}, "*c", 3},
		{"top returns to the start", testLines("*a", "t1", "*b", "t2", "*c", "t3"), 3, []string{"G", "g"}, "*a", 0},
		{"page down moves a screen and picks a visible line", testLines("*a", "t1", "t2", "t3", "*b", "t4", "t5"), 3, []string{"pgdown"}, "*b", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var l detailList
			l.setSize(20, tc.height)
			l.setLines(tc.lines)
			l.top()
			for _, k := range tc.keys {
				if !l.handleMove(detailKey(k), km) {
					t.Fatalf("key %q not handled", k)
				}
			}
			got := ""
			if cur := l.current(); cur != nil {
				got = cur.plain
			}
			if got != tc.current || l.offset != tc.offset {
				t.Errorf("selected %q at offset %d, want %q at %d\n%s", got, l.offset, tc.current, tc.offset, l.view(st, true))
			}
			if n := len(strings.Split(l.view(st, true), "\n")); n != tc.height {
				t.Errorf("view is %d lines, want %d", n, tc.height)
			}
		})
	}
}

// Long lines are cut with "…"; right/left scroll them.
func TestDetailListHorizontalScroll(t *testing.T) {
	st := NewStyles(true)
	km := DefaultKeyMap()
	var l detailList
	l.setSize(10, 1)
	l.setLines(testLines("0123456789abcdefghij"))
	if got := ansi.Strip(l.view(st, true)); got != "012345678…" {
		t.Fatalf("cut line %q", got)
	}
	l.handleMove(detailKey("right"), km)
	if got := ansi.Strip(l.view(st, true)); got != "89abcdefg…" {
		t.Fatalf("scrolled line %q", got)
	}
	l.handleMove(detailKey("left"), km)
	if got := ansi.Strip(l.view(st, true)); got != "012345678…" {
		t.Fatalf("scrolled back %q", got)
	}
}

// The tab bar shrinks inactive tabs to their number before cutting, so the
// active tab's name stays readable on a narrow terminal.
func TestTabBarNarrow(t *testing.T) {
	st := NewStyles(true)
	tb := newTabBar("Overview", "Policies", "Permissions", "Trust", "Chains", "Explain")
	tb.active = 2
	cases := []struct {
		width int
		want  string
	}{
		{80, "1 Overview │ 2 Policies │ 3 Permissions │ 4 Trust │ 5 Chains │ 6 Explain"},
		{40, "1 │ 2 │ 3 Permissions │ 4 │ 5 │ 6"},
		{12, "1 │ 2 │ 3 P…"},
	}
	for _, tc := range cases {
		if got := ansi.Strip(tb.view(st, tc.width)); got != tc.want {
			t.Errorf("width %d: %q, want %q", tc.width, got, tc.want)
		}
	}
}
