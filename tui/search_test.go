package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/hostile"
)

// / on a detail page searches the focused pane, as less does: the letters
// typed go into the search line (never run as keys of the page), the lines
// holding the text are highlighted, n and N step through them, enter keeps
// the search and esc clears it before it goes back.
//
// https://man7.org/linux/man-pages/man1/less.1.html (/pattern, n, N)
func TestSlashSearchesDetailPanes(t *testing.T) {
	cases := []struct {
		name     string
		size     [2]int
		open     []string // keys from the users list to the pane
		search   string
		then     []string // n and N pressed after enter
		minMatch int      // the fixture must give the search this many matches
		crumbEnd string   // the page must still be this one
	}{
		{name: "policy document: letters that are keys (q, 2, v) are search text", size: [2]int{100, 30},
			open: []string{":policies", "enter", "enter"}, search: "Allow", then: []string{"n"}, minMatch: 1, crumbEnd: "policy/AdministratorAccess"},
		{name: "policy document: no match says so", size: [2]int{80, 24},
			open: []string{":policies", "enter", "enter"}, search: "q2v", crumbEnd: "policy/AdministratorAccess"},
		{name: "user overview: n steps to the next match and wraps", size: [2]int{100, 30},
			open: []string{"enter"}, search: "admin", then: []string{"n", "n", "n"}, minMatch: 2, crumbEnd: "user/alice"},
		{name: "user overview: N steps back and wraps", size: [2]int{80, 24},
			open: []string{"enter"}, search: "ADMIN", then: []string{"N"}, minMatch: 2, crumbEnd: "user/alice"},
		{name: "role trust tab", size: [2]int{100, 30},
			open: []string{":roles", "enter", "/BreakGlass", "enter", "enter", "4"}, search: "multifactor", then: []string{"n", "N", "N"}, minMatch: 1,
			crumbEnd: "role/BreakGlass"},
		{name: "user permissions tab", size: [2]int{80, 24},
			open: []string{"enter", "3"}, search: "s3", then: []string{"N", "N"}, minMatch: 1, crumbEnd: "user/alice"},
		{name: "group detail", size: [2]int{80, 24},
			open: []string{":groups", "enter", "enter"}, search: "alice", then: []string{"n"}, minMatch: 1, crumbEnd: "group/Admins"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestModel(t, testGraph(t), c.size[0], c.size[1])
			h.keys(c.open...)
			h.keys("/" + c.search)
			if h.quit {
				t.Fatal("a letter typed after / ran as a key")
			}
			last := h.line(c.size[1] - 1)
			if !strings.HasPrefix(last, "/"+c.search) {
				t.Fatalf("search line = %q, want /%s", last, c.search)
			}
			h.keys("enter")
			pane := searchOf(h.m.top())
			n := len(matchesSlow(pane.lines, c.search))
			if n < c.minMatch {
				t.Fatalf("%d lines hold %q, the case needs %d", n, c.search, c.minMatch)
			}
			want := "no match for /" + c.search
			if n > 0 {
				want = fmt.Sprintf("match 1/%d for /%s", n, c.search)
			}
			if got := h.line(c.size[1] - 1); got != want {
				t.Errorf("after enter the status line = %q, want %q", got, want)
			}
			at := 0
			for _, k := range c.then {
				h.keys(k)
				if k == "n" {
					at = (at + 1) % n
				} else {
					at = (at - 1 + n) % n
				}
				want := fmt.Sprintf("match %d/%d for /%s", at+1, n, c.search)
				if got := h.line(c.size[1] - 1); got != want {
					t.Errorf("after %s the status line = %q, want %q", k, got, want)
				}
				// The current match is on the screen.
				i := pane.matches[pane.match]
				shown := []rune(strings.TrimSpace(pane.lines[i].plain))
				if !pane.visible(i) || !strings.Contains(h.screen(), string(shown[:min(len(shown), 20)])) {
					t.Errorf("after %s match line %d (%q) is not on the screen:\n%s", k, i, pane.lines[i].plain, h.screen())
				}
			}
			if !strings.Contains(h.crumbs(), c.crumbEnd) {
				t.Errorf("crumbs %q: the search left the page %s", h.crumbs(), c.crumbEnd)
			}
			// esc clears the search and stays; the next esc goes back.
			depth := len(h.m.stack)
			h.keys("esc")
			if len(h.m.stack) != depth || strings.Contains(h.line(c.size[1]-1), "for /") {
				t.Errorf("esc with a search did not just clear it: depth %d → %d, status %q", depth, len(h.m.stack), h.line(c.size[1]-1))
			}
			h.keys("esc")
			if len(h.m.stack) != depth-1 {
				t.Errorf("esc after clearing the search did not go back")
			}
		})
	}
}

