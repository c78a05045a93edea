package answer

import (
	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
)

// WhoCan is the answer of `iamx who-can`. action, resource and
// principals[].{arn, decision, conditional, via} are the contract (DESIGN.md
// §2); the rest helps people and scripts.
type WhoCan struct {
	Action      string         `json:"action"`
	Resource    string         `json:"resource"`
	Context     policy.Context `json:"context,omitempty"`
	Principals  []WhoCanRow    `json:"principals"`
	Count       int            `json:"count"`
	Conditional int            `json:"conditional_count"`
	// Escalation counts the principals listed through an escalation method
	// (escalation: true); AssumeOnly says they were left out (--assume-only).
	Escalation  int        `json:"escalation_count"`
	AssumeOnly  bool       `json:"assume_only"`
	Warnings    []string   `json:"warnings,omitempty"`
	Assumptions []string   `json:"assumptions,omitempty"` // what the answer rests on that the snapshot lacks
	Coverage    []Coverage `json:"coverage,omitempty"`
}

// WhoCanRow is one principal that can. decision is always "allow";
// conditional marks an allow that holds only for some values of
// missing_context (a way whose hop needs MFA or a source IP counts too).
type WhoCanRow struct {
	ARN            string   `json:"arn"`
	Kind           string   `json:"kind"` // user, role, or the external principal's kind: account, service, federated, anyone, user, role
	Account        string   `json:"account,omitempty"`
	Decision       string   `json:"decision"`
	Conditional    bool     `json:"conditional"`
	MissingContext []string `json:"missing_context"`
	// Via is the principals each hop leads to, in order: the roles of an
	// assume-role path, and the principals an escalation method makes one
	// act as; [] when direct. The last one performs the request.
	Via        []string   `json:"via"`
	Hops       []ChainHop `json:"hops"`       // the way's hops, each with its kind (sts:AssumeRole, iam:CreateAccessKey …); [] when direct
	Escalation bool       `json:"escalation"` // some hop is an escalation method
	Admin      bool       `json:"admin"`      // the principal itself is admin-equivalent (asked of direct principals)
	ViaAdmin   bool       `json:"via_admin"`  // the way ends at an admin-equivalent principal
	Reasons    []Reason   `json:"reasons"`    // statements that allowed the request, for whoever performs it
	Note       string     `json:"note,omitempty"`
}

// NewWhoCan builds the answer from WhoCan's (or WhoCanReach's) list.
func NewWhoCan(g *graph.Graph, action, resource string, ctx policy.Context, list []graph.Access) WhoCan {
	ans := WhoCan{Action: action, Resource: resource, Principals: make([]WhoCanRow, 0, len(list)), Count: len(list)}
	if len(ctx) > 0 {
		ans.Context = ctx
	}
	// Admin is asked of direct principals and of the principal each way
	// ends at: decide them all at once, on every core.
	ask := make([]*graph.Node, 0, len(list))
	for _, a := range list {
		if len(a.Via) == 0 {
			ask = append(ask, a.Principal)
		} else {
			ask = append(ask, a.Via[len(a.Via)-1])
		}
	}
	g.WarmAdmin(ask)
	for i := range list {
		a := &list[i]
		row := WhoCanRow{
			ARN:            a.Principal.ARN,
			Kind:           PrincipalKind(a.Principal),
			Account:        a.Principal.Account,
			Decision:       a.Decision.String(),
			Conditional:    a.Conditional,
			MissingContext: append([]string{}, a.MissingContext...),
			Via:            make([]string, 0, len(a.Via)),
			Reasons:        NewReasons(a.Result.Reasons),
			Escalation:     a.Escalation,
		}
		// A principal that is admin-equivalent can act directly, so admin
		// is asked of direct principals only; via_admin of where a way ends.
		if len(a.Via) == 0 {
			row.Admin = g.IsAdmin(a.Principal)
		} else {
			row.ViaAdmin = g.IsAdmin(a.Via[len(a.Via)-1])
			if a.Escalation {
				row.ViaAdmin = a.ViaAdmin
			}
		}
		for _, v := range a.Via {
			row.Via = append(row.Via, v.ARN)
		}
		if a.Escalation {
			row.Hops = HopsOf(a.Hops)
			ans.Escalation++
		} else {
			row.Hops = make([]ChainHop, 0, len(a.Path))
			for _, e := range a.Path {
				row.Hops = append(row.Hops, NewChainHop(e))
			}
		}
		if a.Conditional {
			ans.Conditional++
		}
		row.Note = g.AccessNote(a)
		ans.Principals = append(ans.Principals, row)
	}
	ans.Assumptions, ans.Coverage = Gaps(g, nil, action, resource)
	return ans
}

// PrincipalKind names a node's kind for people: user and role, or for an
// external principal its principal kind (account, service, federated,
// anyone …).
func PrincipalKind(n *graph.Node) string {
	if n.Kind != graph.KindExternal {
		return n.Kind.String()
	}
	if n.Dangling {
		return "deleted"
	}
	return n.Principal.Kind.String()
}
