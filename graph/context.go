package graph

import (
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// baseContext returns the condition keys a snapshot knows about a principal.
// Request-time keys (aws:SourceIp, aws:MultiFactorAuthPresent, aws:CurrentTime
// …) are left out so the evaluator reports them as missing context.
//
// A role acts through a session: AWS sets aws:PrincipalArn to the role's ARN
// (not the session's), aws:PrincipalType to AssumedRole, and aws:userid to
// ROLEID:SESSIONNAME. The session name is unknown here, so aws:userid is left
// for the caller to supply.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func (g *Graph) baseContext(n *Node) policy.Context {
	c := policy.Context{}
	switch n.Kind {
	case KindUser:
		c.Set("aws:PrincipalArn", n.ARN)
		c.Set("aws:PrincipalAccount", n.Account)
		c.Set("aws:PrincipalType", "User")
		c.Set("aws:PrincipalIsAWSService", "false")
		c.Set("aws:username", n.Name)
		if n.User.ID != "" {
			c.Set("aws:userid", n.User.ID)
		}
		for _, t := range n.User.Tags {
			c.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
	case KindRole:
		c.Set("aws:PrincipalArn", n.ARN)
		c.Set("aws:PrincipalAccount", n.Account)
		c.Set("aws:PrincipalType", "AssumedRole")
		c.Set("aws:PrincipalIsAWSService", "false")
		for _, t := range n.Role.Tags {
			c.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
	case KindExternal:
		switch n.Principal.Kind {
		case principal.Account:
			// The account's root user.
			c.Set("aws:PrincipalArn", n.ARN)
			c.Set("aws:PrincipalAccount", n.Account)
			c.Set("aws:PrincipalType", "Account")
			c.Set("aws:userid", n.Account)
			c.Set("aws:PrincipalIsAWSService", "false")
		case principal.User, principal.Role:
			c.Set("aws:PrincipalArn", n.ARN)
			if n.Account != "" {
				c.Set("aws:PrincipalAccount", n.Account)
			}
			if n.Principal.Kind == principal.User {
				c.Set("aws:PrincipalType", "User")
				c.Set("aws:username", n.Name)
			} else {
				c.Set("aws:PrincipalType", "AssumedRole")
			}
			c.Set("aws:PrincipalIsAWSService", "false")
		case principal.Service:
			c.Set("aws:PrincipalIsAWSService", "true")
			c.Set("aws:PrincipalServiceName", n.ARN)
		case principal.Federated:
			c.Set("aws:PrincipalIsAWSService", "false")
		}
	}
	return c
}

// Keys whose absence the snapshot knows to be a fact, per kind of principal
// (lower-case; a trailing "/" covers a prefix). A user's tags are all in the
// snapshot, so a tag it lacks is absent, not unknown; a role session may carry
// session tags, so a role's are not complete. aws:username exists only for
// IAM users. Read-only after initialisation.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
var (
	knownUser    = []string{"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalisawsservice", "aws:principalservicename", "aws:username", "aws:userid", "aws:principaltag/"}
	knownRole    = []string{"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalisawsservice", "aws:principalservicename", "aws:username"}
	knownAccount = []string{"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalisawsservice", "aws:principalservicename", "aws:username", "aws:userid"}
	knownService = []string{"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalisawsservice", "aws:principalservicename", "aws:username", "aws:userid", "aws:principaltag/"}
)

// knownKeys returns the keys whose absence is a fact for n.
func knownKeys(n *Node) []string {
	switch n.Kind {
	case KindUser:
		return knownUser
	case KindRole:
		return knownRole
	case KindExternal:
		switch n.Principal.Kind {
		case principal.Account:
			return knownAccount
		case principal.Service:
			return knownService
		}
	}
	return nil
}

// Request returns a request by n for action on resource, with the keys the
// snapshot knows filled in; ctx (the caller's keys) wins where it sets the
// same key. The returned request is the caller's to change.
func (g *Graph) Request(n *Node, action, resource string, ctx policy.Context) *policy.Request {
	if resource == "" {
		resource = "*"
	}
	req := &policy.Request{Action: action, Resource: resource}
	if n == nil {
		req.Context = ctx.Clone()
		return req
	}
	req.Principal = n.Principal
	ctx, _ = g.RequestContext(action, ctx)
	req.Context = merge(g.contextOf(n), ctx)
	req.Known = knownKeys(n)
	req.KnownService = g.svcKeys.absent(action)
	if acct := g.resourceAccount(resource); acct != "" && acct != n.Account {
		req.ResourceAccount = acct
	}
	return req
}

// contextOf returns n's known keys; transient nodes from Resolve have none
// precomputed.
func (g *Graph) contextOf(n *Node) policy.Context {
	if n.base == nil {
		return g.baseContext(n)
	}
	return n.base
}

// merge returns a new context with base's keys overridden by over's.
func merge(base, over policy.Context) policy.Context {
	out := make(policy.Context, len(base)+len(over))
	for k, v := range base {
		out[k] = append([]string(nil), v...)
	}
	for k, v := range over {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// requestShared is Request for the graph's own read-only use: when the
// caller supplies no keys, the node's precomputed context is shared instead
// of copied. The evaluator never writes to a request's context.
func (g *Graph) requestShared(n *Node, action, resource string, ctx policy.Context) policy.Request {
	req := policy.Request{Principal: n.Principal, Action: action, Resource: resource, Known: knownKeys(n), KnownService: g.svcKeys.absent(action)}
	ctx, _ = g.RequestContext(action, ctx)
	if len(ctx) == 0 {
		req.Context = g.contextOf(n)
	} else {
		req.Context = merge(g.contextOf(n), ctx)
	}
	if acct := g.resourceAccount(resource); acct != "" && acct != n.Account {
		req.ResourceAccount = acct
	}
	return req
}

// Can evaluates whether n may perform action on resource, with the graph's
// known keys and ctx. With trace, the result carries the evaluator's trace.
func (g *Graph) Can(n *Node, action, resource string, ctx policy.Context, trace bool) policy.Result {
	req := g.Request(n, action, resource, ctx)
	req.Trace = trace
	in := g.Input(n, req)
	return policy.Evaluate(req, &in)
}
