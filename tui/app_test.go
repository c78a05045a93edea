package tui

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
)

// Screens at fixed sizes. Golden files live in testdata/golden and are
// refreshed with: go test ./tui -update
func TestGoldenScreens(t *testing.T) {
	g := testGraph(t)
	tests := []struct {
		name string
		w, h int
		keys []string
	}{
		{"users_100x30", 100, 30, nil},
		{"users_80x24", 80, 24, nil},
		{"roles_120x30", 120, 30, []string{":roles", "enter"}},
		{"policies_100x24", 100, 24, []string{":policies", "enter"}},
		{"groups_100x24", 100, 24, []string{":groups", "enter"}},
		{"users_filtered", 100, 24, []string{"/", "b"}},
		{"users_sorted_by_key_use_desc", 100, 24, []string{"sssss", "S"}},
		{"help_100x40", 100, 40, []string{"?"}},
		{"command_completion", 100, 24, []string{":", "ro"}},
		{"warnings", 100, 24, []string{":warnings", "enter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestModel(t, g, tt.w, tt.h)
			h.keys(tt.keys...)
			h.golden(tt.name)
		})
	}
}

// Each screen line fits the terminal and the screen has exactly its height,
// at the minimum size and larger, on every top-level view.
func TestScreenFitsTerminal(t *testing.T) {
	g := testGraph(t)
	for _, size := range [][2]int{{80, 24}, {81, 25}, {120, 40}, {200, 60}} {
		for _, cmd := range []string{":users", ":groups", ":roles", ":policies", ":warnings", ":help"} {
			h := newTestModel(t, g, size[0], size[1])
			h.keys(cmd, "enter")
			lines := strings.Split(h.screen(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%s at %dx%d: %d lines, want %d", cmd, size[0], size[1], len(lines), size[1])
			}
			for i, l := range lines {
				if w := len([]rune(l)); w > size[0] {
					t.Errorf("%s at %dx%d: line %d is %d wide: %q", cmd, size[0], size[1], i, w, l)
				}
			}
		}
	}
}

func TestTooSmallTerminal(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 30)
	for _, size := range [][2]int{{79, 24}, {80, 23}, {40, 10}} {
		h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		got := h.screen()
		want := "terminal too small (need 80×24, have " + itoa2(size[0]) + "×" + itoa2(size[1]) + ")"
		if size[0] < len([]rune(want)) {
			want = string([]rune(want)[:size[0]-1]) + "…"
		}
		if got != want {
			t.Errorf("at %dx%d: got %q, want %q", size[0], size[1], got, want)
		}
	}
	// Growing back restores the explorer where it was.
	h.keys("j")
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if !strings.Contains(h.screen(), "NAME") || !strings.HasSuffix(h.line(29), "user/bob") {
		t.Errorf("after growing back, want the users list with bob selected; got:\n%s", h.screen())
	}
}

func itoa2(n int) string { return fmtInt(n) }

func TestResizePropagatesToPages(t *testing.T) {
	h := newTestModel(t, testGraph(t), 120, 40)
	h.keys(":roles", "enter")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	lines := strings.Split(h.screen(), "\n")
	if len(lines) != 24 {
		t.Fatalf("got %d lines after resize, want 24", len(lines))
	}
	header := lines[headerLines+crumbLines]
	if !strings.HasPrefix(header, "NAME") || len([]rune(header)) > 80 {
		t.Errorf("table header after resize = %q", header)
	}
	h.send(tea.WindowSizeMsg{Width: 160, Height: 50})
	if n := len(strings.Split(h.screen(), "\n")); n != 50 {
		t.Errorf("got %d lines after growing, want 50", n)
	}
}

func TestFilterIsLiveAndEscClears(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 24)
	h.keys("/", "c")
	if s := h.screen(); !strings.Contains(s, "ci-bot") || strings.Contains(s, "zed ") || strings.Contains(s, "\nbob") {
		t.Fatalf("after /c, want only rows containing c (alice, ci-bot); got:\n%s", s)
	}
	if !strings.Contains(h.line(23), "/c") {
		t.Errorf("the filter line should show /c, got %q", h.line(23))
	}
	h.keys("i-") // live: narrows as typed
	if s := h.screen(); strings.Contains(s, "alice") || !strings.Contains(s, "ci-bot") {
		t.Fatalf("after /ci-, want only ci-bot; got:\n%s", s)
	}
	h.keys("enter")
	if !strings.Contains(h.crumbs(), "/ci-") {
		t.Errorf("an accepted filter shows in the breadcrumbs; got %q", h.crumbs())
	}
	h.keys("esc") // esc in normal mode clears the filter before going back
	if s := h.screen(); !strings.Contains(s, "alice") || !strings.Contains(s, "zed") {
		t.Fatalf("esc should clear the filter; got:\n%s", s)
	}
	h.keys("/", "nobody-has-this", "esc")
	if s := h.screen(); !strings.Contains(s, "alice") {
		t.Fatalf("esc while filtering should clear it; got:\n%s", s)
	}
	h.keys("/", "zzz", "enter")
	if s := h.screen(); !strings.Contains(s, "no rows match /zzz") {
		t.Errorf("an empty result says why; got:\n%s", s)
	}
}

