package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// whoCanAnswer is the JSON answer of `iamx who-can`. action, resource and
// principals[].{arn, decision, conditional, via} are the contract (DESIGN.md
// section 2); the rest helps people and scripts.
type whoCanAnswer struct {
	Action      string         `json:"action"`
	Resource    string         `json:"resource"`
	Context     policy.Context `json:"context,omitempty"`
	Principals  []whoCanRow    `json:"principals"`
	Count       int            `json:"count"`
	Conditional int            `json:"conditional_count"`
	Warnings    []string       `json:"warnings,omitempty"`
	Assumptions []string       `json:"assumptions,omitempty"` // what the answer rests on that the snapshot lacks
	Coverage    []coverageRow  `json:"coverage,omitempty"`
}

// whoCanRow is one principal that can. decision is always "allow";
// conditional marks an allow that holds only for some values of
// missing_context (a chain whose hop needs MFA counts too).
type whoCanRow struct {
	ARN            string      `json:"arn"`
	Kind           string      `json:"kind"` // user, role, or the external principal's kind: account, service, federated, anyone, user, role
	Account        string      `json:"account,omitempty"`
	Decision       string      `json:"decision"`
	Conditional    bool        `json:"conditional"`
	MissingContext []string    `json:"missing_context"`
	Via            []string    `json:"via"`            // role ARNs of the assume-role path; [] when direct
	Hops           []chainHop  `json:"hops"`           // the path's edges with their kinds and conditions; [] when direct
	Admin          bool        `json:"admin"`          // the principal itself is admin-equivalent (asked of direct principals)
	ViaAdmin       bool        `json:"via_admin"`      // the path ends at an admin-equivalent role
	Reasons        []canReason `json:"reasons"`        // statements that allowed the request, for whoever performs it
	Note           string      `json:"note,omitempty"` // what a principal a resource policy names stands for
}

func runWhoCan(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("who-can")
	var src sourceFlags
	src.register(fs)
	var cflags contextFlag
	fs.Var(&cflags, "c", "request context `KEY=VALUE` (repeat a key for several values)")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	allowUnknown := fs.Bool("allow-unknown-action", false, allowUnknownUsage)
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
	list := g.WhoCan(action, resource, reqCtx)
	ans := newWhoCanAnswer(g, action, resource, reqCtx, list)
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
	printWhoCan(out, g, ans, list)
	out.Flush()
	return exitOK
}

func newWhoCanAnswer(g *graph.Graph, action, resource string, ctx policy.Context, list []graph.Access) whoCanAnswer {
	ans := whoCanAnswer{Action: action, Resource: resource, Principals: make([]whoCanRow, 0, len(list)), Count: len(list)}
	if len(ctx) > 0 {
		ans.Context = ctx
	}
	// Admin is asked of direct principals and of the role each path ends at:
	// decide them all at once, on every core.
	ask := make([]*graph.Node, 0, len(list))
	for _, a := range list {
		if len(a.Via) == 0 {
			ask = append(ask, a.Principal)
		} else {
			ask = append(ask, a.Via[len(a.Via)-1])
		}
	}
	g.WarmAdmin(ask)
	isAdmin := g.IsAdmin // answers from the memo now
	for _, a := range list {
		n := a.Principal
		row := whoCanRow{
			ARN:            n.ARN,
			Kind:           principalKind(n),
			Account:        n.Account,
			Decision:       a.Decision.String(),
			Conditional:    a.Conditional,
			MissingContext: append([]string{}, a.MissingContext...),
			Via:            make([]string, 0, len(a.Via)),
			Hops:           make([]chainHop, 0, len(a.Path)),
			Reasons:        []canReason{},
		}
		// A principal that is admin-equivalent can act directly, so admin
		// is asked of direct principals only (it costs an expansion of
		// every statement); via_admin of the role a path ends at.
		if len(a.Via) == 0 {
			row.Admin = isAdmin(n)
		} else {
			row.ViaAdmin = isAdmin(a.Via[len(a.Via)-1])
		}
		for _, v := range a.Via {
			row.Via = append(row.Via, v.ARN)
		}
		for _, h := range a.Path {
			row.Hops = append(row.Hops, newChainHop(h))
		}
		for _, r := range a.Result.Reasons {
			row.Reasons = append(row.Reasons, canReason{Policy: r.Policy, PolicyType: r.PolicyType.String(),
				Sid: r.Sid, Index: r.Index, Effect: r.Effect.String(), Via: r.Via})
		}
		if a.Conditional {
			ans.Conditional++
		}
		row.Note = g.AccessNote(&a)
		ans.Principals = append(ans.Principals, row)
	}
	ans.Assumptions, ans.Coverage = answerGaps(g, nil, action, resource)
	return ans
}

// principalKind names a node's kind for people: user and role, or for an
// external principal its principal kind (account, service, federated, anyone …).
func principalKind(n *graph.Node) string {
	if n.Kind != graph.KindExternal {
		return n.Kind.String()
	}
	if n.Dangling {
		return "deleted"
	}
	return n.Principal.Kind.String()
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

func printWhoCan(w io.Writer, g *graph.Graph, ans whoCanAnswer, list []graph.Access) {
	what := ans.Action + " on " + ans.Resource
	for _, a := range ans.Assumptions {
		termsafe.Fprintf(w, "Note: %s.\n", a)
	}
	if len(list) == 0 {
		termsafe.Fprintf(w, "Nobody can %s.\n", what)
		printGaps(w, nil, ans.Coverage) // assumptions were the notes above
		return
	}
	termsafe.Fprintf(w, "%s can %s", countOf(ans.Count, "principal", "principals"), what)
	if ans.Conditional > 0 {
		fmt.Fprintf(w, " (%d only with more context)", ans.Conditional)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRINCIPAL\tKIND\tDECISION\tCONDITIONAL ON\tVIA")
	for i, a := range list {
		row := ans.Principals[i]
		name := nodeLabel(g, a.Principal)
		if row.Admin {
			name += " [admin]"
		}
		if row.ViaAdmin {
			name += " [admin via role]"
		}
		cond := "-"
		if a.Conditional {
			cond = strings.Join(a.MissingContext, ", ")
			if cond == "" {
				cond = "yes"
			}
		}
		via := "-"
		if len(a.Via) > 0 {
			parts := make([]string, len(a.Via))
			for j, v := range a.Via {
				parts[j] = nodeLabel(g, v)
			}
			via = strings.Join(parts, " → ")
		}
		termsafe.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, row.Kind, row.Decision, cond, via)
	}
	tw.Flush()
	printAccessNotes(w, g, ans, list)
	printGaps(w, nil, ans.Coverage)
}
