package answer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/principal"
)

// Diff is the answer of `iamx diff OLD NEW`: what changed between two
// snapshots of one account, and what it means.
type Diff struct {
	Old     SnapshotRef `json:"old"`
	New     SnapshotRef `json:"new"`
	Changes []Change    `json:"changes"`
	Effects []Effect    `json:"effects"`
}

// SnapshotRef names one side of a diff.
type SnapshotRef struct {
	Account    string `json:"account"`
	CapturedAt string `json:"captured_at"`
	File       string `json:"file"`
}

// Effect is one consequence of the changes for one principal (or role).
type Effect struct {
	Effect    string   `json:"effect"`
	Principal string   `json:"principal"`
	Severity  Severity `json:"severity"`
	Detail    string   `json:"detail"`
}

// Effect names.
const (
	EffectNewAdmin          = "new-admin"
	EffectNoLongerAdmin     = "no-longer-admin"
	EffectNewEscalation     = "new-escalation-path"
	EffectEscalationRemoved = "escalation-path-removed"
	EffectTrustAnyone       = "trust-open-to-anyone"
	EffectTrustAccount      = "trust-new-outside-account"
	EffectExternalIDDropped = "external-id-dropped"
	EffectPermsGained       = "permissions-gained"
	EffectPermsLost         = "permissions-lost"
	EffectFindingNew        = "finding-new"
	EffectFindingResolved   = "finding-resolved"
)

// Side is one snapshot of a diff, loaded as its own graph (two snapshots of
// one account never share a graph).
type Side struct {
	Graph   *graph.Graph
	Privesc *graph.Privesc
	File    string
}

// Ref describes the side for the answer.
func (s Side) Ref() SnapshotRef {
	snap := s.Graph.Snapshots()[0]
	r := SnapshotRef{Account: snap.AccountID, File: s.File}
	if !snap.CapturedAt.IsZero() {
		r.CapturedAt = snap.CapturedAt.UTC().Format(time.RFC3339)
	}
	return r
}

// DiffOf compares two sides. Effects are worked out only for what the
// changes can touch: the changed principals, the members of changed
// groups, the holders of changed policies and the principals that can
// reach a changed role (see Touched).
func DiffOf(old, cur Side) Diff {
	d := Diff{Old: old.Ref(), New: cur.Ref(), Changes: ChangesOf(old.Graph.Snapshots()[0], cur.Graph.Snapshots()[0])}
	if d.Changes == nil {
		d.Changes = []Change{}
	}
	own := Touched(d.Changes, old.Graph, cur.Graph)
	touched := make(map[string]bool, len(own))
	for a := range own {
		touched[a] = true
	}
	reaching(own, old.Graph, cur.Graph, touched)
	reachChanged(old, cur, touched)
	d.Effects = effectsOf(old, cur, touched, own)
	return d
}

// reachChanged adds the principals whose reach of admin changed: an
// escalation method on "*" (iam:CreateAccessKey on every user) makes a new
// admin reachable from principals no change names. Both analyses are at
// hand, so this is a lookup per principal.
func reachChanged(old, cur Side, touched map[string]bool) {
	for _, n := range cur.Graph.Users() {
		if on := old.Graph.Node(n.ARN); on != nil && (old.Privesc.Hops(on) < 0) != (cur.Privesc.Hops(n) < 0) {
			touched[n.ARN] = true
		}
	}
	for _, n := range cur.Graph.Roles() {
		if on := old.Graph.Node(n.ARN); on != nil && (old.Privesc.Hops(on) < 0) != (cur.Privesc.Hops(n) < 0) {
			touched[n.ARN] = true
		}
	}
}

