// Package tui is iamx's terminal explorer: a Bubble Tea program over the
// account graph. It presents; it never evaluates policy itself (graph does)
// and never does I/O except through tea.Cmd.
package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// Page is one screen of the body: a list or a detail. The root model owns the
// header, footer, breadcrumbs, modes and the back stack; a page owns only its
// body area. Modeled on soft-serve's common.Component.
type Page interface {
	// Update gets key messages only when the root is in normal mode and the
	// key is not global (or always, while the page is Capturing).
	Update(msg tea.Msg) (Page, tea.Cmd)
	// View renders exactly the body area: the width×height last given to SetSize.
	View() string
	SetSize(width, height int)
	// Title is the breadcrumb segment, e.g. "role/DeployRole" or "Users".
	Title() string
	// KeyMap lists this page's own keys, for the footer and the ? help screen.
	KeyMap() []key.Binding
}

// FullHelper is implemented by pages that handle more keys than their
// footer hints (KeyMap) name — movement, scrolling: the ? screen lists
// these too, so it names every key the page handles.
type FullHelper interface {
	FullHelp() []key.Binding
}

// pageKeys is every key page p handles: its footer hints, then the rest,
// each binding once.
func pageKeys(p Page) []key.Binding {
	all := p.KeyMap()
	if f, ok := p.(FullHelper); ok {
		all = append(all, f.FullHelp()...)
	}
	seen := map[string]bool{}
	out := all[:0:0]
	for _, b := range all {
		id := strings.Join(b.Keys(), " ")
		if !seen[id] {
			seen[id] = true
			out = append(out, b)
		}
	}
	return out
}

// Capturer is implemented by pages that own a text input (the Explain tab, a
// prompt). While Capturing reports true the root passes every key to the page
// except ctrl+c, so typing "q" or ":" goes into the input.
type Capturer interface {
	Capturing() bool
}

// Selector is implemented by pages that have a selected node (lists, detail
// rows naming a principal or policy). The root uses it for y (copy the ARN).
type Selector interface {
	Selected() *graph.Node
}

// Filterable is implemented by pages that accept the root's / filter. The
// root owns the input line; the page narrows its rows as the text changes.
type Filterable interface {
	SetFilter(text string)
	Filter() string
}

// Navigation messages any page may return from a tea.Cmd.
type (
	// OpenNodeMsg drills into a principal, group or policy: the root pushes its detail page.
	OpenNodeMsg struct{ Node *graph.Node }
	// OpenARNMsg is OpenNodeMsg by ARN; the root resolves it and reports an unknown ARN in the status line.
	OpenARNMsg struct{ ARN string }
	// BackMsg pops the view stack (esc).
	BackMsg struct{}
	// StatusMsg sets the footer status line.
	StatusMsg struct {
		Text string
		Err  bool
	}
	// CopyMsg asks the root to copy Text to the clipboard (OSC 52).
	CopyMsg struct{ Text string }
	// ExplainMsg opens a principal on its Explain tab with a request filled
	// in and evaluated: who-can's enter, so the answer says why.
	ExplainMsg struct {
		Access   graph.Access
		Action   string
		Resource string
		Context  string // KEY=VALUE pairs, as typed
	}
)

// Common is what every page shares. Pages must not keep their own copies of
// window size: the root calls SetSize.
type Common struct {
	Graph  *graph.Graph
	Styles *Styles
	Keys   *KeyMap
	// Changes is the diff against --baseline; nil without one.
	Changes *answer.Diff

	findingsCache *findingsOnce // see findings.go
	warningsCache *warningsOnce // see warnings.go
}

// Cmd wraps a message as a tea.Cmd, for pages returning navigation messages.
func Cmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
