package answer

import (
	"sort"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
)

// Privesc is the answer of `iamx privesc`: who can reach admin-equivalent
// access, and how. principals[].{arn, admin, admin_reachable, conditional,
// missing_context, path, possible} are the contract (DESIGN.md §2).
type Privesc struct {
	// Principal is the ARN asked about; empty for the whole account.
	Principal  string             `json:"principal,omitempty"`
	Principals []PrivescPrincipal `json:"principals"`
	// PossibleChecked says whether possible paths were looked for: they are
	// for one principal, not for the whole account.
	PossibleChecked bool `json:"possible_checked"`
}

// PrivescPrincipal is one principal's standing.
type PrivescPrincipal struct {
	ARN            string `json:"arn"`
	Admin          bool   `json:"admin"`           // admin-equivalent already
	AdminReachable bool   `json:"admin_reachable"` // admin, or can become it
	// Conditional is true when the shortest path holds only for some values
	// of MissingContext (request-time keys such as aws:SourceIp).
	Conditional    bool         `json:"conditional"`
	MissingContext []string     `json:"missing_context"`
	Path           []PrivescHop `json:"path"` // the shortest path; empty for admins and the unreachable
	// Paths, for one principal, lists its paths to admin shortest first
	// (the first is Path); Truncated says the bound was hit.
	Paths     [][]PrivescHop    `json:"paths,omitempty"`
	Truncated bool              `json:"truncated,omitempty"`
	Possible  []PrivescPossible `json:"possible"`
}

// PrivescHop is one hop: an assume-role edge or an escalation method. A hop
// from a principal to itself is a self-escalation.
type PrivescHop struct {
	From           string      `json:"from"`
	To             string      `json:"to"`
	Kind           string      `json:"kind"`    // the method (iam:CreateAccessKey, iam:PassRole+lambda:CreateFunction+…) or sts:AssumeRole
	Actions        []string    `json:"actions"` // the API calls it makes
	By             string      `json:"by,omitempty"`
	Admin          bool        `json:"admin"` // To is admin-equivalent after the hop (the last hop of a path)
	Conditional    bool        `json:"conditional"`
	Conditions     []Condition `json:"conditions"`
	Unless         []Condition `json:"unless"` // Deny conditions that would block the hop
	MissingContext []string    `json:"missing_context"`
	Requires       []string    `json:"requires"` // snapshot facts it relies on
	Reference      string      `json:"reference,omitempty"`
}

// Condition is one condition of a statement: {"operator","key","values"}.
type Condition struct {
	Operator string   `json:"operator"`
	Key      string   `json:"key"`
	Values   []string `json:"values"`
}

// PrivescPossible is a path that needs a resource the snapshot cannot see.
type PrivescPossible struct {
	Assumption string       `json:"assumption"`
	Path       []PrivescHop `json:"path"`
}

// PrivescAll answers for the whole account: every principal that is not
// admin-equivalent but can reach it, with its shortest path, most direct
// first.
func PrivescAll(pv *graph.Privesc) Privesc {
	ans := Privesc{Principals: []PrivescPrincipal{}}
	for _, n := range pv.Reachable() {
		ans.Principals = append(ans.Principals, principalOf(pv, n, pv.Shortest(n)))
	}
	return ans
}

// PrivescOf answers for one principal: its paths to admin (shortest first,
// at most maxPaths) and its possible ones.
func PrivescOf(pv *graph.Privesc, n *graph.Node, maxPaths int) Privesc {
	ans := Privesc{Principal: n.ARN, PossibleChecked: true}
	paths := pv.Paths(n, maxPaths+1)
	truncated := len(paths) > maxPaths
	if truncated {
		paths = paths[:maxPaths]
	}
	var first []graph.Hop
	if len(paths) > 0 {
		first = paths[0]
	}
	p := principalOf(pv, n, first)
	for _, path := range paths {
		p.Paths = append(p.Paths, hopsOf(pv, path))
	}
	p.Truncated = truncated
	for _, pp := range pv.Possible(n) {
		p.Possible = append(p.Possible, PrivescPossible{Assumption: pp.Assumption, Path: hopsOf(pv, pp.Path)})
	}
	ans.Principals = []PrivescPrincipal{p}
	return ans
}

func principalOf(pv *graph.Privesc, n *graph.Node, path []graph.Hop) PrivescPrincipal {
	p := PrivescPrincipal{ARN: n.ARN, Admin: pv.Admin(n), AdminReachable: pv.Hops(n) >= 0,
		MissingContext: []string{}, Path: hopsOf(pv, path), Possible: []PrivescPossible{}}
	for _, h := range path {
		if h.Conditional {
			p.Conditional = true
			p.MissingContext = appendUnique(p.MissingContext, h.MissingContext...)
		}
	}
	sort.Strings(p.MissingContext)
	return p
}

func hopsOf(pv *graph.Privesc, path []graph.Hop) []PrivescHop {
	out := make([]PrivescHop, 0, len(path))
	for i, h := range path {
		pv.Explain(&h)
		ph := PrivescHop{From: h.From.ARN, To: h.To.ARN, Kind: h.Kind, Actions: append([]string{}, h.Actions...),
			Admin: h.Admin || i == len(path)-1, Conditional: h.Conditional, Conditions: conditions(h.Conditions), Unless: conditions(h.Unless),
			MissingContext: append([]string{}, h.MissingContext...), Requires: append([]string{}, h.Requires...)}
		if h.By != nil {
			ph.By = h.By.ARN
		}
		if h.Method != nil {
			ph.Reference = h.Method.Reference
		}
		out = append(out, ph)
	}
	return out
}

func conditions(cs []policy.Condition) []Condition {
	out := make([]Condition, 0, len(cs))
	for _, c := range cs {
		out = append(out, Condition{Operator: c.Operator, Key: c.Key, Values: append([]string{}, c.Values...)})
	}
	return out
}

func appendUnique(list []string, xs ...string) []string {
	for _, x := range xs {
		found := false
		for _, have := range list {
			if have == x {
				found = true
				break
			}
		}
		if !found {
			list = append(list, x)
		}
	}
	return list
}
