package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// permsAnswer is the JSON answer of `iamx perms`. principal, actions and
// each action's action, access_level, resources and conditional are the
// command-line contract (DESIGN.md section 2).
//
// What actions share is said once: a row's condition keys, the statements
// that grant it and the restrictions on it are one entry of details, which
// names statements and restrictions by their index in those tables. So the
// answer grows with what is allowed, not with actions times statements or
// condition keys (an action class of thousands of actions shares one
// detail).
type permsAnswer struct {
	Principal          string             `json:"principal"`
	Admin              bool               `json:"admin"`
	AdminSources       []permsStatement   `json:"admin_sources,omitempty"`
	AdminConditionKeys []string           `json:"admin_condition_keys,omitempty"`
	AdminVia           []string           `json:"admin_via"`
	Service            string             `json:"service,omitempty"`
	Level              string             `json:"level,omitempty"`
	Actions            []permsAction      `json:"actions"`
	Removed            []permsRemoved     `json:"removed"`
	Unknown            []permsUnknown     `json:"unknown"`
	Details            []permsDetail      `json:"details"`
	Statements         []permsStatement   `json:"statements"`
	Restrictions       []permsRestriction `json:"restrictions"`
	Note               string             `json:"note,omitempty"`
	Assumptions        []string           `json:"assumptions,omitempty"` // what rows rest on that the snapshot lacks (the default key policy)
	AccessKey          *accessKeyAnswer   `json:"access_key,omitempty"`  // PRINCIPAL was an access key ID
}

type permsAction struct {
	Action               string   `json:"action"`
	AccessLevel          string   `json:"access_level"`
	Resources            []string `json:"resources"`
	Conditional          bool     `json:"conditional"`
	ConditionalResources []string `json:"conditional_resources,omitempty"`
	NotResources         []string `json:"not_resources,omitempty"`
	Always               bool     `json:"always,omitempty"`
	Detail               int      `json:"detail"` // index into details
}

// permsDetail is what a group of rows shares: the condition keys their
// allow depends on, the statements that grant them (sources) or took them
// away (removed_by), and the restrictions on them, by index.
type permsDetail struct {
	ConditionKeys []string `json:"condition_keys"`
	Sources       []int    `json:"sources"`
	Restrictions  []int    `json:"restrictions,omitempty"`
	RemovedBy     []int    `json:"removed_by,omitempty"`
}

type permsStatement struct {
	Policy     string `json:"policy"`
	PolicyName string `json:"policy_name,omitempty"`
	PolicyType string `json:"policy_type"`
	Sid        string `json:"sid"`
	Index      int    `json:"index"`
	Via        string `json:"via"`
}

type permsRestriction struct {
	Statement     int      `json:"statement"` // index into statements
	Effect        string   `json:"effect"`
	Layer         string   `json:"layer"`
	Resources     []string `json:"resources,omitempty"`
	NotResource   bool     `json:"not_resource,omitempty"`
	ConditionKeys []string `json:"condition_keys,omitempty"`
}

type permsRemoved struct {
	Action      string `json:"action"`
	AccessLevel string `json:"access_level"`
	Layer       string `json:"layer"`
	Detail      int    `json:"detail"`
}

// permsUnknown is an action the identity side allows on patterns whose
// resource policy (a role's trust policy outside the loaded accounts) the
// snapshot lacks.
type permsUnknown struct {
	Action      string   `json:"action"`
	AccessLevel string   `json:"access_level"`
	Resources   []string `json:"resources"`
	Detail      int      `json:"detail"`
}