// The matches are drawn in the match style, and only the matching text.
func TestSearchHighlightsOnlyTheMatch(t *testing.T) {
	m := New(context.Background(), Options{Source: "test", Graph: testGraph(t)})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.keys(":policies", "enter", "enter", "/allow", "enter")
	want := m.c.Styles.Match.Render("Allow")
	if !strings.Contains(m.View().Content, want) {
		t.Errorf("the match is not drawn in the match style %q:\n%q", want, m.View().Content)
	}
	if strings.Count(m.View().Content, want) != 1 {
		t.Errorf("%d highlighted matches, want 1", strings.Count(m.View().Content, want))
	}
}

// matchesSlow is the obvious search: every line whose text, lower-cased,
// holds the lower-cased needle.
func matchesSlow(lines []detailLine, needle string) []int {
	var out []int
	for i, l := range lines {
		if needle != "" && strings.Contains(strings.ToLower(l.plain), strings.ToLower(needle)) {
			out = append(out, i)
		}
	}
	return out
}

// isMatch (a binary search over the matches, asked for every drawn line)
// agrees with the obvious scan for every line and every needle.
func TestIsMatchAgreesWithScan(t *testing.T) {
	var l detailList
	var lines []detailLine
	for _, s := range []string{"Allow", "alloW s3:*", "Deny", "", "allowed", "x", "ALLOW"} {
		lines = append(lines, detailLine{plain: s})
	}
	l.setLines(lines)
	l.setSize(80, 3)
	for _, needle := range []string{"allow", "x", "deny", "zzz", "", "s3:*"} {
		l.setSearch(needle)
		slow := matchesSlow(l.lines, needle)
		for i := range l.lines {
			want := false
			for _, j := range slow {
				want = want || j == i
			}
			if l.isMatch(i) != want {
				t.Errorf("needle %q line %d: isMatch %v, scan %v", needle, i, l.isMatch(i), want)
			}
		}
	}
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// A search over text from a hostile file highlights its escaped form: the
// frame carries the explorer's colours (SGR) and nothing else a terminal
// would obey, even when the match cuts through an escape sequence the file
// holds.
func TestSearchHighlightKeepsHostileTextEscaped(t *testing.T) {
	g, err := graph.Build([]*model.Snapshot{hostile.Snapshot()}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, needle := range []string{"Sid", "8m", "FORGED", "]52", "blue"} {
		for _, who := range []string{hostile.ARN("policy", hostile.Policy), hostile.ARN("user", hostile.User), hostile.ARN("role", hostile.Role)} {
			m := New(context.Background(), Options{Source: "hostile", Graph: g})
			h := &harness{t: t, m: m}
			h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
			h.send(OpenNodeMsg{Node: g.Node(who)})
			for _, tab := range []string{"1", "2", "3", "4"} {
				h.keys(tab, "/"+needle)
				h.keys("enter", "n")
				frame := sgr.ReplaceAllString(m.View().Content, "")
				for i, line := range strings.Split(frame, "\n") {
					if !termsafe.Safe(line) {
						t.Errorf("search %q on %s tab %s: line %d reaches the terminal raw: %q", needle, who[:40], tab, i, line)
					}
				}
				h.keys("esc")
			}
		}
	}
}
