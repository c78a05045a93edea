package graph

import (
	"testing"

	"github.com/iamx/iamx/model/policy"
)

// A trust policy open to "*" or to a whole account admits principals it does
// not name: any account's root, any user or role of an account that is not
// loaded (their own side unseen, taken as allowing), and for "*" any
// service. can, chains and who-can give them the same edges, decided by the
// same evaluation.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
func TestOpenTrustReachesOutsidePrincipals(t *testing.T) {
	a := fxNew(t, "111122223333")
	a.role("Open", fxTrust("*"))
	a.role("OpenToo", fxTrust("*")) // the same trust text: decided once, re-addressed
	a.role("Partner", fxTrust("777766665555"))
	a.role("Vendor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},
		"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}]}`)
	a.role("NamesOne", fxTrust("arn:aws:iam::777766665555:role/ci"))
	a.role("OrgOnly", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
		"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`)
	g := fxBuild(t, a)
	const no, yes, cond = 0, 1, 2
	cases := []struct {
		name, who, role string
		want            int
	}{
		{"an account no trust names may assume a role trusting AWS *", "444455556666", "Open", yes},
		{"a named account's root may assume a role trusting AWS *", "999988887777", "Open", yes},
		{"the role's own account root may assume a role trusting AWS *", "111122223333", "Open", yes},
		{"a user of an account that is not loaded may assume a role trusting AWS *", "arn:aws:iam::444455556666:user/x", "Open", yes},
		{"a service may assume a role trusting *", "ecs-tasks.amazonaws.com", "Open", yes},
		{"a second role with the same trust text admits the same", "999988887777", "OpenToo", yes},
		{"a second role with the same trust text admits a transient principal the same", "444455556666", "OpenToo", yes},
		{"trusting an account ID admits that account's roles", "arn:aws:iam::777766665555:role/ci", "Partner", yes},
		{"trusting an account ID admits that account's users", "arn:aws:iam::777766665555:user/dev", "Partner", yes},
		{"trusting an account ID admits no other account", "arn:aws:iam::888877776666:user/dev", "Partner", no},
		{"trusting an account does not admit a service", "ecs-tasks.amazonaws.com", "Partner", no},
		{"the external ID condition holds for every principal of the trusted account", "arn:aws:iam::999988887777:role/auditor", "Vendor", cond},
		{"trusting one role's ARN admits no other principal of its account", "arn:aws:iam::777766665555:role/other", "NamesOne", no},
		{"a PrincipalOrgID condition makes every outside edge conditional", "arn:aws:iam::444455556666:role/r", "OrgOnly", cond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := fxNode(t, g, c.who)
			role := fxNode(t, g, c.role)
			res := g.Can(n, "sts:AssumeRole", role.ARN, nil, false)
			can := no
			switch {
			case res.Conditional:
				can = cond
			case res.Decision == policy.Allowed:
				can = yes
			}
			chain := no
			for _, p := range g.Chains(n, ChainOptions{To: role, MaxHops: 1}) {
				chain = yes
				if p.Conditional() {
					chain = cond
				}
			}
			if can != c.want || chain != c.want {
				t.Errorf("can %d, chains %d, want %d (0 no, 1 yes, 2 conditional)", can, chain, c.want)
			}
			// The edge's reasons are the role's own trust statements.
			for _, p := range g.Chains(n, ChainOptions{To: role, MaxHops: 1}) {
				for _, r := range p.Hops[0].Reasons {
					if r.PolicyType == policy.ResourcePolicy && r.Policy != trustSource(role).ID() {
						t.Errorf("reason %s, want %s's trust policy", r.Policy, role.Label())
					}
				}
				if len(p.Hops[0].Reasons) == 0 {
					t.Errorf("edge without reasons")
				}
			}
			if d, ok := g.Reachable(n)[role]; (ok && d == 1) != (c.want != no) {
				t.Errorf("Reachable: %v at %d hops", ok, d)
			}
			if n.ID < 0 {
				return // who-can lists the principals the snapshot knows of
			}
			listed := no
			for _, acc := range g.WhoCan("sts:AssumeRole", role.ARN, nil) {
				if acc.Principal == n && len(acc.Via) == 0 {
					listed = yes
					if acc.Conditional {
						listed = cond
					}
				}
			}
			if listed != c.want {
				t.Errorf("who-can %d, want %d", listed, c.want)
			}
		})
	}
}
