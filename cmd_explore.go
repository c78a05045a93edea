package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/loader/live"
	"github.com/iamx/iamx/tui"
)

// runExplorer opens the explorer: iamx [SOURCE] [--mouse]. Loading runs
// inside the program (a tea.Cmd with a progress view), so a slow live
// capture shows its streams and a failure is a readable screen.
func runExplorer(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("explorer")
	var src sourceFlags
	src.register(fs)
	mouse := fs.Bool("mouse", false, "enable the mouse: the wheel scrolls, a click selects")
	baseline := fs.String("baseline", "", "compare SOURCE with this older snapshot `FILE` (the :changes view)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	if len(pos) > 0 {
		return fail(e, usagef("unknown command %q: see 'iamx help'", pos[0]))
	}
	if err := src.validate(); err != nil {
		return fail(e, err)
	}
	if err := requireTerminal(); err != nil {
		// No explorer without a terminal (a script, a pipe). A broken snapshot
		// is still the more useful thing to report, so check files first.
		if _, lerr := src.loadSCPs(); lerr != nil {
			return fail(e, lerr)
		}
		if !src.isLive() {
			if _, lerr := src.loadFiles(ctx, e); lerr != nil {
				return fail(e, lerr)
			}
		}
		if *baseline != "" {
			if _, lerr := loader.ReadFile(*baseline); lerr != nil {
				return fail(e, lerr)
			}
		}
		return fail(e, err)
	}
	if slices.Contains(src.snapshots, "-") && stdinIsTerminal(e) {
		// The explorer reads its keys from the terminal: a snapshot must
		// come through a pipe or a redirection.
		return fail(e, usagef("--snapshot -: standard input is the terminal; pipe or redirect a snapshot into it"))
	}
	var changes *answer.Diff
	m := tui.New(ctx, tui.Options{
		Source: src.describe(),
		Load: func(ctx context.Context, report func(tui.Progress)) (*graph.Graph, error) {
			g, err := exploreLoad(ctx, e, &src, report)
			if err != nil || *baseline == "" {
				return g, err
			}
			changes, err = baselineDiff(e, g, *baseline, src.describe(), report)
			return g, err
		},
		Changes: func() *answer.Diff { return changes },
		NoColor: os.Getenv("NO_COLOR") != "", // any non-empty value: https://no-color.org
		Mouse:   *mouse,
	})
	if _, err := tea.NewProgram(m, tea.WithContext(ctx)).Run(); err != nil {
		switch {
		case errors.Is(err, tea.ErrProgramPanic):
			// Bubble Tea restored the terminal; the exit status must still say so.
			return fail(e, errors.New("explorer: internal error (a bug in iamx); the query commands (can, who-can, perms, chains) still work"))
		case ctx.Err() != nil || errors.Is(err, tea.ErrInterrupted):
			// ctrl+c or a cancelled context: an ordinary way out.
		default:
			return fail(e, fmt.Errorf("explorer: %w", err))
		}
	}
	if err := m.LoadErr(); err != nil {
		// The screen said it; say it once more where scripts and scrollback see it.
		return fail(e, err)
	}
	return exitOK
}

// exploreLoad is the explorer's load: loadGraph with its steps and a live
// capture's streams on the progress view (the load warnings are in the
// header's count and :warnings), the collection pace restored once loaded.
func exploreLoad(ctx context.Context, e *env, src *sourceFlags, report func(tui.Progress)) (*graph.Graph, error) {
	g, restoreGC, err := loadGraph(ctx, e, src, explorerProgress(report))
	defer restoreGC()
	if err != nil {
		return nil, err
	}
	// Delegated trust is decided on first use; the Trust and Chains tabs
	// read much of it, so decide it all now, behind the first screen.
	go g.EdgeCount()
	return g, nil
}

// explorerProgress turns the load pipeline's steps and a live capture's
// events into the progress view's.
func explorerProgress(report func(tui.Progress)) loadProgress {
	return loadProgress{
		step: func(name string, done bool, err error) {
			report(tui.Progress{Stream: name, Done: done, Err: err})
		},
		capture: func(p live.Progress) {
			label, ok := liveStreamLabels[p.Stream]
			if !ok {
				label = p.Stream
			}
			counted := true
			switch p.Stream {
			case live.StreamCaller, live.StreamAliases, live.StreamCredentialReport:
				counted = false // single calls: only the outcome matters
			}
			report(tui.Progress{Stream: label, Items: p.Items, Pages: p.Pages, Counted: counted, Done: p.Done, Err: p.Err, Warning: p.Warning})
		},
	}
}

// liveStreamLabels names the live capture's streams for the progress view.
var liveStreamLabels = map[string]string{
	live.StreamCaller:           "caller identity",
	live.StreamUsers:            "users",
	live.StreamGroups:           "groups",
	live.StreamRoles:            "roles",
	live.StreamLocalPolicies:    "customer policies",
	live.StreamAWSPolicies:      "AWS policies",
	live.StreamAll:              "authorization details",
	live.StreamAliases:          "account alias",
	live.StreamCredentialReport: "credential report",
}

// requireTerminal reports an error when there is no terminal to draw on. It
// opens the process's controlling terminal, which is what an interactive
// session has and a script, a pipe or a daemon does not (a character device
// on stdin proves nothing: /dev/null is one).
func requireTerminal() error {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return errors.New("the explorer needs a terminal; in scripts use iamx can, who-can, perms or chains (with --json)")
	}
	return tty.Close()
}

// stdinIsTerminal reports whether standard input is a terminal.
func stdinIsTerminal(e *env) bool {
	f, ok := e.stdin.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// baselineDiff compares the loaded account with an older snapshot of it,
// loaded as a graph of its own, for the :changes view.
func baselineDiff(e *env, g *graph.Graph, path, source string, report func(tui.Progress)) (*answer.Diff, error) {
	step := "comparing with " + path
	report(tui.Progress{Stream: step})
	if len(g.Snapshots()) != 1 {
		err := usagef("--baseline compares one account; SOURCE has %d", len(g.Snapshots()))
		report(tui.Progress{Stream: step, Done: true, Err: err})
		return nil, err
	}
	old, err := diffSide(e, path)
	if err == nil {
		cur := answer.Side{Graph: g, Privesc: g.Privesc(), File: source}
		if err = sameAccount(old, cur); err == nil {
			d := answer.DiffOf(old, cur)
			report(tui.Progress{Stream: step, Done: true})
			return &d, nil
		}
	}
	err = fmt.Errorf("--baseline: %w", err)
	report(tui.Progress{Stream: step, Done: true, Err: err})
	return nil, err
}
