package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/internal/termsafe"
)

// copy puts text on the system clipboard with OSC 52 (tea.SetClipboard),
// which works over SSH and in tmux with set-clipboard on, and says so in the
// status line, since terminals that ignore OSC 52 give no sign. The text is
// escaped first: an ARN from the file holding a newline or an escape
// sequence would otherwise run in the shell it is pasted into.
func (m *Model) copy(text string) tea.Cmd {
	text = termsafe.Escape(text)
	if text == "" {
		m.setStatus("nothing to copy", true)
		return nil
	}
	m.setStatus("copied "+text+" (OSC 52)", false)
	return tea.SetClipboard(text)
}
