package answer

import (
	"sort"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/actions"
)

// ServiceGroup is one service's share of a permissions answer, by access
// level: the IAM console's policy summary (service → access level →
// actions), which `iamx perms`, the Permissions tab and diff's effects
// all show.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
type ServiceGroup struct {
	Service     string
	Levels      []LevelGroup // the levels that have actions, in console order
	Actions     []int        // every action of the service, as indices into the grouped list, in its order
	Conditional int          // how many are allowed only with more context
}

// LevelGroup is the actions of one access level of a service.
type LevelGroup struct {
	Level   actions.AccessLevel // 0 for an action the catalogue gives no level
	Actions []int               // indices into the grouped list, in its order
}

// Count is how many actions of level l the service has.
func (s *ServiceGroup) Count(l actions.AccessLevel) int {
	for _, g := range s.Levels {
		if g.Level == l {
			return len(g.Actions)
		}
	}
	return 0
}

// Top is the highest access level the service has, ranking permissions
// management over write over tagging, read and list.
func (s *ServiceGroup) Top() actions.AccessLevel {
	var top actions.AccessLevel
	for _, g := range s.Levels {
		if levelRank(g.Level) > levelRank(top) {
			top = g.Level
		}
	}
	return top
}

// GroupByService groups list by service, sorted by service name, each
// service's actions by access level in console order. service, level and
// conditional read an element; conditional may be nil.
func GroupByService[T any](list []T, service func(*T) string, level func(*T) actions.AccessLevel, conditional func(*T) bool) []ServiceGroup {
	var out []ServiceGroup
	idx := map[string]int{}
	for i := range list {
		a := &list[i]
		s := service(a)
		j, ok := idx[s]
		if !ok {
			j = len(out)
			idx[s] = j
			out = append(out, ServiceGroup{Service: s})
		}
		out[j].Actions = append(out[j].Actions, i)
		if conditional != nil && conditional(a) {
			out[j].Conditional++
		}
	}
	order := append([]actions.AccessLevel{}, actions.AccessLevels()...)
	order = append(order, 0)
	for j := range out {
		g := &out[j]
		for _, l := range order {
			var in []int
			for _, i := range g.Actions {
				if lv := level(&list[i]); lv == l || (l == 0 && !lv.Valid()) {
					in = append(in, i)
				}
			}
			if len(in) > 0 {
				g.Levels = append(g.Levels, LevelGroup{Level: l, Actions: in})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Service < out[b].Service })
	return out
}

// GroupAllowed groups a permissions answer's allowed actions.
func GroupAllowed(p *graph.Permissions) []ServiceGroup {
	return GroupByService(p.Actions, actionService, actionLevel, func(a *graph.ActionPerm) bool { return a.Conditional })
}

// GroupRemoved groups the actions a permissions answer lists as granted
// but taken away (by a deny, the boundary or an SCP).
func GroupRemoved(p *graph.Permissions) []ServiceGroup {
	return GroupByService(p.Removed,
		func(a *graph.RemovedAction) string { return serviceOf(a.Action) },
		func(a *graph.RemovedAction) actions.AccessLevel { return a.Level },
		nil)
}

func serviceOf(action string) string {
	s, _, _ := strings.Cut(action, ":")
	return s
}
