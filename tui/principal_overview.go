package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/principal"
)

// detailKV is one "label  value" line of an overview.
func detailKV(st *Styles, label, value string) detailLine {
	l := fmt.Sprintf("%-10s", label)
	return detailLine{plain: l + " " + value, styled: st.HeaderKey.Render(l) + " " + value}
}

// detailKVStyled is detailKV with a styled value (plain given separately).
func detailKVStyled(st *Styles, label, plain, styled string) detailLine {
	l := fmt.Sprintf("%-10s", label)
	return detailLine{plain: l + " " + plain, styled: st.HeaderKey.Render(l) + " " + styled}
}

func detailHeading(st *Styles, s string) detailLine {
	return detailLine{plain: s, styled: st.Title.Render(s), skip: true}
}

func detailDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

// overviewLines is the Overview tab: identity, credentials, the admin badge
// and warnings an on-call engineer should see first.
func (p *principalPage) overviewLines() []detailLine {
	st := p.c.Styles
	n := p.n
	var out []detailLine
	switch {
	case n.User != nil:
		u := n.User
		out = append(out, detailKV(st, "ARN", u.ARN), detailKV(st, "ID", dashIfEmpty(u.ID)), detailKV(st, "Path", dashIfEmpty(u.Path)),
			detailKV(st, "Created", detailDate(u.CreateDate)))
		out = append(out, tagLines(st, u.Tags)...)
		out = append(out, p.groupLines()...)
		out = append(out, p.boundaryLine(u.PermissionsBoundary)...)
		out = append(out, p.credentialLines()...)
		out = append(out, p.accessKeyLines()...)
	case n.Role != nil:
		r := n.Role
		out = append(out, detailKV(st, "ARN", r.ARN), detailKV(st, "ID", dashIfEmpty(r.ID)), detailKV(st, "Path", dashIfEmpty(r.Path)),
			detailKV(st, "Created", detailDate(r.CreateDate)))
		if r.Description != "" {
			out = append(out, detailKV(st, "About", flatText(r.Description)))
		}
		if r.MaxSessionDuration > 0 {
			out = append(out, detailKV(st, "Session", "up to "+sessionText(r.MaxSessionDuration)))
		}
		out = append(out, tagLines(st, r.Tags)...)
		out = append(out, p.boundaryLine(r.PermissionsBoundary)...)
		last := "never (or unknown)"
		if r.LastUsed != nil && !r.LastUsed.LastUsedDate.IsZero() {
			last = detailDate(r.LastUsed.LastUsedDate)
			if r.LastUsed.Region != "" {
				last += " in " + r.LastUsed.Region
			}
		}
		out = append(out, detailKV(st, "Last used", last))
		for _, ip := range r.InstanceProfiles {
			out = append(out, detailKV(st, "Profile", ip.Name+" (EC2 instance profile)"))
		}
		out = append(out, detailKV(st, "Trusted by", p.trustSummary()))
	default:
		out = append(out, detailKV(st, "ID", n.ARN), detailKV(st, "Kind", externalKind(p.c.Graph, n)))
		if n.Account != "" {
			out = append(out, detailKV(st, "Account", n.Account))
		}
		if n.Dangling {
			out = append(out, detailKVStyled(st, "Status", "deleted principal still named in a trust policy",
				st.Warning.Render("deleted principal still named in a trust policy")))
		}
		out = append(out, detailKV(st, "Assumes", p.assumesSummary()))
	}
	if n.Kind != graph.KindExternal {
		out = append(out, detailKV(st, "Account", principalAccount(n)))
	}
	out = append(out, p.adminLines()...)
	if w := p.warnings(); len(w) > 0 {
		out = append(out, detailBlank(), detailHeading(st, "Warnings"))
		for _, s := range w {
			out = append(out, detailLine{plain: "⚠ " + s, styled: st.Warning.Render("⚠ " + s)})
		}
	}
	return out
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func flatText(s string) string { return strings.Join(strings.Fields(s), " ") }

func principalAccount(n *graph.Node) string {
	if n.Snapshot != nil && n.Snapshot.AccountAlias != "" {
		return n.Account + " (" + n.Snapshot.AccountAlias + ")"
	}
	return dashIfEmpty(n.Account)
}

// externalKind says what an external principal is. An account root is the
// account itself: a loaded account's own (the one being explored), or
// another one whose principals iamx cannot see.
func externalKind(g *graph.Graph, n *graph.Node) string {
	switch n.Principal.Kind {
	case principal.Account:
		if g.Account(n.Account) != nil {
			return "this account itself (its root: any of its principals that their own policies allow)"
		}
		return "another account, not loaded (its root: any principal there that its own policies allow)"
	case principal.Service:
		return "AWS service"
	case principal.Federated:
		return "federated identity provider"
	case principal.Anyone:
		return "anyone (the public)"
	}
	return n.Principal.Kind.String()
}

func tagLines(st *Styles, tags []model.Tag) []detailLine {
	if len(tags) == 0 {
		return []detailLine{detailKV(st, "Tags", "-")}
	}
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = t.Key + "=" + t.Value
	}
	return []detailLine{detailKV(st, "Tags", strings.Join(parts, ", "))}
}

