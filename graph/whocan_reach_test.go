package graph

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

func stmtDoc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// reachRow finds who's row in WhoCanReach's answer.
func reachRow(t *testing.T, g *Graph, action, resource, who string) *Access {
	t.Helper()
	list, err := g.WhoCanReach(context.Background(), action, resource, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if list[i].Principal.ARN == who {
			return &list[i]
		}
	}
	return nil
}

func hopKinds(hops []Hop) []string {
	var out []string
	for _, h := range hops {
		out = append(out, h.Kind)
	}
	return out
}

// The demo's issue-13 story: mallory may iam:CreateAccessKey on every user
// from the office network, mints a key for ci-deployer, which assumes
// DeployRole, which assumes ProdAdminRole. who-can of an admin-only action
// lists her with that way, conditional on the network keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
func TestWhoCanReachDemoMallory(t *testing.T) {
	g := demoGraph(t)
	const mallory = "arn:aws:iam::111122223333:user/mallory"
	a := reachRow(t, g, "iam:CreateUser", "*", mallory)
	if a == nil {
		t.Fatal("who-can iam:CreateUser does not list mallory")
	}
	want := []string{"iam:CreateAccessKey", "sts:AssumeRole", "sts:AssumeRole"}
	if got := hopKinds(a.Hops); !slices.Equal(got, want) || !a.Escalation {
		t.Errorf("mallory's way %v (escalation %v), want %v", got, a.Escalation, want)
	}
	var via []string
	for _, v := range a.Via {
		via = append(via, v.Label())
	}
	if w := []string{"user/ci-deployer", "role/DeployRole", "role/ProdAdminRole"}; !slices.Equal(via, w) {
		t.Errorf("via %v, want %v", via, w)
	}
	if !a.Conditional || !slices.Contains(a.MissingContext, "aws:SourceIp") {
		t.Errorf("conditional %v on %v, want conditional on aws:SourceIp (the office network)", a.Conditional, a.MissingContext)
	}
	if !a.ViaAdmin {
		t.Error("the way ends at ProdAdminRole, admin-equivalent: via_admin false")
	}
	for _, b := range g.WhoCan("iam:CreateUser", "*", nil) {
		if b.Principal.ARN == mallory {
			t.Error("WhoCan (trust only) lists mallory")
		}
	}
}

