package answer

import (
	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// The explorer's resource and principal pages, beside the resource policy
// itself: which organization levels bind a resource, and which resource
// policies name a principal. Decided by graph (OrgPlacement, RCPsBind,
// ResourcesNaming), the evaluation's own view.

// OrgLevel is one level root → OU → account with the policies attached.
type OrgLevel struct {
	ID   string   `json:"id"`
	Name string   `json:"name,omitempty"`
	Kind string   `json:"kind"` // root, ou or account
	SCPs []string `json:"scps,omitempty"`
	RCPs []string `json:"rcps,omitempty"`
}

// ResourceControls is the organization's side of a loaded resource.
type ResourceControls struct {
	Resource string `json:"resource"`
	Account  string `json:"account"`
	// Levels are the levels of the resource's account, root first: every
	// level's RCPs must allow a request on it (when RCPsBind), and every
	// level's SCPs bind the account's own principals.
	Levels   []OrgLevel `json:"levels"`
	RCPsBind bool       `json:"rcps_bind"`
	RCPNote  string     `json:"rcp_note,omitempty"` // why RCPs do not bind it, or are unknown
	Gaps     []string   `json:"gaps,omitempty"`     // levels evaluation leaves out, and why
}

// Controls returns the organization levels that apply to the loaded
// resource r.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
func Controls(g *graph.Graph, r *model.Resource) ResourceControls {
	pl := g.OrgPlacement(r.Account)
	out := ResourceControls{Resource: r.ARN, Account: r.Account, Levels: []OrgLevel{}, Gaps: pl.Gaps}
	for _, l := range pl.Levels {
		out.Levels = append(out.Levels, OrgLevel{ID: l.ID, Name: l.Name, Kind: l.Kind, SCPs: l.SCPs, RCPs: l.RCPs})
	}
	out.RCPsBind, out.RCPNote = g.RCPsBind(r)
	return out
}

// ResourceGrant is an Allow statement of a loaded resource's policy that
// names the principal.
type ResourceGrant struct {
	Resource  string `json:"resource"`
	Type      string `json:"type"`
	Statement string `json:"statement"` // Sid, or #index
	// Named is how it names the principal: "principal" (its ARN), "role"
	// (one of the role's sessions), "account" (its account: the
	// principal's own IAM policies must allow too) or "anyone".
	Named       string   `json:"named"`
	Actions     []string `json:"actions"`
	Conditional bool     `json:"conditional"` // the statement has conditions
}

// How a statement names the principal (ResourceGrant.Named).
const (
	NamedPrincipal = graph.NamedDirectly
	NamedRole      = graph.NamedRole
	NamedAccount   = graph.NamedAccount
	NamedAnyone    = graph.NamedAnyone
)

// ResourceGrants are the resource policies that name a principal.
type ResourceGrants struct {
	Principal string          `json:"principal"`
	Grants    []ResourceGrant `json:"grants"`
	// Unknown are loaded resources whose policy could not be read: any of
	// them may name the principal too.
	Unknown []string `json:"unknown,omitempty"`
	// Loaded counts the loaded resources: none means nothing was looked at.
	Loaded int `json:"resources_loaded"`
}

// GrantsOf returns the loaded resources' Allow statements naming n (a user
// or role), with the resources whose policy is unknown.
func GrantsOf(g *graph.Graph, n *graph.Node) ResourceGrants {
	out := ResourceGrants{Principal: n.ARN, Grants: []ResourceGrant{}}
	for _, nm := range g.ResourcesNaming(n) {
		out.Grants = append(out.Grants, ResourceGrant{Resource: nm.Resource.ARN, Type: nm.Resource.Type, Statement: nm.Statement,
			Named: nm.How, Actions: nm.Actions, Conditional: nm.Conditional})
	}
	loaded := g.LoadedResources()
	out.Loaded = len(loaded)
	for _, r := range loaded {
		if x, _ := g.ResourceExposure(r.ARN); x.Unknown != "" {
			out.Unknown = append(out.Unknown, r.ARN)
		}
	}
	return out
}