// groupLines lists a user's groups, one per line so enter opens each.
func (p *principalPage) groupLines() []detailLine {
	st := p.c.Styles
	groups := p.c.Graph.GroupsOf(p.n)
	if len(groups) == 0 {
		return []detailLine{detailKV(st, "Groups", "-")}
	}
	var out []detailLine
	for i, g := range groups {
		label := "Groups"
		if i > 0 {
			label = ""
		}
		l := detailKV(st, label, g.Name)
		l.node = g
		out = append(out, l)
	}
	return out
}

func (p *principalPage) boundaryLine(arn string) []detailLine {
	st := p.c.Styles
	if arn == "" {
		return []detailLine{detailKV(st, "Boundary", "-")}
	}
	l := detailKV(st, "Boundary", policyDisplayName(arn)+"  "+st.Muted.Render(arn))
	l.plain = fmt.Sprintf("%-10s %s  %s", "Boundary", policyDisplayName(arn), arn)
	l.arn = arn
	l.node = p.c.Graph.Node(arn)
	return []detailLine{l}
}

// credentialRow finds the user's row of the credential report.
func (p *principalPage) credentialRow() *model.CredentialReportRow {
	s := p.n.Snapshot
	if s == nil || p.n.User == nil {
		return nil
	}
	for i := range s.CredentialReport {
		r := &s.CredentialReport[i]
		if r.ARN == p.n.ARN || (r.ARN == "" && r.User == p.n.Name) {
			return r
		}
	}
	return nil
}

// credentialLines shows console and key use from the credential report.
func (p *principalPage) credentialLines() []detailLine {
	st := p.c.Styles
	r := p.credentialRow()
	if r == nil {
		return []detailLine{detailKV(st, "Console", "no credential report in this snapshot")}
	}
	console := "no password"
	if r.PasswordEnabled == "true" {
		console = "password, last used " + reportDate(r.PasswordLastUsed)
	}
	mfa := "MFA off"
	mfaS := st.Warning.Render(mfa)
	if r.MFAActive == "true" {
		mfa, mfaS = "MFA on", st.OK.Render("MFA on")
	}
	out := []detailLine{detailKVStyled(st, "Console", console+" · "+mfa, console+" · "+mfaS)}
	keys := []struct{ active, rotated, used, region, service string }{
		{r.AccessKey1Active, r.AccessKey1LastRotated, r.AccessKey1LastUsedDate, r.AccessKey1LastUsedRegion, r.AccessKey1LastUsedService},
		{r.AccessKey2Active, r.AccessKey2LastRotated, r.AccessKey2LastUsedDate, r.AccessKey2LastUsedRegion, r.AccessKey2LastUsedService},
	}
	any := false
	for i, k := range keys {
		if k.active != "true" {
			continue
		}
		any = true
		s := fmt.Sprintf("key %d active, rotated %s, last used %s", i+1, reportDate(k.rotated), reportDate(k.used))
		if k.service != "" && k.service != "N/A" {
			s += " (" + k.service
			if k.region != "" && k.region != "N/A" {
				s += ", " + k.region
			}
			s += ")"
		}
		label := "Keys"
		if i > 0 && keys[0].active == "true" {
			label = ""
		}
		out = append(out, detailKV(st, label, s))
	}
	if !any {
		out = append(out, detailKV(st, "Keys", "no active access keys"))
	}
	return out
}

// reportDate shortens a credential report time ("2024-05-01T10:00:00+00:00")
// to its date and spells out the report's placeholders.
func reportDate(s string) string {
	switch s {
	case "", "N/A", "no_information":
		return "never"
	case "not_supported":
		return "not reported"
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return detailDate(t)
	}
	return s
}

func (p *principalPage) trustSummary() string {
	edges := p.c.Graph.AssumableBy(p.n)
	if len(edges) == 0 {
		return "nobody (no principal may assume it)"
	}
	names := make([]string, 0, len(edges))
	seen := map[string]bool{}
	for _, e := range edges {
		if !seen[e.From.Label()] {
			seen[e.From.Label()] = true
			names = append(names, shortPrincipalARN(e.From.Label()))
		}
	}
	s := strings.Join(names, ", ")
	return fmt.Sprintf("%d: %s (tab 4)", len(names), s)
}

