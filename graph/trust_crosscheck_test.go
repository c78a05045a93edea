package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
	"github.com/iamx/iamx/testdata/gen"
)

// verdict is one answer to "may P assume role R directly (one hop)?".
type verdict int8

const (
	vNo verdict = iota
	vYes
	vConditional // only for some values of context the request lacks
)

func (v verdict) String() string { return [...]string{"no", "yes", "conditional"}[v] }

func verdictOf(res policy.Result) verdict {
	switch {
	case res.Conditional:
		return vConditional
	case res.Decision == policy.Allowed:
		return vYes
	}
	return vNo
}

// trustCheck holds what the answers share for one graph: who-can computed
// once per role and action.
type trustCheck struct {
	g      *Graph
	whoCan map[[2]string]map[*Node]Access
	perms  map[*Node]*Permissions
}

// permsOf is n's perms answer for STS, computed once.
func (x *trustCheck) permsOf(n *Node) *Permissions {
	if p, ok := x.perms[n]; ok {
		return p
	}
	p := x.g.Permissions(n, PermFilter{Service: "sts"})
	x.perms[n] = p
	return p
}

// permsVerdict reads perms' row for action: whether its resources name
// role, unconditionally or only with context. Restrictions and NotResource
// take it away as they take it away from can.
func permsVerdict(p *Permissions, role *Node, action string) verdict {
	names := func(patterns []string) bool {
		for _, r := range patterns {
			if policy.CompileResource(r).Match(role.ARN) {
				return true
			}
		}
		return false
	}
	for i := range p.Actions {
		a := &p.Actions[i]
		if !strings.EqualFold(a.Action, action) || restricted(a, role.ARN) {
			continue
		}
		switch {
		case names(a.Resources) && a.Conditional, names(a.ConditionalResources):
			return vConditional
		case names(a.Resources):
			return vYes
		}
	}
	return vNo
}

func (x *trustCheck) whoCanOf(role *Node, action string) map[*Node]Access {
	k := [2]string{role.ARN, action}
	if m, ok := x.whoCan[k]; ok {
		return m
	}
	m := map[*Node]Access{}
	for _, a := range x.g.WhoCan(action, role.ARN, nil) {
		m[a.Principal] = a
	}
	x.whoCan[k] = m
	return m
}

// assumeAnswer is one command's answer to the question, as the verdicts it
// is consistent with: one for an answer that states it, several where the
// answer shows only the best way (who-can prefers an unconditional chain to
// a conditional direct edge). transient says whether it can answer for a
// principal the snapshot does not hold.
type assumeAnswer struct {
	name      string
	transient bool
	verdicts  func(x *trustCheck, p, role *Node, action string) []verdict
	only      func(p *Node) bool // the principals it answers for; nil: all
}

// assumeAnswers are the answers that must agree; perms with its
// sts:AssumeRole* rows (resources and conditional), for the users and roles
// it answers for.
var assumeAnswers = []assumeAnswer{
	{"can", true, func(x *trustCheck, p, role *Node, action string) []verdict {
		return []verdict{verdictOf(x.g.Can(p, action, role.ARN, nil, false))}
	}, nil},
	{"chains", true, func(x *trustCheck, p, role *Node, action string) []verdict {
		v := vNo
		for _, path := range x.g.Chains(p, ChainOptions{To: role, MaxHops: 1}) {
			if path.Hops[0].Action() == action {
				v = max(v, vYes)
				if path.Conditional() {
					v = vConditional
				}
			}
		}
		return []verdict{v}
	}, nil},
	{"chains --to (the explorer's Trust tab)", false, func(x *trustCheck, p, role *Node, action string) []verdict {
		v := vNo
		for _, e := range x.g.AssumableBy(role) {
			if e.From == p && e.Action() == action {
				v = vYes
				if e.Conditional {
					v = vConditional
				}
			}
		}
		return []verdict{v}
	}, nil},
	{"who-can", false, func(x *trustCheck, p, role *Node, action string) []verdict {
		a, ok := x.whoCanOf(role, action)[p]
		switch {
		case !ok:
			return []verdict{vNo}
		case len(a.Via) == 0 && a.Conditional:
			return []verdict{vConditional}
		case len(a.Via) == 0:
			return []verdict{vYes}
		case a.Conditional:
			// A conditional chain is listed only when no direct way exists.
			return []verdict{vNo}
		}
		// An unconditional chain hides a conditional direct edge.
		return []verdict{vNo, vConditional}
	}, nil},
	{"perms", false, func(x *trustCheck, p, role *Node, action string) []verdict {
		return []verdict{permsVerdict(x.permsOf(p), role, action)}
	}, func(p *Node) bool { return p.Kind == KindUser || p.Kind == KindRole }},
}

