package graph

import (
	"fmt"
	"testing"

	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// TestPrefilterAgreesWithEvaluator covers the cases where the prefilter's
// former flat glob and policy.Statement.MatchesAction / MayMatchResource
// (the evaluator's rule) differ: wildcards across ARN segments and ? on a
// multi-byte character. The prefilter may say "maybe" where evaluation
// denies, never "no" where it allows; here they agree exactly.
func TestPrefilterAgreesWithEvaluator(t *testing.T) {
	const user = "arn:aws:iam::111122223333:user/alice"
	cases := []struct {
		action, resource  string // in the statement
		reqAction, reqRes string
		want              bool // what MatchesAction && MayMatchResource say
	}{
		{"iam:PassRole", "arn:*:role/a", "iam:PassRole", "arn:aws:iam::111122223333:role/a", false}, // flat glob: maybe
		{"iam:PassRole", "arn:aws:iam::*:role/a", "iam:PassRole", "arn:aws:iam::111122223333:role/a", true},
		{"iam:PassRole", "arn:aws:iam::1111*", "iam:PassRole", "arn:aws:iam::111122223333:role/a", true},
		{"iam:PassRole", "arn:aws:iam::111122223333:role/?", "iam:PassRole", "arn:aws:iam::111122223333:role/é", true}, // flat glob: no
		{"IAM:pass*", "*", "iam:PassRole", "arn:aws:iam::111122223333:role/a", true},
		{"iam:Pass?ole", "*", "iam:PassRole", "*", true},
		{"iam:Pass?ole", "*", "iam:PassRoles", "*", false},
		{"sts:AssumeRole", "arn:aws:iam::111122223333:role/${aws:username}", "sts:AssumeRole", "arn:aws:iam::111122223333:role/alice", true},
	}
	for _, c := range cases {
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":%q}]}`, c.action, c.resource)
		p, err := policy.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		st := &p.Statements[0]
		got := st.MatchesAction(c.reqAction) && st.MayMatchResource(c.reqRes)
		if got != c.want {
			t.Errorf("%s on %s vs %s %s: prefilter %t, want %t", c.action, c.resource, c.reqAction, c.reqRes, got, c.want)
		}
		pr, err := principal.Parse(user)
		if err != nil {
			t.Fatal(err)
		}
		req := &policy.Request{Principal: pr, Action: c.reqAction, Resource: c.reqRes,
			Context: policy.Context{"aws:username": {"alice"}}}
		res := policy.Evaluate(req, &policy.Input{Identity: []policy.Source{{Type: policy.IdentityPolicy, Policy: p}}})
		if allowed := res.Decision == policy.Allowed; allowed != c.want {
			t.Errorf("%s on %s vs %s %s: evaluator allows %t, prefilter %t", c.action, c.resource, c.reqAction, c.reqRes, allowed, c.want)
		}
		if res.Decision == policy.Allowed && !mayAllow(p, c.reqAction, c.reqRes) {
			t.Errorf("%s on %s vs %s %s: evaluator allows, prefilter says no", c.action, c.resource, c.reqAction, c.reqRes)
		}
	}
}