func (p *principalPage) assumesSummary() string {
	edges := p.c.Graph.Assumes(p.n)
	if len(edges) == 0 {
		return "no role of the loaded accounts"
	}
	names := make([]string, len(edges))
	for i, e := range edges {
		names[i] = e.To.Name
	}
	return fmt.Sprintf("%d: %s (tab 5)", len(names), strings.Join(names, ", "))
}

// adminLines shows whether the principal is effectively an administrator,
// and how: through a policy of its own, by assuming a role that is (with
// the conditions its hops need), or by escalation. The verdict is
// graph.AdminStatus, the one every admin mark of the explorer shows.
func (p *principalPage) adminLines() []detailLine {
	st := p.c.Styles
	g := p.c.Graph
	status := g.AdminStatus(p.n)
	switch {
	case status.Direct:
		badge := "ADMIN-EQUIVALENT"
		via := p.adminVia()
		l := detailKVStyled(st, "Admin", badge+via.plain, st.Accent.Render(badge)+via.plain)
		l.node, l.arn = via.node, via.arn
		out := []detailLine{l}
		if via.only != "" {
			out = append(out, detailKVStyled(st, "", via.only, st.Warning.Render(via.only)))
		}
		return out
	case status.Hops > 0:
		path, ok := g.AdminPath(p.n)
		if !ok {
			break
		}
		names := make([]string, 0, len(path.Hops))
		var tags []string
		for i := range path.Hops {
			names = append(names, path.Hops[i].To.Name)
			if path.Hops[i].Conditional {
				if t := edgeTags(&path.Hops[i]); t != "" {
					tags = append(tags, t)
				}
			}
		}
		text := " via role " + strings.Join(names, " → ")
		l := detailKVStyled(st, "Admin", "admin"+text, st.Accent.Render("admin")+text)
		l.node = path.To()
		out := []detailLine{l}
		if path.Conditional() {
			only := "only with the context a hop needs"
			if len(tags) > 0 {
				only = "only with " + strings.Join(tags, ", ") + ": a hop needs it"
			}
			out = append(out, detailKVStyled(st, "", only, st.Warning.Render(only)))
		}
		return out
	case status.Escalation:
		return []detailLine{detailKVStyled(st, "Admin", "admin via escalation", st.Accent.Render("admin")+" via escalation")}
	}
	return []detailLine{detailKV(st, "Admin", "no")}
}

type adminSource struct {
	plain string
	only  string // the context a deny requires before * on * holds
	node  *graph.Node
	arn   string
}

// adminVia names the statement that grants * on *. Admin and
// AdminSources do not depend on the filter, so a one-service query keeps
// this cheap on the first screen of the page.
func (p *principalPage) adminVia() adminSource {
	perms := p.c.Graph.Permissions(p.n, graph.PermFilter{Service: "sts"})
	if len(perms.AdminSources) == 0 {
		return adminSource{}
	}
	r := perms.AdminSources[0]
	name := r.PolicyName
	if name == "" {
		name = policyDisplayName(r.Policy)
	}
	s := adminSource{plain: " via " + name}
	if r.Via != "" {
		s.plain += " (group " + r.Via + ")"
	}
	if isPolicyARN(r.Policy) {
		s.arn = r.Policy
		s.node = p.c.Graph.Node(r.Policy)
	}
	if len(perms.AdminConditionKeys) > 0 {
		keys := spellKeys(perms.AdminConditionKeys, principalConditions(p.c, p.n))
		s.only = "only with " + strings.Join(keys, ", ") + ": a deny applies without it"
	}
	return s
}

// warnings are the things about this principal that deserve a second look:
// the answer layer's review of it — its findings (the same as :findings and
// `iamx findings`, judged at the snapshot's capture time) and the load
// warnings about it.
func (p *principalPage) warnings() []string {
	r := answer.ReviewOf(p.c.findings, p.c.warnings(), p.n)
	var out []string
	for i := range r.Findings {
		out = append(out, r.Findings[i].Line())
	}
	var load []string
	for _, w := range r.LoadWarnings {
		load = append(load, "load: "+w.String())
	}
	sort.Strings(load)
	return append(out, load...)
}

// sessionText is a MaxSessionDuration in hours when whole ("1h", "12h").
func sessionText(sec int32) string {
	d := time.Duration(sec) * time.Second
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

// countOf is "1 role", "3 roles".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
