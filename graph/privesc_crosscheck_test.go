package graph

import (
	"fmt"
	"slices"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/escalation"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

// The fast search (backward layers, uniform holders swept once, decisions
// reused per kind of target) against the slow, obvious one: a forward
// breadth-first search from every principal over every pair of principals
// and every method, each call decided by the evaluator. They must agree on
// every principal's distance to admin.
func TestPrivescMatchesBruteForce(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		g := genGraph(t, gen.Options{Users: 40, Roles: 40, Groups: 6 + int(seed), Policies: 30, Seed: seed})
		pv := g.Privesc()
		slow := newEscalator(g)
		slow.plain = true
		reachable := 0
		for _, n := range g.actors {
			want := bruteHops(g, slow, n)
			if got := pv.Hops(n); got != want {
				t.Errorf("seed %d: %s: Hops = %d, brute force %d; fast path %s", seed, n.Label(), got, want, hopString(pv.Shortest(n)))
			}
			if want > 0 {
				reachable++
				if p := pv.Shortest(n); len(p) != want {
					t.Errorf("seed %d: %s: shortest path has %d hops, want %d", seed, n.Label(), len(p), want)
				}
			}
		}
		if reachable == 0 {
			t.Errorf("seed %d: no principal escalates: the account tests nothing", seed)
		}
	}
}

// The same comparison on an account built around the shortcuts: callers
// whose boundary or Deny on "*" refuses a method everywhere (odd letter
// case, NotAction), ${aws:username}, a group that allows everything to join
// and one that allows everything with a Deny, roles delegated to the account
// that need MFA, users with and without an MFA device.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestPrivescMatchesBruteForceOnShortcuts(t *testing.T) {
	f := fxNew(t, fxAcct)
	f.group("admins", fxAdmin)
	f.group("admins-but", fxAdmin, doc(`{"Effect":"Deny","Action":"ec2:*","Resource":"*"}`))
	for i, d := range []string{
		doc(`{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"*"}`),
		doc(`{"Effect":"Allow","Action":"iam:addusertogroup","Resource":"arn:aws:iam::` + fxAcct + `:group/admins-but"}`),
		doc(`{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:AttachRolePolicy"],"Resource":"*"}`, `{"Effect":"Deny","Action":"IAM:CREATEACCESSKEY","Resource":"*"}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`, `{"Effect":"Deny","NotAction":["iam:PassRole","lambda:*"],"Resource":"*"}`),
		doc(`{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:PutUserPolicy"],"Resource":"arn:aws:iam::` + fxAcct + `:user/${aws:username}"}`),
		doc(`{"Effect":"Allow","Action":["sts:AssumeRole","iam:AttachRolePolicy","iam:CreateAccessKey"],"Resource":"*"}`),
		doc(`{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}`),
	} {
		u := f.user(fmt.Sprintf("caller%d", i), nil, d)
		if i%3 == 2 {
			u.PermissionsBoundary = f.managed(fmt.Sprintf("Cap%d", i), doc(`{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"}`))
		}
	}
	capped := f.user("capped", nil, doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`))
	capped.PermissionsBoundary = f.managed("S3Only", doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
	f.user("admin-user", nil, fxAdmin)
	for i, u := range f.s.Users {
		f.s.CredentialReport = append(f.s.CredentialReport, model.CredentialReportRow{User: u.Name, ARN: u.ARN,
			PasswordEnabled: "true", MFAActive: fmt.Sprint(i%2 == 0), AccessKey1Active: "false", AccessKey1LastRotated: "N/A",
			AccessKey2Active: "false", AccessKey2LastRotated: "N/A"})
	}
	mfaTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + fxAcct + `:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	f.role("mfa-ops", mfaTrust, fxS3Read)
	f.role("mfa-admin", mfaTrust, fxAdmin)
	f.role("open-ops", fxTrust("arn:aws:iam::"+fxAcct+":root"), fxS3Read)
	f.role("fn", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, fxAdmin)
	g := fxBuild(t, f)
	pv := g.Privesc()
	slow := newEscalator(g)
	slow.plain = true
	reachable := 0
	for _, n := range g.actors {
		want := bruteHops(g, slow, n)
		if got := pv.Hops(n); got != want {
			t.Errorf("%s: Hops = %d, brute force %d; fast path %s", n.Label(), got, want, hopString(pv.Shortest(n)))
		}
		if want > 0 {
			reachable++
		}
	}
	if reachable < 3 {
		t.Errorf("%d principals escalate: the account tests little", reachable)
	}
}