// No two answers disagree about admin: for an action only admin-equivalent
// principals hold, who-can through escalation lists exactly the
// principals the escalation analysis finds able to reach admin.
func TestWhoCanReachAgreesWithPrivesc(t *testing.T) {
	g := demoGraph(t)
	list, err := g.WhoCanReach(context.Background(), "iam:CreateUser", "*", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, a := range list {
		if a.Escalation {
			got[a.Principal.ARN] = true
		}
	}
	want := map[string]bool{}
	for _, n := range g.Escalation().Reachable() {
		if g.AdminStatus(n).Escalation {
			want[n.ARN] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("the demo has no principal admin through escalation: the test checks nothing")
	}
	for a := range want {
		if !got[a] {
			t.Errorf("privesc finds %s admin through escalation; who-can does not list it", a)
		}
	}
	for a := range got {
		if !want[a] {
			t.Errorf("who-can lists %s through escalation; privesc does not find it admin-reachable", a)
		}
	}
}

// Escalation edges in who-can are decided by the evaluator: a Deny, a
// boundary, a condition that cannot hold, or a target that can only act
// with MFA (minted credentials carry none) keep the caller out; an allow
// that needs request context keeps the caller, conditional.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
func TestWhoCanReachEscalationRules(t *testing.T) {
	const (
		mintKey    = `{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"}`
		denyMint   = `{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}`
		read       = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
		readMFA    = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`
		mintOffice = `{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`
		mintTeam   = `{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ops"}}}`
		selfEdit   = `{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::111122223333:user/${aws:username}"}`
	)
	const (
		mintOnTarget = `{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111122223333:user/target"}`
		mintOnOther  = `{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111122223333:user/other"}`
	)
	cases := []struct {
		name        string
		caller      []string // the caller's inline policy statements
		target      []string // the target user's
		setup       func(f *fxAccount)
		listed      bool
		kinds       []string
		conditional bool
	}{
		{"minting a key for a user who can: listed", []string{mintKey}, []string{read}, nil,
			true, []string{"iam:CreateAccessKey"}, false},
		{"the method scoped to the user who can: listed", []string{mintOnTarget}, []string{read}, nil,
			true, []string{"iam:CreateAccessKey"}, false},
		{"the method scoped to a user who cannot: not listed", []string{mintOnOther}, []string{read}, nil,
			false, nil, false},
		{"an explicit Deny on the method: not listed", []string{mintKey, denyMint}, []string{read}, nil,
			false, nil, false},
		{"a permissions boundary without the method: not listed", []string{mintKey}, []string{read}, func(f *fxAccount) {
			f.s.Users[0].PermissionsBoundary = f.managed("Cap", stmtDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
		}, false, nil, false},
		{"a condition on a tag the caller lacks cannot hold: not listed", []string{mintTeam}, []string{read}, nil,
			false, nil, false},
		{"an allow that needs a source IP: listed, conditional", []string{mintOffice}, []string{read}, nil,
			true, []string{"iam:CreateAccessKey"}, true},
		{"the target can only with MFA, minted keys carry none: not listed", []string{mintKey}, []string{readMFA}, nil,
			false, nil, false},
		{"a user who may edit its own policies can grant itself the permission", []string{selfEdit}, []string{read}, nil,
			true, []string{"iam:PutUserPolicy"}, false},
		{"a boundary caps the self-edit: not listed", []string{selfEdit}, []string{read}, func(f *fxAccount) {
			f.s.Users[0].PermissionsBoundary = f.managed("Cap", stmtDoc(`{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"*"}`))
		}, false, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fxNew(t, "111122223333")
			f.user("caller", nil, stmtDoc(c.caller...))
			f.user("target", nil, stmtDoc(c.target...))
			// Another user who can, earlier in every order: a caller
			// scoped to target alone must not be decided on it for all.
			f.user("a-reader", nil, stmtDoc(c.target...))
			f.user("other", nil, stmtDoc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}`))
			for _, u := range []string{"caller", "target", "a-reader", "other"} {
				f.s.CredentialReport = append(f.s.CredentialReport, model.CredentialReportRow{User: u, ARN: f.userARN(u),
					PasswordEnabled: "false", MFAActive: "false", AccessKey1Active: "false", AccessKey2Active: "false"})
			}
			if c.setup != nil {
				c.setup(f)
			}
			g := fxBuild(t, f)
			a := reachRow(t, g, "s3:GetObject", "arn:aws:s3:::bucket/key", f.userARN("caller"))
			if (a != nil) != c.listed {
				t.Fatalf("listed %v, want %v", a != nil, c.listed)
			}
			if a == nil {
				return
			}
			if got := hopKinds(a.Hops); !slices.Equal(got, c.kinds) {
				t.Errorf("hops %v, want %v", got, c.kinds)
			}
			if a.Conditional != c.conditional {
				t.Errorf("conditional %v (%v), want %v", a.Conditional, a.MissingContext, c.conditional)
			}
		})
	}
}

// Escalation chains with trust in any order: a key minted for a user who
// can assume a role that can, and a role assumed to mint the key.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html
func TestWhoCanReachChainsWithTrust(t *testing.T) {
	f := fxNew(t, "111122223333")
	f.user("caller", nil, stmtDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`))
	f.role("Minter", fxTrust(f.userARN("caller")), stmtDoc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"}`))
	f.user("bridge", nil, stmtDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`))
	f.role("Reader", fxTrust(f.userARN("bridge")), stmtDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`))
	g := fxBuild(t, f)
	a := reachRow(t, g, "s3:GetObject", "arn:aws:s3:::bucket/key", f.userARN("caller"))
	if a == nil {
		t.Fatal("caller not listed")
	}
	want := []string{"sts:AssumeRole", "iam:CreateAccessKey", "sts:AssumeRole"}
	if got := hopKinds(a.Hops); !slices.Equal(got, want) {
		t.Errorf("hops %v, want %v", got, want)
	}
	if last := a.Via[len(a.Via)-1]; last.ARN != f.roleARN("Reader") {
		t.Errorf("the way ends at %s, want Reader", last.ARN)
	}
}

// The fast escalation search of who-can (a caller whose policies treat
// every target alike decided once; a caller that reads no MFA decided once
// for both sessions) against the plain one, every call decided on every
// target: the same principals, each as conditional, through as many hops.
func TestWhoCanReachMatchesPlain(t *testing.T) {
	requests := [][2]string{{"s3:GetObject", "arn:aws:s3:::acme-data-7/key"}, {"iam:CreateUser", "*"}, {"lambda:InvokeFunction", "*"}}
	escalated := 0
	for _, seed := range []uint64{1, 2, 3} {
		g := genGraph(t, gen.Options{Users: 40, Roles: 40, Groups: 6, Policies: 30, Seed: seed})
		for _, rq := range requests {
			fast, err := g.whoCanReach(context.Background(), rq[0], rq[1], nil, false)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := g.whoCanReach(context.Background(), rq[0], rq[1], nil, true)
			if err != nil {
				t.Fatal(err)
			}
			type row struct {
				cond bool
				hops int
			}
			rows := func(list []Access) map[string]row {
				m := map[string]row{}
				for _, a := range list {
					m[a.Principal.ARN] = row{a.Conditional, len(a.Via)}
				}
				return m
			}
			f, s := rows(fast), rows(slow)
			for a, r := range s {
				if f[a] != r {
					t.Errorf("seed %d %s: %s: fast %+v, plain %+v", seed, rq[0], a, f[a], r)
				}
			}
			for a := range f {
				if _, ok := s[a]; !ok {
					t.Errorf("seed %d %s: %s listed by the fast search only", seed, rq[0], a)
				}
			}
			for _, a := range slow {
				if a.Escalation {
					escalated++
				}
			}
		}
	}
	if escalated == 0 {
		t.Error("no principal is listed through escalation: the accounts test nothing")
	}
}

// A caller's context that says its session has no MFA holds for the
// escalation search too: alice, admin only with MFA and able to mint keys
// only with it, is not listed for -c aws:MultiFactorAuthPresent=false.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
func TestWhoCanReachCallerWithoutMFA(t *testing.T) {
	g := demoGraph(t)
	const alice = "arn:aws:iam::111122223333:user/alice"
	cases := []struct {
		name   string
		ctx    policy.Context
		listed bool
	}{
		{"no context: listed, conditional on MFA", nil, true},
		{"MFA said absent: not listed, not even through escalation", policy.Context{"aws:multifactorauthpresent": {"false"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list, err := g.WhoCanReach(context.Background(), "iam:CreateUser", "*", c.ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := slices.ContainsFunc(list, func(a Access) bool { return a.Principal.ARN == alice })
			if found != c.listed {
				t.Errorf("alice listed %v, want %v", found, c.listed)
			}
		})
	}
}

// A refusal on one target stands only for the targets the caller's
// policies cannot tell apart: rewriting the trust of a role a Deny keeps
// the caller from assuming fails, rewriting another's succeeds.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html
func TestWhoCanReachRefusalPerClassOfTarget(t *testing.T) {
	f := fxNew(t, "111122223333")
	f.user("caller", nil, stmtDoc(`{"Effect":"Allow","Action":"iam:UpdateAssumeRolePolicy","Resource":"*"}`,
		`{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/Guarded*"}`))
	read := stmtDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)
	f.role("GuardedReader", fxTrust("arn:aws:iam::111122223333:root"), read)
	f.role("OpenReader", fxTrust("arn:aws:iam::111122223333:root"), read)
	g := fxBuild(t, f)
	for _, plain := range []bool{false, true} {
		list, err := g.whoCanReach(context.Background(), "s3:GetObject", "arn:aws:s3:::b/k", nil, plain)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(list, func(a Access) bool { return a.Principal.ARN == f.userARN("caller") })
		if i < 0 {
			t.Fatalf("plain %v: caller not listed", plain)
		}
		a := list[i]
		if got := hopKinds(a.Hops); !slices.Equal(got, []string{"iam:UpdateAssumeRolePolicy"}) || a.Via[0].ARN != f.roleARN("OpenReader") {
			t.Errorf("plain %v: way %v via %v, want a rewritten trust into OpenReader", plain, got, a.Via)
		}
	}
}
