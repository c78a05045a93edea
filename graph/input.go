package graph

import (
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// PolicyRef is one policy that applies to a principal, with where it came from.
type PolicyRef struct {
	Source   policy.Source
	Via      *Node // the group it is inherited through; nil when direct
	Boundary bool  // the permissions boundary
}

// PoliciesOf returns the policies of a user, group or role: its inline and
// managed policies, then (for users) every group's, then the permissions
// boundary. Documents that could not be parsed, and managed policies missing
// from the snapshot, are left out (the snapshot's warnings name them).
func (g *Graph) PoliciesOf(n *Node) []PolicyRef {
	if n == nil {
		return nil
	}
	if n.Kind == KindGroup {
		var refs []PolicyRef
		g.appendOwn(&refs, n.Group.ARN, n.Group.InlinePolicies, n.Group.AttachedPolicies, nil)
		return refs
	}
	return n.refs
}

// collectSources precomputes a user's or role's identity policy sources and
// boundary, so evaluation over every principal is a scan.
//
// Identity policies of a user are its own inline and attached policies plus
// every group's.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
func (g *Graph) collectSources(n *Node) {
	var refs []PolicyRef
	var boundary string
	switch {
	case n.User != nil:
		g.appendOwn(&refs, n.ARN, n.User.InlinePolicies, n.User.AttachedPolicies, nil)
		for _, gn := range n.groups {
			g.appendOwn(&refs, gn.ARN, gn.Group.InlinePolicies, gn.Group.AttachedPolicies, gn)
		}
		boundary = n.User.PermissionsBoundary
	case n.Role != nil:
		g.appendOwn(&refs, n.ARN, n.Role.InlinePolicies, n.Role.AttachedPolicies, nil)
		boundary = n.Role.PermissionsBoundary
	default:
		return
	}
	n.identity = make([]policy.Source, 0, len(refs))
	for _, r := range refs {
		n.identity = append(n.identity, r.Source)
	}
	if boundary != "" {
		if pn := g.byARN[boundary]; pn != nil && pn.Policy != nil {
			if v := pn.Policy.DefaultVersion(); v != nil && v.Document.Policy != nil {
				src := policy.Source{Type: policy.BoundaryPolicy, ARN: pn.ARN, Name: pn.Name, Policy: v.Document.Policy}
				refs = append(refs, PolicyRef{Source: src, Boundary: true})
				n.boundary = &refs[len(refs)-1].Source
			}
		}
		if n.boundary == nil {
			// A boundary we cannot read must still restrict: an empty
			// boundary allows nothing, which is the safe reading.
			n.boundary = &policy.Source{Type: policy.BoundaryPolicy, ARN: boundary, Name: arnName(boundary) + " (not in snapshot)", Policy: &policy.Policy{}}
		}
	}
	n.refs = refs
}

func (g *Graph) appendOwn(refs *[]PolicyRef, owner string, inline []model.InlinePolicy, attached []model.AttachedPolicy, via *Node) {
	viaName := ""
	if via != nil {
		viaName = via.Name
	}
	for _, ip := range inline {
		if ip.Document.Policy == nil {
			continue
		}
		*refs = append(*refs, PolicyRef{Via: via, Source: policy.Source{
			Type: policy.IdentityPolicy, Name: ip.Name, Owner: owner, Via: viaName, Policy: ip.Document.Policy}})
	}
	for _, ap := range attached {
		pn := g.byARN[ap.ARN]
		if pn == nil || pn.Policy == nil {
			continue
		}
		v := pn.Policy.DefaultVersion()
		if v == nil || v.Document.Policy == nil {
			continue
		}
		*refs = append(*refs, PolicyRef{Via: via, Source: policy.Source{
			Type: policy.IdentityPolicy, ARN: pn.ARN, Name: pn.Name, Via: viaName, Policy: v.Document.Policy}})
	}
}

func (g *Graph) indexPolicy(p *policy.Policy) int32 {
	if i, ok := g.policyIndex[p]; ok {
		return i
	}
	i := int32(len(g.policyDocs))
	g.policyIndex[p] = i
	g.policyDocs = append(g.policyDocs, p)
	return i
}

func arnName(a string) string {
	if i := strings.LastIndexByte(a, '/'); i >= 0 {
		return a[i+1:]
	}
	return a
}

// Input returns every policy that applies to req made by n: its identity
// policies (a user's include its groups'), its permissions boundary, the
// SCPs (except for service-linked roles), and, when req is an
// sts:AssumeRole* on a role of the graph, that role's trust policy as the
// resource policy.
//
// External principals carry no policies we know of. When one asks to assume
// a role, its side is taken as granted (an unloaded account may allow its
// own principals anything; services and identity providers have no identity
// policies), so the trust policy alone decides.
func (g *Graph) Input(n *Node, req *policy.Request) policy.Input {
	var in policy.Input
	if n == nil || req == nil {
		return in
	}
	in.Identity = n.identity
	in.Boundary = n.boundary
	switch {
	case n.Kind == KindUser || n.Kind == KindRole:
		if !n.IsServiceLinked() {
			in.SCPs = g.scpsFor(n.Account)
		}
	case n.Principal.Kind == principal.Account && g.accounts[n.Account] != nil:
		// The root user of a loaded (member) account is bound by SCPs too.
		in.SCPs = g.scpsFor(n.Account)
	}
	if policy.IsAssumeRoleAction(req.Action) {
		if in.Resource = g.trustOf(req.Resource); in.Resource != nil {
			if n.Kind == KindExternal {
				in.Identity = []policy.Source{g.externalSide(n)}
			}
			in.RCPs = g.rcpsFor(n, req, nil)
			return in
		}
	}
	g.addResourceInput(n, req, &in) // resources.go
	return in
}

// trustOf returns the trust policy that decides an sts:AssumeRole* on
// resource, as a resource policy; nil when resource names no one role (a
// pattern, or not a role ARN). A role whose trust policy the snapshot lacks
// gets a stand-in that allows nothing: a role in an account that is not
// loaded, a role missing from its loaded account (it does not exist), or one
// whose trust policy did not parse. AWS always requires the trust policy to
// allow, so an unknown one can never yield "allow"; ResolveResource says why.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func (g *Graph) trustOf(resource string) *policy.Source {
	if role := g.byARN[resource]; role != nil && role.Kind == KindRole {
		if src := trustSource(role); src != nil {
			return src
		}
		return g.unknownTrust(resource)
	}
	if strings.ContainsAny(resource, "*?") || !strings.HasPrefix(resource, "arn:") {
		return nil
	}
	if p, err := principal.FromARN(resource); err == nil && p.Kind == principal.Role {
		return g.unknownTrust(resource)
	}
	return nil
}

