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
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// The answer of chains is graph/answer's Chains: the command line keeps the
// flags and the text rendering.

func runChains(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("chains")
	var src sourceFlags
	src.register(fs)
	var cflags contextFlag
	fs.Var(&cflags, "c", "decide conditional hops with this context `KEY=VALUE` (repeatable)")
	to := fs.String("to", "", "only paths ending at this `ROLE`; without PRINCIPAL: every path into it")
	maxHops := fs.Int("max-hops", graph.DefaultMaxHops, fmt.Sprintf("longest path, in hops (1-%d)", graph.MaxHopsLimit))
	maxPaths := fs.Int("max-paths", graph.DefaultMaxPaths, fmt.Sprintf("stop after this many paths (1-%d)", graph.MaxPathsLimit))
	assumeOnly := fs.Bool("assume-only", false, "only assume-role hops (trust), not privilege escalation")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	switch {
	case len(pos) > 1:
		return fail(e, usagef("chains: expected one PRINCIPAL, got %d arguments", len(pos)))
	case len(pos) == 0 && *to == "":
		return fail(e, usagef("chains: expected PRINCIPAL (or --to ROLE for every path into a role)"))
	case *maxHops < 1 || *maxHops > graph.MaxHopsLimit:
		return fail(e, usagef("chains: --max-hops must be between 1 and %d, got %d", graph.MaxHopsLimit, *maxHops))
	case *maxPaths < 1 || *maxPaths > graph.MaxPathsLimit:
		return fail(e, usagef("chains: --max-paths must be between 1 and %d, got %d", graph.MaxPathsLimit, *maxPaths))
	}
	opts := graph.ChainOptions{MaxHops: *maxHops, MaxPaths: *maxPaths, Context: cflags.context()}
	g, err := sourceGraph(ctx, e, &src)
	if err != nil {
		return fail(e, err)
	}
	var from *graph.Node
	if len(pos) == 1 {
		if from, err = g.Resolve(pos[0]); err != nil {
			return fail(e, fmt.Errorf("chains: %w", err))
		}
	}
	if *to != "" {
		if opts.To, err = g.Resolve(*to); err != nil {
			return fail(e, fmt.Errorf("chains: --to: %w", err))
		}
		if opts.To.Kind != graph.KindRole {
			return fail(e, usagef("chains: --to %s is a %s, not a role", *to, opts.To.Kind))
		}
	}
	var res graph.ChainResult
	if from != nil {
		res = g.ChainsResult(from, opts)
	} else {
		res = g.ChainsToResult(opts.To, opts)
	}
	// Escalation starts from a principal: the reverse search (--to alone)
	// lists who can assume the role.
	var reach *graph.Reach
	if from != nil && !*assumeOnly {
		r := g.Becomes(from, false)
		reach = &r
	}
	ans := answer.NewChains(g, answer.ChainsOptions{From: from, Graph: opts, AssumeOnly: *assumeOnly}, res, reach)
	if *jsonOut {
		if err := writeJSON(e.stdout, ans); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	admin := g.IsAdmin // memoised by the graph
	if from != nil {
		printChainTree(out, g, admin, from, res, false, opts.To != nil)
		printEscalationWays(out, g, ans)
		if ans.EscalationTruncated {
			fmt.Fprintln(out, "\nThe escalation search stopped at its bound of decisions: more principals may be reachable.")
		}
		if d := ans.EscalationAdminDepth; d > 0 {
			fmt.Fprintf(out, "\nAdmin-equivalent access is %s away: the escalation search goes no deeper, since an admin-equivalent principal can become any principal.\n", countOf(d, "hop", "hops"))
		}
	} else {
		printChainTree(out, g, admin, opts.To, res, true, true)
	}
	return exitOK
}

// printEscalationWays prints the paths that use an escalation method, one
// per principal reached, a hop a line with what it needs.
func printEscalationWays(w io.Writer, g *graph.Graph, ans answer.Chains) {
	label := func(a string) string { return nodeLabel(g, g.Node(a)) }
	first := true
	for _, p := range ans.Paths {
		if !p.Escalation {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nThrough privilege escalation (the shortest way to each principal; --assume-only leaves these out):")
			first = false
		}
		last := p.Hops[len(p.Hops)-1]
		head := label(last.To)
		if p.Admin {
			head += " [admin]"
		}
		termsafe.Fprintf(w, "\n%s  (%s)\n", head, waySummary(p))
		printWayHops(w, label, p.Hops, "  ")
	}
}

func waySummary(p answer.ChainPath) string {
	s := countOf(len(p.Hops), "hop", "hops")
	var missing []string
	for _, h := range p.Hops {
		if h.Conditional {
			missing = appendUniqueStr(missing, h.MissingContext...)
		}
	}
	if len(missing) > 0 {
		s += "; conditional on " + strings.Join(missing, ", ")
	}
	return s
}

// printWayHops prints one hop a line, "FROM ─KIND→ TO", then what it
// needs.
func printWayHops(w io.Writer, label func(string) string, hops []answer.ChainHop, indent string) {
	for _, h := range hops {
		printHop(w, label, h, false, indent)
	}
}

// printHop writes one hop of a path, "FROM ─KIND→ TO" ("itself" for a
// self-escalation, "[admin]" when admin marks its end), and below it who
// makes it, its conditions, what it is conditional on and the snapshot
// facts it requires. Every command's paths read the same.
func printHop(w io.Writer, label func(string) string, h answer.ChainHop, admin bool, indent string) {
	to := label(h.To)
	if h.From == h.To {
		to = "itself"
	}
	if admin {
		to += " [admin]"
	}
	termsafe.Fprintf(w, "%s%s ─%s→ %s\n", indent, label(h.From), h.Kind, to)
	if h.By != "" {
		termsafe.Fprintf(w, "%s    made by %s\n", indent, label(h.By))
	}
	if len(h.Conditions) > 0 {
		termsafe.Fprintf(w, "%s    if %s\n", indent, privescConditions(h.Conditions))
	}
	if len(h.Unless) > 0 {
		termsafe.Fprintf(w, "%s    unless %s\n", indent, privescConditions(h.Unless))
	}
	if h.Conditional {
		termsafe.Fprintf(w, "%s    conditional on %s\n", indent, strings.Join(h.MissingContext, ", "))
	}
	for _, r := range h.Requires {
		termsafe.Fprintf(w, "%s    requires %s\n", indent, r)
	}
}

// printChainTree prints paths as a tree: forward from the principal, or, for
// reverse, from the target role back to whoever can reach it.
func printChainTree(w io.Writer, g *graph.Graph, admin func(*graph.Node) bool, root *graph.Node, res graph.ChainResult, reverse, narrow bool) {
	if len(res.Paths) == 0 {
		switch {
		case res.Truncated:
			termsafe.Fprintf(w, "No path found from %s before the search stopped.\n", nodeLabel(g, root))
		case reverse:
			termsafe.Fprintf(w, "Nothing can assume %s.\n", nodeLabel(g, root))
		default:
			termsafe.Fprintf(w, "%s can assume no role.\n", nodeLabel(g, root))
		}
	} else {
		tree := graph.NewPathTree(root, res.Paths, reverse)
		head := nodeLabel(g, root)
		if reverse {
			head += "  ← who can assume it"
		}
		termsafe.Fprintf(w, "%s\n", head)
		printChainChildren(w, g, admin, tree, "")
		summary := fmt.Sprintf("%d paths", len(res.Paths))
		if len(res.Paths) == 1 {
			summary = "1 path"
		}
		termsafe.Fprintf(w, "\n%s.\n", summary)
	}
	if note := truncationNote(res, narrow); note != "" {
		fmt.Fprintln(w, note)
	}
}

// truncationNote says why a search stopped early and what the answer still
// holds, or "" when it listed every path. narrow: the search had a target
// already (--to).
func truncationNote(res graph.ChainResult, narrow bool) string {
	if !res.Truncated {
		return ""
	}
	var why string
	switch res.Reason {
	case graph.TruncatedMaxPaths:
		why = "Stopped at the --max-paths limit"
	case graph.TruncatedWork:
		why = fmt.Sprintf("Stopped after examining %d edges (the search's work bound)", res.Work)
	default:
		why = "Stopped"
	}
	held := "no length is complete"
	switch res.CompleteHops {
	case 0:
	case 1:
		held = "every 1-hop path is listed"
	default:
		held = fmt.Sprintf("every path of up to %d hops is listed", res.CompleteHops)
	}
	hint := "lower --max-hops or add --to for a narrower search"
	if narrow {
		hint = "lower --max-hops for a narrower search"
	}
	return fmt.Sprintf("%s: %s; %s.", why, held, hint)
}

func printChainChildren(w io.Writer, g *graph.Graph, admin func(*graph.Node) bool, t *graph.PathTree, indent string) {
	for i, c := range t.Children {
		branch, next := "├─ ", "│  "
		if i == len(t.Children)-1 {
			branch, next = "└─ ", "   "
		}
		line := nodeLabel(g, c.Node)
		if c.Node.Kind == graph.KindRole && admin(c.Node) {
			line += " [admin]"
		}
		if c.Node.Dangling {
			line += " [deleted]"
		}
		termsafe.Fprintf(w, "%s%s%s  (%s)\n", indent, branch, line, hopNote(c.Edge))
		printChainChildren(w, g, admin, c, indent+next)
	}
}

// hopNote says how a hop is made and what it needs: "sts:AssumeRole",
// "sts:AssumeRoleWithWebIdentity if StringLike token…:sub repo:acme/*".
func hopNote(e *graph.Edge) string {
	var b strings.Builder
	b.WriteString(e.Kind)
	writeConditions(&b, " if ", e.Conditions)
	writeConditions(&b, " unless ", e.Unless)
	if e.Conditional {
		b.WriteString("; conditional on " + strings.Join(e.MissingContext, ", "))
	}
	return b.String()
}

// writeConditions writes "<lead>OP KEY "v1"|"v2" and …" when conds is not empty.
func writeConditions(b *strings.Builder, lead string, conds []policy.Condition) {
	for i, c := range conds {
		if i == 0 {
			b.WriteString(lead)
		} else {
			b.WriteString(" and ")
		}
		vals := make([]string, len(c.Values))
		for j, v := range c.Values {
			vals[j] = strconv.Quote(v)
		}
		fmt.Fprintf(b, "%s %s %s", c.Operator, c.Key, strings.Join(vals, "|"))
	}
}
