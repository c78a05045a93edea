package tui

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/graph"
)

// chainLimit bounds the paths one tab draws: enough to see every route in a
// sane account, small enough that a dense one stays responsive. The tab says
// when it cut.
const chainLimit = 500

// chainTree merges assume-role paths that share a prefix into a tree, so
// five paths through the same first role draw that role once.
type chainTree struct {
	node *graph.Node
	edge *graph.Edge // the hop that reached node; nil at the root
	kids []*chainTree
}

func (t *chainTree) child(n *graph.Node, e *graph.Edge) *chainTree {
	for _, k := range t.kids {
		if k.node == n {
			return k
		}
	}
	k := &chainTree{node: n, edge: e}
	t.kids = append(t.kids, k)
	return k
}

// chainLines is the Chains tab: where this principal can get to by
// assuming roles ("can reach") and who can get here ("reached by"), each as
// a tree with the conditions of every hop on its edge.
func (p *principalPage) chainLines() []detailLine {
	st := p.c.Styles
	g := p.c.Graph
	opts := graph.ChainOptions{MaxPaths: chainLimit}
	var out []detailLine

	fwd := g.ChainsResult(p.n, opts)
	root := &chainTree{node: p.n}
	reach := map[*graph.Node]bool{}
	for _, path := range fwd.Paths {
		t := root
		for i := range path.Hops {
			h := &path.Hops[i]
			t = t.child(h.To, h)
			reach[h.To] = true
		}
	}
	out = append(out, detailHeading(st, fmt.Sprintf("Can reach: %s (%s%s)", countOf(len(reach), "role", "roles"), countOf(len(fwd.Paths), "path", "paths"), truncNote(fwd.Truncated))))
	if len(fwd.Paths) == 0 {
		out = append(out, detailMuted(st, "  no role: "+p.n.Label()+" may assume nothing in the loaded accounts"))
	} else {
		out = append(out, treeLines(st, root, "  ", true)...)
	}

	if p.n.Kind == graph.KindRole {
		back := g.ChainsToResult(p.n, opts)
		rroot := &chainTree{node: p.n}
		from := map[*graph.Node]bool{}
		for _, path := range back.Paths {
			t := rroot
			for i := len(path.Hops) - 1; i >= 0; i-- {
				h := &path.Hops[i]
				t = t.child(h.From, h)
				from[h.From] = true
			}
		}
		out = append(out, detailBlank(), detailHeading(st, fmt.Sprintf("Reached by: %s (%s%s)", countOf(len(from), "principal", "principals"), countOf(len(back.Paths), "path", "paths"), truncNote(back.Truncated))))
		if len(back.Paths) == 0 {
			out = append(out, detailMuted(st, "  nobody may assume "+p.n.Name))
		} else {
			out = append(out, treeLines(st, rroot, "  ", false)...)
		}
	}
	return out
}

func truncNote(t bool) string {
	if t {
		return ", first " + fmt.Sprint(chainLimit) + " shown"
	}
	return ""
}

func detailMuted(st *Styles, s string) detailLine {
	return detailLine{plain: s, styled: st.Muted.Render(s), skip: true}
}

// treeLines draws a chain tree. The root is the page's own principal; each
// child line names the next principal (enter opens it) with the hop's kind
// and conditions, and a warning mark when the hop is conditional.
func treeLines(st *Styles, root *chainTree, indent string, forward bool) []detailLine {
	out := []detailLine{{plain: indent + root.node.Label(), styled: indent + st.Title.Render(root.node.Label()), node: root.node}}
	arrow := "─▶ "
	if !forward {
		arrow = "◀─ "
	}
	var walk func(t *chainTree, prefix string)
	walk = func(t *chainTree, prefix string) {
		for i, k := range t.kids {
			last := i == len(t.kids)-1
			branch, next := "├", "│   "
			if last {
				branch, next = "└", "    "
			}
			name := k.node.Label()
			lead := indent + prefix + branch + arrow
			plain := lead + name
			styled := st.Muted.Render(lead) + name
			if e := k.edge; e != nil {
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
			out = append(out, detailLine{plain: plain, styled: styled, node: k.node})
			walk(k, prefix+next)
		}
	}
	walk(root, "")
	return out
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