// unknownTrustName names the stand-in for a trust policy the snapshot lacks.
const unknownTrustName = "trust policy (not in the snapshot)"

func (g *Graph) unknownTrust(role string) *policy.Source {
	return &policy.Source{Type: policy.ResourcePolicy, Name: unknownTrustName, Owner: role, Policy: g.noTrust}
}

// trustSource returns a role's trust policy as a resource policy, or nil
// when it could not be parsed.
func trustSource(role *Node) *policy.Source {
	if role.Role == nil || role.Role.TrustPolicy.Policy == nil {
		return nil
	}
	return &policy.Source{Type: policy.ResourcePolicy, Name: "trust policy", Owner: role.ARN, Policy: role.Role.TrustPolicy.Policy}
}

// newAllowAll returns the stand-in for the unknown policies of an external
// principal's own side, compiled once per graph.
func newAllowAll() *policy.Policy {
	p := &policy.Policy{Version: "2012-10-17", Statements: []policy.Statement{{
		Effect: policy.Allow, Action: []string{"*"}, Resource: []string{"*"},
	}}}
	p.Compile()
	return p
}

// externalSideName names the stand-in, so reasons can leave it out.
const externalSideName = "(external principal's own side, assumed to allow)"

func (g *Graph) externalSide(n *Node) policy.Source {
	return policy.Source{Type: policy.IdentityPolicy, Name: externalSideName, Owner: n.ARN, Policy: g.allowAll}
}

// resourceAccount returns the account owning resource, when its ARN says.
func resourceAccount(resource string) string {
	if !strings.HasPrefix(resource, "arn:") {
		return ""
	}
	return arn.AccountOf(resource)
}
