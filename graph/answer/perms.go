package answer

import (
	"slices"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
)

// Perms is the JSON answer of `iamx perms`. principal, actions and
// each action's action, access_level, resources and conditional are the
// command-line contract (DESIGN.md section 2).
//
// What actions share is said once: a row's condition keys, the statements
// that grant it and the restrictions on it are one entry of details, which
// names statements and restrictions by their index in those tables. So the
// answer grows with what is allowed, not with actions times statements or
// condition keys (an action class of thousands of actions shares one
// detail).
type Perms struct {
	Principal          string             `json:"principal"`
	Admin              bool               `json:"admin"`
	AdminSources       []PermsStatement   `json:"admin_sources,omitempty"`
	AdminConditionKeys []string           `json:"admin_condition_keys,omitempty"`
	AdminVia           []string           `json:"admin_via"`
	Service            string             `json:"service,omitempty"`
	Level              string             `json:"level,omitempty"`
	Actions            []PermsAction      `json:"actions"`
	Removed            []PermsRemoved     `json:"removed"`
	Unknown            []PermsUnknown     `json:"unknown"`
	Details            []PermsDetail      `json:"details"`
	Statements         []PermsStatement   `json:"statements"`
	Restrictions       []PermsRestriction `json:"restrictions"`
	Note               string             `json:"note,omitempty"`
	Assumptions        []string           `json:"assumptions,omitempty"` // what rows rest on that the snapshot lacks (the default key policy)
	// AdminPaths are the ways to admin-equivalence through escalation
	// (their ends are in admin_via too): each hop's kind is its method.
	AdminPaths []ChainPath `json:"admin_paths"`
	// EscalationTruncated: the escalation search stopped at its bound of
	// decisions: admin_paths and reach may miss some.
	EscalationTruncated bool `json:"escalation_truncated,omitempty"`
	// EscalationAdminDepth is the fewest hops to admin-equivalence on an
	// unconditional way (0: none). The escalation search goes no deeper:
	// an admin-equivalent principal can become any principal.
	EscalationAdminDepth int `json:"escalation_admin_depth,omitempty"`
	// Reach, with --reach: the principals the principal can become, each
	// with its way; actions then hold the union of their permissions and
	// its own, each row naming its holder and way.
	Reach *PermsReach `json:"reach,omitempty"`
}

// PermsReach is the blast radius's ways: whom the principal can become.
type PermsReach struct {
	AssumeOnly bool       `json:"assume_only"` // through trust alone (--assume-only)
	Ways       []PermsWay `json:"ways"`
	// AdminReachable: one of the ways makes it admin-equivalent, so every
	// action on every resource is within reach (admin_way says how).
	AdminReachable bool `json:"admin_reachable"`
	AdminWay       *int `json:"admin_way,omitempty"` // index into ways; absent when own admin or none
}

// PermsWay is one principal the principal can become, and how.
type PermsWay struct {
	To          string     `json:"to"`
	Hops        []ChainHop `json:"hops"`
	Conditional bool       `json:"conditional"`
	Escalation  bool       `json:"escalation"` // some hop is an escalation method
	Admin       bool       `json:"admin"`      // to is admin-equivalent at the end of the way, or a grant makes it so
	// NoMFA: the way ends in a session that cannot carry MFA (minted
	// credentials, a service): its holder's rows that wait for MFA are
	// not offered through it.
	NoMFA bool `json:"no_mfa"`
}

type PermsAction struct {
	Action               string   `json:"action"`
	AccessLevel          string   `json:"access_level"`
	Resources            []string `json:"resources"`
	Conditional          bool     `json:"conditional"`
	ConditionalResources []string `json:"conditional_resources,omitempty"`
	NotResources         []string `json:"not_resources,omitempty"`
	Always               bool     `json:"always,omitempty"`
	Detail               int      `json:"detail"` // index into details
	// With --reach: who holds the row when not the principal itself, the
	// way there (index into reach.ways) and its principals in order.
	Holder string   `json:"holder,omitempty"`
	Way    *int     `json:"way,omitempty"`
	Via    []string `json:"via,omitempty"`
}

// PermsDetail is what a group of rows shares: the condition keys their
// allow depends on, the statements that grant them (sources) or took them
// away (removed_by), and the restrictions on them, by index.
type PermsDetail struct {
	ConditionKeys []string `json:"condition_keys"`
	Sources       []int    `json:"sources"`
	Restrictions  []int    `json:"restrictions,omitempty"`
	RemovedBy     []int    `json:"removed_by,omitempty"`
}

type PermsStatement struct {
	Policy     string `json:"policy"`
	PolicyName string `json:"policy_name,omitempty"`
	PolicyType string `json:"policy_type"`
	Sid        string `json:"sid"`
	Index      int    `json:"index"`
	Via        string `json:"via"`
}

