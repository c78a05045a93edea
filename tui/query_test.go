package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// runAsync runs a command's messages on other goroutines, as the Bubble Tea
// runtime does, and returns the channel they arrive on.
func runAsync(cmd tea.Cmd) <-chan tea.Msg {
	out := make(chan tea.Msg, 16)
	var start func(tea.Cmd)
	start = func(c tea.Cmd) {
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					if c != nil {
						start(c)
					}
				}
				return
			}
			out <- msg
		}()
	}
	start(cmd)
	return out
}

// next waits for the next message of type T from ch, dropping others.
func next[T tea.Msg](t *testing.T, ch <-chan tea.Msg) T {
	t.Helper()
	for msg := range ch {
		if m, ok := msg.(T); ok {
			return m
		}
	}
	t.Fatal("channel closed")
	panic("unreachable")
}

// A query runs off the key loop: while it computes the explorer shows a
// spinner line and keeps answering keys; esc pops it and cancels it, and
// the answer of a canceled query is dropped; an answer that arrives
// replaces the spinner.
func TestQueryRunsOffTheKeyLoop(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 30)
	before := h.crumbs()

	// A query that blocks until released (or canceled).
	release := make(chan struct{})
	canceled := make(chan struct{})
	blocking := func(ctx context.Context) (Page, error) {
		select {
		case <-release:
			return whoCanQuery(h.m.c, "iam:CreateUser", "*")(ctx)
		case <-ctx.Done():
			close(canceled)
			return nil, ctx.Err()
		}
	}
	msgs := runAsync(h.m.startQuery("whocan iam:CreateUser *", "computing who-can iam:CreateUser on *", blocking))
	if s := h.screen(); !strings.Contains(s, "computing who-can iam:CreateUser on *") || !strings.Contains(s, "esc cancels") {
		t.Fatalf("no progress line while the query runs:\n%s", s)
	}
	// The spinner turns, and keys are handled, while the query runs.
	frame := h.line(headerLines + crumbLines)
	if _, cmd := h.m.Update(next[queryTickMsg](t, msgs)); cmd == nil {
		t.Errorf("a running query stops ticking")
	}
	if got := h.line(headerLines + crumbLines); got == frame {
		t.Errorf("spinner did not move: %q", got)
	}
	h.keys(":", "us")
	if !strings.Contains(h.screen(), ":us") {
		t.Errorf("typing during a query does not show:\n%s", h.screen())
	}
	h.keys("esc")
	// esc pops the query and cancels it; its (late) answer is dropped.
	h.keys("esc")
	if got := h.crumbs(); got != before {
		t.Errorf("after esc: crumbs %q, want %q", got, before)
	}
	<-canceled
	h.send(next[queryDoneMsg](t, msgs))
	if got := h.crumbs(); got != before || strings.Contains(h.screen(), "computing") {
		t.Errorf("a canceled query's answer came back: crumbs %q\n%s", got, h.screen())
	}

	// A stale answer for a query that is gone, even with a page, is dropped.
	h.send(queryDoneMsg{id: -1, page: NewWhoCanPage(h.m.c, "iam:CreateUser", "*")})
	if got := h.crumbs(); got != before {
		t.Errorf("stale answer shown: crumbs %q", got)
	}

	// A query that finishes replaces its spinner with the answer.
	release2 := make(chan struct{})
	msgs = runAsync(h.m.startQuery("whocan iam:CreateUser *", "computing who-can iam:CreateUser on *", func(ctx context.Context) (Page, error) {
		<-release2
		return whoCanQuery(h.m.c, "iam:CreateUser", "*")(ctx)
	}))
	close(release2)
	h.send(next[queryDoneMsg](t, msgs))
	if s := h.screen(); strings.Contains(s, "computing") || !strings.Contains(s, "can iam:CreateUser on *") {
		t.Errorf("answer not shown:\n%s", s)
	}
	if got := h.crumbs(); !strings.Contains(got, "whocan iam:CreateUser *") {
		t.Errorf("crumbs %q", got)
	}
	// Its spinner stops: a later tick asks for no more.
	if _, cmd := h.m.Update(next[queryTickMsg](t, msgs)); cmd != nil {
		t.Errorf("a finished query still ticks")
	}
}

// :whocan through the command line goes through the same path: the answer
// page replaces the spinner, with the breadcrumb of the query.
func TestWhoCanCommandAnswers(t *testing.T) {
	h := newTestModel(t, testGraph(t), 100, 30)
	h.keys(":", "whocan iam:CreateUser", "enter")
	if s := h.screen(); strings.Contains(s, "computing") || !strings.Contains(s, "can iam:CreateUser on *") {
		t.Errorf("answer not shown:\n%s", s)
	}
}

// The Chains and Permissions tabs compute as a tea.Cmd: the tab says
// "computing…" until its data comes back through the root, keys keep
// working meanwhile, and a page that has left the stack gets nothing.
func TestPrincipalTabsComputeOffTheKeyLoop(t *testing.T) {
	c := detailCommon(t)
	for _, tc := range []struct{ key, what, want string }{
		{"5", "computing chains", "Can reach"},
		{"3", "computing permissions", "actions in"},
	} {
		p := detailSized(NewPrincipalPage(c, detailNode(t, c, "role/DeployRole")), detailW, detailH)
		_, cmd := p.Update(detailKey(tc.key))
		if cmd == nil || !strings.Contains(p.View(), tc.what) {
			t.Fatalf("%s: no computation started, or no progress line:\n%s", tc.key, p.View())
		}
		// Keys still work while it runs: the tab bar moves to Explain and back.
		p.Update(detailKey("6"))
		p.Update(detailKey(tc.key))
		res, ok := cmd().(pageResultMsg)
		if !ok || res.to != p {
			t.Fatalf("%s: result %T not addressed to the page", tc.key, res)
		}
		p.Update(res.msg)
		if v := p.View(); strings.Contains(v, tc.what) || !strings.Contains(v, tc.want) {
			t.Errorf("%s: data not shown:\n%s", tc.key, v)
		}
	}

	// Through the root: a page popped before its data arrives is left alone.
	h := newTestModel(t, testGraph(t), 100, 30)
	h.keys(":", "open DeployRole", "enter")
	page := h.m.top().(*principalPage)
	_, cmd := page.Update(detailKey("5"))
	h.keys("esc")
	if msg := cmd(); msg != nil {
		t.Errorf("a canceled tab computation still answered: %T", msg)
	}
	if h.m.deliver(pageResultMsg{to: page, msg: tabDataMsg{tab: tabChains, chains: &chainsData{}}}) != nil || page.chains != nil {
		t.Errorf("a page off the stack got its data")
	}
}
