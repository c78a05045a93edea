package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// permsAnswer is the JSON answer of `iamx perms`. principal, actions and
// each action's action, access_level, resources and conditional are the
// command-line contract (DESIGN.md section 2).
type permsAnswer struct {
	Principal          string           `json:"principal"`
	Admin              bool             `json:"admin"`
	AdminSources       []permsStatement `json:"admin_sources,omitempty"`
	AdminConditionKeys []string         `json:"admin_condition_keys,omitempty"`
	AdminVia           []string         `json:"admin_via"`
	Service            string           `json:"service,omitempty"`
	Level              string           `json:"level,omitempty"`
	Actions            []permsAction    `json:"actions"`
	Removed            []permsRemoved   `json:"removed"`
	Note               string           `json:"note,omitempty"`
	AccessKey          *accessKeyAnswer `json:"access_key,omitempty"` // PRINCIPAL was an access key ID
}

type permsAction struct {
	Action               string             `json:"action"`
	AccessLevel          string             `json:"access_level"`
	Resources            []string           `json:"resources"`
	Conditional          bool               `json:"conditional"`
	ConditionKeys        []string           `json:"condition_keys"`
	ConditionalResources []string           `json:"conditional_resources,omitempty"`
	NotResources         []string           `json:"not_resources,omitempty"`
	Sources              []permsStatement   `json:"sources"`
	Restrictions         []permsRestriction `json:"restrictions,omitempty"`
	Always               bool               `json:"always,omitempty"`
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
	permsStatement
	Effect        string   `json:"effect"`
	Layer         string   `json:"layer"`
	Resources     []string `json:"resources,omitempty"`
	NotResource   bool     `json:"not_resource,omitempty"`
	ConditionKeys []string `json:"condition_keys,omitempty"`
}

