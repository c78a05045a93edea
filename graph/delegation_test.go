package graph

import (
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// checkAssumesPairwise compares every user and role's can-assume edges
// (explicit and delegated) with the evaluator asked pair by pair, both
// ways (Assumes and AssumableBy), and EdgeCount with the edges listed.
func checkAssumesPairwise(t *testing.T, g *Graph) {
	t.Helper()
	total := 0
	for _, n := range g.Nodes() {
		total += len(g.Assumes(n))
	}
	if got := g.EdgeCount(); got != total {
		t.Errorf("EdgeCount %d, edges listed by Assumes %d", got, total)
	}
	in := map[[2]*Node]bool{}
	for _, r := range g.Roles() {
		for _, e := range g.AssumableBy(r) {
			in[[2]*Node{e.From, r}] = true
		}
	}
	for _, p := range g.Nodes() {
		if p.Kind != KindUser && p.Kind != KindRole {
			continue
		}
		out := map[*Node]Edge{}
		for _, e := range g.Assumes(p) {
			out[e.To] = e
		}
		for _, r := range g.Roles() {
			if r == p {
				continue
			}
			res := g.Can(p, "sts:AssumeRole", r.ARN, nil, false)
			want := res.Decision == policy.Allowed || res.Conditional
			e, got := out[r]
			if got != want || in[[2]*Node{p, r}] != want {
				t.Errorf("%s → %s: Assumes %v, AssumableBy %v, evaluator %v (%v)", p.Label(), r.Label(), got, in[[2]*Node{p, r}], want, res.Decision)
				continue
			}
			if got && e.Conditional != res.Conditional {
				t.Errorf("%s → %s: edge conditional %v, evaluator %v", p.Label(), r.Label(), e.Conditional, res.Conditional)
			}
		}
	}
}

// attach gives each of users the managed policy arn.
func (f *fxAccount) attach(arn string, users ...*model.User) {
	for _, u := range users {
		u.AttachedPolicies = append(u.AttachedPolicies, model.AttachedPolicy{Name: arnName(arn), ARN: arn})
	}
}

// Delegated trust is decided per class of principals the evaluator cannot
// tell apart. Each case builds principals that share every identity policy
// and differ only in what some other part of the evaluation reads: those
// must not share a class.
//
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
func TestDelegationClassesKeepApartWhatTheEvaluatorSees(t *testing.T) {
	const acct = "111122223333"
	root := "arn:aws:iam::" + acct + ":root"
	for _, tc := range []struct {
		name string
		scps []string
		// trust of role Target; users alice … frank all hold sts:AssumeRole
		// on "*" through one managed policy.
		trust    string
		identity string          // the shared managed policy; default sts:AssumeRole on "*"
		want     map[string]bool // user → may assume Target
	}{{
		// An SCP that denies sts:AssumeRole to every principal but alice,
		// by aws:PrincipalArn, binds each principal by its own ARN.
		name: "SCP condition on aws:PrincipalArn applies per principal",
		scps: []string{`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"*","Resource":"*"},
			{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*",
			 "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::` + acct + `:user/alice"}}}]}`},
		trust: fxTrust(root),
		want:  map[string]bool{"alice": true, "bob": false, "carol": false, "dave": false, "erin": false, "frank": false},
	}, {
		// A Deny in the trust policy naming one user wins over the Allow
		// that delegates to the account.
		name: "explicit Deny naming a user in the trust policy wins over the account root Allow",
		trust: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"` + root + `"},"Action":"sts:AssumeRole"},
			{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/bob"},"Action":"sts:AssumeRole"}]}`,
		want: map[string]bool{"alice": true, "bob": false, "carol": true, "dave": true, "erin": true, "frank": true},
	}, {
		// Naming some users by ARN beside the root decides them one by
		// one; every other user of the account is still delegated to.
		name: "account root trust delegates to the users the policy does not also name",
		trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + root + `",
			"arn:aws:iam::` + acct + `:user/alice","arn:aws:iam::` + acct + `:user/bob",
			"arn:aws:iam::` + acct + `:user/carol","arn:aws:iam::` + acct + `:user/dave"]},"Action":"sts:AssumeRole"}]}`,
		want: map[string]bool{"alice": true, "bob": true, "carol": true, "dave": true, "erin": true, "frank": true},
	}, {
		// A NotResource pattern is matched segment by segment: "*" in the
		// service segment does not reach across the account segment, so
		// "arn:aws:*:role/Target" names no role, and the statement allows
		// sts:AssumeRole on every role, Target included.
		name:     "NotResource pattern whose wildcard cannot span ARN segments excludes nothing",
		identity: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","NotResource":"arn:aws:*:role/Target"}]}`,
		trust:    fxTrust(root),
		want:     map[string]bool{"alice": true, "bob": true, "carol": true, "dave": true, "erin": true, "frank": true},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			a := fxNew(t, acct)
			if tc.identity == "" {
				tc.identity = fxAllowAssumeAll
			}
			arn := a.managed("Assume", tc.identity)
			var users []*model.User
			for _, name := range []string{"alice", "bob", "carol", "dave", "erin", "frank"} {
				users = append(users, a.user(name, nil))
			}
			a.attach(arn, users...)
			a.role("Target", tc.trust)
			var scps []policy.Source
			for i, text := range tc.scps {
				scps = append(scps, policy.Source{Type: policy.SCPPolicy, Name: "scp" + string(rune('0'+i)), Policy: fxDoc(t, text).Policy})
			}
			g, err := Build([]*model.Snapshot{a.s}, Options{SCPs: scps})
			if err != nil {
				t.Fatal(err)
			}
			target := fxNode(t, g, "role/Target")
			for user, want := range tc.want {
				u := fxNode(t, g, "user/"+user)
				got := false
				for _, e := range g.Assumes(u) {
					got = got || e.To == target
				}
				if got != want {
					t.Errorf("user/%s → role/Target: edge %v, want %v", user, got, want)
				}
			}
			checkAssumesPairwise(t, g)
		})
	}
}