// bruteHops is the fewest hops from n to admin, searching forward.
func bruteHops(g *Graph, x *escalator, n *Node) int {
	pv := &Privesc{g: g, x: x}
	var grants, actAs []int
	for i := range escalation.Methods() {
		m := &escalation.Methods()[i]
		switch {
		case m.Yields != escalation.ActAs:
			grants = append(grants, i)
		case !m.Possible():
			actAs = append(actAs, i)
		}
	}
	type state struct {
		n     *Node
		noMFA bool
	}
	admin := func(s state) bool {
		return g.IsAdmin(s.n) && (!s.noMFA || x.adminAfter(s.n, change{}, true))
	}
	start := state{n, x.noMFA(n)}
	if admin(start) {
		return 0
	}
	best := -1
	dist := map[state]int{start: 0}
	queue := []state{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		d := dist[s]
		if best >= 0 && d+1 >= best {
			continue
		}
		terminal := func(hops int) {
			if best < 0 || hops < best {
				best = hops
			}
		}
		visit := func(t state) {
			if _, seen := dist[t]; seen {
				return
			}
			dist[t] = d + 1
			if admin(t) {
				terminal(d + 1)
				return
			}
			queue = append(queue, t)
		}
		for _, mi := range grants {
			if _, ok := x.grant(mi, s.n, s.n, s.noMFA); ok {
				terminal(d + 1)
			}
		}
		for _, e := range g.Assumes(s.n) {
			if e.To.Kind != KindRole {
				continue
			}
			if _, ok := pv.assumeHop(e, s.noMFA); !ok {
				continue
			}
			for _, mi := range grants {
				if escalation.Methods()[mi].Target == escalation.TargetUser {
					continue
				}
				if _, ok := x.grant(mi, s.n, e.To, s.noMFA); ok {
					terminal(d + 2)
				}
			}
			visit(state{e.To, s.noMFA})
		}
		for _, mi := range actAs {
			for _, t := range g.actors {
				if h, ok := x.actAs(mi, s.n, t, s.noMFA); ok {
					visit(state{t, h.ToNoMFA})
				}
			}
		}
	}
	return best
}