// assumeAction is the STS call a principal makes to assume a role: identity
// providers federate (sts:AssumeRoleWithWebIdentity or …WithSAML); users,
// roles, accounts, services and anyone call sts:AssumeRole.
func assumeAction(p *Node) string {
	if p.Principal.Kind == principal.Federated {
		if strings.Contains(p.ARN, ":saml-provider/") {
			return actionAssumeSAML
		}
		return actionAssumeWebID
	}
	return actionAssumeRole
}

// checkTrustAgreement asks every answer, for every principal (outside
// principals the snapshot does not hold included) and every role, whether
// the principal may assume the role directly, and reports disagreements.
func checkTrustAgreement(t *testing.T, g *Graph, outside ...string) (pairs, allowed int) {
	t.Helper()
	x := &trustCheck{g: g, whoCan: map[[2]string]map[*Node]Access{}, perms: map[*Node]*Permissions{}}
	var principals []*Node
	for _, n := range g.Nodes() {
		if n.IsPrincipal() && !n.Dangling {
			principals = append(principals, n)
		}
	}
	for _, s := range outside {
		n, err := g.Resolve(s)
		if err != nil {
			t.Fatalf("Resolve(%s): %v", s, err)
		}
		principals = append(principals, n)
	}
	for _, p := range principals {
		action := assumeAction(p)
		for _, role := range g.Roles() {
			pairs++
			want := assumeAnswers[0].verdicts(x, p, role, action)[0]
			if want != vNo {
				allowed++
			}
			for _, ans := range assumeAnswers[1:] {
				if p.ID < 0 && !ans.transient || ans.only != nil && !ans.only(p) {
					continue
				}
				if got := ans.verdicts(x, p, role, action); !slices.Contains(got, want) {
					t.Errorf("%s %s %s: %s says %v, can says %v", p.Label(), action, role.Label(), ans.name, got, want)
				}
			}
		}
	}
	return pairs, allowed
}

// The acceptance test of issue 10: for every principal and every role, can,
// chains (both ways), who-can and perms give the same verdict for sts:AssumeRole*,
// on the demo account, a two-account fixture and generated accounts.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestTrustAnswersAgree(t *testing.T) {
	outside := []string{"arn:aws:iam::210987654321:root", "arn:aws:iam::210987654321:user/someone",
		"arn:aws:iam::210987654321:role/something", "states.amazonaws.com"}
	graphs := []struct {
		name string
		g    func(t *testing.T) *Graph
	}{
		{"demo", func(t *testing.T) *Graph { return demoGraph(t) }},
		{"two accounts", trustFixture},
	}
	for _, seed := range []uint64{31, 32, 33} {
		graphs = append(graphs, struct {
			name string
			g    func(t *testing.T) *Graph
		}{fmt.Sprintf("generated, seed %d", seed), func(t *testing.T) *Graph {
			s, err := gen.Account(gen.Options{Users: 40, Roles: 60, Groups: 8, Policies: 40, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			g, err := Build([]*model.Snapshot{s}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return g
		}})
	}
	for _, c := range graphs {
		t.Run(c.name, func(t *testing.T) {
			pairs, allowed := checkTrustAgreement(t, c.g(t), outside...)
			if allowed == 0 || allowed == pairs {
				t.Errorf("%d of %d pairs allowed: the check exercises only one side", allowed, pairs)
			}
		})
	}
}
