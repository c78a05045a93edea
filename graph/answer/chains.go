package answer

import (
	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
)

// Chains is the answer of `iamx chains`. from and
// paths[].hops[].{from, to, kind, conditions} are the contract (DESIGN.md
// §2). from is null when only --to is given (who can get there).
type Chains struct {
	From       *string        `json:"from"`
	To         string         `json:"to,omitempty"`
	MaxHops    int            `json:"max_hops"`
	AssumeOnly bool           `json:"assume_only"` // escalation hops were left out (--assume-only)
	Context    policy.Context `json:"context,omitempty"`
	Paths      []ChainPath    `json:"paths"`
	Truncated  bool           `json:"truncated"` // the search stopped early; the shortest paths are kept
	// TruncatedReason says why: "max-paths" (--max-paths reached), "work"
	// (the search looked at its bound of edges); absent when complete.
	TruncatedReason string `json:"truncated_reason,omitempty"`
	// CompleteHops: paths holds every assume-role path of up to this many
	// hops.
	CompleteHops int `json:"complete_hops"`
	Work         int `json:"edges_examined"`
	// EscalationTruncated: the escalation search stopped at its bound of
	// decisions; more principals may be reachable than the paths show.
	EscalationTruncated bool `json:"escalation_truncated,omitempty"`
	// EscalationAdminDepth is the fewest hops to admin-equivalence on an
	// unconditional way (0: none). The escalation search goes no deeper:
	// an admin-equivalent principal can become any principal.
	EscalationAdminDepth int `json:"escalation_admin_depth,omitempty"`
}

// ChainPath is one path. Assume-role paths are every simple path up to
// max_hops; a path that uses an escalation method (escalation) is the
// shortest way to the principal it ends at, one per principal.
type ChainPath struct {
	Hops        []ChainHop `json:"hops"`
	Conditional bool       `json:"conditional"` // some hop holds only with more context
	Admin       bool       `json:"admin"`       // the path ends at an admin-equivalent principal, or a grant makes it one
	Escalation  bool       `json:"escalation"`  // some hop is an escalation method
}

// ChainHop is one hop: a can-assume edge or an escalation method (kind
// names it: sts:AssumeRole, iam:CreateAccessKey,
// iam:PassRole+lambda:CreateFunction+…; a hop from a principal to itself
// is a self-escalation). conditions lists the conditions of the statements
// that allow the hop or decide it given more context; missing_context the
// keys the hop depends on that a snapshot cannot know.
type ChainHop struct {
	From           string      `json:"from"`
	To             string      `json:"to"`
	Kind           string      `json:"kind"`
	Conditional    bool        `json:"conditional"`
	Conditions     []Condition `json:"conditions"`
	Unless         []Condition `json:"unless"` // Deny conditions that would block the hop
	MissingContext []string    `json:"missing_context"`
	Reasons        []Reason    `json:"reasons"`
	// Escalation hops only: the API calls it makes, who makes them when not
	// from, the snapshot facts it relies on, and the catalogue's reference.
	Actions   []string `json:"actions,omitempty"`
	By        string   `json:"by,omitempty"`
	Requires  []string `json:"requires,omitempty"`
	Reference string   `json:"reference,omitempty"`
}

// NewChainHop is the answer row of a can-assume edge.
func NewChainHop(e graph.Edge) ChainHop {
	return ChainHop{From: e.From.ARN, To: e.To.ARN, Kind: e.Kind, Conditional: e.Conditional,
		Conditions: conditions(e.Conditions), Unless: conditions(e.Unless),
		MissingContext: append([]string{}, e.MissingContext...), Reasons: NewReasons(e.Reasons)}
}

// HopOf is the answer row of a hop of a way (graph.Way, an escalation
// path): an assume-role hop reads as its edge, as decided for the session
// the hop is made in.
func HopOf(h graph.Hop) ChainHop {
	if h.Edge != nil {
		e := *h.Edge
		e.Conditional, e.MissingContext = h.Conditional, h.MissingContext
		return NewChainHop(e)
	}
	c := ChainHop{From: h.From.ARN, To: h.To.ARN, Kind: h.Kind, Conditional: h.Conditional,
		Conditions: conditions(h.Conditions), Unless: conditions(h.Unless),
		MissingContext: append([]string{}, h.MissingContext...), Reasons: []Reason{},
		Actions: append([]string{}, h.Actions...), Requires: h.Requires}
	if h.By != nil {
		c.By = h.By.ARN
	}
	if h.Method != nil {
		c.Reference = h.Method.Reference
	}
	return c
}

// HopsOf is HopOf over a way; never nil.
func HopsOf(hops []graph.Hop) []ChainHop {
	out := make([]ChainHop, 0, len(hops))
	for _, h := range hops {
		out = append(out, HopOf(h))
	}
	return out
}

// ChainsOptions is what a chain question asked.
type ChainsOptions struct {
	From       *graph.Node // nil: every path into To
	Graph      graph.ChainOptions
	AssumeOnly bool
}

// NewChains answers a chain question: the assume-role paths of res and,
// unless AssumeOnly or the question is reverse (--to without a
// principal), the ways through escalation of reach (graph.Becomes), those
// that use a method, ending at To when one is given.
func NewChains(g *graph.Graph, o ChainsOptions, res graph.ChainResult, reach *graph.Reach) Chains {
	ans := Chains{MaxHops: o.Graph.MaxHops, AssumeOnly: o.AssumeOnly, Context: o.Graph.Context,
		Paths: make([]ChainPath, 0, len(res.Paths)), Truncated: res.Truncated, TruncatedReason: res.Reason,
		CompleteHops: res.CompleteHops, Work: res.Work}
	if o.From != nil {
		ans.From = &o.From.ARN
	}
	if o.Graph.To != nil {
		ans.To = o.Graph.To.ARN
	}
	for _, p := range res.Paths {
		cp := ChainPath{Hops: make([]ChainHop, 0, len(p.Hops)), Conditional: p.Conditional(), Admin: g.IsAdmin(p.To())}
		for _, h := range p.Hops {
			cp.Hops = append(cp.Hops, NewChainHop(h))
		}
		ans.Paths = append(ans.Paths, cp)
	}
	if reach == nil {
		return ans
	}
	ans.EscalationTruncated = reach.Truncated
	ans.EscalationAdminDepth = reach.AdminDepth
	for _, w := range EscalationWays(reach, o.Graph.To) {
		if o.Graph.MaxHops > 0 && len(w.Hops) > o.Graph.MaxHops {
			continue
		}
		ans.Paths = append(ans.Paths, ChainPath{Hops: HopsOf(w.Hops), Conditional: w.Conditional(),
			Admin: w.Admin, Escalation: true})
	}
	return ans
}

// EscalationWays lists the ways of reach that use an escalation method
// (the assume-role ones are the chain search's), ending at to when it is
// not nil, then the grant that makes someone admin-equivalent.
func EscalationWays(reach *graph.Reach, to *graph.Node) []graph.Way {
	var out []graph.Way
	for _, w := range reach.Ways {
		if w.Escalates() && (to == nil || w.To == to) {
			out = append(out, w)
		}
	}
	if reach.Grant != nil && to == nil {
		out = append(out, *reach.Grant)
	}
	return out
}
