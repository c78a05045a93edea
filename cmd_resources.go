package main

import (
	"io"
	"slices"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
)

// coverageRow is one service, account and region a capture did not read
// completely, as answers report it.
type coverageRow struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Service string `json:"service"`
	State   string `json:"state"`
	Error   string `json:"error,omitempty"`
}

// answerGaps returns what an answer about action on resource (by n; nil for
// who-can) rests on that the snapshot lacks: assumptions in words, and the
// incomplete coverage of the resource's service, account and region.
func answerGaps(g *graph.Graph, n *graph.Node, action, resource string) ([]string, []coverageRow) {
	assumptions := g.Assumptions(n, action, resource)
	var cov []coverageRow
	for _, c := range g.Coverage(action, resource) {
		cov = append(cov, coverageRow(c))
	}
	return assumptions, cov
}

// withAssumptions joins what resolving RESOURCE assumed (a trust policy the
// snapshot lacks) with what the answer assumed (a default key policy), once
// each, in that order.
func withAssumptions(resolved, answered []string) []string {
	out := make([]string, 0, len(resolved)+len(answered))
	for _, a := range append(append([]string(nil), resolved...), answered...) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// resourcePolicyWords names the kind of resource policy for people.
func resourcePolicyWords(resource string) string {
	switch {
	case strings.Contains(resource, ":iam::") && strings.Contains(resource, ":role/"):
		return "the role's trust policy"
	case strings.Contains(resource, ":kms:"):
		return "the key policy, which must allow"
	case strings.Contains(resource, ":s3:::"):
		return "the bucket policy"
	}
	return "the resource's policy"
}

// printGaps writes the assumptions and coverage gaps under a text answer.
func printGaps(w io.Writer, assumptions []string, cov []coverageRow) {
	for _, a := range assumptions {
		termsafe.Fprintf(w, "  assumed    %s\n", a)
	}
	for _, c := range cov {
		where := c.Service
		if c.Account != "" {
			where += " in " + c.Account
		}
		if c.Region != "" {
			where += " " + c.Region
		}
		line := "  coverage   " + where + ": " + c.State
		if c.Error != "" {
			line += " (" + c.Error + ")"
		}
		termsafe.Fprintf(w, "%s\n", line)
	}
}

// printAccessNotes writes, under a who-can table, what each principal a
// resource policy names stands for.
func printAccessNotes(w io.Writer, g *graph.Graph, ans whoCanAnswer, list []graph.Access) {
	for i := range list {
		if note := ans.Principals[i].Note; note != "" {
			termsafe.Fprintf(w, "  %s: %s\n", nodeLabel(g, list[i].Principal), note)
		}
	}
}
