package graph

import (
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/gen"
)

// Cross-account trust over a generated organization: account roots named
// in trust policies, "*" with aws:PrincipalOrgID, a CI runner trusted by a
// deploy role in every workload account. Delegated edges are kept per
// admitted account; every pair is checked against the evaluator, who-can
// against pairwise evaluation plus reachability, and the runner must reach
// every deploy role.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_evaluation-logic-cross-account.html
func TestOrganizationAgreesWithPairwiseEvaluation(t *testing.T) {
	for _, seed := range []uint64{5, 6} {
		o := gen.OrgOptions{Accounts: 5, Account: gen.Options{Users: 12, Roles: 24, Groups: 4, Policies: 14, Seed: seed}}
		accts, err := gen.Org(o)
		if err != nil {
			t.Fatal(err)
		}
		var snaps []*model.Snapshot
		for _, a := range accts {
			s, err := loader.ParseGAAD(a.GAAD, a.ID+".json")
			if err != nil {
				t.Fatal(err)
			}
			snaps = append(snaps, s)
		}
		build := func() *Graph {
			g, err := Build(snaps, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		g := build()
		checkAssumesPairwise(t, g)
		for _, action := range []string{"s3:GetObject", "cloudformation:CreateStack"} {
			checkWhoCanPairwise(t, build(), action, "*")
		}
		runner := g.Node("arn:aws:iam::" + gen.CIAccount + ":role/" + gen.CIRunnerRole)
		if runner == nil {
			t.Fatalf("seed %d: no CI runner role", seed)
		}
		reach := g.Reachable(runner)
		for k := range o.Accounts {
			deploy := g.Node("arn:aws:iam::" + gen.WorkloadAccount(k) + ":role/" + gen.DeployRole)
			if deploy == nil {
				t.Fatalf("seed %d: no deploy role in workload account %d", seed, k)
			}
			if _, ok := reach[deploy]; !ok {
				t.Errorf("seed %d: the CI runner does not reach %s", seed, deploy.ARN)
			}
		}
	}
}
