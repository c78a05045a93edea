// Package suggest finds the words nearest a mistyped one, for "did you
// mean" in errors: the edit distance (Levenshtein), case-insensitive,
// bounded so that a long list is cheap to scan.
package suggest

import (
	"sort"
	"strings"
)

// Nearest returns up to n of candidates within a small edit distance of
// word, ignoring case, nearest first (ties in the candidates' order).
func Nearest(word string, candidates []string, n int) []string {
	want := strings.ToLower(word)
	limit := max(2, len(want)/5)
	type cand struct {
		name string
		dist int
	}
	var found []cand
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] || abs(len(c)-len(want)) > limit {
			continue
		}
		seen[c] = true
		if d := Distance(want, strings.ToLower(c), limit); d <= limit {
			found = append(found, cand{c, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].dist < found[j].dist })
	out := make([]string, 0, n)
	for _, c := range found[:min(n, len(found))] {
		out = append(out, c.name)
	}
	return out
}

// Distance is the Levenshtein distance of a and b (in bytes), or limit+1
// once it must exceed limit.
func Distance(a, b string, limit int) int {
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
