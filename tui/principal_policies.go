package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// policyRefLines lists policies with their provenance. Enter on a managed
// policy opens its page; enter on an inline policy (which has no page of
// its own) unfolds its document in place. Shared by principals and groups.
func policyRefLines(c *Common, refs []graph.PolicyRef, open map[string]bool) []detailLine {
	st := c.Styles
	if len(refs) == 0 {
		return []detailLine{{plain: "no policies", styled: st.Muted.Render("no policies"), skip: true}}
	}
	var out []detailLine
	fromOf := func(r graph.PolicyRef) string {
		switch {
		case r.Boundary:
			return "boundary"
		case r.Via != nil:
			return "via group " + r.Via.Name
		}
		return "direct"
	}
	// The FROM column is as wide as its longest entry, up to 30 cells.
	fw := len("FROM")
	for _, r := range refs {
		fw = max(fw, min(ansi.StringWidth(fromOf(r)), 30))
	}
	head := fmt.Sprintf("  %-*s %-7s %s", fw, "FROM", "TYPE", "POLICY")
	out = append(out, detailLine{plain: head, styled: st.TableHeader.Render(head), skip: true})
	for i, r := range refs {
		from := cutWidth(fromOf(r), fw)
		kind := "managed"
		if r.Source.ARN == "" {
			kind = "inline"
		}
		fold := "policy:" + strconv.Itoa(i)
		mark := " "
		if kind == "inline" {
			mark = "▸"
			if open[fold] {
				mark = "▾"
			}
		}
		plain := fmt.Sprintf("%s %s %-7s %s", mark, padWidth(from, fw), kind, r.Source.Name)
		fs := st.TableCell
		if r.Boundary {
			fs = st.Warning
		}
		styled := mark + " " + fs.Render(padWidth(from, fw)) + " " +
			st.Muted.Render(fmt.Sprintf("%-7s", kind)) + " " + r.Source.Name
		l := detailLine{plain: plain, styled: styled}
		if kind == "managed" {
			l.arn = r.Source.ARN
			l.node = c.Graph.Node(r.Source.ARN)
		} else {
			l.fold = fold
		}
		out = append(out, l)
		if kind == "inline" && open[fold] {
			for _, dl := range highlightJSON(inlineDocument(c, r), st) {
				out = append(out, detailLine{plain: "    " + dl.plain, styled: "    " + dl.styled, skip: true})
			}
		}
	}
	return out
}

// inlineDocument finds the JSON text of an inline policy on its owner (the
// principal itself, or the group it comes through).
func inlineDocument(c *Common, r graph.PolicyRef) []byte {
	owner := c.Graph.Node(r.Source.Owner)
	if owner == nil {
		return nil
	}
	for _, ip := range owner.InlinePolicies() {
		if ip.Name == r.Source.Name {
			return ip.Document.JSON
		}
	}
	return nil
}

// policyLines is the Policies tab: the principal's own policies, then the
// resource policies that name it.
func (p *principalPage) policyLines() []detailLine {
	out := policyRefLines(p.c, p.c.Graph.PoliciesOf(p.n), p.open)
	if p.n.Kind == graph.KindUser || p.n.Kind == graph.KindRole {
		out = append(out, detailBlank())
		out = append(out, grantLines(p.c.Styles, answer.GrantsOf(p.c.Graph, p.n))...)
	}
	return out
}

// grantWording says how a resource policy statement names the principal.
var grantWording = map[string]string{
	answer.NamedPrincipal: "names it",
	answer.NamedRole:      "names a session",
	answer.NamedAccount:   "names its account (its own policies must allow too)",
	answer.NamedAnyone:    "names anyone",
}

// grantLines is "granted by resource policies": each Allow statement of a
// loaded resource's policy that names the principal; enter opens the
// resource.
func grantLines(st *Styles, gr answer.ResourceGrants) []detailLine {
	out := []detailLine{detailHeading(st, "Granted by resource policies")}
	switch {
	case gr.Loaded == 0:
		out = append(out, detailMuted(st, "no resource policies loaded (a live capture or --resources FILE brings them)"))
	case len(gr.Grants) == 0:
		out = append(out, detailMuted(st, "no loaded resource policy names it, its account or anyone"))
	}
	for _, x := range gr.Grants {
		named := grantWording[x.Named]
		cond := ""
		if x.Conditional {
			cond = " · with conditions"
		}
		plain := fmt.Sprintf("  %-8s %s  %s %s: %s%s", graph.ResourceKind(x.Type), flatText(x.Resource), flatText(x.Statement), named,
			flatText(strings.Join(x.Actions, ", ")), cond)
		styled := plain
		if x.Named == answer.NamedAnyone {
			styled = st.Warning.Render(plain)
		}
		out = append(out, detailLine{plain: plain, styled: styled, arn: x.Resource})
	}
	if len(gr.Unknown) > 0 {
		out = append(out, detailMuted(st, fmt.Sprintf("  %d loaded resources' policies could not be read: they may name it too (%s)",
			len(gr.Unknown), flatText(strings.Join(gr.Unknown, ", ")))))
	}
	return out
}
