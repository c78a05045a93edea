package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// resMeta is a resource scenario's "iamx" member.
type resMeta struct {
	Type            string `json:"type"`
	Holder          string `json:"holder"`
	KeyPolicyAbsent bool   `json:"keyPolicyAbsent"`
}

type resSimulation struct {
	simulation
	ResourceControlPolicies []struct {
		OrgIdentifier string        `json:"orgIdentifier"`
		Policies      []namedPolicy `json:"policies"`
	} `json:"resourceControlPolicies"`
	AdditionalSettings struct {
		S3 struct {
			BlockPublicAccess bool `json:"blockPublicAccess"`
		} `json:"s3"`
	} `json:"additionalSettings"`
	IAMX resMeta `json:"iamx"`
}

// oursResource answers a resource scenario the way `iamx can` does: two
// loaded accounts (the requester's holds its identity policies and
// boundary), the bucket or key as a loaded resource, the organization's RCP
// levels, and graph.Input deciding what applies.
func oursResource(s scenario, ignored []string) (policy.Decision, error) {
	if req, ok := s["request"].(map[string]any); ok && principalOf(req) == "*" {
		s = clone(s) // an unsigned request: the principal "*" (anyone)
		s["request"].(map[string]any)["principal"] = "*"
	}
	b, err := json.Marshal(s)
	if err != nil {
		return 0, err
	}
	var sim resSimulation
	if err := json.Unmarshal(b, &sim); err != nil {
		return 0, fmt.Errorf("scenario: %w", err)
	}
	req := sim.Request
	p, err := principal.Parse(req.Principal)
	if err != nil {
		return 0, err
	}
	anonymous := p.Kind == principal.Anyone
	ctx, err := requestContext(req.ContextVariables, ignored)
	if err != nil {
		return 0, err
	}

	snaps := map[string]*model.Snapshot{}
	for _, acct := range []string{acctA, acctB} {
		snaps[acct] = &model.Snapshot{AccountID: acct, Partition: "aws", Source: "difftest " + acct}
	}
	for _, r := range requesters {
		if r.kind == "service" || r.kind == "session" {
			continue
		}
		s := snaps[r.acct]
		var tags []model.Tag
		for k, v := range r.tags {
			tags = append(tags, model.Tag{Key: k, Value: v})
		}
		switch r.kind {
		case "user":
			s.Users = append(s.Users, &model.User{Name: r.name, Path: "/", ID: "AIDA" + strings.ToUpper(r.name), ARN: r.arn, Tags: tags})
		case "role":
			trust, _ := docOf(json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + r.acct + `"},"Action":"sts:AssumeRole"}]}`))
			s.Roles = append(s.Roles, &model.Role{Name: r.name, Path: "/", ID: "AROA" + strings.ToUpper(r.name), ARN: r.arn, TrustPolicy: trust, Tags: tags})
		}
	}
	// The requester's own policies.
	if p.Kind != principal.Service && !anonymous {
		owner := req.Principal
		if p.Kind == principal.AssumedRole {
			owner = "arn:aws:iam::" + p.Account + ":role/" + strings.Split(p.ID, "/")[1]
		}
		snap := snaps[p.Account]
		if snap == nil {
			return 0, fmt.Errorf("requester account %s", p.Account)
		}
		var inline []model.InlinePolicy
		for _, np := range sim.IdentityPolicies {
			d, err := docOf(np.Policy)
			if err != nil {
				return 0, fmt.Errorf("identity policy %s: %w", np.Name, err)
			}
			inline = append(inline, model.InlinePolicy{Name: np.Name, Document: d})
		}
		boundary := ""
		switch len(sim.PermissionBoundaryPolicies) {
		case 0:
		case 1:
			d, err := docOf(sim.PermissionBoundaryPolicies[0].Policy)
			if err != nil {
				return 0, fmt.Errorf("boundary: %w", err)
			}
			boundary = "arn:aws:iam::" + p.Account + ":policy/boundary"
			snap.Policies = append(snap.Policies, &model.ManagedPolicy{Name: "boundary", ARN: boundary, DefaultVersionID: "v1",
				Versions: []model.PolicyVersion{{VersionID: "v1", IsDefaultVersion: true, Document: d}}})
		default:
			return 0, fmt.Errorf("more than one boundary policy")
		}
		found := false
		for _, u := range snap.Users {
			if u.ARN == owner {
				u.InlinePolicies, u.PermissionsBoundary, found = inline, boundary, true
			}
		}
		for _, r := range snap.Roles {
			if r.ARN == owner {
				r.InlinePolicies, r.PermissionsBoundary, found = inline, boundary, true
			}
		}
		if !found {
			return 0, fmt.Errorf("requester %s is not in the fixture", req.Principal)
		}
	}

	res := &model.Resource{ARN: sim.IAMX.Holder, Type: sim.IAMX.Type, Account: req.Resource.AccountID, Region: "us-east-1"}
	hasPolicy := len(sim.ResourcePolicy) > 0 && string(sim.ResourcePolicy) != "null"
	switch {
	case sim.IAMX.KeyPolicyAbsent:
		// Only the unchanged default stands for "not in the snapshot".
		var got any
		json.Unmarshal(sim.ResourcePolicy, &got)
		want, _ := json.Marshal(defaultKeyPolicyDoc(res.Account))
		var wantAny any
		json.Unmarshal(want, &wantAny)
		if !reflect.DeepEqual(got, wantAny) {
			return 0, fmt.Errorf("keyPolicyAbsent with a key policy other than the default")
		}
	case hasPolicy:
		d, err := docOf(sim.ResourcePolicy)
		if err != nil {
			return 0, fmt.Errorf("resource policy: %w", err)
		}
		res.Policy = &d
	case res.Type == typeKey:
		return 0, fmt.Errorf("a key always has a key policy")
	}
	if res.Type == typeBucket {
		res.S3 = &model.S3Attributes{}
		if sim.AdditionalSettings.S3.BlockPublicAccess {
			res.S3.BlockPublicAccess = &model.PublicAccessBlock{RestrictPublicBuckets: true}
		}
	}
	if res.Type == typeKey {
		res.KMS = &model.KMSAttributes{KeyManager: "CUSTOMER", KeyState: "Enabled"}
	}

	opts := graph.Options{Resources: []*model.Resource{res}}
	if len(sim.ResourceControlPolicies) > 0 {
		org, err := organization(sim.ResourceControlPolicies)
		if err != nil {
			return 0, err
		}
		opts.Organization = org
	}
	g, err := graph.Build([]*model.Snapshot{snaps[acctA], snaps[acctB]}, opts)
	if err != nil {
		return 0, err
	}
	n, err := g.Resolve(req.Principal)
	if err != nil {
		return 0, err
	}
	r := g.Request(n, req.Action, req.Resource.Resource, nil)
	// Both evaluators see the scenario's context exactly (the graph's own
	// keys are in it, put there by the generator, unless minimised away).
	r.Context = ctx
	if p.Kind == principal.AssumedRole {
		r.Principal = p // a session of the role: the role's policies, the session's ARN
	}
	in := g.Input(n, r)
	return policy.Evaluate(r, &in).Decision, nil
}

