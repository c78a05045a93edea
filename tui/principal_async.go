package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// The Chains and Permissions tabs ask the graph questions that can take a
// while on a large account. They are computed as a tea.Cmd when the tab is
// first shown: the tab says "computing…" meanwhile, keys keep working, and
// leaving the page cancels the computation (the chain searches stop; a
// late answer for a page that is gone is dropped by the root).

// chainsData is what the Chains tab draws.
type chainsData struct {
	fwd, back graph.ChainResult
	// ans is the answer `iamx chains` prints for the principal, escalation
	// ways included: the tab draws its escalation paths.
	ans answer.Chains
	// reach counts every role the principal reaches (reachability is
	// complete); set when fwd stopped early and its paths miss some.
	reach int
}

// tabDataMsg carries a tab's data back to its page.
type tabDataMsg struct {
	tab    string
	chains *chainsData
	perms  *permsView
}

// pageResultMsg delivers a message computed off the key loop to the page
// that asked for it, wherever it is on the stack; the root drops it when
// the page has left the stack.
type pageResultMsg struct {
	to  Page
	msg tea.Msg
}

// ensureTab starts computing the active tab's data, if it needs any and
// has none yet.
func (p *principalPage) ensureTab() tea.Cmd {
	tab := p.tabs.activeName()
	if p.pending == nil {
		p.pending = map[string]context.CancelFunc{}
	}
	if _, running := p.pending[tab]; running {
		return nil
	}
	var run func(ctx context.Context) tabDataMsg
	switch {
	case tab == tabChains && p.chains == nil:
		n, g := p.n, p.c.Graph
		run = func(ctx context.Context) tabDataMsg {
			opts := graph.ChainOptions{MaxHops: graph.DefaultMaxHops, MaxPaths: chainLimit, Cancel: ctx.Done()}
			d := &chainsData{fwd: g.ChainsResult(n, opts)}
			reach := g.Becomes(n, false)
			d.ans = answer.NewChains(g, answer.ChainsOptions{From: n, Graph: opts}, d.fwd, &reach)
			if d.fwd.Truncated {
				d.reach = len(g.Reachable(n))
			}
			if n.Kind == graph.KindRole {
				d.back = g.ChainsToResult(n, opts)
			}
			return tabDataMsg{tab: tab, chains: d}
		}
	case tab == tabPermissions && p.perms == nil:
		n, g := p.n, p.c.Graph
		run = func(context.Context) tabDataMsg {
			return tabDataMsg{tab: tab, perms: newPermsView(g.Permissions(n, graph.PermFilter{}))}
		}
	default:
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.pending[tab] = cancel
	return func() tea.Msg {
		msg := run(ctx)
		if ctx.Err() != nil {
			return nil // canceled: the page is gone
		}
		return pageResultMsg{to: p, msg: msg}
	}
}

// tabData stores a tab's data and redraws the tab.
func (p *principalPage) tabData(msg tabDataMsg) {
	if cancel := p.pending[msg.tab]; cancel != nil {
		cancel()
		delete(p.pending, msg.tab)
	}
	switch {
	case msg.chains != nil:
		p.chains = msg.chains
	case msg.perms != nil:
		p.perms = msg.perms
	}
	if l, ok := p.panes[msg.tab]; ok {
		l.setLines(p.build(msg.tab))
	}
}

// cancelQueries stops the page's running computations (it is leaving the
// stack).
func (p *principalPage) cancelQueries() {
	for tab, cancel := range p.pending {
		cancel()
		delete(p.pending, tab)
	}
}

// computingLines stands in for a tab whose data is on its way.
func (p *principalPage) computingLines(what string) []detailLine {
	return []detailLine{detailMuted(p.c.Styles, "  computing "+what+"…")}
}