func TestFilterModeTypesGlobalKeys(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 24)
	h.keys("/", "q?:y")
	if h.quit {
		t.Fatal("q in filter mode must type, not quit")
	}
	if !strings.Contains(h.line(23), "/q?:y") {
		t.Errorf("filter line = %q, want /q?:y", h.line(23))
	}
}

func TestQuitKeys(t *testing.T) {
	g := testGraph(t)
	for _, seq := range [][]string{{"q"}, {"ctrl+c"}, {":", "ctrl+c"}, {":quit", "enter"}, {":q", "enter"}} {
		h := newTestModel(t, g, 100, 24)
		h.keys(seq...)
		if !h.quit {
			t.Errorf("%v did not quit", seq)
		}
	}
}

func TestDrillInAndBack(t *testing.T) {
	h := newTestModel(t, testGraph(t), 120, 30)
	h.keys(":roles", "enter", "/", "Deploy", "enter", "down", "enter")
	// GitHubDeploy sorts after DeployRole: the cursor was moved to it.
	if c := h.crumbs(); !strings.HasPrefix(c, "Roles › ") || !strings.Contains(c, "GitHubDeploy") {
		t.Fatalf("breadcrumbs after drilling in = %q", c)
	}
	if len(h.m.stack) != 2 {
		t.Fatalf("stack depth %d, want 2", len(h.m.stack))
	}
	h.keys("esc")
	if c := h.crumbs(); !strings.HasPrefix(c, "Roles  /Deploy") {
		t.Errorf("back on the list with its filter; crumbs = %q", c)
	}
	if !strings.HasSuffix(h.line(29), "role/GitHubDeploy") {
		t.Errorf("the cursor stays on the row we came from; status line = %q", h.line(29))
	}
	h.keys("esc", "esc") // clear filter, then at the root: a hint, not an exit
	if h.quit || len(h.m.stack) != 1 || !strings.Contains(h.line(29), "q quits") {
		t.Errorf("esc at the root should hint; quit=%v depth=%d status=%q", h.quit, len(h.m.stack), h.line(29))
	}
}

func TestEnterOpensTheRightDetail(t *testing.T) {
	g := testGraph(t)
	tests := []struct {
		name string
		keys []string
		want string // ARN of the node the pushed page is about (via its title)
	}{
		{"user opens principal page", []string{"enter"}, "alice"},
		{"group opens group page", []string{":groups", "enter", "enter"}, "Admins"},
		{"policy opens policy page", []string{":policies", "enter", "enter"}, "AdministratorAccess"},
		{"role opens principal page", []string{":roles", "enter", "enter"}, "AppServer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestModel(t, g, 100, 24)
			h.keys(tt.keys...)
			if len(h.m.stack) != 2 || !strings.Contains(h.m.top().Title(), tt.want) {
				t.Errorf("stack depth %d, top title %q; want a page about %s", len(h.m.stack), h.m.top().Title(), tt.want)
			}
		})
	}
}

func TestSortKeys(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 24)
	names := func() string {
		var out []string
		for _, l := range strings.Split(h.screen(), "\n")[headerLines+crumbLines+1:] {
			if f := strings.Fields(l); len(f) > 0 && (f[0] == "alice" || f[0] == "bob" || f[0] == "ci-bot" || f[0] == "zed") {
				out = append(out, f[0])
			}
		}
		return strings.Join(out, " ")
	}
	if got := names(); got != "alice bob ci-bot zed" {
		t.Errorf("default order = %s", got)
	}
	h.keys("S")
	if got := names(); got != "zed ci-bot bob alice" {
		t.Errorf("S reverses: %s", got)
	}
	h.keys("ssss") // NAME → GROUPS → MFA → PASSWORD USED → KEYS (ascending)
	if got := names(); got != "zed alice ci-bot bob" {
		t.Errorf("sorted by active keys = %s (want 0, 1, 1, 2 with ties by name)", got)
	}
	if !strings.Contains(h.crumbs(), "sort KEYS↑") {
		t.Errorf("crumbs should name the sort column: %q", h.crumbs())
	}
}

