package suggest

import (
	"slices"
	"testing"
)

// Distance agrees with the plain recursive definition of edit distance, and
// its cap only ever says "more than limit".
//
// https://en.wikipedia.org/wiki/Levenshtein_distance#Definition
func TestDistanceMatchesTheDefinition(t *testing.T) {
	naive := func(a, b string) int {
		var d func(i, j int) int
		d = func(i, j int) int {
			switch {
			case i == 0:
				return j
			case j == 0:
				return i
			}
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			return min(d(i-1, j)+1, d(i, j-1)+1, d(i-1, j-1)+cost)
		}
		return d(len(a), len(b))
	}
	pairs := [][2]string{{"", ""}, {"s3:getobjekt", "s3:getobject"}, {"kitten", "sitting"}, {"abc", ""}, {"iam:passrole", "iam:getrole"}, {"s4:x", "s3:xy"}, {"alcie", "alice"}}
	for _, p := range pairs {
		want := naive(p[0], p[1])
		if got := Distance(p[0], p[1], 100); got != want {
			t.Errorf("Distance(%q, %q) = %d, want %d", p[0], p[1], got, want)
		}
		if got := Distance(p[0], p[1], 1); (want > 1) != (got > 1) {
			t.Errorf("Distance(%q, %q, limit 1) = %d, want %d (capped)", p[0], p[1], got, want)
		}
	}
}

func TestNearest(t *testing.T) {
	names := []string{"alice", "bob", "carol", "Alicia", "DeployRole", "alice"}
	tests := []struct {
		word string
		want []string
	}{
		{"alcie", []string{"alice", "Alicia"}},
		{"bbo", []string{"bob"}},
		{"ALICE", []string{"alice", "Alicia"}},
		{"deployrol", []string{"DeployRole"}},
		{"zzzzzz", []string{}},
	}
	for _, tt := range tests {
		if got := Nearest(tt.word, names, 3); !slices.Equal(got, tt.want) {
			t.Errorf("Nearest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
