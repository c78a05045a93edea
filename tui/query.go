package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// A query (:whocan, :can) runs as a tea.Cmd, off the key loop: a queryPage
// stands in for its answer with a spinner line, esc pops it and cancels the
// query's context, and the answer replaces it when it arrives — unless it
// was canceled, in which case the answer is dropped.

// queryFunc computes an answer page; it should return promptly once ctx is
// canceled (its result is dropped then anyway).
type queryFunc func(ctx context.Context) (Page, error)

// queryDoneMsg carries a query's answer to the root.
type queryDoneMsg struct {
	id   int
	page Page
	err  error
}

// queryTickMsg advances a running query's spinner.
type queryTickMsg struct{ id int }

const queryTick = 120 * time.Millisecond

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// queryPage is the body while a query runs.
type queryPage struct {
	c       *Common
	id      int
	title   string // breadcrumb: what the answer page will be called
	what    string // "computing who-can s3:GetObject on *"
	cancel  context.CancelFunc
	frame   int
	started time.Time
	width   int
}

func (p *queryPage) Title() string { return p.title }

func (p *queryPage) SetSize(w, _ int) { p.width = w }

func (p *queryPage) View() string {
	line := spinnerFrames[p.frame%len(spinnerFrames)] + " " + p.what + "…"
	if s := time.Since(p.started); s >= time.Second {
		line += " " + s.Truncate(time.Second).String()
	}
	return cutWidth(p.c.Styles.Title.Render(line), p.width) + "\n" +
		cutWidth(p.c.Styles.Muted.Render("esc cancels"), p.width)
}

func (p *queryPage) Update(tea.Msg) (Page, tea.Cmd) { return p, nil }

func (p *queryPage) KeyMap() []key.Binding { return []key.Binding{p.c.Keys.Back} }

// startQuery pushes a queryPage and returns the commands that compute the
// answer and spin the spinner.
func (m *Model) startQuery(title, what string, run queryFunc) tea.Cmd {
	ctx, cancel := context.WithCancel(m.ctx)
	m.queryID++
	p := &queryPage{c: m.c, id: m.queryID, title: title, what: what, cancel: cancel, started: time.Now()}
	m.push(p)
	id := p.id
	return tea.Batch(func() tea.Msg {
		page, err := run(ctx)
		return queryDoneMsg{id: id, page: page, err: err}
	}, queryTickCmd(id))
}

func queryTickCmd(id int) tea.Cmd {
	return tea.Tick(queryTick, func(time.Time) tea.Msg { return queryTickMsg{id: id} })
}

// findQuery returns the stack index of the running query id, or -1 when it
// is no longer on the stack (canceled, or the stack was reset).
func (m *Model) findQuery(id int) int {
	for i, p := range m.stack {
		if q, ok := p.(*queryPage); ok && q.id == id {
			return i
		}
	}
	return -1
}

// queryDone puts a query's answer where its queryPage stands; an answer
// whose query is gone is dropped.
func (m *Model) queryDone(msg queryDoneMsg) {
	i := m.findQuery(msg.id)
	if i < 0 {
		return
	}
	q := m.stack[i].(*queryPage)
	q.cancel()
	if msg.err != nil || msg.page == nil {
		m.stack = append(m.stack[:i], m.stack[i+1:]...)
		if msg.err != nil {
			m.setStatus(q.what+": "+msg.err.Error(), true)
		}
		return
	}
	msg.page.SetSize(m.width, m.bodyHeight())
	m.stack[i] = msg.page
}

// queryTicked advances the spinner of a running query and asks for the next
// tick; a finished or canceled query stops ticking.
func (m *Model) queryTicked(msg queryTickMsg) tea.Cmd {
	i := m.findQuery(msg.id)
	if i < 0 {
		return nil
	}
	m.stack[i].(*queryPage).frame++
	return queryTickCmd(msg.id)
}

// dropPages cancels the queries of pages leaving the stack.
func dropPages(pages []Page) {
	for _, p := range pages {
		switch q := p.(type) {
		case *queryPage:
			q.cancel()
		case interface{ cancelQueries() }:
			q.cancelQueries()
		}
	}
}

// deliver hands a page its result, when the page is still on the stack.
func (m *Model) deliver(msg pageResultMsg) tea.Cmd {
	for _, p := range m.stack {
		if p == msg.to {
			_, cmd := p.Update(msg.msg)
			return cmd
		}
	}
	return nil
}
