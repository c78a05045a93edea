package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/hostile"
)

// hostileModel is the explorer over the hostile account with every style
// empty: the explorer's own styling then writes no escape sequence, so any
// control character in a frame came from the file.
func hostileModel(t *testing.T) (*harness, *graph.Graph) {
	t.Helper()
	g, err := graph.Build([]*model.Snapshot{hostile.Snapshot()}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := New(context.Background(), Options{Source: "hostile" + hostile.Payload, NoColor: true})
	*m.c.Styles = Styles{NoColor: true}
	m.setGraph(g)
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	return h, g
}

// assertSafeFrame fails when the frame holds a character a terminal would
// obey or hide, or a line that a name's newline started.
func assertSafeFrame(t *testing.T, scene string, frame string) {
	t.Helper()
	for i, line := range strings.Split(frame, "\n") {
		if !termsafe.Safe(line) {
			t.Errorf("%s: line %d reaches the terminal raw: %q", scene, i, line)
		}
		if strings.HasPrefix(strings.TrimLeft(line, " │├└─▶◀▸▾"), hostile.Forged) {
			t.Errorf("%s: line %d was forged by a newline in a name: %q", scene, i, line)
		}
	}
}

// Every view of the explorer over a file whose strings carry escape
// sequences (SGR 8 conceal, OSC 52), C1 controls, DEL, bidi overrides and
// newlines shows them escaped: the backdoor admin's row is drawn, nothing
// is written to the clipboard but what y copies, and no row is forged.
//
// https://invisible-island.net/xterm/ctlseqs/ctlseqs.html
// https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters
func TestHostileNamesAreShownEscaped(t *testing.T) {
	byName := func(g *graph.Graph, arn string) *graph.Node {
		n := g.Node(arn)
		if n == nil {
			t.Fatalf("no node %q", arn)
		}
		return n
	}
	cases := []struct {
		name  string
		open  func(g *graph.Graph) tea.Msg // first message after start, nil for the users list
		steps [][]string                   // key sequences; the frame is checked after each
	}{
		{name: "lists", steps: [][]string{{}, {"?"}, {"esc"}, {":groups", "enter"}, {":roles", "enter"}, {":policies", "enter"},
			{":warnings", "enter"}, {"/zzz"}, {"enter"}, {":users", "enter"}}},
		{name: "user explain", open: func(g *graph.Graph) tea.Msg {
			return OpenNodeMsg{Node: byName(g, hostile.ARN("user", hostile.User))}
		}, steps: [][]string{{"6", "e", "s3:GetObject", "tab", "arn:aws:s3:::bucket/x", "enter"}, {"pgdown"}, {"pgdown"}}},
		{name: "role explain", open: func(g *graph.Graph) tea.Msg {
			return OpenNodeMsg{Node: byName(g, hostile.ARN("role", hostile.Role))}
		}, steps: [][]string{{"6", "e", "sts:AssumeRole", "enter"}, {"pgdown"}}},
		{name: "group detail", open: func(g *graph.Graph) tea.Msg {
			return OpenNodeMsg{Node: byName(g, hostile.ARN("group", hostile.Group))}
		}, steps: [][]string{{}, {"j"}, {"enter"}, {"j", "j", "enter"}, {"pgdown"}}},
		{name: "policy detail", open: func(g *graph.Graph) tea.Msg {
			return OpenNodeMsg{Node: byName(g, hostile.ARN("policy", hostile.Policy))}
		}, steps: [][]string{{}, {"pgdown"}, {"l"}, {"v"}, {"2"}, {"j"}, {"3"}, {"j"}, {"?"}}},
		{name: "who-can", steps: [][]string{{":whocan s3:GetObject", "enter"}, {"j"}, {"enter"}}},
		{name: "can", open: func(g *graph.Graph) tea.Msg {
			return canMsg{byName(g, hostile.ARN("user", hostile.User))}
		}, steps: [][]string{{}, {"pgdown"}, {"pgdown"}}},
		{name: "unknown ARN in the status line", open: func(g *graph.Graph) tea.Msg {
			return OpenARNMsg{ARN: hostile.ARN("user", "nobody"+hostile.Payload)}
		}},
		{name: "completion ghost", steps: [][]string{{":open ev"}, {"tab"}}},
	}
	// Every tab of the user and the role: scrolled, unfolded, and with
	// enter on its first line (which may open another page).
	for _, who := range []string{hostile.ARN("user", hostile.User), hostile.ARN("role", hostile.Role)} {
		for tab := 1; tab <= 5; tab++ {
			cases = append(cases, struct {
				name  string
				open  func(g *graph.Graph) tea.Msg
				steps [][]string
			}{name: fmt.Sprintf("%s tab %d", who[strings.LastIndexByte(who[:30], ':')+1:][:4], tab),
				open:  func(g *graph.Graph) tea.Msg { return OpenNodeMsg{Node: byName(g, who)} },
				steps: [][]string{{fmt.Sprint(tab)}, {"a"}, {"pgdown"}, {"pgdown"}, {"g", "enter"}, {"?"}, {"esc"}, {"j", "enter"}}})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, g := hostileModel(t)
			if c.open != nil {
				msg := c.open(g)
				if cm, ok := msg.(canMsg); ok {
					h.m.push(NewCanPage(h.m.c, cm.n, "s3:GetObject", "arn:aws:s3:::bucket"+hostile.Payload))
				} else {
					h.send(msg)
				}
			}
			assertSafeFrame(t, "opened", h.m.View().Content)
			for _, keys := range c.steps {
				h.keys(keys...)
				assertSafeFrame(t, fmt.Sprint(keys), h.m.View().Content)
			}
		})
	}
}

