package graph

import (
	"strings"
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
// every deploy role. A partner account's principals target some roles of
// some accounts only, so that role classes of different accounts sharing a
// trust text see its principals differently.
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
		snaps = append(snaps, partnerAccount(t).s)
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

// partnerAccount is an account whose users and roles may assume some of a
// generated organization's roles, by name and account pattern, with a deny
// and a NotResource among them.
func partnerAccount(t *testing.T) *fxAccount {
	f := fxNew(t, "300000000003")
	assume := func(effect, elem string, res ...string) string {
		return `{"Effect":"` + effect + `","Action":"sts:AssumeRole","` + elem + `":["` + strings.Join(res, `","`) + `"]}`
	}
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	w0, w1 := gen.WorkloadAccount(0), gen.WorkloadAccount(1)
	f.user("any-open", nil, doc(assume("Allow", "Resource", "arn:aws:iam::*:role/open-org-role-*")))
	f.user("w0-open", nil, doc(assume("Allow", "Resource", "arn:aws:iam::"+w0+":role/open-org-role-*")))
	f.user("w1-some", nil, doc(assume("Allow", "Resource", "arn:aws:iam::"+w1+":role/open-org-role-0001*")))
	f.user("all-but-w0", nil, doc(assume("Allow", "Resource", "*"), assume("Deny", "Resource", "arn:aws:iam::"+w0+":role/*")))
	f.user("not-w1", nil, doc(assume("Allow", "NotResource", "arn:aws:iam::"+w1+":role/*")))
	f.user("nothing", nil, doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`))
	f.role("partner-ops", fxTrust("arn:aws:iam::"+f.s.AccountID+":root"), doc(assume("Allow", "Resource", "arn:aws:iam::*:role/open-org-role-000*")))
	return f
}
