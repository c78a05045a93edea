package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds the global bindings and the list bindings. Help (?) and the
// footer are generated from these, so a key documented is a key that works.
type KeyMap struct {
	// Global: handled by the root before the focused page.
	Command   key.Binding
	Filter    key.Binding
	Search    key.Binding // the same key as Filter, on detail pages
	Back      key.Binding
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
	Copy      key.Binding

	// Movement: used by tables and scrolling detail panes.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Open     key.Binding

	// Detail tabs (pages handle these).
	NextTab key.Binding
	PrevTab key.Binding

	// Sorting (tables).
	Sort        key.Binding
	SortReverse key.Binding

	// Input lines (command, filter, prompts).
	Accept   key.Binding
	Cancel   key.Binding
	Complete key.Binding
}

// DefaultKeyMap returns the bindings DESIGN.md §6 promises, with the vim and
// k9s aliases on-call engineers reach for first.
func DefaultKeyMap() *KeyMap {
	return &KeyMap{
		Command:   key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy ARN")),

		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup/ctrl+b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "space"), key.WithHelp("pgdn/ctrl+f/space", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),

		NextTab: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev tab")),

		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		SortReverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse")),

		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
	}
}
