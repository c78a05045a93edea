package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

func runPrivesc(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("privesc")
	var src sourceFlags
	src.register(fs)
	maxPaths := fs.Int("max-paths", graph.DefaultPrivescPaths, "with PRINCIPAL: stop after this many paths")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	switch {
	case len(pos) > 1:
		return fail(e, usagef("privesc: expected at most one PRINCIPAL, got %d arguments", len(pos)))
	case *maxPaths < 1:
		return fail(e, usagef("privesc: --max-paths must be at least 1, got %d", *maxPaths))
	}
	g, err := sourceGraph(ctx, e, &src)
	if err != nil {
		return fail(e, err)
	}
	var n *graph.Node
	if len(pos) == 1 {
		if n, err = g.Resolve(pos[0]); err != nil {
			return fail(e, fmt.Errorf("privesc: %w", err))
		}
		if n.Kind != graph.KindUser && n.Kind != graph.KindRole {
			return fail(e, usagef("privesc: %s is a %s; privesc answers for users and roles of a loaded account", pos[0], n.Kind))
		}
	}
	pv := g.Privesc()
	var ans answer.Privesc
	if n != nil {
		ans = answer.PrivescOf(pv, n, *maxPaths)
	} else {
		ans = answer.PrivescAll(pv)
	}
	if *jsonOut {
		if err := writeJSON(e.stdout, ans); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	label := func(a string) string { return nodeLabel(g, g.Node(a)) }
	if n != nil {
		printPrivescOne(out, label, ans.Principals[0])
	} else {
		printPrivescAll(out, label, ans)
	}
	return exitOK
}

func printPrivescAll(w io.Writer, label func(string) string, ans answer.Privesc) {
	if len(ans.Principals) == 0 {
		fmt.Fprintln(w, "No principal that is not admin-equivalent can reach admin-equivalent access.")
		return
	}
	fmt.Fprintf(w, "%d principal(s) can reach admin-equivalent access without having it (shortest path each, most direct first):\n", len(ans.Principals))
	for _, p := range ans.Principals {
		fmt.Fprintf(w, "\n%s  (%s)\n", label(p.ARN), pathSummary(p.Path, p.MissingContext))
		printPrivescPath(w, label, p.Path, "  ")
	}
	fmt.Fprintln(w, "\nPossible paths (through resources the snapshot cannot see) are listed per principal: iamx privesc PRINCIPAL.")
}

func printPrivescOne(w io.Writer, label func(string) string, p answer.PrivescPrincipal) {
	who := label(p.ARN)
	switch {
	case p.Admin:
		fmt.Fprintf(w, "%s is admin-equivalent already.\n", who)
	case !p.AdminReachable:
		fmt.Fprintf(w, "%s cannot reach admin-equivalent access through trust or the escalation catalogue.\n", who)
	default:
		fmt.Fprintf(w, "%s can reach admin-equivalent access (%s).\n", who, pathSummary(p.Path, p.MissingContext))
		for i, path := range p.Paths {
			fmt.Fprintf(w, "\nPath %d (%s)\n", i+1, pathSummary(path, nil))
			printPrivescPath(w, label, path, "  ")
		}
		if p.Truncated {
			fmt.Fprintln(w, "\n(stopped at the limit; raise --max-paths for more)")
		}
	}
	if len(p.Possible) > 0 {
		fmt.Fprintf(w, "\nPossible (not counted as reachable: they need resources the snapshot cannot see):\n")
		for _, pp := range p.Possible {
			fmt.Fprintf(w, "\n  %s\n", pp.Assumption)
			printPrivescPath(w, label, pp.Path, "    ")
		}
	}
}

func pathSummary(path []answer.PrivescHop, missing []string) string {
	s := strconv.Itoa(len(path)) + " hop"
	if len(path) != 1 {
		s += "s"
	}
	if missing == nil {
		for _, h := range path {
			if h.Conditional {
				missing = appendUniqueStr(missing, h.MissingContext...)
			}
		}
	}
	if len(missing) > 0 {
		s += "; conditional on " + strings.Join(missing, ", ")
	}
	return s
}

func appendUniqueStr(list []string, xs ...string) []string {
	for _, x := range xs {
		dup := false
		for _, h := range list {
			dup = dup || h == x
		}
		if !dup {
			list = append(list, x)
		}
	}
	return list
}

// printPrivescPath prints one hop a line: "FROM ─KIND→ TO [admin]", then
// what it needs.
func printPrivescPath(w io.Writer, label func(string) string, path []answer.PrivescHop, indent string) {
	for _, h := range path {
		printHop(w, label, answer.ChainHop{From: h.From, To: h.To, Kind: h.Kind, By: h.By,
			Conditional: h.Conditional, Conditions: h.Conditions, Unless: h.Unless,
			MissingContext: h.MissingContext, Requires: h.Requires}, h.Admin, indent)
	}
}

// privescConditions writes `OP KEY "v1"|"v2" and …`.
func privescConditions(cs []answer.Condition) string {
	var b strings.Builder
	for _, c := range cs {
		if b.Len() > 0 {
			b.WriteString(" and ")
		}
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = strconv.Quote(v)
		}
		fmt.Fprintf(&b, "%s %s %s", c.Operator, c.Key, strings.Join(vals, "|"))
	}
	return b.String()
}
