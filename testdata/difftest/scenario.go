package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// A scenario is kept as a generic JSON tree in the shape that iam-simulate's
// runSimulation takes, so that the same bytes feed both evaluators and the
// minimiser can delete any part of it without knowing its type.
//
//	{"request": {"principal", "action", "resource": {"resource", "accountId"}, "contextVariables"},
//	 "identityPolicies": [{"name", "policy"}], "permissionBoundaryPolicies": [{"name", "policy"}],
//	 "resourcePolicy": {...}, "serviceControlPolicies": [{"orgIdentifier", "policies": [{"name", "policy"}]}],
//	 "resourceControlPolicies": []}
type scenario = map[string]any

// simulation is the typed view of a scenario used to run our evaluator.
type simulation struct {
	Request struct {
		Principal string `json:"principal"`
		Action    string `json:"action"`
		Resource  struct {
			Resource  string `json:"resource"`
			AccountID string `json:"accountId"`
		} `json:"resource"`
		ContextVariables map[string]json.RawMessage `json:"contextVariables"`
	} `json:"request"`
	IdentityPolicies           []namedPolicy   `json:"identityPolicies"`
	PermissionBoundaryPolicies []namedPolicy   `json:"permissionBoundaryPolicies"`
	ResourcePolicy             json.RawMessage `json:"resourcePolicy"`
	ServiceControlPolicies     []struct {
		OrgIdentifier string        `json:"orgIdentifier"`
		Policies      []namedPolicy `json:"policies"`
	} `json:"serviceControlPolicies"`
}

type namedPolicy struct {
	Name   string          `json:"name"`
	Policy json.RawMessage `json:"policy"`
}

// clone deep-copies a scenario through JSON.
func clone(s scenario) scenario {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a scenario is built from JSON values only
	}
	var out scenario
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// ours evaluates a scenario with model/policy. ignored lists context keys
// the peer dropped as not applicable to the action; they are dropped here
// too so both sides see the same request.
func ours(s scenario, ignored []string) (policy.Decision, error) {
	if _, ok := s["iamx"]; ok {
		return oursResource(s, ignored) // resours.go
	}
	b, err := json.Marshal(s)
	if err != nil {
		return 0, err
	}
	var sim simulation
	if err := json.Unmarshal(b, &sim); err != nil {
		return 0, fmt.Errorf("scenario: %w", err)
	}
	p, err := principal.Parse(sim.Request.Principal)
	if err != nil {
		return 0, err
	}
	ctx, err := requestContext(sim.Request.ContextVariables, ignored)
	if err != nil {
		return 0, err
	}
	req := &policy.Request{
		Principal:       p,
		Action:          sim.Request.Action,
		Resource:        sim.Request.Resource.Resource,
		ResourceAccount: sim.Request.Resource.AccountID,
		Context:         ctx,
	}
	in := &policy.Input{}
	for _, np := range sim.IdentityPolicies {
		pol, err := policy.Parse(np.Policy)
		if err != nil {
			return 0, fmt.Errorf("identity policy %s: %w", np.Name, err)
		}
		in.Identity = append(in.Identity, policy.Source{Type: policy.IdentityPolicy, Name: np.Name, Owner: p.ID, Policy: pol})
	}
	switch len(sim.PermissionBoundaryPolicies) {
	case 0:
	case 1:
		pol, err := policy.Parse(sim.PermissionBoundaryPolicies[0].Policy)
		if err != nil {
			return 0, fmt.Errorf("boundary: %w", err)
		}
		in.Boundary = &policy.Source{Type: policy.BoundaryPolicy, Name: "boundary", ARN: "arn:aws:iam::111122223333:policy/boundary", Policy: pol}
	default:
		return 0, fmt.Errorf("more than one boundary policy")
	}
	if len(sim.ResourcePolicy) > 0 && string(sim.ResourcePolicy) != "null" {
		pol, err := policy.Parse(sim.ResourcePolicy)
		if err != nil {
			return 0, fmt.Errorf("resource policy: %w", err)
		}
		in.Resource = &policy.Source{Type: policy.ResourcePolicy, Name: "resource policy", Owner: req.Resource, Policy: pol}
	}
	for _, level := range sim.ServiceControlPolicies {
		// One level of the organization: its policies together are one
		// source, since an allow in any of them satisfies the level.
		var stmts []json.RawMessage
		for _, np := range level.Policies {
			var doc struct {
				Statement json.RawMessage
			}
			if err := json.Unmarshal(np.Policy, &doc); err != nil {
				return 0, fmt.Errorf("scp %s: %w", np.Name, err)
			}
			var list []json.RawMessage
			if json.Unmarshal(doc.Statement, &list) != nil {
				list = []json.RawMessage{doc.Statement}
			}
			stmts = append(stmts, list...)
		}
		merged, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
		pol, err := policy.Parse(merged)
		if err != nil {
			return 0, fmt.Errorf("scp %s: %w", level.OrgIdentifier, err)
		}
		in.SCPs = append(in.SCPs, policy.Source{Type: policy.SCPPolicy, Name: level.OrgIdentifier, Policy: pol})
	}
	return policy.Evaluate(req, in).Decision, nil
}

// requestContext reads a scenario's context variables, without the keys
// the peer ignored.
func requestContext(vars map[string]json.RawMessage, ignored []string) (policy.Context, error) {
	ctx := policy.Context{}
	for k, raw := range vars {
		if slices.ContainsFunc(ignored, func(i string) bool { return strings.EqualFold(i, k) }) {
			continue
		}
		var one string
		if json.Unmarshal(raw, &one) == nil {
			ctx.Set(k, one)
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err != nil {
			return nil, fmt.Errorf("context key %s: %w", k, err)
		}
		ctx.Set(k, many...)
	}
	return ctx, nil
}

// peerDecision maps iam-simulate's result to our Decision.
func peerDecision(r string) (policy.Decision, bool) {
	switch r {
	case "Allowed":
		return policy.Allowed, true
	case "ExplicitlyDenied":
		return policy.ExplicitDeny, true
	case "ImplicitlyDenied":
		return policy.ImplicitDeny, true
	}
	return 0, false
}
