package main

import (
	"io"
	"slices"

	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/internal/termsafe"
)

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

// printGaps writes the assumptions and coverage gaps under a text answer.
func printGaps(w io.Writer, assumptions []string, cov []answer.Coverage) {
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
func printAccessNotes(w io.Writer, label func(string) string, ans answer.WhoCan) {
	for _, row := range ans.Principals {
		if row.Note != "" {
			termsafe.Fprintf(w, "  %s: %s\n", label(row.ARN), row.Note)
		}
	}
}