// organization puts every account under one root, RCPFullAWSAccess at each
// level (as AWS attaches it, and as the peer adds it), and the scenario's
// RCPs at their levels.
func organization(levels []struct {
	OrgIdentifier string        `json:"orgIdentifier"`
	Policies      []namedPolicy `json:"policies"`
}) (*model.Organization, error) {
	full, _ := docOf(json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`))
	org := &model.Organization{ManagementAccountID: mgmtAcct, Roots: []model.OrgUnit{{ID: orgRoot}},
		Accounts: []model.OrgAccount{{ID: acctA, ParentID: orgRoot}, {ID: acctB, ParentID: orgRoot}, {ID: mgmtAcct, ParentID: orgRoot}},
		Policies: []model.OrgPolicy{{ID: "p-full", Name: "RCPFullAWSAccess", Type: model.RCPType, AWSManaged: true, Document: full,
			Targets: []string{orgRoot, acctA, acctB, mgmtAcct}}}}
	for _, l := range levels {
		for _, np := range l.Policies {
			d, err := docOf(np.Policy)
			if err != nil {
				return nil, fmt.Errorf("rcp %s: %w", np.Name, err)
			}
			org.Policies = append(org.Policies, model.OrgPolicy{ID: "p-" + np.Name, Name: np.Name, Type: model.RCPType, Document: d, Targets: []string{l.OrgIdentifier}})
		}
	}
	return org, nil
}

func docOf(raw json.RawMessage) (model.Document, error) {
	p, err := policy.Parse(raw)
	if err != nil {
		return model.Document{}, err
	}
	return model.Document{JSON: raw, Policy: p}, nil
}
