package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/iamx/iamx/graph/answer"
)

func runFindings(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("findings")
	var src sourceFlags
	src.register(fs)
	severity := fs.String("severity", "info", "list findings at or above this severity (critical, high, medium, low, info)")
	failOn := fs.String("fail-on", "", "exit 1 when any finding is at or above this severity")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	if len(pos) > 0 {
		return fail(e, usagef("findings: unexpected argument %q", pos[0]))
	}
	min, err := answer.ParseSeverity(*severity)
	if err != nil {
		return fail(e, usagef("findings: --severity: %v", err))
	}
	var gate answer.Severity
	if *failOn != "" {
		if gate, err = answer.ParseSeverity(*failOn); err != nil {
			return fail(e, usagef("findings: --fail-on: %v", err))
		}
	}
	g, err := sourceGraph(ctx, e, &src)
	if err != nil {
		return fail(e, err)
	}
	all := answer.FindingsOf(g, g.Privesc())
	shown := answer.Findings{Findings: all.AtLeast(min), Assumptions: all.Assumptions}
	if *jsonOut {
		if err := writeJSON(e.stdout, shown); err != nil {
			return fail(e, err)
		}
	} else {
		out := bufio.NewWriter(e.stdout)
		printFindings(out, func(a string) string {
			if n := g.Node(a); n != nil {
				return nodeLabel(g, n)
			}
			return a
		}, shown)
		if err := out.Flush(); err != nil {
			return fail(e, err)
		}
	}
	if gate != "" && len(all.AtLeast(gate)) > 0 {
		return exitDenied
	}
	return exitOK
}

// printFindings writes one block per finding, most severe first:
//
//	CRITICAL escalation-to-admin  user/mallory
//	  can reach admin-equivalent access without having it
//	  3 hop(s): …
func printFindings(w io.Writer, label func(string) string, f answer.Findings) {
	if len(f.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
	}
	counts := map[answer.Severity]int{}
	for _, x := range f.Findings {
		counts[x.Severity]++
		fmt.Fprintf(w, "%-8s %s  %s\n", strings.ToUpper(string(x.Severity)), x.ID, label(x.Subject()))
		fmt.Fprintf(w, "  %s\n  %s\n", x.Title, x.Detail)
		for _, ev := range x.Evidence {
			if ev.Kind == "path" {
				fmt.Fprintf(w, "  evidence: %s\n", ev.Text)
				printPrivescPath(w, label, ev.Path, "    ")
				continue
			}
			fmt.Fprintf(w, "  evidence: %s\n", ev.Text)
		}
		if x.Reference != "" {
			fmt.Fprintf(w, "  see: %s\n", x.Reference)
		}
		fmt.Fprintln(w)
	}
	if len(f.Findings) > 0 {
		var parts []string
		for _, s := range []answer.Severity{answer.Critical, answer.High, answer.Medium, answer.Low, answer.Info} {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
			}
		}
		fmt.Fprintf(w, "%d finding(s): %s\n", len(f.Findings), strings.Join(parts, ", "))
	}
	for _, a := range f.Assumptions {
		fmt.Fprintf(w, "note: %s\n", a)
	}
}