type canMsg struct{ n *graph.Node }

// A name with a newline stays on its row, the row of the backdoor admin is
// drawn (SGR 8 would conceal it), and y copies the escaped ARN, never raw
// escape sequences a shell would run on paste.
func TestHostileRowStaysOneRowAndCopiesEscaped(t *testing.T) {
	h, _ := hostileModel(t)
	h.keys(":roles", "enter")
	var rows []string
	for _, l := range strings.Split(h.m.View().Content, "\n") {
		if strings.HasPrefix(l, "backdoor") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 1 || !strings.Contains(rows[0], `backdoor\x1b[8m`) || !strings.Contains(rows[0], "admin") {
		t.Fatalf("the backdoor role should be one visible row marked admin, got %q", rows)
	}
	_, cmd := h.m.Update(keyMsgs("y")[0])
	if cmd == nil {
		t.Fatal("y returned no command")
	}
	copied := fmt.Sprint(cmd()) // tea.SetClipboard's message is a private string type
	if want := termsafe.Escape(hostile.ARN("role", hostile.Role)); copied != want {
		t.Errorf("y copied %q, want %q", copied, want)
	}
	assertSafeFrame(t, "after y", h.m.View().Content)
}

// A detail line's styled text is drawn only when it is its (escaped) plain
// text with SGR styling inserted; anything else falls back to the plain text.
//
// https://invisible-island.net/xterm/ctlseqs/ctlseqs.html#h3-Functions-using-CSI-_-ordered-by-the-final-character_s_
func TestStyledTextIsPlainTextPlusSGR(t *testing.T) {
	cases := []struct {
		name, styled, plain string
		want                bool
	}{
		{"colour and bold around the text", "\x1b[1;32mALLOW\x1b[m  decided", "ALLOW  decided", true},
		{"no styling at all", "alice", "alice", true},
		{"a character the plain text lacks", "\x1b[1malice\x1b[m!", "alice", false},
		{"text missing from the styled line", "ali", "alice", false},
		{"an OSC sequence is not styling", "\x1b]52;c;eA==\x07alice", "alice", false},
		{"a CSI that is not SGR (erase display)", "\x1b[2Jalice", "alice", false},
		{"a lone ESC", "alice\x1b", "alice", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sgrOver(c.styled, c.plain); got != c.want {
				t.Errorf("sgrOver(%q, %q) = %v, want %v", c.styled, c.plain, got, c.want)
			}
			l := detailLine{plain: c.plain, styled: c.styled}
			if got := l.styledText(); (got == c.styled) != c.want {
				t.Errorf("styledText() = %q", got)
			}
		})
	}
}

// The loading and load-failure screens quote stream warnings and the
// loader's error, which may quote the file: they are escaped too.
func TestHostileLoadingAndFailureScreens(t *testing.T) {
	release := make(chan struct{})
	m := New(context.Background(), Options{Source: "file" + hostile.Payload, NoColor: true,
		Load: func(ctx context.Context, report func(Progress)) (*graph.Graph, error) {
			report(Progress{Stream: "users", Items: 3, Counted: true})
			report(Progress{Stream: "credential report", Done: true, Warning: "denied" + hostile.Payload})
			report(Progress{Stream: "roles", Err: errors.New("bad" + hostile.Payload)})
			<-release
			return nil, errors.New("roles[0] (" + hostile.Role + "): not JSON" + hostile.Payload)
		}})
	*m.c.Styles = Styles{NoColor: true}
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	wait := m.Init()
	for range 3 {
		m.Update(wait())
	}
	assertSafeFrame(t, "loading", m.View().Content)
	if !strings.Contains(m.View().Content, `denied\x1b[8m`) {
		t.Errorf("loading view does not show the warning escaped:\n%s", m.View().Content)
	}
	close(release)
	h.send(m.waitLoad()())
	if m.LoadErr() == nil {
		t.Fatal("load should have failed")
	}
	// The failure screen wraps the error as prose (white space, newlines
	// included, is collapsed first, as SDK errors span lines), so a word may
	// begin a line there: only raw control characters are checked.
	for i, line := range strings.Split(m.View().Content, "\n") {
		if !termsafe.Safe(line) {
			t.Errorf("load failure: line %d reaches the terminal raw: %q", i, line)
		}
	}
}
