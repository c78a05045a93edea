package tui

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// permsView is a principal's effective permissions for the Permissions
// tab, grouped by the answer layer: service → access level → actions, plus
// what the boundary, SCPs and denies take away. Computed once per page, on
// first view of the tab.
type permsView struct {
	perms    *graph.Permissions
	services []answer.ServiceGroup
	removed  []answer.ServiceGroup
}

// newPermsView groups a principal's permissions by service.
func newPermsView(perms *graph.Permissions) *permsView {
	return &permsView{perms: perms, services: answer.GroupAllowed(perms), removed: answer.GroupRemoved(perms)}
}

var levelShort = map[actions.AccessLevel]string{
	actions.List: "List", actions.Read: "Read", actions.Write: "Write",
	actions.PermissionsManagement: "Perms", actions.Tagging: "Tag",
}

// levelSummary is "List 3 · Read 5 · Write 4", in console order.
func levelSummary(s *answer.ServiceGroup) string {
	var parts []string
	for _, g := range s.Levels {
		if name := levelShort[g.Level]; name != "" {
			parts = append(parts, fmt.Sprintf("%s %d", name, len(g.Actions)))
		}
	}
	return strings.Join(parts, " · ")
}

// permissionLines is the Permissions tab. Services start folded; enter on a
// service unfolds its actions by access level, enter on an action shows
// which statements grant it and what limits it.
func (p *principalPage) permissionLines() []detailLine {
	st := p.c.Styles
	v := p.perms
	if v == nil {
		return p.computingLines("permissions")
	}
	perms := v.perms
	size := len(v.services) + len(v.removed) + 8
	for _, s := range v.services {
		if p.open["svc:"+s.Service] {
			size += len(s.Actions) + len(s.Levels)
		}
	}
	out := make([]detailLine, 0, size)
	cond := 0
	for _, s := range v.services {
		cond += s.Conditional
	}
	summary := countOf(len(perms.Actions), "action", "actions") + " in " + countOf(len(v.services), "service", "services")
	if cond > 0 {
		summary += fmt.Sprintf(" (%d only with more context)", cond)
	}
	if len(perms.Removed) > 0 {
		summary += fmt.Sprintf(" · %d granted but removed", len(perms.Removed))
	}
	if len(perms.Unknown) > 0 {
		summary += fmt.Sprintf(" · %d unknown (trust of roles outside the loaded accounts)", len(perms.Unknown))
	}
	out = append(out, detailHeading(st, summary))
	if perms.Admin {
		text := "ADMIN-EQUIVALENT: every action on every resource"
		if len(perms.AdminSources) > 0 {
			text += " via " + refText(perms.AdminSources[0])
		}
		out = append(out, detailLine{plain: text, styled: st.Accent.Render(text), skip: true})
	}
	if len(perms.AdminConditionKeys) > 0 {
		text := "admin only with " + strings.Join(perms.AdminConditionKeys, ", ") + " (a deny applies without it)"
		out = append(out, detailLine{plain: text, styled: st.Warning.Render(text), skip: true})
	}
	if perms.Note != "" {
		out = append(out, detailMuted(st, perms.Note))
	}
	for i := range v.services {
		s := &v.services[i]
		out = append(out, p.serviceLine(s, "svc:"+s.Service, len(s.Actions)))
		if !p.open["svc:"+s.Service] {
			continue
		}
		for _, lg := range s.Levels {
			out = append(out, detailMuted(st, fmt.Sprintf("    %s (%d)", lg.Level, len(lg.Actions))))
			for _, i := range lg.Actions {
				out = append(out, p.actionLines(&perms.Actions[i])...)
			}
		}
	}
	if len(v.removed) > 0 {
		out = append(out, detailBlank(), detailHeading(st, fmt.Sprintf("Removed: granted by identity policies, taken away (%d)", len(perms.Removed))))
		for i := range v.removed {
			s := &v.removed[i]
			fold := "rm:" + s.Service
			mark := "▸"
			if p.open[fold] {
				mark = "▾"
			}
			// What removed them comes first: it is the point of the section.
			by := "by " + removedBy(perms.Removed[s.Actions[0]])
			levels := levelSummary(s)
			head := fmt.Sprintf("%s %-20s %5d  ", mark, cutWidth(s.Service, 20), len(s.Actions))
			out = append(out, detailLine{plain: head + by + "  " + levels, fold: fold,
				styled: head + st.Warning.Render(by) + "  " + st.Muted.Render(levels)})
			if !p.open[fold] {
				continue
			}
			for _, i := range s.Actions {
				r := perms.Removed[i]
				plain := fmt.Sprintf("      %-40s %s", r.Action, removedBy(r))
				out = append(out, detailLine{plain: plain, styled: fmt.Sprintf("      %-40s %s", r.Action, st.Warning.Render(removedBy(r))), skip: true})
			}
		}
	}
	return out
}

