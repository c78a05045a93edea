package answer

import (
	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// LoadWarning is one fault that did not stop a load, with the account whose
// snapshot reported it ("" for the graph build's, which concern several).
// In JSON: {"account","entity","path","message"}.
type LoadWarning struct {
	Account string `json:"account,omitempty"`
	model.Warning
}

// Warnings are the load warnings of a graph, indexed by the ARN of the
// entity each is about: the explorer's Warnings page and a principal's
// Overview, and the answers that carry the warnings of what they rest on,
// find them by ARN instead of reading the text back.
type Warnings struct {
	All      []LoadWarning
	byEntity map[string][]int
}

// WarningsOf collects the snapshots' warnings in load order, then the
// graph build's (entities left out because their account is not loaded).
func WarningsOf(g *graph.Graph) *Warnings {
	w := &Warnings{byEntity: map[string][]int{}}
	add := func(account string, x model.Warning) {
		if x.Entity != "" {
			w.byEntity[x.Entity] = append(w.byEntity[x.Entity], len(w.All))
		}
		w.All = append(w.All, LoadWarning{Account: account, Warning: x})
	}
	for _, s := range g.Snapshots() {
		for _, x := range s.Warnings {
			add(s.AccountID, x)
		}
	}
	for _, x := range g.Warnings() {
		add("", x)
	}
	return w
}

// About returns the warnings about the entity arn, in load order.
func (w *Warnings) About(arn string) []LoadWarning {
	var out []LoadWarning
	for _, i := range w.byEntity[arn] {
		out = append(out, w.All[i])
	}
	return out
}

// Behind returns the warnings about what an answer about n rests on: n
// itself, its groups, and the managed policies attached to them or set as
// its permissions boundary. A document that did not parse is left out of
// evaluation, so an answer about n may be missing what it said.
func (w *Warnings) Behind(g *graph.Graph, n *graph.Node) []LoadWarning {
	if n == nil {
		return nil
	}
	arns := []string{n.ARN}
	seen := map[string]bool{n.ARN: true}
	add := func(a string) {
		if a != "" && !seen[a] {
			seen[a] = true
			arns = append(arns, a)
		}
	}
	attached := func(ps []model.AttachedPolicy) {
		for _, p := range ps {
			add(p.ARN)
		}
	}
	switch {
	case n.User != nil:
		attached(n.User.AttachedPolicies)
		add(n.User.PermissionsBoundary)
		for _, gn := range g.GroupsOf(n) {
			add(gn.ARN)
			attached(gn.Group.AttachedPolicies)
		}
	case n.Role != nil:
		attached(n.Role.AttachedPolicies)
		add(n.Role.PermissionsBoundary)
	case n.Group != nil:
		attached(n.Group.AttachedPolicies)
	}
	var out []LoadWarning
	for _, a := range arns {
		out = append(out, w.About(a)...)
	}
	return out
}

// Request returns the warnings about what an answer to n's request on
// resource rests on: Behind(n), then the resource's own.
func (w *Warnings) Request(g *graph.Graph, n *graph.Node, resource string) []LoadWarning {
	out := w.Behind(g, n)
	if n == nil || resource != n.ARN {
		out = append(out, w.About(resource)...)
	}
	return out
}