func TestCommands(t *testing.T) {
	g := testGraph(t)
	tests := []struct {
		name      string
		keys      []string
		wantCrumb string
		wantLine  string // substring of the status line
	}{
		{"list command replaces the stack", []string{"enter", ":roles", "enter"}, "Roles", ""},
		{"alias", []string{":pol", "enter"}, "Policies", ""},
		{"tab completes a command name", []string{":", "gr", "tab", "enter"}, "Groups", ""},
		{"unknown command explains", []string{":frobnicate", "enter"}, "Users", "unknown command :frobnicate"},
		{"can with an unknown principal", []string{":can nobody s3:GetObject", "enter"}, "Users", "nobody"},
		{"whocan rejects a non-action", []string{":whocan GetObject", "enter"}, "Users", "expected SERVICE:ACTION"},
		{"whocan rejects a pattern, as the command line does", []string{":whocan s3:Get*", "enter"}, "Users", "not a pattern"},
		{"can rejects a pattern, as the command line does", []string{":can alice s3:*", "enter"}, "Users", "not a pattern"},
		{"whocan without arguments prompts", []string{":whocan", "enter"}, "Users", "who can — ACTION [RESOURCE]:"},
		{"history recalls the last command", []string{":roles", "enter", ":users", "enter", ":", "up", "up", "enter"}, "Roles", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestModel(t, g, 100, 24)
			h.keys(tt.keys...)
			if !strings.HasPrefix(h.crumbs(), tt.wantCrumb) {
				t.Errorf("crumbs = %q, want prefix %q", h.crumbs(), tt.wantCrumb)
			}
			if !strings.Contains(h.line(23), tt.wantLine) {
				t.Errorf("status line = %q, want %q", h.line(23), tt.wantLine)
			}
		})
	}
}

func TestWhoCanAndCanPushPages(t *testing.T) {
	g := testGraph(t)
	for _, seq := range [][]string{
		{":whocan s3:GetObject arn:aws:s3:::bucket/key", "enter"},
		{":whocan", "enter", "s3:GetObject", "enter"},
		{":can alice s3:GetObject", "enter"},
		{":can alice", "enter", "s3:GetObject *", "enter"},
		{":", "can al", "tab", "iam:PassRole", "enter"},
	} {
		h := newTestModel(t, g, 100, 24)
		h.keys(seq...)
		if len(h.m.stack) != 2 {
			t.Errorf("%q: stack depth %d, want 2 (status %q)", seq, len(h.m.stack), h.line(23))
		}
		if h.m.mode != modeNormal {
			t.Errorf("%q: left in mode %d", seq, h.m.mode)
		}
	}
}

func TestCopySelectedARN(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 24)
	h.keys("j")
	_, cmd := h.m.Update(keyMsgs("y")[0])
	if cmd == nil {
		t.Fatal("y returned no command")
	}
	// tea.SetClipboard's message type is private; check what the user sees.
	if got := h.line(23); got != "copied arn:aws:iam::111122223333:user/bob (OSC 52)" {
		t.Errorf("status after y = %q", got)
	}
}

func TestHelpIsGeneratedFromKeyMaps(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 44) // tall enough for every command
	h.keys("?")
	s := h.screen()
	for _, b := range h.m.helpBindings(h.m.stack[0]) {
		if !strings.Contains(s, b.Help().Key) {
			t.Errorf("help lacks %q", b.Help().Key)
		}
	}
	for _, c := range commandSpecs() {
		if !strings.Contains(s, ":"+c.name) {
			t.Errorf("help lacks :%s", c.name)
		}
	}
	h.keys("esc")
	if len(h.m.stack) != 1 {
		t.Errorf("esc should close help")
	}
}

