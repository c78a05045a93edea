package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/internal/termsafe"
)

// The answer of who-can is graph/answer's WhoCan: the command line keeps
// the flags and the text rendering.

func runWhoCan(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("who-can")
	var src sourceFlags
	src.register(fs)
	var cflags contextFlag
	fs.Var(&cflags, "c", "request context `KEY=VALUE` (repeat a key for several values)")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	allowUnknown := fs.Bool("allow-unknown-action", false, allowUnknownUsage)
	assumeOnly := fs.Bool("assume-only", false, "reach through assume-role chains only, not through privilege escalation")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	if len(pos) < 1 || len(pos) > 2 {
		return fail(e, usagef("who-can: expected ACTION [RESOURCE], got %d arguments", len(pos)))
	}
	action, resource := pos[0], "*"
	if len(pos) == 2 {
		resource = pos[1]
	}
	if err := checkRequest("who-can", action, resource, *allowUnknown); err != nil {
		return fail(e, err)
	}
	reqCtx := cflags.context()
	g, err := sourceGraph(ctx, e, &src)
	if err != nil {
		return fail(e, err)
	}
	target, err := g.ResolveResource(action, resource)
	if err != nil {
		return fail(e, usagef("who-can: %v", err))
	}
	resource = target.ARN
	warnings := append(actionWarnings(action), contextWarnings(g, action, reqCtx)...)
	warnings = append(warnings, resourceWarnings(action, resource)...)
	for _, w := range warnings {
		termsafe.Fprintf(e.stderr, "iamx: warning: %s\n", w)
	}
	var list []graph.Access
	if *assumeOnly {
		list = g.WhoCan(action, resource, reqCtx)
	} else if list, err = g.WhoCanReach(ctx, action, resource, reqCtx); err != nil {
		return fail(e, err)
	}
	ans := answer.NewWhoCan(g, action, resource, reqCtx, list)
	ans.AssumeOnly = *assumeOnly
	ans.Assumptions = withAssumptions(target.Assumptions, ans.Assumptions)
	ans.Warnings = warnings
	if *jsonOut {
		if err := writeJSON(e.stdout, ans); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	// Thousands of rows: one write, not one per cell.
	out := bufio.NewWriter(e.stdout)
	printWhoCan(out, g, ans)
	out.Flush()
	return exitOK
}

// nodeLabel is how text output names a node: role/Name, with the account when
// several are loaded; externals by their identifier.
func nodeLabel(g *graph.Graph, n *graph.Node) string {
	if n == nil {
		return "?"
	}
	if n.Kind == graph.KindExternal || len(g.Snapshots()) < 2 {
		return n.Label()
	}
	return n.Label() + " (" + n.Account + ")"
}

func printWhoCan(w io.Writer, g *graph.Graph, ans answer.WhoCan) {
	what := ans.Action + " on " + ans.Resource
	for _, a := range ans.Assumptions {
		termsafe.Fprintf(w, "Note: %s.\n", a)
	}
	if len(ans.Principals) == 0 {
		termsafe.Fprintf(w, "Nobody can %s.\n", what)
		printGaps(w, nil, ans.Coverage) // assumptions were the notes above
		return
	}
	termsafe.Fprintf(w, "%s can %s", countOf(ans.Count, "principal", "principals"), what)
	if ans.Conditional > 0 {
		fmt.Fprintf(w, " (%d only with more context)", ans.Conditional)
	}
	if ans.Escalation > 0 {
		fmt.Fprintf(w, " (%d through privilege escalation)", ans.Escalation)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintln(w)
	label := func(arn string) string { return nodeLabel(g, g.Node(arn)) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRINCIPAL\tKIND\tDECISION\tCONDITIONAL ON\tVIA")
	for _, row := range ans.Principals {
		name := label(row.ARN)
		switch {
		case row.Admin:
			name += " [admin]"
		case row.ViaAdmin && row.Escalation:
			name += " [admin via escalation]"
		case row.ViaAdmin:
			name += " [admin via role]"
		}
		cond := "-"
		if row.Conditional {
			cond = strings.Join(row.MissingContext, ", ")
			if cond == "" {
				cond = "yes"
			}
		}
		via := "-"
		if len(row.Hops) > 0 {
			via = wayText(label, row.Hops)
		}
		termsafe.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, row.Kind, row.Decision, cond, via)
	}
	tw.Flush()
	printAccessNotes(w, label, ans)
	printGaps(w, nil, ans.Coverage)
	if ans.Escalation > 0 {
		fmt.Fprintln(w, "\n[method] marks an escalation hop: the principal acts as the next one through that method (see: iamx chains PRINCIPAL).")
	}
}

// wayText writes a way as "role/A → [iam:CreateAccessKey] user/b → role/C":
// each hop's target, an escalation hop's method before it ("itself" for a
// self-escalation).
func wayText(label func(string) string, hops []answer.ChainHop) string {
	parts := make([]string, len(hops))
	for i, h := range hops {
		to := label(h.To)
		if h.From == h.To {
			to = "itself"
		}
		if isAssumeKind(h.Kind) {
			parts[i] = to
		} else {
			parts[i] = "[" + h.Kind + "] " + to
		}
	}
	return strings.Join(parts, " → ")
}

// isAssumeKind reports whether a hop's kind is a can-assume edge's.
func isAssumeKind(kind string) bool {
	switch kind {
	case graph.EdgeAssumeRole, graph.EdgeWebIdentity, graph.EdgeSAML, graph.EdgeService:
		return true
	}
	return false
}