// effectsOf works out the effects for the touched ARNs; permissions only
// for own, the principals whose own policies changed (reaching a changed
// role changes what one can become, not what one's policies allow).
func effectsOf(old, cur Side, touched, own map[string]bool) []Effect {
	arns := make([]string, 0, len(touched))
	for a := range touched {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	var eff []Effect
	for _, a := range arns {
		on, nn := old.Graph.Node(a), cur.Graph.Node(a)
		eff = append(eff, adminEffects(old, cur, a, on, nn)...)
		if nn != nil && on != nil && nn.IsPrincipal() && own[a] {
			eff = append(eff, permEffects(old.Graph, cur.Graph, a, on, nn)...)
		}
		if nn != nil && nn.Role != nil {
			eff = append(eff, trustEffects(old.Graph, cur.Graph, on, nn)...)
		}
	}
	eff = append(eff, findingEffects(old, cur, touched)...)
	SortEffects(eff)
	if eff == nil {
		eff = []Effect{}
	}
	return eff
}

// SortEffects orders effects most severe first, then by effect and principal.
func SortEffects(eff []Effect) {
	sort.SliceStable(eff, func(i, j int) bool {
		a, b := &eff[i], &eff[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.Effect != b.Effect {
			return a.Effect < b.Effect
		}
		if a.Principal != b.Principal {
			return a.Principal < b.Principal
		}
		return a.Detail < b.Detail
	})
}

// Touched returns the ARNs whose own policies the changes can alter, in
// either snapshot: changed entities, members of changed groups and holders
// of changed policies (directly or through a group).
func Touched(changes []Change, old, cur *graph.Graph) map[string]bool {
	out := map[string]bool{}
	for _, c := range changes {
		out[c.ARN] = true
		for _, g := range []*graph.Graph{old, cur} {
			n := g.Node(c.ARN)
			if n == nil {
				continue
			}
			switch c.Kind {
			case "group":
				for _, m := range g.MembersOf(n) {
					out[m.ARN] = true
				}
			case "policy":
				for _, h := range g.AttachedTo(n) {
					out[h.ARN] = true
					if h.Group != nil {
						for _, m := range g.MembersOf(h) {
							out[m.ARN] = true
						}
					}
				}
			}
		}
	}
	return out
}

// reaching adds to out every principal that can reach a role of changed
// through trust: a reverse walk over can-assume edges in both snapshots.
func reaching(changed map[string]bool, old, cur *graph.Graph, out map[string]bool) {
	var roles []string
	for a := range changed {
		for _, g := range []*graph.Graph{old, cur} {
			if n := g.Node(a); n != nil && n.Role != nil {
				roles = append(roles, a)
				break
			}
		}
	}
	sort.Strings(roles)
	for _, g := range []*graph.Graph{old, cur} {
		queue := append([]string(nil), roles...)
		seen := map[string]bool{}
		for len(queue) > 0 {
			a := queue[0]
			queue = queue[1:]
			if seen[a] {
				continue
			}
			seen[a] = true
			n := g.Node(a)
			if n == nil || n.Role == nil {
				continue
			}
			for _, e := range g.AssumableBy(n) {
				if e.From.Kind == graph.KindUser || e.From.Kind == graph.KindRole {
					out[e.From.ARN] = true
					queue = append(queue, e.From.ARN)
				}
			}
		}
	}
}

func adminEffects(old, cur Side, a string, on, nn *graph.Node) []Effect {
	if (on == nil || !on.IsPrincipal() || on.Kind == graph.KindExternal) && (nn == nil || !nn.IsPrincipal() || nn.Kind == graph.KindExternal) {
		return nil
	}
	wasAdmin := on != nil && old.Graph.IsAdmin(on)
	isAdmin := nn != nil && cur.Graph.IsAdmin(nn)
	var out []Effect
	switch {
	case isAdmin && !wasAdmin:
		how := "is admin-equivalent now"
		if on == nil {
			how = "new principal, admin-equivalent"
		}
		out = append(out, Effect{Effect: EffectNewAdmin, Principal: a, Severity: Critical, Detail: how})
	case wasAdmin && !isAdmin && nn != nil:
		out = append(out, Effect{Effect: EffectNoLongerAdmin, Principal: a, Severity: Info, Detail: "is no longer admin-equivalent"})
	}
	if isAdmin || wasAdmin && nn == nil {
		return out
	}
	wasReach := on != nil && !wasAdmin && old.Privesc.Hops(on) > 0
	isReach := nn != nil && cur.Privesc.Hops(nn) > 0
	switch {
	case isReach && !wasReach:
		hops := hopsOf(cur.Privesc, cur.Privesc.Shortest(nn))
		kinds := make([]string, len(hops))
		for i, h := range hops {
			kinds[i] = h.Kind + "→" + h.To
		}
		out = append(out, Effect{Effect: EffectNewEscalation, Principal: a, Severity: Critical,
			Detail: "can reach admin-equivalent access: " + strings.Join(kinds, ", ")})
	case wasReach && !isReach && nn != nil:
		out = append(out, Effect{Effect: EffectEscalationRemoved, Principal: a, Severity: Info, Detail: "can no longer reach admin-equivalent access"})
	}
	return out
}

// trustEffects: who may newly assume the role from outside the account.
func trustEffects(old, cur *graph.Graph, on, nn *graph.Node) []Effect {
	type edgeInfo struct{ externalID bool }
	before := map[string]edgeInfo{}
	if on != nil {
		for _, e := range old.AssumableBy(on) {
			before[e.From.ARN] = edgeInfo{externalID: hasConditionKey(e.Conditions, "sts:ExternalId")}
		}
	}
	var out []Effect
	for _, e := range cur.AssumableBy(nn) {
		prev, had := before[e.From.ARN]
		switch {
		case e.From.Principal.Kind == principal.Anyone && !had:
			out = append(out, Effect{Effect: EffectTrustAnyone, Principal: nn.ARN, Severity: Critical, Detail: "anyone may assume the role now"})
		case e.From.Principal.Kind == principal.Account && e.From.Account != nn.Account:
			ext := hasConditionKey(e.Conditions, "sts:ExternalId")
			switch {
			case !had:
				sev, how := High, "without sts:ExternalId"
				if ext {
					sev, how = Medium, "with sts:ExternalId"
				}
				out = append(out, Effect{Effect: EffectTrustAccount, Principal: nn.ARN, Severity: sev,
					Detail: fmt.Sprintf("account %s may assume the role now, %s", e.From.Account, how)})
			case prev.externalID && !ext:
				out = append(out, Effect{Effect: EffectExternalIDDropped, Principal: nn.ARN, Severity: High,
					Detail: fmt.Sprintf("account %s may assume the role without sts:ExternalId now", e.From.Account)})
			}
		}
	}
	return out
}

// permEffects: actions gained and lost, per service, with the highest
// access level gained deciding the severity.
func permEffects(old, cur *graph.Graph, a string, on, nn *graph.Node) []Effect {
	if on.Kind == graph.KindExternal || old.IsAdmin(on) && cur.IsAdmin(nn) {
		return nil
	}
	pa, pb := old.Permissions(on, graph.PermFilter{}), cur.Permissions(nn, graph.PermFilter{})
	before := map[string]bool{}
	for _, x := range pa.Actions {
		before[x.Action] = true
	}
	after := map[string]bool{}
	for _, x := range pb.Actions {
		after[x.Action] = true
	}
	var gained, lost []graph.ActionPerm
	for _, x := range pb.Actions {
		if !before[x.Action] {
			gained = append(gained, x)
		}
	}
	for _, x := range pa.Actions {
		if !after[x.Action] {
			lost = append(lost, x)
		}
	}
	var out []Effect
	for _, g := range GroupByService(gained, actionService, actionLevel, nil) {
		sev := Low
		switch g.Top() {
		case actions.PermissionsManagement:
			sev = High
		case actions.Write:
			sev = Medium
		}
		out = append(out, Effect{Effect: EffectPermsGained, Principal: a, Severity: sev,
			Detail: fmt.Sprintf("%s: %d action(s) gained, up to %s", g.Service, len(g.Actions), g.Top())})
	}
	for _, g := range GroupByService(lost, actionService, actionLevel, nil) {
		out = append(out, Effect{Effect: EffectPermsLost, Principal: a, Severity: Info,
			Detail: fmt.Sprintf("%s: %d action(s) lost", g.Service, len(g.Actions))})
	}
	return out
}

func actionService(a *graph.ActionPerm) string            { return a.Service }
func actionLevel(a *graph.ActionPerm) actions.AccessLevel { return a.Level }

func levelRank(l actions.AccessLevel) int {
	switch l {
	case actions.PermissionsManagement:
		return 5
	case actions.Write:
		return 4
	case actions.Tagging:
		return 3
	case actions.Read:
		return 2
	case actions.List:
		return 1
	}
	return 0
}

// findingEffects: findings about touched entities that appeared or went.
// Escalation findings are left to the escalation effects, which say the same.
func findingEffects(old, cur Side, touched map[string]bool) []Effect {
	key := func(f Finding) string { return f.ID + "\x00" + f.Subject() + "\x00" + f.Title }
	fa := withoutEscalation(FindingsAbout(old.Graph, old.Privesc, touched).Findings)
	fb := withoutEscalation(FindingsAbout(cur.Graph, cur.Privesc, touched).Findings)
	before := map[string]bool{}
	for _, f := range fa {
		before[key(f)] = true
	}
	after := map[string]bool{}
	var out []Effect
	for _, f := range fb {
		after[key(f)] = true
		if !before[key(f)] {
			out = append(out, Effect{Effect: EffectFindingNew, Principal: f.Subject(), Severity: f.Severity, Detail: f.ID + ": " + f.Title})
		}
	}
	for _, f := range fa {
		if !after[key(f)] && cur.Graph.Node(f.Subject()) != nil {
			out = append(out, Effect{Effect: EffectFindingResolved, Principal: f.Subject(), Severity: Info, Detail: f.ID + ": " + f.Title})
		}
	}
	return out
}

func withoutEscalation(fs []Finding) []Finding {
	out := fs[:0:0]
	for _, f := range fs {
		if f.ID != "escalation-to-admin" {
			out = append(out, f)
		}
	}
	return out
}
