package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

// Model-level tests of the detail views: build a page over the demo
// account, send keys, compare the body text at a fixed size. Golden files
// live in testdata/detail_*.golden; refresh with go test ./tui -update and
// review the diff like code.

const (
	detailW = 80
	detailH = 20 // the body of an 80×24 terminal under the header and footer
)

// detailCommon returns the shared dependencies over the demo account, with
// NO_COLOR styles so goldens hold the text a user reads.
func detailCommon(t testing.TB) *Common {
	t.Helper()
	return detailCommonColor(t, true)
}

func detailCommonColor(t testing.TB, noColor bool) *Common {
	t.Helper()
	snap, err := loader.Demo()
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	g, err := graph.Build([]*model.Snapshot{snap}, graph.Options{})
	if err != nil {
		t.Fatalf("build demo graph: %v", err)
	}
	return &Common{Graph: g, Styles: NewStyles(noColor), Keys: DefaultKeyMap()}
}

func detailNode(t testing.TB, c *Common, name string) *graph.Node {
	t.Helper()
	n, err := c.Graph.Resolve(name)
	if err != nil {
		t.Fatalf("resolve %s: %v", name, err)
	}
	return n
}

// detailKey turns a key name as bubbles/key spells it ("enter", "shift+tab",
// "G", "x") into the message the terminal would send.
func detailKey(s string) tea.KeyPressMsg {
	named := map[string]tea.Key{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"pgdown":    {Code: tea.KeyPgDown},
		"pgup":      {Code: tea.KeyPgUp},
		"home":      {Code: tea.KeyHome},
		"end":       {Code: tea.KeyEnd},
		"backspace": {Code: tea.KeyBackspace},
		"space":     {Code: tea.KeySpace, Text: " "},
	}
	if k, ok := named[s]; ok {
		return tea.KeyPressMsg(k)
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// detailType sends each rune of s as a key press.
func detailType(p Page, s string) Page {
	for _, r := range s {
		p, _ = p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return p
}

// detailPress sends keys and returns the page and the messages of the last
// command, run synchronously.
func detailPress(p Page, keys ...string) (Page, tea.Msg) {
	var last tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		p, cmd = p.Update(detailKey(k))
		last = nil
		if cmd != nil {
			last = cmd()
		}
		// A tab's data computed off the key loop comes back to the page
		// through the root, which this stands in for.
		if r, ok := last.(pageResultMsg); ok && r.to == p {
			p, cmd = p.Update(r.msg)
			last = nil
			if cmd != nil {
				last = cmd()
			}
		}
	}
	return p, last
}

func detailSized(p Page, w, h int) Page {
	p.SetSize(w, h)
	return p
}

// golden compares got with testdata/NAME.golden, or rewrites it with -update.
func detailGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./tui -update to create it): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from %s (go test ./tui -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

// screen writes a text capture for the README under testdata/screens when
// -update is set.
func detailScreen(t *testing.T, name, got string) {
	t.Helper()
	if !*update {
		return
	}
	dir := filepath.Join("testdata", "screens")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(got), 0o644); err != nil {
		t.Fatal(err)
	}
}

// detailFits fails when the view is not exactly h lines of at most w cells:
// a detail must never wrap or push the footer off the screen.
func detailFits(t *testing.T, what, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", what, len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("%s: line %d is %d cells wide, want ≤ %d: %q", what, i+1, got, w, ansi.Strip(l))
		}
	}
}

// detailSGR matches one SGR escape sequence.
var detailSGR = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// detailHasColour reports whether s sets a foreground or background colour (SGR
// 30–49, 90–107), as opposed to attributes such as bold or reverse, which
// NO_COLOR keeps.
func detailHasColour(s string) bool {
	for _, m := range detailSGR.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, err := strconv.Atoi(p)
			if err == nil && ((n >= 30 && n <= 49) || (n >= 90 && n <= 107)) {
				return true
			}
		}
	}
	return false
}
