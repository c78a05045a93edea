package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

func runDiff(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("diff")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	if len(pos) != 2 {
		return fail(e, usagef("diff: expected OLD and NEW snapshot files, got %d arguments", len(pos)))
	}
	if pos[0] == "-" && pos[1] == "-" {
		return fail(e, usagef("diff: only one of OLD and NEW may be standard input"))
	}
	loadingGC()
	old, err := diffSide(e, pos[0])
	if err != nil {
		return fail(e, err)
	}
	cur, err := diffSide(e, pos[1])
	if err != nil {
		return fail(e, err)
	}
	if err := sameAccount(old, cur); err != nil {
		return fail(e, err)
	}
	ans := answer.DiffOf(old, cur)
	if *jsonOut {
		if err := writeJSON(e.stdout, ans); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	out := bufio.NewWriter(e.stdout)
	printDiff(out, ans)
	if err := out.Flush(); err != nil {
		return fail(e, err)
	}
	return exitOK
}

// diffSide loads one snapshot (any form --snapshot reads; "-" is standard
// input) as its own graph: the two sides of a diff are the same account
// and never share one.
func diffSide(e *env, path string) (answer.Side, error) {
	var snap *model.Snapshot
	var err error
	if path == "-" {
		snap, err = loader.Read(e.stdin, "standard input")
	} else {
		snap, err = loader.ReadFile(path)
	}
	if err != nil {
		return answer.Side{}, err
	}
	g, err := graph.Build([]*model.Snapshot{snap}, graph.Options{})
	if err != nil {
		return answer.Side{}, fmt.Errorf("build the account graph from %s: %w", path, err)
	}
	return answer.Side{Graph: g, Privesc: g.Privesc(), File: path}, nil
}

func sameAccount(old, cur answer.Side) error {
	a, b := old.Graph.Snapshots()[0].AccountID, cur.Graph.Snapshots()[0].AccountID
	if a != b {
		return fmt.Errorf("diff: %s is account %s and %s is account %s; diff compares two snapshots of one account", old.File, a, cur.File, b)
	}
	return nil
}

// printDiff writes the effects, most severe first, then the changes.
func printDiff(w io.Writer, d answer.Diff) {
	fmt.Fprintf(w, "Account %s: %s (%s) → %s (%s)\n", d.New.Account, d.Old.File, orDash(d.Old.CapturedAt), d.New.File, orDash(d.New.CapturedAt))
	if len(d.Changes) == 0 {
		fmt.Fprintln(w, "\nNo changes.")
		return
	}
	fmt.Fprintf(w, "\nEffects (%d):\n", len(d.Effects))
	if len(d.Effects) == 0 {
		fmt.Fprintln(w, "  none: no principal's admin standing, escalation paths, outside trust, permissions or findings changed")
	}
	for _, x := range d.Effects {
		fmt.Fprintf(w, "  %-8s %-26s %s  %s\n", strings.ToUpper(string(x.Severity)), x.Effect, x.Principal, x.Detail)
	}
	fmt.Fprintf(w, "\nChanges (%d):\n", len(d.Changes))
	for _, c := range d.Changes {
		fmt.Fprintf(w, "  %-8s %-6s %s\n", c.Change, c.Kind, c.ARN)
		for _, s := range c.Details {
			fmt.Fprintf(w, "           %s\n", s)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