func (p *principalPage) serviceLine(s *answer.ServiceGroup, fold string, n int) detailLine {
	st := p.c.Styles
	mark := "▸"
	if p.open[fold] {
		mark = "▾"
	}
	levels := levelSummary(s)
	// The conditional count goes before the levels, which may be cut.
	cond := ""
	if s.Conditional > 0 {
		cond = fmt.Sprintf("%d cond", s.Conditional)
	}
	plain := fmt.Sprintf("%s %-20s %5d  %-9s %s", mark, cutWidth(s.Service, 20), n, cond, levels)
	styled := mark + " " + st.Title.Render(fmt.Sprintf("%-20s", cutWidth(s.Service, 20))) + fmt.Sprintf(" %5d  ", n) +
		st.Warning.Render(fmt.Sprintf("%-9s", cond)) + " " + st.Muted.Render(levels)
	return detailLine{plain: plain, styled: styled, fold: fold}
}

// actionLines is one allowed action, and its provenance when unfolded.
func (p *principalPage) actionLines(a *graph.ActionPerm) []detailLine {
	st := p.c.Styles
	fold := "act:" + a.Action
	// Flags go before the resources: resource lists are long and get cut.
	var flags []string
	if a.Conditional {
		f := "if " + a.ConditionKeys[0]
		if len(a.ConditionKeys) > 1 {
			f += fmt.Sprintf(" +%d", len(a.ConditionKeys)-1)
		}
		flags = append(flags, f)
	}
	if len(a.Restrictions) > 0 {
		flags = append(flags, "limited")
	}
	if a.Always {
		flags = append(flags, "always allowed")
	}
	name := fmt.Sprintf("      %-36s", a.Action)
	f := ""
	if len(flags) > 0 {
		f = " [" + strings.Join(flags, "; ") + "]"
	}
	res := " on " + strings.Join(a.Resources, ", ")
	// An admin has tens of thousands of these: style only the visible ones.
	out := []detailLine{{plain: name + f + res, fold: fold, lazy: func() string {
		if f == "" {
			return name + st.Muted.Render(res)
		}
		return name + st.Warning.Render(f) + st.Muted.Render(res)
	}}}
	if !p.open[fold] {
		return out
	}
	sub := func(label, text string, style func(...string) string) {
		pl := fmt.Sprintf("          %-11s %s", label, text)
		out = append(out, detailLine{plain: pl, styled: fmt.Sprintf("          %s %s", st.HeaderKey.Render(fmt.Sprintf("%-11s", label)), style(text)), skip: true})
	}
	plainStyle := func(s ...string) string { return strings.Join(s, "") }
	for _, r := range a.Sources {
		sub("granted by", refText(r), plainStyle)
	}
	if a.Always {
		sub("granted by", "AWS: sts:GetCallerIdentity needs no permission", plainStyle)
	}
	if len(a.ConditionalResources) > 0 {
		sub("with context", "also on "+strings.Join(a.ConditionalResources, ", ")+" if "+strings.Join(a.ConditionKeys, ", "), st.Warning.Render)
	}
	if len(a.NotResources) > 0 {
		sub("except", strings.Join(a.NotResources, ", "), plainStyle)
	}
	for _, r := range a.Restrictions {
		sub("limited by", restrictionText(r), st.Warning.Render)
	}
	return out
}

// refText names a statement for people: "DeveloperAccess #2 (via group
// Developers)".
func refText(r graph.StatementRef) string {
	name := r.PolicyName
	if name == "" {
		name = policyDisplayName(r.Policy)
	}
	s := name
	if r.Index >= 0 {
		s += " " + r.Label()
	}
	if r.PolicyType != policy.IdentityPolicy {
		s = r.PolicyType.String() + " " + s
	}
	if r.Via != "" {
		s += " (via group " + r.Via + ")"
	}
	return s
}

func restrictionText(r graph.Restriction) string {
	var s string
	switch r.Layer {
	case policy.LayerExplicitDeny:
		s = "deny " + refText(r.StatementRef)
	default:
		s = refText(r.StatementRef)
	}
	if len(r.Resources) > 0 {
		if r.NotResource {
			s += " except on " + strings.Join(r.Resources, ", ")
		} else if r.Layer == policy.LayerExplicitDeny {
			s += " on " + strings.Join(r.Resources, ", ")
		} else {
			s += " allows only " + strings.Join(r.Resources, ", ")
		}
	}
	if len(r.ConditionKeys) > 0 {
		s += " when " + strings.Join(r.ConditionKeys, ", ")
	}
	return s
}

func removedBy(r graph.RemovedAction) string {
	var names []string
	for _, b := range r.By {
		names = append(names, refText(b))
	}
	layer := answer.LayerPhrase(r.Layer)
	if len(names) == 0 {
		return layer
	}
	return strings.Join(names, ", ")
}

// toggleAllServices unfolds every service, or folds them all when any is
// open.
func (p *principalPage) toggleAllServices() {
	v := p.perms
	if v == nil {
		return // still computing
	}
	anyOpen := false
	for _, s := range v.services {
		if p.open["svc:"+s.Service] {
			anyOpen = true
		}
	}
	for _, s := range v.services {
		p.open["svc:"+s.Service] = !anyOpen
	}
	p.rebuild()
}
