package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// DESIGN.md §8: a keypress to a redrawn frame under 16 ms on a 10,000-row
// list. Each iteration is one key through the root model's Update and a
// full View of the 120×40 screen. Run:
//
//	go test ./tui -run '^$' -bench KeyToView -count 5
func BenchmarkKeyToView(b *testing.B) {
	g, err := graph.Build([]*model.Snapshot{bigSnapshot(b, 10000)}, graph.Options{})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		list string
		keys []tea.KeyPressMsg
	}{
		{"roles/down", ":roles", keyMsgs("j")},
		{"users/down", ":users", keyMsgs("j")},
		{"roles/pagedown", ":roles", keyMsgs("pgdown")},
		{"roles/sort", ":roles", keyMsgs("s")},
		// Typing into the filter refilters all 10,000 rows on every key.
		{"roles/filter-keystroke", ":roles", append(keyMsgs("/"), keyMsgs("svc-0")...)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := newTestModel(b, g, 120, 40)
			h.keys(c.list, "enter")
			h.m.View() // first frame (builds the list) is not the measured case
			prefix := 0
			if c.keys[0].Text == "/" {
				h.send(c.keys[0])
				prefix = 1
			}
			keys := c.keys[prefix:]
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := keys[i%len(keys)]
				if prefix == 1 && i%len(keys) == 0 && i > 0 {
					h.m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) // clear the filter line
				}
				h.m.Update(k)
				_ = h.m.View()
			}
		})
	}
}

// BenchmarkOpenList measures building a 10,000-row list (first :roles),
// which happens once per list per session.
func BenchmarkOpenList(b *testing.B) {
	g, err := graph.Build([]*model.Snapshot{bigSnapshot(b, 10000)}, graph.Options{})
	if err != nil {
		b.Fatal(err)
	}
	c := &Common{Graph: g, Styles: NewStyles(true), Keys: DefaultKeyMap()}
	b.Run("roles", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			NewRolesPage(c)
		}
	})
	b.Run("users", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			NewUsersPage(c)
		}
	})
}