func TestLoadingShowsProgressThenList(t *testing.T) {
	g := testGraph(t)
	release := make(chan struct{})
	m := New(context.Background(), Options{Source: "live", NoColor: true,
		Load: func(ctx context.Context, report func(Progress)) (*graph.Graph, error) {
			report(Progress{Stream: "users", Items: 340, Pages: 2, Counted: true})
			report(Progress{Stream: "credential report", Done: true, Warning: "AccessDenied"})
			<-release
			return g, nil
		}})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
	// Feed loading messages by hand: the command each returns waits for the
	// next one, which the harness would run and block on.
	wait := m.Init()
	m.Update(wait()) // users
	m.Update(wait()) // credential report
	s := h.screen()
	for _, want := range []string{"loading live", "users", "340", "(2 pages)", "credential report", "skipped: AccessDenied"} {
		if !strings.Contains(s, want) {
			t.Errorf("loading view lacks %q:\n%s", want, s)
		}
	}
	close(release)
	h.send(m.waitLoad()())
	if !strings.HasPrefix(h.crumbs(), "Users") {
		t.Errorf("after loading, want the users list; got:\n%s", h.screen())
	}
}

func TestLoadFailureScreen(t *testing.T) {
	m := New(context.Background(), Options{Source: "live", NoColor: true,
		Load: func(ctx context.Context, report func(Progress)) (*graph.Graph, error) {
			return nil, errors.New("get caller identity: no EC2 IMDS role found, operation error ec2imds: failed to refresh cached credentials")
		}})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
	h.send(m.Init()())
	h.golden("load_failure_credentials")
	s := h.screen()
	for _, want := range []string{"could not load", "iamx --demo", "iamx --snapshot FILE", "aws sts get-caller-identity"} {
		if !strings.Contains(s, want) {
			t.Errorf("failure screen lacks %q", want)
		}
	}
	if m.LoadErr() == nil {
		t.Error("LoadErr should report the failure")
	}
	h.keys("q")
	if !h.quit {
		t.Error("q should quit from the failure screen")
	}
}

// sgrColour matches SGR colour parameters: 30–37, 38;…, 39, 40–49, 90–97,
// 100–107.
var sgrColour = regexp.MustCompile(`\x1b\[([0-9;]*;)?(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m`)

// https://no-color.org: with NO_COLOR set, no colour — but reverse video for
// the selection stays, or the cursor would vanish.
func TestNoColor(t *testing.T) {
	g := testGraph(t)
	for _, noColor := range []bool{true, false} {
		m := New(context.Background(), Options{Graph: g, NoColor: noColor})
		h := &harness{t: t, m: m}
		h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
		h.keys(":roles", "enter")
		raw := m.View().Content
		hasColour := sgrColour.MatchString(raw)
		if noColor && hasColour {
			t.Errorf("NO_COLOR: found colour codes: %q", sgrColour.FindString(raw))
		}
		if !noColor && !hasColour {
			t.Errorf("colour on: found no colour codes")
		}
		if !strings.Contains(raw, "\x1b[7m") {
			t.Errorf("noColor=%v: the selected row should be reverse video", noColor)
		}
	}
}

func TestMouseOnlyWithFlag(t *testing.T) {
	g := testGraph(t)
	for _, mouse := range []bool{false, true} {
		m := New(context.Background(), Options{Graph: g, NoColor: true, Mouse: mouse})
		h := &harness{t: t, m: m}
		h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
		if got := m.View().MouseMode != tea.MouseModeNone; got != mouse {
			t.Errorf("mouse=%v: view mouse mode %v", mouse, m.View().MouseMode)
		}
		// Click the third data row: body starts after header and crumbs, plus the table header.
		h.send(tea.MouseClickMsg{X: 2, Y: headerLines + crumbLines + 1 + 2, Button: tea.MouseLeft})
		sel := m.top().(Selector).Selected().Name
		if mouse && sel != "ci-bot" || !mouse && sel != "alice" {
			t.Errorf("mouse=%v: selected %s after click", mouse, sel)
		}
	}
}

// ctrl+c while loading quits and cancels the load's context, so a live
// capture stops its requests.
func TestCtrlCCancelsLoading(t *testing.T) {
	cancelled := make(chan struct{})
	m := New(context.Background(), Options{Source: "live", NoColor: true,
		Load: func(ctx context.Context, report func(Progress)) (*graph.Graph, error) {
			<-ctx.Done()
			close(cancelled)
			return nil, ctx.Err()
		}})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
	m.Init()
	if !strings.Contains(h.screen(), "loading live") {
		t.Fatalf("want the loading view, got:\n%s", h.screen())
	}
	h.keys("ctrl+c")
	if !h.quit {
		t.Error("ctrl+c did not quit while loading")
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the load's context was not cancelled")
	}
}