// A trust policy may require the session's source identity to be the
// user's own name (sts:SourceIdentity = ${aws:username}). Without that
// key both users may assume the role conditionally; who-can given the key
// re-decides the hop for each principal, not once for all who share their
// policies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestWhoCanUnderContextResolvesVariablesPerPrincipal(t *testing.T) {
	const acct = "111122223333"
	a := fxNew(t, acct)
	arn := a.managed("Assume", fxAllowAssumeAll)
	a.attach(arn, a.user("alice", nil), a.user("bob", nil))
	a.role("Data", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},
		"Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Condition":{"StringEquals":{"sts:SourceIdentity":"${aws:username}"}}}]}`, fxS3Read)
	g := fxBuild(t, a)
	for _, tc := range []struct {
		name string
		ctx  policy.Context
		want map[string]bool // user → listed (conditional or not)
	}{
		{"without the key both users may, on condition", nil, map[string]bool{"alice": true, "bob": true}},
		{"sts:SourceIdentity=alice admits alice only", policy.Context{"sts:sourceidentity": {"alice"}}, map[string]bool{"alice": true, "bob": false}},
		{"sts:SourceIdentity=bob admits bob only", policy.Context{"sts:sourceidentity": {"bob"}}, map[string]bool{"alice": false, "bob": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]bool{}
			for _, acc := range g.WhoCan("s3:GetObject", "arn:aws:s3:::bucket/key", tc.ctx) {
				if acc.Principal.Kind == KindUser {
					got[acc.Principal.Name] = true
				}
			}
			for user, want := range tc.want {
				if got[user] != want {
					t.Errorf("user/%s listed %v, want %v", user, got[user], want)
				}
			}
		})
	}
}