// decideNamed's shortcuts — one decision per caller, action and kind of
// target for uniform callers; per class of targets the caller's patterns
// cannot tell apart otherwise; the resource-scope prefilter — against the
// evaluator asked about every call: every caller, every action a method
// makes on a named target, every target, with and without MFA. On
// generated accounts, and on callers scoped every way a pattern can scope
// (a Deny on one target, NotResource, ${aws:username}, a variable with a
// default, a wildcard prefix, a condition).
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestDecideNamedMatchesEvaluator(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		g := genGraph(t, gen.Options{Users: 30, Roles: 30, Groups: 6, Policies: 30, Seed: seed})
		if allowed, _, _ := checkDecideNamed(t, g); allowed == 0 {
			t.Errorf("seed %d: no call allowed: the account tests no shortcut", seed)
		}
	}
	f := fxNew(t, fxAcct)
	for _, d := range []string{
		doc(`{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:PassRole","iam:UpdateAssumeRolePolicy"],"Resource":"*"}`,
			`{"Effect":"Deny","Action":"iam:*","Resource":["arn:aws:iam::`+fxAcct+`:user/alice","arn:aws:iam::`+fxAcct+`:role/app-1"]}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::` + fxAcct + `:user/${aws:username}"}`),
		doc(`{"Effect":"Allow","Action":"iam:*","NotResource":["arn:aws:iam::` + fxAcct + `:user/bob","arn:aws:iam::` + fxAcct + `:role/app-2"]}`),
		doc(`{"Effect":"Allow","Action":["iam:PassRole","iam:UpdateAssumeRolePolicy"],"Resource":"arn:aws:iam::`+fxAcct+`:role/app-*"}`,
			`{"Effect":"Deny","Action":"iam:PassRole","NotResource":"arn:aws:iam::`+fxAcct+`:role/app-1"}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::` + fxAcct + `:role/${aws:username}-*"}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::` + fxAcct + `:user/${aws:PrincipalTag/buddy, 'alice'}"}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::`+fxAcct+`:user/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
			`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::`+fxAcct+`:user/c*"}`),
	} {
		f.user(fmt.Sprintf("caller%d", len(f.s.Users)), nil, d)
	}
	// Refused everywhere, or not: a Deny without conditions on "*" (odd
	// letter case, NotAction), one with a condition, and boundaries that
	// allow the actions nowhere, only on the caller itself, or everywhere.
	anyIAM := doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	for _, d := range []string{
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`, `{"Effect":"Deny","Action":"IAM:create*","Resource":["arn:aws:iam::`+fxAcct+`:user/x","*"]}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`, `{"Effect":"Deny","NotAction":["s3:*","iam:PassRole"],"Resource":"*"}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:*","NotResource":"arn:aws:iam::`+fxAcct+`:user/alice"}`),
	} {
		f.user(fmt.Sprintf("caller%d", len(f.s.Users)), nil, d)
	}
	for _, b := range []string{
		doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`),
		doc(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::` + fxAcct + `:user/${aws:username}"}`),
		doc(`{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}`),
		doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}`),
	} {
		u := f.user(fmt.Sprintf("caller%d", len(f.s.Users)), nil, anyIAM)
		u.PermissionsBoundary = f.managed(fmt.Sprintf("Boundary%d", len(f.s.Users)), b)
	}
	for _, u := range []string{"alice", "bob", "carol"} {
		f.user(u, nil, fxS3Read)
	}
	for _, r := range []string{"app-1", "app-2", "caller4-ops", "other"} {
		f.role(r, fxTrust("arn:aws:iam::222222222222:root"), fxS3Read)
	}
	if allowed, split, nowhere := checkDecideNamed(t, fxBuild(t, f)); allowed == 0 || split == 0 || nowhere == 0 {
		t.Errorf("scoped callers: %d calls allowed, %d callers deciding targets differently, %d refused everywhere: the fixture tests no shortcut", allowed, split, nowhere)
	}
}

// checkDecideNamed compares decideNamed with the evaluator on every call,
// and mayAllowSomewhere's "refused everywhere" with the evaluator's
// refusals; it counts the calls allowed and the (caller, action) pairs
// whose targets are decided differently.
func checkDecideNamed(t *testing.T, g *Graph) (allowed, split, nowhere int) {
	t.Helper()
	x := newEscalator(g)
	type perm struct {
		action  string
		service string
	}
	seen := map[perm]bool{}
	var perms []perm
	for _, m := range escalation.Methods() {
		for _, p := range m.Permissions {
			q := perm{action: p.Action}
			switch p.On {
			case escalation.OnPassedRole:
				q.service = m.Service
			case escalation.OnTarget:
			default:
				continue
			}
			if !seen[q] {
				seen[q] = true
				perms = append(perms, q)
			}
		}
	}
	for _, caller := range g.actors {
		for _, p := range perms {
			somewhere := x.mayAllowSomewhere(caller, p.action)
			if !somewhere {
				nowhere++
			}
			var first *bool
			for _, target := range g.actors {
				for _, noMFA := range []bool{false, true} {
					c := call{caller: caller, action: p.action, resource: target.ARN, noMFA: noMFA}
					if p.service != "" {
						c.ctx = policy.Context{"iam:passedtoservice": {p.service}}
					}
					got := x.decideNamed(c)
					want := resultOf(x.decide(c, false), c.resource)
					if got.ok != want.ok || got.conditional != want.conditional || !slices.Equal(got.missing, want.missing) {
						t.Fatalf("%s %s on %s (noMFA %v): decideNamed %+v, evaluator %+v", caller.Label(), p.action, target.Label(), noMFA, got, want)
					}
					if want.ok {
						allowed++
						if !somewhere {
							t.Fatalf("%s %s on %s (noMFA %v): allowed, but mayAllowSomewhere says it is refused everywhere", caller.Label(), p.action, target.Label(), noMFA)
						}
					}
					switch {
					case first == nil:
						first = &want.ok
					case *first != want.ok:
						split++
						first = &want.ok
					}
				}
			}
		}
	}
	return allowed, split, nowhere
}

// joinChange decides joining a group whose policies allow everything and
// deny nothing as an allow-all written for the user, and adminAfter rules a
// join out when an allow-all would not make the user admin; the slow,
// obvious way adds the group's policies as they are and decides. They must agree for every user and
// group, with and without MFA, with the boundary kept or removed: on
// generated accounts and on groups that allow everything with a condition,
// beside a Deny, through NotAction, or with "*" spelled out per service.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestJoinChangeMatchesGroupPolicies(t *testing.T) {
	var graphs []*Graph
	for _, seed := range []uint64{1, 2, 3} {
		graphs = append(graphs, genGraph(t, gen.Options{Users: 30, Roles: 5, Groups: 8, Policies: 20, Seed: seed}))
	}
	f := fxNew(t, fxAcct)
	f.group("all", fxAdmin)
	f.group("all-twice", fxAdmin, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`))
	f.group("all-but-denied", doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}`))
	f.group("all-from-office", doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`))
	f.group("all-but-iam", doc(`{"Effect":"Allow","NotAction":"IAM:*","Resource":"*"}`))
	f.group("iam", doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`))
	f.group("all-not-resource", doc(`{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::b"}`))
	f.user("plain", nil, fxS3Read)
	f.user("denied", nil, doc(`{"Effect":"Deny","Action":"ec2:*","Resource":"*"}`))
	f.user("mfa-guarded", nil, doc(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`))
	f.user("powerish", nil, doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`))
	capped := f.user("capped", nil, fxS3Read)
	capped.PermissionsBoundary = f.managed("Cap", doc(`{"Effect":"Allow","Action":["s3:*","iam:*"],"Resource":"*"}`))
	graphs = append(graphs, fxBuild(t, f))
	shortcuts := 0
	for _, g := range graphs {
		fast, slow := newEscalator(g), newEscalator(g)
		slow.plain = true
		for _, gr := range g.groups {
			c := fast.joinChange(gr)
			if c.extra[0].Policy == g.allowAll {
				shortcuts++
			}
			for _, u := range g.users {
				for _, noMFA := range []bool{false, true} {
					for _, drop := range []bool{false, true} {
						c.dropBoundary = drop
						want := slow.adminAfter(u, change{extra: slow.groupSources(gr), dropBoundary: drop}, noMFA)
						if got := fast.adminAfter(u, c, noMFA); got != want {
							t.Errorf("%s joins %s (noMFA %v, boundary dropped %v): admin after = %v, with the group's policies %v", u.Label(), gr.Label(), noMFA, drop, got, want)
						}
					}
				}
			}
		}
	}
	if shortcuts < 2 {
		t.Errorf("%d groups decided as an allow-all: the test tests no shortcut", shortcuts)
	}
}

// assumeOut remembers, per role and principal class, the verdict of a
// delegated edge once MFA is known absent (refused, conditional, or not);
// the slow, obvious way decides every edge again. They must agree on every out edge of every principal, on
// generated accounts whose trusts require MFA (root-mfa roles) or admit an
// organization.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
func TestAssumeOutMatchesEdgeUnder(t *testing.T) {
	var graphs []*Graph
	for _, seed := range []uint64{1, 2, 3} {
		graphs = append(graphs, genGraph(t, gen.Options{Users: 40, Roles: 60, Groups: 4, Policies: 20, Seed: seed}))
	}
	// One delegating role, three classes of callers: refused without MFA (two of them),
	// conditional on the source address alone, and unconditional.
	f := fxNew(t, fxAcct)
	f.role("delegated", fxTrust("arn:aws:iam::"+fxAcct+":root"), fxS3Read)
	withMFA := f.managed("AssumeWithMFA", doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`))
	for _, u := range []string{"a-needs-mfa", "a2-needs-mfa"} {
		f.user(u, nil).AttachedPolicies = []model.AttachedPolicy{{Name: "AssumeWithMFA", ARN: withMFA}}
	}
	f.user("b-from-office", nil, doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`))
	f.user("c-mfa-or-office", nil, doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`,
		`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`))
	graphs = append(graphs, fxBuild(t, f))
	for seed, g := range graphs {
		pv := &Privesc{g: g, x: newEscalator(g)}
		remembered := 0
		for _, n := range g.actors {
			for _, o := range pv.assumesOf(n) {
				v, known := pv.verdictNoMFA.Load(classEdge{o.to, o.o})
				if known && o.explicit == nil {
					remembered++
				}
				got, gotOK := pv.assumeOut(&o, true)
				want, wantOK := pv.assumeHop(o.edge(g), true)
				if gotOK != wantOK || gotOK && (got.Conditional != want.Conditional || !slices.Equal(got.MissingContext, want.MissingContext)) {
					t.Fatalf("seed %d: %s → %s without MFA: assumeOut %v %+v, EdgeUnder %v %+v", seed, n.Label(), o.to.Label(), gotOK, got, wantOK, want)
				}
				if known && o.explicit == nil && ((v == verdictRefused) != !wantOK || wantOK && (v == verdictHolds) != !want.Conditional) {
					t.Fatalf("seed %d: %s → %s without MFA: class verdict %v, EdgeUnder %v %+v", seed, n.Label(), o.to.Label(), v, wantOK, want)
				}
			}
		}
		if remembered == 0 {
			t.Errorf("seed %d: no refusal remembered: the account tests no shortcut", seed)
		}
	}
}
