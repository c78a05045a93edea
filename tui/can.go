package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
)

// canPage answers ":can PRINCIPAL ACTION [RESOURCE]": the Explain form,
// filled in and evaluated, so the user can change the request and ask again
// without going back.
type canPage struct {
	c    *Common
	n    *graph.Node
	form *explainForm
}

// NewCanPage returns the decision and trace for one request.
func NewCanPage(c *Common, principal *graph.Node, action, resource string) Page {
	return newCanPage(c, principal, action, resource, "")
}

// newCanPage is NewCanPage with request context, KEY=VALUE pairs as typed.
func newCanPage(c *Common, principal *graph.Node, action, resource, context string) Page {
	if strings.TrimSpace(resource) == "" {
		resource = "*"
	}
	p := &canPage{c: c, n: principal, form: newExplainForm(c, principal)}
	p.form.prefill(action, resource, context, nil)
	p.form.run()
	return p
}

func (p *canPage) Title() string {
	return "can " + p.n.Label() + " " + strings.TrimSpace(p.form.fields[fieldAction].value())
}

func (p *canPage) SetSize(w, h int) { p.form.setSize(w, h) }
func (p *canPage) View() string     { return p.form.view() }
func (p *canPage) Capturing() bool  { return p.form.capturing() }

func (p *canPage) Selected() *graph.Node { return orNode(p.form.list.selectedNode(), p.n) }

func (p *canPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	cmd, _ := p.form.update(msg)
	return p, cmd
}

func (p *canPage) FullHelp() []key.Binding { return p.form.list.moveKeys(p.c.Keys) }

func (p *canPage) KeyMap() []key.Binding {
	return append(p.form.keyBindings(), p.c.Keys.Up, p.c.Keys.Down)
}
