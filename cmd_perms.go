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

func runPerms(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("perms")
	var src sourceFlags
	src.register(fs)
	service := fs.String("service", "", "only actions of this service `PREFIX` (s3, ec2 …)")
	level := fs.String("level", "", "only actions of this access `LEVEL`: list, read, write, permissions or tagging")
	all := fs.Bool("all", false, "list every action even for an admin-equivalent principal")
	reachFlag := fs.Bool("reach", false, "blast radius: also the permissions of every principal PRINCIPAL can become, each row with its way")
	assumeOnly := fs.Bool("assume-only", false, "become others through assume-role chains only, not privilege escalation")
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
	via := g.AdminVia(n)
	key := accessKeyOf(g, pos[0])
	var p *graph.Permissions
	var ans answer.Perms
	viaOf := map[string]string{} // --reach: action → the way to its holder, in words
	if *reachFlag {
		br := g.BlastRadius(n, f, *assumeOnly)
		ans = answer.NewPermsReach(br, via, *assumeOnly)
		// The text lists the blast radius as the principal's own rows.
		own := *br.Own
		own.Actions = make([]graph.ActionPerm, len(br.Actions))
		label := func(a string) string { return nodeLabel(g, g.Node(a)) }
		for i, a := range br.Actions {
			own.Actions[i] = a.ActionPerm
			if w := ans.Actions[i].Way; w != nil {
				viaOf[a.Action] = wayText(label, ans.Reach.Ways[*w].Hops)
			}
		}
		p = &own
	} else {
		p = g.Permissions(n, f)
		var reach *graph.Reach
		if !p.Admin && !*assumeOnly {
			r := g.Becomes(n, false)
			reach = &r
		}
		ans = answer.NewPerms(p, via, reach)
	}

	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if *jsonOut {
		// Compact: an admin's answer lists ~22,000 actions; indenting it
		// triples the size for no reader (pipe it to jq).
		enc := json.NewEncoder(out)
		if err := enc.Encode(permsOut{Perms: ans, AccessKey: key}); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	if key != nil {
		printAccessKey(out, key)
	}
	printPerms(out, g, p, via, ans, viaOf, *all)
	return exitOK
}

// permsOut is the JSON of perms: graph/answer's Perms, and the access key
// PRINCIPAL named, when it was one.
type permsOut struct {
	answer.Perms
	AccessKey *accessKeyAnswer `json:"access_key,omitempty"`
}

// printPerms writes the human form: a summary (admin first), a table of
// counts per service and access level, then service → level → actions.
func printPerms(w io.Writer, g *graph.Graph, p *graph.Permissions, via []*graph.Node, ans answer.Perms, viaOf map[string]string, all bool) {
	n := p.Principal
	l := newLegend()
	label := func(a string) string { return nodeLabel(g, g.Node(a)) }
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
	for i, path := range ans.AdminPaths {
		if i == 5 {
			termsafe.Fprintf(w, "admin via escalation: … and %d more paths (--json: admin_paths)\n", len(ans.AdminPaths)-i)
			break
		}
		termsafe.Fprintf(w, "admin via escalation: %s (%s; see: iamx privesc %s)\n", wayText(label, path.Hops), waySummary(path), n.Label())
	}
	if ans.EscalationTruncated {
		termsafe.Fprintf(w, "note: the escalation search stopped at its bound of decisions: more may be reachable\n")
	}
	if r := ans.Reach; r != nil {
		printReachSummary(w, label, ans)
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

	everything := p.Admin || ans.Reach != nil && ans.Reach.AdminReachable
	if everything && !all && p.Filter.Service == "" {
		termsafe.Fprintf(w, "\n(every action is allowed; list them with --service PREFIX, --level LEVEL, --all or --json)\n")
	} else {
		for _, s := range groups {
			termsafe.Fprintf(w, "\n%s (%d)\n", s.Service, len(s.Actions))
			for _, lg := range s.Levels {
				termsafe.Fprintf(w, "  %s (%d)\n", lg.Level, len(lg.Actions))
				for _, i := range lg.Actions {
					printActionLine(w, &p.Actions[i], l, viaOf[p.Actions[i].Action])
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

func printActionLine(w io.Writer, a *graph.ActionPerm, l *legend, via string) {
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
	if via != "" {
		line += "  via " + l.short(via)
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

// printReachSummary says, above a blast radius, whom the principal can
// become and whether that makes it admin-equivalent.
func printReachSummary(w io.Writer, label func(string) string, ans answer.Perms) {
	r := ans.Reach
	esc := 0
	for _, way := range r.Ways {
		if way.Escalation {
			esc++
		}
	}
	how := "through trust and privilege escalation"
	if r.AssumeOnly {
		how = "through trust alone"
	}
	termsafe.Fprintf(w, "blast radius: its own permissions and those of the %s it can become %s (%d through escalation)\n",
		countOf(len(r.Ways), "principal", "principals"), how, esc)
	if r.AdminWay != nil {
		way := r.Ways[*r.AdminWay]
		termsafe.Fprintf(w, "  admin-equivalent within reach: %s (%s): every action on every resource\n",
			wayText(label, way.Hops), waySummary(answer.ChainPath{Hops: way.Hops}))
	}
}
