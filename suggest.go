package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/actions"
)

// unknownAction is the usage error for an action the catalogue does not
// define, with the nearest actions it does: "s3:GetObjekt" is a typo far
// more often than a new API. nil when the catalogue knows the action.
func unknownAction(cmd, action string) error {
	cat := actions.Load()
	if _, ok := cat.Lookup(action); ok {
		return nil
	}
	msg := fmt.Sprintf("%s: %s is not in the action catalogue (%s)", cmd, action, cat.Source())
	if near := nearestActions(cat, action, 3); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	}
	return usagef("%s (--allow-unknown-action evaluates it as written)", msg)
}

// nearestActions returns up to n catalogue actions within a small edit
// distance of action (case-insensitive), nearest first.
func nearestActions(cat *actions.Catalogue, action string, n int) []string {
	want := strings.ToLower(action)
	limit := max(2, len(want)/5)
	type cand struct {
		name string
		dist int
	}
	var found []cand
	for id := range cat.Len() {
		name := cat.Action(id).String()
		if abs(len(name)-len(want)) > limit {
			continue
		}
		if d := editDistance(want, strings.ToLower(name), limit); d <= limit {
			found = append(found, cand{name, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].dist < found[j].dist })
	out := make([]string, 0, n)
	for _, c := range found[:min(n, len(found))] {
		out = append(out, c.name)
	}
	return out
}

// editDistance is the Levenshtein distance of a and b, or limit+1 once it
// must exceed limit.
func editDistance(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
