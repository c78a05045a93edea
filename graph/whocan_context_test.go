package graph

import (
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// whoCanUnderPairwise is who-can under ctx decided the slow, obvious way:
// each principal's own evaluation under ctx, or a role it reaches by
// assume-role hops each decided by the evaluator under the same ctx.
func whoCanUnderPairwise(g *Graph, action, resource string, ctx policy.Context) map[*Node]bool {
	var actors []*Node
	for _, n := range g.Nodes() {
		if n.Kind == KindUser || n.Kind == KindRole {
			actors = append(actors, n)
		}
	}
	ok := func(r policy.Result) bool { return r.Decision == policy.Allowed || r.Conditional }
	can := map[*Node]bool{}
	for _, n := range actors {
		can[n] = ok(g.Can(n, action, resource, ctx, false))
	}
	out := map[*Node]bool{}
	for _, n := range actors {
		seen := map[*Node]bool{n: true}
		queue := []*Node{n}
		for len(queue) > 0 && !out[n] {
			p := queue[0]
			queue = queue[1:]
			if can[p] {
				out[n] = true
				break
			}
			for _, r := range g.Roles() {
				if !seen[r] && ok(g.Can(p, "sts:AssumeRole", r.ARN, ctx, false)) {
					seen[r] = true
					queue = append(queue, r)
				}
			}
		}
	}
	return out
}

// who-can with -c must answer what the evaluator answers for each
// principal under that context, hop by hop: an edge that a caller's key
// opens (a trust condition on aws:PrincipalTag the principal lacks) or
// closes (a Deny whose condition the key makes true) counts as it would
// in `can`.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
func TestWhoCanUnderContextAgreesWithPairwiseEvaluation(t *testing.T) {
	const acct = "111122223333"
	root := "arn:aws:iam::" + acct + ":root"
	trustIf := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + root + `"},"Action":"sts:AssumeRole","Condition":` + cond + `}]}`
	}
	for _, tc := range []struct {
		name   string
		trust  string
		denyMF bool // the users' policy also denies sts:AssumeRole without MFA
		tags   []model.Tag
		ctx    policy.Context
	}{
		{name: "caller's aws:PrincipalTag opens a trust the principal's own tags do not",
			trust: trustIf(`{"StringEquals":{"aws:PrincipalTag/env":"prod"}}`),
			ctx:   policy.Context{"aws:principaltag/env": {"prod"}}},
		{name: "caller's aws:PrincipalTag closes a trust the principal's own tags open",
			trust: trustIf(`{"StringEquals":{"aws:PrincipalTag/env":"dev"}}`), tags: []model.Tag{{Key: "env", Value: "dev"}},
			ctx: policy.Context{"aws:principaltag/env": {"prod"}}},
		{name: "a Deny on aws:MultiFactorAuthPresent false applies when the caller says false",
			trust: fxTrust(root), denyMF: true,
			ctx: policy.Context{"aws:multifactorauthpresent": {"false"}}},
		{name: "StringNotEquals on a key the caller supplies",
			trust: trustIf(`{"StringNotEquals":{"aws:PrincipalTag/env":"prod"}}`),
			ctx:   policy.Context{"aws:principaltag/env": {"prod"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fxNew(t, acct)
			assume := fxAllowAssumeAll
			if tc.denyMF {
				assume = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},
					{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`
			}
			arn := a.managed("Assume", assume)
			alice, bob := a.user("alice", nil), a.user("bob", nil)
			alice.Tags = tc.tags
			a.attach(arn, alice, bob)
			a.role("Data", tc.trust, fxS3Read)
			g := fxBuild(t, a)
			for _, ctx := range []policy.Context{nil, tc.ctx} {
				want := whoCanUnderPairwise(g, "s3:GetObject", "arn:aws:s3:::bucket/key", ctx)
				got := map[*Node]bool{}
				for _, acc := range g.WhoCan("s3:GetObject", "arn:aws:s3:::bucket/key", ctx) {
					got[acc.Principal] = true
				}
				for _, n := range append(g.Users(), g.Roles()...) {
					if got[n] != want[n] {
						t.Errorf("context %v: %s listed %v, pairwise evaluation %v", ctx, n.Label(), got[n], want[n])
					}
				}
			}
		})
	}
}

// The tag-heavy account under caller-supplied principal tags: every
// principal's answer is the pairwise one.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
func TestWhoCanUnderPrincipalTagContextOnTaggedAccount(t *testing.T) {
	g, err := Build([]*model.Snapshot{abacAccount(t, 24, 3)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ctx := range []policy.Context{
		{"aws:principaltag/env": {"prod-1"}},
		{"aws:principaltag/env": {"dev"}},
		{"aws:principaltag/team": {"t1"}, "aws:principaltag/k1": {"proj-x"}},
	} {
		for _, res := range []string{"arn:aws:s3:::data1/x", "arn:aws:s3:::b1/t1/x"} {
			want := whoCanUnderPairwise(g, "s3:GetObject", res, ctx)
			got := map[*Node]bool{}
			for _, acc := range g.WhoCan("s3:GetObject", res, ctx) {
				got[acc.Principal] = true
			}
			for _, n := range append(g.Users(), g.Roles()...) {
				if got[n] != want[n] {
					t.Errorf("context %v, %s: %s listed %v, pairwise evaluation %v", ctx, res, n.Label(), got[n], want[n])
				}
			}
		}
	}
}
