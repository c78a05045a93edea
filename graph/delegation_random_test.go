package graph

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// Trust conditions that read principal keys and request keys together, in trust and identity policies,
// with IfExists, Null, negated operators on absent keys and policy
// variables in values, on random small accounts: delegated classes
// (principals grouped by what each condition makes of them) must decide
// every edge as the evaluator does pair by pair, and who-can, with and
// without the caller's keys, must agree with pairwise evaluation.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestRandomTrustConditionsAgreeWithPairwiseEvaluation(t *testing.T) {
	conds := []string{
		`{"StringEquals":{"aws:PrincipalTag/team":"red"}}`,
		`{"StringLike":{"aws:PrincipalTag/team":"r*"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}`,
		`{"StringEqualsIfExists":{"aws:PrincipalTag/env":"prod"}}`,
		`{"Null":{"aws:PrincipalTag/env":"true"}}`,
		`{"Null":{"aws:PrincipalTag/env":"false"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`,
		`{"StringNotEquals":{"aws:PrincipalTag/team":"blue"}}`,
		`{"StringNotLike":{"aws:PrincipalTag/env":"dev*"}}`,
		`{"StringEquals":{"aws:PrincipalTag/env":"${aws:PrincipalTag/team}"}}`,
		`{"ForAnyValue:StringLike":{"aws:PrincipalTag/team":["b*","g*"]}}`,
		`{"ForAllValues:StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}`,
		`{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/u1*"}}`,
		`{"StringEquals":{"aws:username":"${aws:PrincipalTag/team}"}}`,
		`{"StringLike":{"aws:PrincipalTag/team":"${aws:SourceIdentity}*"}}`,
		`{"StringNotEqualsIfExists":{"aws:PrincipalTag/env":"${aws:SourceIdentity}"}}`,
	}
	teams := []string{"", "red", "blue", "green", "u1"}
	envs := []string{"", "prod", "dev-1", "red"}
	for seed := range uint64(16) {
		rng := rand.New(rand.NewPCG(seed, 77))
		const acct = "111122223333"
		a := fxNew(t, acct)
		assume := a.managed("Assume", fxAllowAssumeAll)
		for i := range 9 {
			u := a.user(fmt.Sprintf("u%d", i), nil)
			if tm := teams[rng.IntN(len(teams))]; tm != "" {
				u.Tags = append(u.Tags, model.Tag{Key: "team", Value: tm})
			}
			if e := envs[rng.IntN(len(envs))]; e != "" {
				u.Tags = append(u.Tags, model.Tag{Key: "env", Value: e})
			}
			switch rng.IntN(4) {
			case 0:
			case 1: // an identity allow on a condition of its own
				u.InlinePolicies = a.inline([]string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":` + conds[rng.IntN(len(conds))] + `}]}`})
			default:
				a.attach(assume, u)
			}
		}
		for i := range 6 {
			c := conds[rng.IntN(len(conds))]
			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole","Condition":` + c + `}`
			if rng.IntN(3) == 0 {
				trust += `,{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":` + conds[rng.IntN(len(conds))] + `}`
			}
			trust += `]}`
			docs := []string{fxAllowAssumeAll}
			if i%3 == 0 {
				docs = append(docs, fxS3Read)
			}
			a.role(fmt.Sprintf("r%d", i), trust, docs...)
		}
		g := fxBuild(t, a)
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			checkAssumesPairwise(t, g)
			for _, ctx := range []policy.Context{nil,
				{"aws:multifactorauthpresent": {"true"}, "aws:sourceip": {"10.1.2.3"}},
				{"aws:principaltag/team": {"red"}},
				{"aws:principaltag/env": {"prod"}, "aws:multifactorauthpresent": {"true"}},
				{"aws:sourceidentity": {"re"}},
				{"aws:sourceidentity": {"prod"}, "aws:sourceip": {"192.0.2.1"}},
			} {
				want := whoCanUnderPairwise(g, "s3:GetObject", "arn:aws:s3:::b/k", ctx)
				got := map[*Node]bool{}
				for _, acc := range g.WhoCan("s3:GetObject", "arn:aws:s3:::b/k", ctx) {
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
