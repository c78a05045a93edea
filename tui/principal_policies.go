package tui

import (
	"fmt"
	"strconv"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
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
	var list []model.InlinePolicy
	switch {
	case owner.User != nil:
		list = owner.User.InlinePolicies
	case owner.Group != nil:
		list = owner.Group.InlinePolicies
	case owner.Role != nil:
		list = owner.Role.InlinePolicies
	}
	for _, ip := range list {
		if ip.Name == r.Source.Name {
			return ip.Document.JSON
		}
	}
	return nil
}

// policyLines is the Policies tab.
func (p *principalPage) policyLines() []detailLine {
	return policyRefLines(p.c, p.c.Graph.PoliciesOf(p.n), p.open)
}
