package answer

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
)

// Permissions grouped as the IAM console's policy summary groups them:
// service, then access level in the console's order (List, Read, Write,
// Permissions management, Tagging). Checked against the obvious grouping
// (a map from service and level to action names) on every principal of
// the demo account, allowed and removed actions both.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
func TestGroupByServiceMatchesTheObviousGrouping(t *testing.T) {
	g, err := graph.Build([]*model.Snapshot{demoSnapshot(t)}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// obvious sorts the actions by service, then level, keeping the
	// list's order within a level.
	obvious := func(names []string, levels []actions.AccessLevel) []string {
		idx := make([]int, len(names))
		for i := range idx {
			idx[i] = i
		}
		svc := func(i int) string { s, _, _ := strings.Cut(names[i], ":"); return s }
		sort.SliceStable(idx, func(a, b int) bool {
			i, j := idx[a], idx[b]
			if svc(i) != svc(j) {
				return svc(i) < svc(j)
			}
			return levelOrder(levels[i]) < levelOrder(levels[j])
		})
		var out []string
		for _, i := range idx {
			out = append(out, fmt.Sprintf("%s|%d|%s", svc(i), levelOrder(levels[i]), names[i]))
		}
		return out
	}
	differ := func(got, want []string) string {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				return fmt.Sprintf("at %d: %s, want %s", i, got[i], want[i])
			}
		}
		if len(got) != len(want) {
			return fmt.Sprintf("%d grouped, want %d", len(got), len(want))
		}
		return ""
	}
	flatten := func(groups []ServiceGroup, names []string) []string {
		var out []string
		for _, s := range groups {
			n := 0
			for _, lg := range s.Levels {
				for _, i := range lg.Actions {
					out = append(out, fmt.Sprintf("%s|%d|%s", s.Service, levelOrder(lg.Level), names[i]))
				}
				n += len(lg.Actions)
				if s.Count(lg.Level) != len(lg.Actions) {
					t.Errorf("%s: Count(%s) = %d, want %d", s.Service, lg.Level, s.Count(lg.Level), len(lg.Actions))
				}
			}
			if n != len(s.Actions) {
				t.Errorf("%s: %d actions by level, %d in all", s.Service, n, len(s.Actions))
			}
		}
		return out
	}
	checked := 0
	for _, n := range append(append(append([]*graph.Node{}, g.Users()...), g.Roles()...), g.Groups()...) {
		p := g.Permissions(n, graph.PermFilter{})
		var names []string
		var levels []actions.AccessLevel
		cond := map[string]int{}
		for _, a := range p.Actions {
			names, levels = append(names, a.Action), append(levels, a.Level)
			if a.Conditional {
				cond[a.Service]++
			}
		}
		groups := GroupAllowed(p)
		if d := differ(flatten(groups, names), obvious(names, levels)); d != "" {
			t.Errorf("%s allowed: %s", n.Label(), d)
		}
		for _, s := range groups {
			if s.Conditional != cond[s.Service] {
				t.Errorf("%s %s: %d conditional, want %d", n.Label(), s.Service, s.Conditional, cond[s.Service])
			}
		}
		names, levels = nil, nil
		for _, r := range p.Removed {
			names, levels = append(names, r.Action), append(levels, r.Level)
		}
		if d := differ(flatten(GroupRemoved(p), names), obvious(names, levels)); d != "" {
			t.Errorf("%s removed: %s", n.Label(), d)
		}
		checked += len(p.Actions) + len(p.Removed)
	}
	if checked == 0 {
		t.Fatal("the demo granted nothing to group")
	}
}

// levelOrder is a level's place in the console's order; an action the
// catalogue gives no level comes last.
func levelOrder(l actions.AccessLevel) int {
	if i := slices.Index(actions.AccessLevels(), l); i >= 0 {
		return i
	}
	return 9
}