type permsRemoved struct {
	Action      string           `json:"action"`
	AccessLevel string           `json:"access_level"`
	Layer       string           `json:"layer"`
	By          []permsStatement `json:"by"`
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
		Note:               p.Note,
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
	// Actions of one class share their slices: convert each once.
	srcMemo := map[*graph.StatementRef][]permsStatement{}
	resMemo := map[*graph.Restriction][]permsRestriction{}
	for i := range p.Actions {
		a := &p.Actions[i]
		ja := permsAction{
			Action:               a.Action,
			AccessLevel:          a.Level.String(),
			Resources:            nonNil(a.Resources),
			Conditional:          a.Conditional,
			ConditionKeys:        nonNil(a.ConditionKeys),
			ConditionalResources: a.ConditionalResources,
			NotResources:         a.NotResources,
			Sources:              []permsStatement{},
			Always:               a.Always,
		}
		if len(a.Sources) > 0 {
			key := &a.Sources[0]
			if s, ok := srcMemo[key]; ok {
				ja.Sources = s
			} else {
				for _, s := range a.Sources {
					ja.Sources = append(ja.Sources, jsonStatement(s))
				}
				srcMemo[key] = ja.Sources
			}
		}
		if len(a.Restrictions) > 0 {
			key := &a.Restrictions[0]
			if r, ok := resMemo[key]; ok {
				ja.Restrictions = r
			} else {
				for _, r := range a.Restrictions {
					ja.Restrictions = append(ja.Restrictions, permsRestriction{
						permsStatement: jsonStatement(r.StatementRef),
						Effect:         r.Effect.String(),
						Layer:          r.Layer.String(),
						Resources:      r.Resources,
						NotResource:    r.NotResource,
						ConditionKeys:  r.ConditionKeys,
					})
				}
				resMemo[key] = ja.Restrictions
			}
		}
		ans.Actions = append(ans.Actions, ja)
	}
	for _, r := range p.Removed {
		jr := permsRemoved{Action: r.Action, AccessLevel: r.Level.String(), Layer: r.Layer.String(), By: []permsStatement{}}
		for _, s := range r.By {
			jr.By = append(jr.By, jsonStatement(s))
		}
		ans.Removed = append(ans.Removed, jr)
	}
	return ans
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
	fmt.Fprintf(w, "%s  %s\n", n.Label(), n.ARN)
	if p.Note != "" {
		fmt.Fprintf(w, "%s\n", p.Note)
	}
	if p.Admin {
		fmt.Fprintf(w, "admin-equivalent: * on * via %s\n", describeSources(p.AdminSources))
		if len(p.AdminConditionKeys) > 0 {
			fmt.Fprintf(w, "  only with %s: a Deny applies otherwise\n", strings.Join(p.AdminConditionKeys, ", "))
		}
	}
	for _, r := range via {
		if p.Admin {
			break // already admin; the chains are in --json (admin_via)
		}
		fmt.Fprintf(w, "admin via chain: can reach admin-equivalent %s (see: iamx chains %s --to %s)\n", r.Label(), n.Label(), r.Label())
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
	fmt.Fprintf(w, "%d actions allowed%s, %d of them unconditionally; %d removed by denies, boundary or SCPs\n",
		len(p.Actions), filter, unconditional, len(p.Removed))
	if len(p.Actions) == 0 && len(p.Removed) == 0 {
		return
	}

	bySvc := groupByService(p.Actions)
	services := make([]string, 0, len(bySvc))
	for s := range bySvc {
		services = append(services, s)
	}
	sort.Strings(services)

	fmt.Fprintln(w)
	printCountTable(w, services, bySvc)

	if p.Admin && !all && p.Filter.Service == "" {
		fmt.Fprintf(w, "\n(every action is allowed; list them with --service PREFIX, --level LEVEL, --all or --json)\n")
	} else {
		for _, s := range services {
			fmt.Fprintf(w, "\n%s (%d)\n", s, len(bySvc[s]))
			for _, l := range actions.AccessLevels() {
				var list []*graph.ActionPerm
				for _, a := range bySvc[s] {
					if a.Level == l {
						list = append(list, a)
					}
				}
				if len(list) == 0 {
					continue
				}
				fmt.Fprintf(w, "  %s (%d)\n", l, len(list))
				for _, a := range list {
					printActionLine(w, a)
				}
			}
		}
	}
	printRestrictions(w, p)
	printRemoved(w, p)
}

func groupByService(as []graph.ActionPerm) map[string][]*graph.ActionPerm {
	out := map[string][]*graph.ActionPerm{}
	for i := range as {
		a := &as[i]
		out[a.Service] = append(out[a.Service], a)
	}
	return out
}

func printCountTable(w io.Writer, services []string, bySvc map[string][]*graph.ActionPerm) {
	width := len("SERVICE")
	for _, s := range services {
		width = max(width, len(s))
	}
	fmt.Fprintf(w, "%-*s  %5s  %5s  %5s  %11s  %7s  %5s  %11s\n", width, "SERVICE", "LIST", "READ", "WRITE", "PERMISSIONS", "TAGGING", "TOTAL", "CONDITIONAL")
	for _, s := range services {
		var c [6]int
		cond := 0
		for _, a := range bySvc[s] {
			if a.Level.Valid() {
				c[a.Level]++
			}
			if a.Conditional {
				cond++
			}
		}
		fmt.Fprintf(w, "%-*s  %5d  %5d  %5d  %11d  %7d  %5d  %11d\n", width, s,
			c[actions.List], c[actions.Read], c[actions.Write], c[actions.PermissionsManagement], c[actions.Tagging], len(bySvc[s]), cond)
	}
}

func printActionLine(w io.Writer, a *graph.ActionPerm) {
	res := strings.Join(a.Resources, ", ")
	if len(a.NotResources) > 0 {
		res += " except " + strings.Join(a.NotResources, ", ")
	}
	line := fmt.Sprintf("    %-40s %s", a.Action, res)
	if a.Conditional {
		line += "  [conditional: " + strings.Join(a.ConditionKeys, ", ") + "]"
	} else if len(a.ConditionalResources) > 0 {
		line += "  [also, with " + strings.Join(a.ConditionKeys, ", ") + ": " + strings.Join(a.ConditionalResources, ", ") + "]"
	}
	switch {
	case a.Always:
		line += "  ← always allowed"
	case len(a.Sources) > 0:
		line += "  ← " + describeSources(a.Sources)
	}
	fmt.Fprintln(w, line)
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
// of the listed actions it applies to.
func printRestrictions(w io.Writer, p *graph.Permissions) {
	type agg struct {
		r     graph.Restriction
		count int
	}
	var order []string
	seen := map[string]*agg{}
	for i := range p.Actions {
		for _, r := range p.Actions[i].Restrictions {
			key := r.Policy + "\x00" + r.Via + "\x00" + r.Label() + "\x00" + r.Layer.String()
			if a, ok := seen[key]; ok {
				a.count++
				continue
			}
			seen[key] = &agg{r: r, count: 1}
			order = append(order, key)
		}
	}
	if len(order) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRestrictions (limit without removing):\n")
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
		res := strings.Join(r.Resources, ", ")
		if res == "" {
			res = "*"
		}
		if r.NotResource {
			res = "everything except " + res
		}
		line := fmt.Sprintf("  %s on %s", what, res)
		if len(r.ConditionKeys) > 0 {
			line += " when " + strings.Join(r.ConditionKeys, ", ") + " says so"
		}
		fmt.Fprintf(w, "%s  ← %s; applies to %d actions\n", line, describeSources([]graph.StatementRef{r.StatementRef}), a.count)
	}
}

func printRemoved(w io.Writer, p *graph.Permissions) {
	if len(p.Removed) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRemoved (granted by identity policies, taken away):\n")
	for i := range p.Removed {
		r := &p.Removed[i]
		why := ""
		switch r.Layer {
		case policy.LayerExplicitDeny:
			why = "explicit Deny " + describeSources(r.By)
		case policy.LayerBoundary:
			why = "not allowed by the permissions boundary " + describeSources(r.By)
		case policy.LayerSCP:
			why = "not allowed by SCP " + describeSources(r.By)
		default:
			why = r.Layer.String()
		}
		fmt.Fprintf(w, "  %-40s %s\n", r.Action, why)
	}
}
