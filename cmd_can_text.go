// The text form of a can answer: the decision, the layer that decided it,
// the deciding statements, hints for missing context, and a compact trace.

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// printCan writes the human form: the decision, the layer that made it, the
// deciding statements, what context would change it, and a compact trace.
func printCan(w io.Writer, g *graph.Graph, n *graph.Node, ctx policy.Context, ans answer.Can, res policy.Result) {
	verdict := "ALLOWED"
	switch res.Decision {
	case policy.ExplicitDeny:
		verdict = "DENIED (explicit deny)"
	case policy.ImplicitDeny:
		verdict = "DENIED (implicit deny)"
	}
	if res.Conditional {
		verdict += ", conditional"
	}
	termsafe.Fprintf(w, "%s  %s → %s on %s\n", verdict, n.Label(), ans.Action, ans.Resource)
	if n.Label() != n.ARN {
		termsafe.Fprintf(w, "  principal  %s\n", n.ARN)
	}
	if ans.Admin {
		termsafe.Fprintf(w, "  note       %s is admin-equivalent\n", n.Label())
	}
	ex := answer.Explain(g, n, ans.Action, ans.Resource, ctx, res)
	why := ex.Why
	if res.Layer == policy.LayerResource && res.Decision != policy.Allowed && len(ans.Assumptions) > 0 {
		why = "the role's trust policy is not in the snapshot, and AWS always requires it to allow sts:AssumeRole*"
	}
	termsafe.Fprintf(w, "  why        %s\n", why)
	if res.Layer == policy.LayerBoundary && res.Trace != nil {
		for _, p := range res.Trace.Policies {
			if p.Source.Type == policy.BoundaryPolicy {
				termsafe.Fprintf(w, "  boundary   %s\n", p.Source.ID())
			}
		}
	}
	if len(res.Reasons) > 0 {
		termsafe.Fprintf(w, "  decided by\n")
		for _, r := range res.Reasons {
			termsafe.Fprintf(w, "    %-5s %s policy %s, statement %s%s\n", r.Effect, r.PolicyType, r.Policy, reasonLabel(r), viaText(r.Via))
		}
	}
	if len(res.MissingContext) > 0 {
		if res.Conditional {
			termsafe.Fprintf(w, "  context    %s not supplied; the decision depends on it\n", strings.Join(res.MissingContext, ", "))
			if ex.Flip != "" {
				termsafe.Fprintf(w, "    try -c %s (the evaluator allows it then)\n", ex.Flip)
			}
			for _, h := range ex.Notes {
				termsafe.Fprintf(w, "    %s\n", h)
			}
		} else {
			termsafe.Fprintf(w, "  context    %s not supplied (tested, but no value would change the decision)\n", strings.Join(res.MissingContext, ", "))
		}
	}
	printGaps(w, ans.Assumptions, ans.Coverage)
	if res.Trace != nil {
		printTrace(w, res.Trace)
	}
}

func reasonLabel(r policy.Reason) string {
	if r.Sid != "" {
		return fmt.Sprintf("%s (#%d)", r.Sid, r.Index)
	}
	return fmt.Sprintf("#%d", r.Index)
}

func viaText(via string) string {
	if via == "" {
		return ""
	}
	return ", via group " + via
}

// printTrace shows every policy consulted and its statements that matched
// the action: the rest is noise for the question asked.
func printTrace(w io.Writer, tr *policy.Trace) {
	if len(tr.Policies) == 0 {
		return
	}
	termsafe.Fprintf(w, "  trace\n")
	for _, p := range tr.Policies {
		src := p.Source
		name := src.ID()
		termsafe.Fprintf(w, "    %-8s %s%s\n", src.Type, name, viaText(src.Via))
		relevant := 0
		for _, st := range p.Statements {
			if !st.Action {
				continue
			}
			relevant++
			label := fmt.Sprintf("#%d", st.Index)
			if st.Sid != "" {
				label += " " + st.Sid
			}
			status := "matches"
			if !st.Matched {
				status = "no: " + st.Note
			}
			termsafe.Fprintf(w, "      %-5s %-28s %s\n", st.Effect, label, status)
		}
		if relevant == 0 {
			termsafe.Fprintf(w, "      (none of its %d statement(s) names the action)\n", len(p.Statements))
		}
	}
}
