package tui

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// chainLimit bounds the paths one tab draws: enough to see every route in a
// sane account, small enough that a dense one stays responsive. The tab says
// when it cut.
const chainLimit = 500

// chainLines is the Chains tab: where this principal can get to by
// assuming roles ("can reach") and who can get here ("reached by"), each as
// a tree with the conditions of every hop on its edge.
func (p *principalPage) chainLines() []detailLine {
	st := p.c.Styles
	if p.chains == nil {
		return p.computingLines("chains")
	}
	var out []detailLine

	fwd := p.chains.fwd
	root := graph.NewPathTree(p.n, fwd.Paths, false)
	reach := map[*graph.Node]bool{}
	for _, path := range fwd.Paths {
		for i := range path.Hops {
			reach[path.Hops[i].To] = true
		}
	}
	roles := len(reach)
	if fwd.Truncated {
		roles = max(roles, p.chains.reach) // the paths drawn miss some
	}
	out = append(out, detailHeading(st, fmt.Sprintf("Can reach: %s (%s%s)", countOf(roles, "role", "roles"), countOf(len(fwd.Paths), "path", "paths"), truncNote(fwd))))
	if len(fwd.Paths) == 0 {
		out = append(out, detailMuted(st, "  no role: "+p.n.Label()+" may assume nothing in the loaded accounts"))
	} else {
		out = append(out, treeLines(p.c, root, "  ", true)...)
	}

	out = append(out, escalationLines(p.c, p.chains.ans)...)

	if p.n.Kind == graph.KindRole {
		back := p.chains.back
		rroot := graph.NewPathTree(p.n, back.Paths, true)
		from := map[*graph.Node]bool{}
		for _, path := range back.Paths {
			for i := range path.Hops {
				from[path.Hops[i].From] = true
			}
		}
		out = append(out, detailBlank(), detailHeading(st, fmt.Sprintf("Reached by: %s (%s%s)", countOf(len(from), "principal", "principals"), countOf(len(back.Paths), "path", "paths"), truncNote(back))))
		if len(back.Paths) == 0 {
			out = append(out, detailMuted(st, "  nobody may assume "+p.n.Name))
		} else {
			out = append(out, treeLines(p.c, rroot, "  ", false)...)
		}
	}
	return out
}

// escalationLines draws the escalation paths of the chains answer (the one
// `iamx chains` prints): one per principal reached, its hops each with
// its method ("mallory ─iam:CreateAccessKey→ ci-deployer").
func escalationLines(c *Common, ans answer.Chains) []detailLine {
	st := c.Styles
	var paths []answer.ChainPath
	for _, p := range ans.Paths {
		if p.Escalation {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	g := c.Graph
	label := func(a string) string {
		if n := g.Node(a); n != nil {
			return n.Label()
		}
		return a
	}
	out := []detailLine{detailBlank(), detailHeading(st, fmt.Sprintf("Through escalation: %s (the shortest way to each)", countOf(len(paths), "principal", "principals")))}
	for _, p := range paths {
		end := p.Hops[len(p.Hops)-1]
		to := g.Node(end.To)
		plain := "  " + label(end.To)
		styled := "  " + st.Title.Render(label(end.To))
		if p.Admin {
			plain += "  admin"
			styled += "  " + st.Accent.Render("admin")
		}
		if p.Conditional {
			plain += "  conditional"
			styled += "  " + st.Warning.Render("conditional")
		}
		out = append(out, detailLine{plain: plain, styled: styled, node: to})
		for _, h := range p.Hops {
			target := label(h.To)
			if h.From == h.To {
				target = "itself"
			}
			lead := "      " + label(h.From) + " ─"
			plain := lead + h.Kind + "→ " + target
			styled := st.Muted.Render(lead) + h.Kind + st.Muted.Render("→ ") + target
			if h.Conditional {
				keys := strings.Join(h.MissingContext, ", ")
				plain += "  [" + keys + "]"
				styled += "  " + st.Warning.Render("["+keys+"]")
			}
			out = append(out, detailLine{plain: plain, styled: styled, node: g.Node(h.To)})
		}
	}
	return out
}

// truncNote says why a chain search stopped early, or "" when it did not.
func truncNote(r graph.ChainResult) string {
	switch {
	case !r.Truncated:
		return ""
	case r.Reason == graph.TruncatedMaxPaths:
		return ", first " + fmt.Sprint(chainLimit) + " shown"
	}
	return fmt.Sprintf(", search stopped: complete up to %d hops", r.CompleteHops)
}

func detailMuted(st *Styles, s string) detailLine {
	return detailLine{plain: s, styled: st.Muted.Render(s), skip: true}
}

// treeLines draws a chain tree. The root is the page's own principal; each
// child line names the next principal (enter opens it) with the hop's kind
// and conditions, and a warning mark when the hop is conditional. Every
// principal carries its admin mark (graph.AdminStatus), as in the lists.
func treeLines(c *Common, root *graph.PathTree, indent string, forward bool) []detailLine {
	st := c.Styles
	rootLine := detailLine{plain: indent + root.Node.Label(), styled: indent + st.Title.Render(root.Node.Label()), node: root.Node}
	addAdminMark(c, &rootLine, root.Node)
	out := []detailLine{rootLine}
	arrow := "─▶ "
	if !forward {
		arrow = "◀─ "
	}
	var walk func(t *graph.PathTree, prefix string)
	walk = func(t *graph.PathTree, prefix string) {
		for i, k := range t.Children {
			last := i == len(t.Children)-1
			branch, next := "├", "│   "
			if last {
				branch, next = "└", "    "
			}
			name := k.Node.Label()
			lead := indent + prefix + branch + arrow
			plain := lead + name
			styled := st.Muted.Render(lead) + name
			if e := k.Edge; e != nil {
				kind := e.Kind
				if kind != graph.EdgeAssumeRole {
					plain += "  " + kind
					styled += "  " + st.Muted.Render(kind)
				}
				if tags := edgeTags(e); tags != "" {
					plain += "  [" + tags + "]"
					styled += "  " + st.Warning.Render("["+tags+"]")
				}
				if e.Conditional {
					plain += " conditional"
					styled += " " + st.Warning.Render("conditional")
				}
			}
			l := detailLine{plain: plain, styled: styled, node: k.Node}
			addAdminMark(c, &l, k.Node)
			out = append(out, l)
			walk(k, prefix+next)
		}
	}
	walk(root, "")
	return out
}

// addAdminMark appends n's admin mark to a line that names it.
func addAdminMark(c *Common, l *detailLine, n *graph.Node) {
	if mark := c.Graph.AdminStatus(n).Mark(); mark != "" {
		l.plain += "  " + mark
		l.styled += "  " + c.Styles.Accent.Render(mark)
	}
}

// edgeTags summarises a hop's conditions in a few words: "MFA, ExternalId".
func edgeTags(e *graph.Edge) string {
	var tags []string
	seen := map[string]bool{}
	for _, c := range e.Conditions {
		t := conditionTag(c.Key)
		if t == "" {
			t = c.Key
		}
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	return strings.Join(tags, ", ")
}
