package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// chainsAnswer is the JSON answer of `iamx chains`. from and
// paths[].hops[].{from, to, kind, conditions} are the contract (DESIGN.md
// section 2). from is null when only --to is given (who can get there).
type chainsAnswer struct {
	From      *string        `json:"from"`
	To        string         `json:"to,omitempty"`
	MaxHops   int            `json:"max_hops"`
	Context   policy.Context `json:"context,omitempty"`
	Paths     []chainPath    `json:"paths"`
	Truncated bool           `json:"truncated"` // the search stopped early; the shortest paths are kept
	// TruncatedReason says why: "max-paths" (--max-paths reached), "work"
	// (the search looked at its bound of edges); absent when complete.
	TruncatedReason string `json:"truncated_reason,omitempty"`
	// CompleteHops: paths holds every path of up to this many hops.
	CompleteHops int `json:"complete_hops"`
	Work         int `json:"edges_examined"`
}

type chainPath struct {
	Hops        []chainHop `json:"hops"`
	Conditional bool       `json:"conditional"` // some hop holds only with more context
	Admin       bool       `json:"admin"`       // the path ends at an admin-equivalent role
}

// chainHop is one can-assume edge. conditions lists the conditions of the
// statements (trust and identity side) that allow the hop or decide it given
// more context, each {"operator","key","values"}; missing_context the keys
// the hop depends on that a snapshot cannot know (MFA, sts:ExternalId …).
type chainHop struct {
	From           string           `json:"from"`
	To             string           `json:"to"`
	Kind           string           `json:"kind"`
	Conditional    bool             `json:"conditional"`
	Conditions     []chainCondition `json:"conditions"`
	Unless         []chainCondition `json:"unless"` // Deny conditions that would block the hop
	MissingContext []string         `json:"missing_context"`
	Reasons        []canReason      `json:"reasons"`
}

type chainCondition struct {
	Operator string   `json:"operator"`
	Key      string   `json:"key"`
	Values   []string `json:"values"`
}

func chainConditions(conds []policy.Condition) []chainCondition {
	out := make([]chainCondition, 0, len(conds))
	for _, c := range conds {
		out = append(out, chainCondition{Operator: c.Operator, Key: c.Key, Values: append([]string{}, c.Values...)})
	}
	return out
}

func newChainHop(e graph.Edge) chainHop {
	h := chainHop{From: e.From.ARN, To: e.To.ARN, Kind: e.Kind, Conditional: e.Conditional,
		Conditions: chainConditions(e.Conditions), Unless: chainConditions(e.Unless),
		MissingContext: append([]string{}, e.MissingContext...), Reasons: []canReason{}}
	for _, r := range e.Reasons {
		h.Reasons = append(h.Reasons, canReason{Policy: r.Policy, PolicyType: r.PolicyType.String(),
			Sid: r.Sid, Index: r.Index, Effect: r.Effect.String(), Via: r.Via})
	}
	return h
}

func runChains(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("chains")
	var src sourceFlags
	src.register(fs)
	var cflags contextFlag
	fs.Var(&cflags, "c", "decide conditional hops with this context `KEY=VALUE` (repeatable)")
	to := fs.String("to", "", "only paths ending at this `ROLE`; without PRINCIPAL: every path into it")
	maxHops := fs.Int("max-hops", graph.DefaultMaxHops, fmt.Sprintf("longest path, in hops (1-%d)", graph.MaxHopsLimit))
	maxPaths := fs.Int("max-paths", graph.DefaultMaxPaths, fmt.Sprintf("stop after this many paths (1-%d)", graph.MaxPathsLimit))
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
	ans := chainsAnswer{MaxHops: opts.MaxHops, Context: opts.Context, Paths: make([]chainPath, 0, len(res.Paths)),
		Truncated: res.Truncated, TruncatedReason: res.Reason, CompleteHops: res.CompleteHops, Work: res.Work}
	if from != nil {
		ans.From = &from.ARN
	}
	if opts.To != nil {
		ans.To = opts.To.ARN
	}
	admin := g.IsAdmin // memoised by the graph
	for _, p := range res.Paths {
		cp := chainPath{Hops: make([]chainHop, 0, len(p.Hops)), Conditional: p.Conditional(), Admin: admin(p.To())}
		for _, h := range p.Hops {
			cp.Hops = append(cp.Hops, newChainHop(h))
		}
		ans.Paths = append(ans.Paths, cp)
	}
	if *jsonOut {
		if err := writeJSON(e.stdout, ans); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if from != nil {
		printChainTree(out, g, admin, from, res, false, opts.To != nil)
	} else {
		printChainTree(out, g, admin, opts.To, res, true, true)
	}
	return exitOK
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
