package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// tabBar is the row of tab names at the top of a detail page. Tabs switch
// with tab / shift+tab (wrapping) and with their number keys, so "6" always
// means Explain on a role and a user alike, whatever tabs came before.
type tabBar struct {
	names  []string
	keys   []string // the number key of each tab, "1".."9"
	active int
}

func newTabBar(names ...string) tabBar {
	t := tabBar{names: names}
	for i := range names {
		t.keys = append(t.keys, strconv.Itoa(i+1))
	}
	return t
}

// newTabBarKeys is newTabBar with a fixed number key per tab, for pages
// whose tabs vary by kind (a user has no Trust tab) but whose numbers should
// not: 6 is Explain everywhere.
func newTabBarKeys(names, keys []string) tabBar {
	return tabBar{names: names, keys: keys}
}

// update handles a tab-switching key and reports whether it did.
func (t *tabBar) update(msg tea.KeyPressMsg, km *KeyMap) bool {
	switch {
	case key.Matches(msg, km.NextTab):
		t.active = (t.active + 1) % len(t.names)
		return true
	case key.Matches(msg, km.PrevTab):
		t.active = (t.active + len(t.names) - 1) % len(t.names)
		return true
	}
	for i, k := range t.keys {
		if msg.String() == k {
			t.active = i
			return true
		}
	}
	return false
}

// selectName makes the tab called name active, if there is one.
func (t *tabBar) selectName(name string) {
	for i, n := range t.names {
		if n == name {
			t.active = i
		}
	}
}

func (t tabBar) activeName() string { return t.names[t.active] }

// view renders the bar in one line of at most width cells. When the full
// names do not fit, inactive tabs shrink to their number so the active name
// stays readable; as a last resort the line is cut with "…".
func (t tabBar) view(st *Styles, width int) string {
	render := func(short bool) (string, int) {
		var b strings.Builder
		w := 0
		for i, n := range t.names {
			if i > 0 {
				b.WriteString(st.Muted.Render(" │ "))
				w += 3
			}
			label := t.keys[i] + " " + n
			if short && i != t.active {
				label = t.keys[i]
			}
			if i == t.active {
				b.WriteString(st.TabActive.Render(label))
			} else {
				b.WriteString(st.Tab.Render(label))
			}
			w += ansi.StringWidth(label)
		}
		return b.String(), w
	}
	s, w := render(false)
	if w > width {
		s, w = render(true)
	}
	if w > width {
		s = ansi.Truncate(s, width, "…")
	}
	return s
}

// keyBindings describes the tab keys for the footer and help screen: "1-6"
// when the numbers run on, "1-3,5,6" when a tab is absent (a user has no
// Trust tab, and 4 does nothing there).
func (t tabBar) keyBindings(km *KeyMap) []key.Binding {
	return []key.Binding{
		km.NextTab, km.PrevTab,
		key.NewBinding(key.WithKeys(t.keys...), key.WithHelp(numberRanges(t.keys), "go to tab")),
	}
}

// numberRanges writes single-digit keys as ranges: "1-3,5,6".
func numberRanges(keys []string) string {
	var parts []string
	for i := 0; i < len(keys); {
		j := i
		for j+1 < len(keys) && len(keys[j+1]) == 1 && len(keys[j]) == 1 && keys[j+1][0] == keys[j][0]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, keys[i]+"-"+keys[j])
		case j > i:
			parts = append(parts, keys[i], keys[j])
		default:
			parts = append(parts, keys[i])
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
