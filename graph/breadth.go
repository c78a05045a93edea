package graph

import (
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// Breadth is what one policy document allows on its own, read through the
// action catalogue: the findings about broad policies (a customer policy
// granting "*:*", iam:PassRole on every role, a non-default version broader
// than the default) ask it of single documents, not of principals.
type Breadth struct {
	// OnAny holds the catalogue actions some Allow statement grants on the
	// resource "*" (conditions aside); OnSome those it grants on some resource.
	OnAny, OnSome actions.Bitset
}

// Breadth computes the Breadth of p. A nil policy allows nothing.
func (g *Graph) Breadth(p *policy.Policy) Breadth {
	cat := actions.Load()
	b := Breadth{OnAny: actions.NewBitset(cat.Len()), OnSome: actions.NewBitset(cat.Len())}
	if p == nil {
		return b
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		acts := g.perm.statementActions(cat, st)
		b.OnSome.Or(acts)
		if st.MayMatchResource("*") {
			b.OnAny.Or(acts)
		}
	}
	return b
}

// All reports whether the document allows every catalogue action on "*".
func (b Breadth) All() bool { return b.OnAny.Count() == actions.Load().Len() }

// StatementsGranting returns the Allow statements of p that grant action on
// the resource "*" (conditions aside): the evidence behind a Breadth.
func (g *Graph) StatementsGranting(p *policy.Policy, action string) []*policy.Statement {
	cat := actions.Load()
	a, ok := cat.Lookup(action)
	if p == nil || !ok {
		return nil
	}
	var out []*policy.Statement
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect == policy.Allow && st.MayMatchResource("*") && g.perm.statementActions(cat, st).Has(a.ID) {
			out = append(out, st)
		}
	}
	return out
}