type PermsRestriction struct {
	Statement     int      `json:"statement"` // index into statements
	Effect        string   `json:"effect"`
	Layer         string   `json:"layer"`
	Resources     []string `json:"resources,omitempty"`
	NotResource   bool     `json:"not_resource,omitempty"`
	ConditionKeys []string `json:"condition_keys,omitempty"`
}

type PermsRemoved struct {
	Action      string `json:"action"`
	AccessLevel string `json:"access_level"`
	Layer       string `json:"layer"`
	Detail      int    `json:"detail"`
}

// PermsUnknown is an action the identity side allows on patterns whose
// resource policy (a role's trust policy outside the loaded accounts) the
// snapshot lacks.
type PermsUnknown struct {
	Action      string   `json:"action"`
	AccessLevel string   `json:"access_level"`
	Resources   []string `json:"resources"`
	Detail      int      `json:"detail"`
}

func NewPerms(p *graph.Permissions, via []*graph.Node, reach *graph.Reach) Perms {
	ans := Perms{
		Principal:          p.Principal.ARN,
		Admin:              p.Admin,
		AdminConditionKeys: p.AdminConditionKeys,
		AdminVia:           []string{},
		Service:            p.Filter.Service,
		Actions:            make([]PermsAction, 0, len(p.Actions)),
		Removed:            make([]PermsRemoved, 0, len(p.Removed)),
		Unknown:            make([]PermsUnknown, 0, len(p.Unknown)),
		Note:               p.Note,
		Assumptions:        p.Assumptions,
	}
	if p.Filter.Level != 0 {
		ans.Level = p.Filter.Level.String()
	}
	for _, s := range p.AdminSources {
		ans.AdminSources = append(ans.AdminSources, NewStatement(s))
	}
	for _, r := range via {
		ans.AdminVia = append(ans.AdminVia, r.ARN)
	}
	ans.AdminPaths = []ChainPath{}
	if reach != nil && !p.Admin {
		ans.EscalationTruncated = reach.Truncated
		ans.EscalationAdminDepth = reach.AdminDepth
		for _, w := range AdminWays(reach) {
			ans.AdminPaths = append(ans.AdminPaths, ChainPath{Hops: HopsOf(w.Hops), Conditional: w.Conditional(), Admin: true, Escalation: true})
			if !slices.Contains(ans.AdminVia, w.To.ARN) {
				ans.AdminVia = append(ans.AdminVia, w.To.ARN)
			}
		}
	}
	t := newPermsTables()
	for i := range p.Actions {
		a := &p.Actions[i]
		ans.Actions = append(ans.Actions, PermsAction{
			Action:               a.Action,
			AccessLevel:          a.Level.String(),
			Resources:            nonNil(a.Resources),
			Conditional:          a.Conditional,
			ConditionalResources: a.ConditionalResources,
			NotResources:         a.NotResources,
			Always:               a.Always,
			Detail:               t.detail(a.ConditionKeys, a.Sources, a.Restrictions, nil),
		})
	}
	for i := range p.Removed {
		r := &p.Removed[i]
		ans.Removed = append(ans.Removed, PermsRemoved{Action: r.Action, AccessLevel: r.Level.String(), Layer: r.Layer.String(),
			Detail: t.detail(nil, nil, nil, r.By)})
	}
	for i := range p.Unknown {
		u := &p.Unknown[i]
		ans.Unknown = append(ans.Unknown, PermsUnknown{Action: u.Action, AccessLevel: u.Level.String(), Resources: u.Resources,
			Detail: t.detail(nil, u.Sources, nil, nil)})
	}
	ans.Details, ans.Statements, ans.Restrictions = t.details, t.statements, t.restrictions
	return ans
}

// permsTables interns what rows share. Rows of one action class share the
// backing arrays of their slices, so a detail is found by the identity of
// those arrays in constant time; statements and restrictions by value.
type permsTables struct {
	details      []PermsDetail
	statements   []PermsStatement
	restrictions []PermsRestriction
	byArrays     map[detailArrays]int
	byStatement  map[graph.StatementRef]int
	byRestrict   map[restrictionKey]int
}

type detailArrays struct {
	keys     *string
	nKeys    int
	sources  *graph.StatementRef
	nSources int
	restr    *graph.Restriction
	nRestr   int
	by       *graph.StatementRef
	nBy      int
}

type restrictionKey struct {
	graph.StatementRef
	layer policy.Layer
}

func newPermsTables() *permsTables {
	return &permsTables{details: []PermsDetail{}, statements: []PermsStatement{}, restrictions: []PermsRestriction{},
		byArrays: map[detailArrays]int{}, byStatement: map[graph.StatementRef]int{}, byRestrict: map[restrictionKey]int{}}
}

