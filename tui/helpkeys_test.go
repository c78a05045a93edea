package tui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyUniverse is every key a user might try: printable ASCII and the named
// keys the explorer could bind.
func keyUniverse() []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for r := rune(' ' + 1); r < 0x7f; r++ {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	for _, name := range []string{"enter", "esc", "tab", "shift+tab", "backspace", "up", "down", "pgdown", "pgup", "space", "ctrl+c", "ctrl+u"} {
		out = append(out, keyMsgs(name)...)
	}
	out = append(out,
		tea.KeyPressMsg{Code: tea.KeyLeft}, tea.KeyPressMsg{Code: tea.KeyRight},
		tea.KeyPressMsg{Code: tea.KeyHome}, tea.KeyPressMsg{Code: tea.KeyEnd},
		tea.KeyPressMsg{Code: 'b', Mod: tea.ModCtrl}, tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl})
	return out
}

// The ? screen lists every key that does something on the page under it,
// and only those: for each page, every key of the universe is pressed in a
// fresh explorer, at the top and at the bottom of the page; a key that
// changed the screen (or quit) must be listed, and a listed key (but for
// movement, which needs a page longer than the screen) must have changed
// it in one of the two places.
func TestHelpListsEveryKeyThatWorksAndOnlyThose(t *testing.T) {
	g := testGraph(t)
	pages := [][]string{
		{},
		{"enter"}, {"enter", "2"}, {"j", "enter", "3"}, {"enter", "5"}, {"enter", "6"},
		{":roles", "enter", "enter", "4"},
		{":policies", "enter", "enter"}, {":policies", "enter", "enter", "2"}, {":policies", "enter", "enter", "3"},
		{":groups", "enter", "enter"},
		{":whocan s3:GetObject", "enter"},
		{":can alice s3:GetObject", "enter"},
		{":warnings", "enter"},
		{":policies", "enter", "j", "enter"}, {":policies", "enter", "j", "enter", "3"}, // two versions
		{"?"}, {"enter", "?"},
	}
	for _, prep := range pages {
		t.Run(strings.Join(prep, " "), func(t *testing.T) {
			h := newTestModel(t, g, 100, 30)
			h.keys(prep...)
			listed := h.m.helpBindings(h.m.top())
			worked := map[string]bool{}
			for _, k := range keyUniverse() {
				for _, start := range [][]string{nil, {"G"}} {
					h := newTestModel(t, g, 100, 30)
					h.keys(prep...)
					h.keys(start...)
					before := h.m.View().Content // with styling: the cursor row is drawn reversed
					h.send(k)
					if h.quit || h.m.View().Content != before {
						worked[k.String()] = true
						break
					}
				}
				isListed := false
				for _, b := range listed {
					isListed = isListed || key.Matches(k, b)
				}
				if worked[k.String()] && !isListed {
					t.Errorf("%q works but ? does not list it", k.String())
				}
			}
			moves := map[string]bool{}
			km := DefaultKeyMap()
			for _, b := range []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom} {
				moves[b.Help().Key] = true
			}
			for _, b := range listed {
				if moves[b.Help().Key] {
					continue // a short page has nowhere to move: listed where the page handles them
				}
				any := false
				for _, k := range b.Keys() {
					any = any || worked[k]
				}
				if !any {
					t.Errorf("? lists %q (%s) but it does nothing", b.Help().Key, b.Help().Desc)
				}
			}
		})
	}
}
