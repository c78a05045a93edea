package graph

import (
	"sort"
	"strings"
)

// BlastRadius is what a principal's credentials can do, directly or as
// anyone they can become (Becomes): "this key leaked — what can it reach?".
// Each action is listed once, through the first way that allows it: its
// own policies first, then the fewest hops, unconditional before
// conditional. A row reached through a conditional way is conditional,
// with the way's keys; a row that depends on aws:MultiFactorAuthPresent is
// not offered through a way whose session cannot carry MFA.
type BlastRadius struct {
	Principal *Node
	Own       *Permissions
	Reach     Reach
	Actions   []ReachedAction // sorted by action name
	// Admin is a way to admin-equivalence (every action on every
	// resource), nil when there is none; the principal's own admin is
	// Own.Admin.
	Admin *Way
}

// ReachedAction is one action of a blast radius: the holder's row, as
// Permissions lists it, and the way to the holder (nil for its own).
type ReachedAction struct {
	ActionPerm
	Holder *Node
	Way    *Way
}

// BlastRadius works out n's blast radius under filter f: through trust
// alone when assumeOnly, else through trust and escalation.
func (g *Graph) BlastRadius(n *Node, f PermFilter, assumeOnly bool) BlastRadius {
	br := BlastRadius{Principal: n, Own: g.Permissions(n, f), Reach: g.Becomes(n, assumeOnly)}
	rows := map[string]int{}
	// Rows of one action class share their key list: so do their rows
	// through one way, so that answers can intern them.
	type keysKey struct {
		w     *Way
		first *string
		n     int
	}
	keys := map[keysKey][]string{}
	add := func(a ActionPerm, holder *Node, w *Way) {
		if w != nil && w.Conditional() {
			a.Conditional = true
			k := keysKey{w, nil, len(a.ConditionKeys)}
			if len(a.ConditionKeys) > 0 {
				k.first = &a.ConditionKeys[0]
			}
			ks, ok := keys[k]
			if !ok {
				ks = appendUnique(append([]string(nil), a.ConditionKeys...), w.MissingContext()...)
				sort.Strings(ks)
				keys[k] = ks
			}
			a.ConditionKeys = ks
		}
		i, ok := rows[a.Action]
		switch {
		case !ok:
			rows[a.Action] = len(br.Actions)
			br.Actions = append(br.Actions, ReachedAction{ActionPerm: a, Holder: holder, Way: w})
		case br.Actions[i].Conditional && !a.Conditional:
			br.Actions[i] = ReachedAction{ActionPerm: a, Holder: holder, Way: w}
		}
	}
	for _, a := range br.Own.Actions {
		add(a, n, nil)
	}
	for i := range br.Reach.Ways {
		w := &br.Reach.Ways[i]
		if w.Admin && br.Admin == nil {
			br.Admin = w
		}
		noMFA := w.Hops[len(w.Hops)-1].ToNoMFA
		for _, a := range g.Permissions(w.To, f).Actions {
			if noMFA && a.Conditional && hasKey(a.ConditionKeys, "aws:MultiFactorAuthPresent") {
				// Minted credentials, or a service's session, carry no
				// MFA: a row that waits for it does not hold there.
				continue
			}
			add(a, w.To, w)
		}
	}
	if g := br.Reach.Grant; g != nil && (br.Admin == nil || betterWay(g.Hops, br.Admin.Hops)) {
		br.Admin = g
	}
	sort.Slice(br.Actions, func(i, j int) bool { return br.Actions[i].Action < br.Actions[j].Action })
	return br
}

func hasKey(keys []string, k string) bool {
	for _, x := range keys {
		if strings.EqualFold(x, k) {
			return true
		}
	}
	return false
}