func first[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

func (t *permsTables) detail(keys []string, sources []graph.StatementRef, restr []graph.Restriction, by []graph.StatementRef) int {
	k := detailArrays{first(keys), len(keys), first(sources), len(sources), first(restr), len(restr), first(by), len(by)}
	if i, ok := t.byArrays[k]; ok {
		return i
	}
	d := PermsDetail{ConditionKeys: nonNil(keys), Sources: []int{}}
	for _, s := range sources {
		d.Sources = append(d.Sources, t.statement(s))
	}
	for _, r := range restr {
		d.Restrictions = append(d.Restrictions, t.restriction(r))
	}
	for _, s := range by {
		d.RemovedBy = append(d.RemovedBy, t.statement(s))
	}
	i := len(t.details)
	t.details = append(t.details, d)
	t.byArrays[k] = i
	return i
}

func (t *permsTables) statement(s graph.StatementRef) int {
	if i, ok := t.byStatement[s]; ok {
		return i
	}
	i := len(t.statements)
	t.statements = append(t.statements, NewStatement(s))
	t.byStatement[s] = i
	return i
}

func (t *permsTables) restriction(r graph.Restriction) int {
	k := restrictionKey{r.StatementRef, r.Layer}
	if i, ok := t.byRestrict[k]; ok {
		return i
	}
	i := len(t.restrictions)
	t.restrictions = append(t.restrictions, PermsRestriction{
		Statement: t.statement(r.StatementRef), Effect: r.Effect.String(), Layer: r.Layer.String(),
		Resources: r.Resources, NotResource: r.NotResource, ConditionKeys: r.ConditionKeys,
	})
	t.byRestrict[k] = i
	return i
}

// NewStatement is the answer row of a statement reference.
func NewStatement(s graph.StatementRef) PermsStatement {
	return PermsStatement{Policy: s.Policy, PolicyName: s.PolicyName, PolicyType: s.PolicyType.String(), Sid: s.Sid, Index: s.Index, Via: s.Via}
}

// AdminWays are reach's ways to admin-equivalence that use an escalation
// method (the assume-role ones are admin_via's roles), shortest first, and
// its grant.
func AdminWays(reach *graph.Reach) []graph.Way {
	var out []graph.Way
	for _, w := range reach.Ways {
		if w.Admin && w.Escalates() {
			out = append(out, w)
		}
	}
	if reach.Grant != nil {
		out = append(out, *reach.Grant)
	}
	return out
}

// NewPermsReach answers perms --reach: the principal's own answer (admin,
// removed, unknown …) with actions replaced by the blast radius, each row
// naming its holder and way.
func NewPermsReach(br graph.BlastRadius, via []*graph.Node, assumeOnly bool) Perms {
	ans := NewPerms(br.Own, via, &br.Reach)
	pr := &PermsReach{AssumeOnly: assumeOnly, Ways: make([]PermsWay, 0, len(br.Reach.Ways)+1), AdminReachable: br.Admin != nil}
	index := map[*graph.Way]int{}
	addWay := func(w *graph.Way) int {
		if i, ok := index[w]; ok {
			return i
		}
		pw := PermsWay{To: w.To.ARN, Hops: HopsOf(w.Hops), Conditional: w.Conditional(), Escalation: w.Escalates(), Admin: w.Admin}
		if len(w.Hops) > 0 {
			pw.NoMFA = w.Hops[len(w.Hops)-1].ToNoMFA
		}
		index[w] = len(pr.Ways)
		pr.Ways = append(pr.Ways, pw)
		return index[w]
	}
	for i := range br.Reach.Ways {
		addWay(&br.Reach.Ways[i])
	}
	if br.Admin != nil {
		i := addWay(br.Admin)
		pr.AdminWay = &i
	}
	ans.Reach = pr
	t := newPermsTables()
	ans.Actions = make([]PermsAction, 0, len(br.Actions))
	for i := range br.Actions {
		a := &br.Actions[i]
		row := PermsAction{
			Action:               a.Action,
			AccessLevel:          a.Level.String(),
			Resources:            nonNil(a.Resources),
			Conditional:          a.Conditional,
			ConditionalResources: a.ConditionalResources,
			NotResources:         a.NotResources,
			Always:               a.Always,
			Detail:               t.detail(a.ConditionKeys, a.Sources, a.Restrictions, nil),
		}
		if a.Way != nil {
			w := addWay(a.Way)
			row.Holder, row.Way = a.Holder.ARN, &w
			for _, h := range a.Way.Hops {
				row.Via = append(row.Via, h.To.ARN)
			}
		}
		ans.Actions = append(ans.Actions, row)
	}
	// Removed and unknown rows stay the principal's own.
	for i := range br.Own.Removed {
		r := &br.Own.Removed[i]
		ans.Removed[i].Detail = t.detail(nil, nil, nil, r.By)
	}
	for i := range br.Own.Unknown {
		u := &br.Own.Unknown[i]
		ans.Unknown[i].Detail = t.detail(nil, u.Sources, nil, nil)
	}
	ans.Details, ans.Statements, ans.Restrictions = t.details, t.statements, t.restrictions
	return ans
}