func runPerms(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("perms")
	var src sourceFlags
	src.register(fs)
	service := fs.String("service", "", "only actions of this service `PREFIX` (s3, ec2 …)")
	level := fs.String("level", "", "only actions of this access `LEVEL`: list, read, write, permissions or tagging")
	all := fs.Bool("all", false, "list every action even for an admin-equivalent principal")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	if len(pos) != 1 {
		return fail(e, usagef("perms: expected one PRINCIPAL, got %d arguments", len(pos)))
	}
	f := graph.PermFilter{Service: strings.TrimSpace(*service)}
	if strings.ContainsAny(f.Service, ":*? ") {
		return fail(e, usagef("perms: --service %q: expected a service prefix such as s3", *service))
	}
	if *level != "" {
		l, err := actions.ParseAccessLevel(*level)
		if err != nil {
			return fail(e, usagef("perms: --level: %v", err))
		}
		f.Level = l
	}
	if f.Service != "" {
		if _, ok := actions.Load().Service(strings.ToLower(f.Service)); !ok {
			return fail(e, usagef("perms: --service %q: no such service prefix in the action catalogue (%s)", f.Service, actions.Load().Source()))
		}
	}

	g, err := sourceGraph(ctx, e, &src)
	if err != nil {
		return fail(e, err)
	}
	n, err := g.Resolve(pos[0])
	if err != nil {
		return fail(e, fmt.Errorf("perms: %w", err))
	}
	p := g.Permissions(n, f)
	via := g.AdminVia(n)
	key := accessKeyOf(g, pos[0])

	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if *jsonOut {
		// Compact: an admin's answer lists ~22,000 actions; indenting it
		// triples the size for no reader (pipe it to jq).
		enc := json.NewEncoder(out)
		ans := newPermsAnswer(p, via)
		ans.AccessKey = key
		if err := enc.Encode(ans); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	if key != nil {
		printAccessKey(out, key)
	}
	printPerms(out, p, via, *all)
	return exitOK
}

func newPermsAnswer(p *graph.Permissions, via []*graph.Node) permsAnswer {
	ans := permsAnswer{
		Principal:          p.Principal.ARN,
		Admin:              p.Admin,
		AdminConditionKeys: p.AdminConditionKeys,
		AdminVia:           []string{},
		Service:            p.Filter.Service,
		Actions:            make([]permsAction, 0, len(p.Actions)),
		Removed:            make([]permsRemoved, 0, len(p.Removed)),
		Unknown:            make([]permsUnknown, 0, len(p.Unknown)),
		Note:               p.Note,
		Assumptions:        p.Assumptions,
	}
	if p.Filter.Level != 0 {
		ans.Level = p.Filter.Level.String()
	}
	for _, s := range p.AdminSources {
		ans.AdminSources = append(ans.AdminSources, jsonStatement(s))
	}
	for _, r := range via {
		ans.AdminVia = append(ans.AdminVia, r.ARN)
	}
	t := newPermsTables()
	for i := range p.Actions {
		a := &p.Actions[i]
		ans.Actions = append(ans.Actions, permsAction{
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
		ans.Removed = append(ans.Removed, permsRemoved{Action: r.Action, AccessLevel: r.Level.String(), Layer: r.Layer.String(),
			Detail: t.detail(nil, nil, nil, r.By)})
	}
	for i := range p.Unknown {
		u := &p.Unknown[i]
		ans.Unknown = append(ans.Unknown, permsUnknown{Action: u.Action, AccessLevel: u.Level.String(), Resources: u.Resources,
			Detail: t.detail(nil, u.Sources, nil, nil)})
	}
	ans.Details, ans.Statements, ans.Restrictions = t.details, t.statements, t.restrictions
	return ans
}

// permsTables interns what rows share. Rows of one action class share the
// backing arrays of their slices, so a detail is found by the identity of
// those arrays in constant time; statements and restrictions by value.
type permsTables struct {
	details      []permsDetail
	statements   []permsStatement
	restrictions []permsRestriction
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
	return &permsTables{details: []permsDetail{}, statements: []permsStatement{}, restrictions: []permsRestriction{},
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
	d := permsDetail{ConditionKeys: nonNil(keys), Sources: []int{}}
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
	t.statements = append(t.statements, jsonStatement(s))
	t.byStatement[s] = i
	return i
}

func (t *permsTables) restriction(r graph.Restriction) int {
	k := restrictionKey{r.StatementRef, r.Layer}
	if i, ok := t.byRestrict[k]; ok {
		return i
	}
	i := len(t.restrictions)
	t.restrictions = append(t.restrictions, permsRestriction{
		Statement: t.statement(r.StatementRef), Effect: r.Effect.String(), Layer: r.Layer.String(),
		Resources: r.Resources, NotResource: r.NotResource, ConditionKeys: r.ConditionKeys,
	})
	t.byRestrict[k] = i
	return i
}

func jsonStatement(s graph.StatementRef) permsStatement {
	return permsStatement{Policy: s.Policy, PolicyName: s.PolicyName, PolicyType: s.PolicyType.String(), Sid: s.Sid, Index: s.Index, Via: s.Via}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// printPerms writes the human form: a summary (admin first), a table of
// counts per service and access level, then service → level → actions.
func printPerms(w io.Writer, p *graph.Permissions, via []*graph.Node, all bool) {
	n := p.Principal
	l := newLegend()
	termsafe.Fprintf(w, "%s  %s\n", n.Label(), n.ARN)
	if p.Note != "" {
		termsafe.Fprintf(w, "%s\n", p.Note)
	}
	if p.Admin {
		termsafe.Fprintf(w, "admin-equivalent: * on * via %s\n", l.short(describeSources(p.AdminSources)))
		if len(p.AdminConditionKeys) > 0 {
			termsafe.Fprintf(w, "  only with %s: a Deny applies otherwise\n", strings.Join(p.AdminConditionKeys, ", "))
		}
	}
	for _, r := range via {
		if p.Admin {
			break // already admin; the chains are in --json (admin_via)
		}
		termsafe.Fprintf(w, "admin via chain: can reach admin-equivalent %s (see: iamx chains %s --to %s)\n", r.Label(), n.Label(), r.Label())
	}
	filter := ""
	if p.Filter.Service != "" || p.Filter.Level != 0 {
		var parts []string
		if p.Filter.Service != "" {
			parts = append(parts, "service "+p.Filter.Service)
		}
		if p.Filter.Level != 0 {
			parts = append(parts, "level "+p.Filter.Level.String())
		}
		filter = " (" + strings.Join(parts, ", ") + ")"
	}
	unconditional := 0
	for i := range p.Actions {
		if !p.Actions[i].Conditional {
			unconditional++
		}
	}
	termsafe.Fprintf(w, "%s allowed%s, %d of them unconditionally; %d removed by denies, boundary or SCPs\n",
		countOf(len(p.Actions), "action", "actions"), filter, unconditional, len(p.Removed))
	if len(p.Actions) == 0 && len(p.Removed) == 0 {
		return
	}

	groups := answer.GroupAllowed(p)

	fmt.Fprintln(w)
	printCountTable(w, groups)

	if p.Admin && !all && p.Filter.Service == "" {
		termsafe.Fprintf(w, "\n(every action is allowed; list them with --service PREFIX, --level LEVEL, --all or --json)\n")
	} else {
		for _, s := range groups {
			termsafe.Fprintf(w, "\n%s (%d)\n", s.Service, len(s.Actions))
			for _, lg := range s.Levels {
				termsafe.Fprintf(w, "  %s (%d)\n", lg.Level, len(lg.Actions))
				for _, i := range lg.Actions {
					printActionLine(w, &p.Actions[i], l)
				}
			}
		}
	}
	printRestrictions(w, p, l)
	printRemoved(w, p, l)
	printUnknown(w, p, l)
	if len(p.Assumptions) > 0 {
		fmt.Fprintln(w)
		printGaps(w, p.Assumptions, nil)
	}
	l.print(w)
}

func printCountTable(w io.Writer, groups []answer.ServiceGroup) {
	width := len("SERVICE")
	for _, s := range groups {
		width = max(width, len(s.Service))
	}
	termsafe.Fprintf(w, "%-*s  %5s  %5s  %5s  %11s  %7s  %5s  %11s\n", width, "SERVICE", "LIST", "READ", "WRITE", "PERMISSIONS", "TAGGING", "TOTAL", "CONDITIONAL")
	for _, s := range groups {
		termsafe.Fprintf(w, "%-*s  %5d  %5d  %5d  %11d  %7d  %5d  %11d\n", width, s.Service,
			s.Count(actions.List), s.Count(actions.Read), s.Count(actions.Write), s.Count(actions.PermissionsManagement), s.Count(actions.Tagging), len(s.Actions), s.Conditional)
	}
}

func printActionLine(w io.Writer, a *graph.ActionPerm, l *legend) {
	res := l.list(a.Resources)
	if len(a.NotResources) > 0 {
		res += " except " + l.list(a.NotResources)
	}
	line := fmt.Sprintf("    %-40s %s", a.Action, res)
	if a.Conditional {
		line += "  [conditional: " + l.list(a.ConditionKeys) + "]"
	} else if len(a.ConditionalResources) > 0 {
		line += "  [also, with " + l.list(a.ConditionKeys) + ": " + l.list(a.ConditionalResources) + "]"
	}
	switch {
	case a.Always:
		line += "  ← always allowed"
	case len(a.Sources) > 0:
		line += "  ← " + l.sources(a.Sources)
	}
	termsafe.Fprintf(w, "%s\n", line)
}

// legend keeps every line of the text answer short whatever the file holds:
// a list or name longer than legendInline is printed once, at the end, and
// lines refer to it by label ("[L3]"). Lists are memoised by their backing
// array, which the actions of one class share, so a class of thousands of
// actions costs one join.
type legend struct {
	entries []string
	byText  map[string]string
	byList  map[listKey]string
	byRefs  map[refsKey]string
}

const legendInline = 160

type listKey struct {
	first *string
	n     int
}

type refsKey struct {
	first *graph.StatementRef
	n     int
}

func newLegend() *legend {
	return &legend{byText: map[string]string{}, byList: map[listKey]string{}, byRefs: map[refsKey]string{}}
}

// short returns text, or a label for it when it is long.
func (l *legend) short(text string) string {
	if len(text) <= legendInline {
		return text
	}
	if label, ok := l.byText[text]; ok {
		return label
	}
	label := fmt.Sprintf("[L%d]", len(l.entries)+1)
	l.entries = append(l.entries, label+" "+text)
	l.byText[text] = label
	return label
}

// list joins a list with ", ", through short.
func (l *legend) list(list []string) string {
	if len(list) == 0 {
		return ""
	}
	k := listKey{&list[0], len(list)}
	if s, ok := l.byList[k]; ok {
		return s
	}
	s := l.short(strings.Join(list, ", "))
	l.byList[k] = s
	return s
}

// sources is describeSources through short.
func (l *legend) sources(refs []graph.StatementRef) string {
	if len(refs) == 0 {
		return ""
	}
	k := refsKey{&refs[0], len(refs)}
	if s, ok := l.byRefs[k]; ok {
		return s
	}
	s := l.short(describeSources(refs))
	l.byRefs[k] = s
	return s
}

func (l *legend) print(w io.Writer) {
	if len(l.entries) == 0 {
		return
	}
	fmt.Fprintf(w, "\nReferenced above:\n")
	for _, e := range l.entries {
		termsafe.Fprintf(w, "  %s\n", e)
	}
}

// describeSources names statements for people: "AdministratorAccess (group
// Admins)", "DeveloperAccess/ArtifactsBucket (group Developers)".
func describeSources(refs []graph.StatementRef) string {
	var parts []string
	for _, r := range refs {
		s := r.PolicyName
		if s == "" {
			s = r.Policy
		}
		if r.Sid != "" {
			s += "/" + r.Sid
		} else if r.Index > 0 {
			s += "/" + r.Label()
		}
		if r.Via != "" {
			s += " (group " + r.Via + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("%d more", len(parts)-3))
	}
	return strings.Join(parts, ", ")
}

// printRestrictions lists each restricting statement once, with how many
// of the listed actions it applies to. The actions of a class share their
// restrictions: each shared list is read once.
func printRestrictions(w io.Writer, p *graph.Permissions, l *legend) {
	type agg struct {
		r     graph.Restriction
		count int
	}
	type key struct {
		ref   graph.StatementRef
		layer policy.Layer
	}
	var order []key
	seen := map[key]*agg{}
	lists := map[*graph.Restriction]int{} // shared list → how many actions carry it
	var listOrder [][]graph.Restriction
	for i := range p.Actions {
		rs := p.Actions[i].Restrictions
		if len(rs) == 0 {
			continue
		}
		if _, ok := lists[&rs[0]]; !ok {
			listOrder = append(listOrder, rs)
		}
		lists[&rs[0]]++
	}
	for _, rs := range listOrder {
		count := lists[&rs[0]]
		for _, r := range rs {
			k := key{r.StatementRef, r.Layer}
			if a, ok := seen[k]; ok {
				a.count += count
				continue
			}
			seen[k] = &agg{r: r, count: count}
			order = append(order, k)
		}
	}
	if len(order) == 0 {
		return
	}
	termsafe.Fprintf(w, "\nRestrictions (limit without removing):\n")
	for _, k := range order {
		a := seen[k]
		r := a.r
		what := "Deny"
		switch r.Layer {
		case policy.LayerBoundary:
			what = "boundary allows only"
		case policy.LayerSCP:
			what = "SCP allows only"
		}
		res := l.list(r.Resources)
		if res == "" {
			res = "*"
		}
		if r.NotResource {
			res = "everything except " + res
		}
		line := fmt.Sprintf("  %s on %s", what, res)
		if len(r.ConditionKeys) > 0 {
			line += " when " + l.list(r.ConditionKeys) + " says so"
		}
		termsafe.Fprintf(w, "%s  ← %s; applies to %d actions\n", line, l.short(describeSources([]graph.StatementRef{r.StatementRef})), a.count)
	}
}

func printRemoved(w io.Writer, p *graph.Permissions, l *legend) {
	if len(p.Removed) == 0 {
		return
	}
	termsafe.Fprintf(w, "\nRemoved (granted by identity policies, taken away):\n")
	for i := range p.Removed {
		r := &p.Removed[i]
		why := ""
		switch r.Layer {
		case policy.LayerExplicitDeny:
			why = "explicit Deny " + l.sources(r.By)
		case policy.LayerBoundary:
			why = "not allowed by the permissions boundary " + l.sources(r.By)
		case policy.LayerSCP:
			why = "not allowed by SCP " + l.sources(r.By)
		default:
			why = r.Layer.String()
		}
		termsafe.Fprintf(w, "  %-40s %s\n", r.Action, why)
	}
}

// printUnknown lists what rests on resource policies the snapshot lacks.
func printUnknown(w io.Writer, p *graph.Permissions, l *legend) {
	if len(p.Unknown) == 0 {
		return
	}
	fmt.Fprintf(w, "\nUnknown (identity policies allow; the resource's own policy decides and the snapshot lacks it: the trust policy of a role, the key policy of a key, outside the loaded ones):\n")
	for i := range p.Unknown {
		u := &p.Unknown[i]
		line := termsafe.Sprintf("  %-40s %s", u.Action, l.list(u.Resources))
		if len(u.Sources) > 0 {
			line += "  ← " + termsafe.Escape(l.sources(u.Sources))
		}
		fmt.Fprintln(w, line)
	}
}
