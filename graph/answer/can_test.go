package answer

import (
	"slices"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

func demoGraph(t testing.TB) *graph.Graph {
	t.Helper()
	g, err := graph.Build([]*model.Snapshot{demoSnapshot(t)}, graph.Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return g
}

// What would change a decision: a value of a missing key that the evaluator
// itself turns into an unconditional allow. The answer and the Explain tab
// both say it; each case is checked again by evaluating the request with the
// value added, the slow obvious way.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
func TestContextFlip(t *testing.T) {
	g := demoGraph(t)
	cases := []struct {
		name      string
		principal string
		action    string
		resource  string
		missing   []string // the evaluator's MissingContext, spelled as the policy does
		flip      string
	}{
		{"a Deny on BoolIfExists MFA=false is lifted by MFA=true", "alice", "ec2:TerminateInstances", "*",
			[]string{"aws:MultiFactorAuthPresent"}, "aws:MultiFactorAuthPresent=true"},
		{"trust that requires sts:ExternalId allows with the value it names", "999988887777", "sts:AssumeRole", "arn:aws:iam::111122223333:role/VendorAuditRole",
			[]string{"sts:ExternalId"}, "sts:ExternalId=acme-7f3d2c9e4b"},
		{"an implicit deny that tests no key has nothing to flip", "carol", "iam:CreateUser", "*",
			nil, ""},
		{"missing keys that cannot change a boundary's deny flip nothing", "bob", "iam:EnableMFADevice", "arn:aws:iam::111122223333:user/bob",
			[]string{"aws:SourceIp", "aws:ViaAWSService"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := g.Resolve(tc.principal)
			if err != nil {
				t.Fatal(err)
			}
			res := g.Can(n, tc.action, tc.resource, policy.Context{}, true)
			if !slices.Equal(res.MissingContext, tc.missing) {
				t.Errorf("MissingContext %q, want %q", res.MissingContext, tc.missing)
			}
			flip := ContextFlip(g, n, tc.action, tc.resource, policy.Context{}, res)
			if flip != tc.flip {
				t.Fatalf("ContextFlip = %q, want %q", flip, tc.flip)
			}
			if ex := Explain(g, n, tc.action, tc.resource, policy.Context{}, res); ex.Flip != flip || ex.Why == "" {
				t.Errorf("Explain = %+v, want the flip %q and a reason", ex, flip)
			}
			ans := NewCan(g, n, tc.action, tc.resource, res)
			if !slices.Equal(ans.MissingContext, tc.missing) || ans.Reasons == nil || ans.MissingContext == nil {
				t.Errorf("answer: missing %q reasons %v", ans.MissingContext, ans.Reasons)
			}
			if flip == "" {
				return
			}
			ctx, err := policy.ParseContextPairs([]string{flip})
			if err != nil {
				t.Fatal(err)
			}
			if r := g.Can(n, tc.action, tc.resource, ctx, false); r.Decision != policy.Allowed || r.Conditional {
				t.Errorf("with %s the request is %v (conditional %v), want an unconditional allow", flip, r.Decision, r.Conditional)
			}
		})
	}
}
