package graph

import (
	"maps"
	"slices"
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

// Role classes of different accounts share the decisions of another
// account's principals when nothing in the evaluation reads the role's own
// account: the same open trust texts in every account, conditions on
// aws:PrincipalAccount, aws:PrincipalOrgID and principal tags, identity
// statements that name one account's roles, an SCP that names a role by
// pattern and reads aws:PrincipalArn, RCPs on some accounts only (one
// naming a role and reading a tag), and a Resource with ${aws:username}
// (whose roles decide alone). Every pair must be decided as the evaluator
// decides it pair by pair, and who-can must agree with pairwise evaluation.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_evaluation-logic-cross-account.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
func TestSharedCrossAccountDecisionsAgreeWithPairwiseEvaluation(t *testing.T) {
	// 0, 1 and 4 behind an RCP fence (1 with an RCP of its own), 2 and 5
	// under the root alone, 3 the management account.
	accts := []string{"400000000000", "400000000001", "400000000002", "400000000003", "400000000004", "400000000005"}
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	assume := func(effect, elem string, res ...string) string {
		return `{"Effect":"` + effect + `","Action":"sts:AssumeRole","` + elem + `":["` + strings.Join(res, `","`) + `"]}`
	}
	open := func(cond string) string {
		st := `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"`
		if cond != "" {
			st += `,"Condition":` + cond
		}
		return doc(st + `}`)
	}
	root := func(a string) string { return "arn:aws:iam::" + a + ":root" }
	trusts := map[string]string{
		"open-org":     open(`{"StringEquals":{"aws:PrincipalOrgID":"o-test"}}`),
		"open-acct":    open(`{"StringEquals":{"aws:PrincipalAccount":["` + accts[0] + `","` + accts[2] + `"]}}`),
		"open-tagged":  open(`{"StringEquals":{"aws:PrincipalTag/team":"red"}}`),
		"open-any":     open(""),
		"open-guarded": open(""),
		"open-plain":   open(""),
		"open-home":    open(""),
		"open-varres":  open(""),
		"roots":        doc(`{"Effect":"Allow","Principal":{"AWS":["` + root(accts[0]) + `","` + root(accts[1]) + `"]},"Action":"sts:AssumeRole"}`),
	}
	var snaps []*model.Snapshot
	for i, a := range accts {
		f := fxNew(t, a)
		for _, name := range slices.Sorted(maps.Keys(trusts)) {
			var docs []string
			if name == "open-any" || name == "open-tagged" {
				docs = append(docs, fxS3Read)
			}
			f.role(name, trusts[name], docs...)
		}
		f.role("breakglass", fxTrust(root(a)), fxAllowAssumeAll)
		f.role("app", fxTrust(root(a)), doc(assume("Allow", "Resource", "arn:aws:iam::*:role/open-any")))
		f.user("u-all", nil, fxAllowAssumeAll)
		f.user("u-open", nil, doc(assume("Allow", "Resource", "arn:aws:iam::*:role/open-*")))
		f.user("u-own", nil, doc(assume("Allow", "Resource", "arn:aws:iam::"+a+":role/*")))
		f.user("u-a4", nil, doc(assume("Allow", "Resource", "arn:aws:iam::"+accts[4]+":role/open-*")))
		f.user("u-not", nil, doc(assume("Allow", "NotResource", "arn:aws:iam::"+accts[1]+":role/*")))
		f.user("res", nil, doc(assume("Allow", "Resource", "arn:aws:iam::*:role/open-var${aws:username}")))
		home := f.user("u-home", nil, doc(assume("Allow", "Resource", "arn:aws:iam::${aws:PrincipalTag/home}:role/open-home")))
		home.Tags = []model.Tag{{Key: "home", Value: accts[2]}}
		red := f.user("u-red", nil, fxAllowAssumeAll)
		red.Tags = []model.Tag{{Key: "team", Value: "red"}}
		blue := f.user("u-blue", nil, fxAllowAssumeAll, doc(assume("Deny", "Resource", "arn:aws:iam::"+accts[1]+":role/*")))
		blue.Tags = []model.Tag{{Key: "team", Value: "blue"}}
		if i == 2 {
			red.Tags = nil // the same statements, another class
			home.Tags = nil
		}
		snaps = append(snaps, f.s)
	}
	pdoc := func(text string) model.Document { return fxDoc(t, text) }
	polARN := func(kind, id string) string {
		return "arn:aws:organizations::" + accts[3] + ":policy/o-test/" + kind + "/" + id
	}
	org := &model.Organization{ManagementAccountID: accts[3],
		Roots: []model.OrgUnit{{ID: "r-1"}}, OUs: []model.OrgUnit{{ID: "ou-fenced", ParentID: "r-1"}},
		Accounts: []model.OrgAccount{{ID: accts[0], ParentID: "ou-fenced"}, {ID: accts[1], ParentID: "ou-fenced"}, {ID: accts[2], ParentID: "r-1"},
			{ID: accts[3], ParentID: "r-1"}, {ID: accts[4], ParentID: "ou-fenced"}, {ID: accts[5], ParentID: "r-1"}},
		Policies: []model.OrgPolicy{
			{ID: "p-full", ARN: polARN("service_control_policy", "p-full"), Name: "FullAWSAccess", Type: model.SCPType, Document: pdoc(fxAdmin), Targets: append([]string{"r-1", "ou-fenced"}, accts...)},
			{ID: "p-guard", ARN: polARN("service_control_policy", "p-guard"), Name: "Guard", Type: model.SCPType, Targets: []string{"r-1"}, Document: pdoc(doc(
				`{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/open-guarded","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/breakglass"}}}`))},
			{ID: "p-rfull", ARN: polARN("resource_control_policy", "p-rfull"), Name: "RCPFullAWSAccess", Type: model.RCPType, Targets: append([]string{"r-1", "ou-fenced"}, accts...),
				Document: pdoc(doc(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`))},
			{ID: "p-fence", ARN: polARN("resource_control_policy", "p-fence"), Name: "Fence", Type: model.RCPType, Targets: []string{"ou-fenced"}, Document: pdoc(doc(
				`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":["` + accts[0] + `","` + accts[1] + `"]}}}`))},
			{ID: "p-red", ARN: polARN("resource_control_policy", "p-red"), Name: "RedOnly", Type: model.RCPType, Targets: []string{accts[1]}, Document: pdoc(doc(
				`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/open-tagged","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"red"}}}`))},
		}}
	build := func() *Graph {
		g, err := Build(snaps, Options{Organization: org})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g := build()
	// Segments pointing at the same classes from role classes of
	// different accounts: the sharing this test is about.
	accountsOf := map[int32]map[string]bool{}
	own := 0
	for _, e := range g.deleg.equivs {
		for _, s := range e.segs {
			if !s.shared {
				own++
				continue
			}
			if accountsOf[s.base] == nil {
				accountsOf[s.base] = map[string]bool{}
			}
			accountsOf[s.base][e.roles[0].role.Account] = true
		}
	}
	across := 0
	for _, m := range accountsOf {
		if len(m) > 1 {
			across++
		}
	}
	if across == 0 || own == 0 {
		t.Fatalf("%d classes shared across accounts and %d own segments: the fixture must exercise both", across, own)
	}
	checkAssumesPairwise(t, g)
	checkWhoCanPairwise(t, build(), "s3:GetObject", "*")
}
