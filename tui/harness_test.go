package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// harness drives the root model as the Bubble Tea runtime would: each
// message goes through Update, and the commands it returns are run at once
// and their messages fed back, so navigation messages from pages take
// effect. tea.Quit is recorded instead of ending anything.
type harness struct {
	t    testing.TB
	m    *Model
	quit bool
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	queue := []tea.Msg{msg}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 100 {
			h.t.Fatalf("message loop did not settle")
		}
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			h.quit = true
			continue
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if c != nil {
					queue = append(queue, c())
				}
			}
			continue
		}
		_, cmd := h.m.Update(msg)
		if cmd != nil {
			queue = append(queue, cmd())
		}
	}
}

// keys sends key presses written as bubbletea names ("enter", "esc",
// "shift+tab", "ctrl+c") or as literal text, one key per rune ("/alice").
func (h *harness) keys(seq ...string) {
	h.t.Helper()
	for _, s := range seq {
		for _, k := range keyMsgs(s) {
			h.send(k)
		}
	}
}

func keyMsgs(s string) []tea.KeyPressMsg {
	named := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"backspace": {Code: tea.KeyBackspace},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"pgdown":    {Code: tea.KeyPgDown},
		"pgup":      {Code: tea.KeyPgUp},
		"space":     {Code: tea.KeySpace, Text: " "},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
		"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
	}
	if k, ok := named[s]; ok {
		return []tea.KeyPressMsg{k}
	}
	var out []tea.KeyPressMsg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// screen is the view as plain text, trailing spaces trimmed per line.
func (h *harness) screen() string {
	h.t.Helper()
	v := ansi.Strip(h.m.View().Content)
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// line returns screen line i (0-based).
func (h *harness) line(i int) string {
	lines := strings.Split(h.screen(), "\n")
	if i >= len(lines) {
		return ""
	}
	return lines[i]
}

func (h *harness) crumbs() string { return h.line(headerLines) }

// golden compares the screen with testdata/golden/NAME.txt, rewriting it
// with -update.
func (h *harness) golden(name string) {
	h.t.Helper()
	got := h.screen() + "\n"
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("read golden file (run go test ./tui -update to create it): %v", err)
	}
	if got != string(want) {
		h.t.Errorf("screen differs from %s (run go test ./tui -update after checking):\n--- got ---\n%s--- want ---\n%s", path, got, want)
	}
}
