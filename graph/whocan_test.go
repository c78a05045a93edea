package graph

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

const fxS3ReadMFA = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
	"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`

func whoCanFixture(t *testing.T) *Graph {
	a := fxNew(t, "111122223333")
	a.group("S3Readers", fxS3Read)
	a.user("alice", []string{"S3Readers"})
	a.user("bob", nil, fxS3ReadMFA)
	a.user("carol", nil, fxS3Read, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)
	a.user("ivan", nil, fxAdmin, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)
	a.user("dave", nil)
	a.user("erin", nil, fxAllowAssumeAll)
	a.user("frank", nil)
	a.user("grace", nil, fxS3ReadMFA)
	a.user("heidi", nil, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)
	a.role("ReaderRole", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[
		"arn:aws:iam::111122223333:user/dave","arn:aws:iam::111122223333:role/Hop1",
		"arn:aws:iam::111122223333:user/grace","AROAEXAMPLEDELETED123"]},"Action":"sts:AssumeRole"}]}`, fxS3Read)
	a.role("Hop1", fxTrust(a.userARN("frank")))
	a.role("MFARole", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
		"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, fxS3Read)
	a.role("GHRole", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
		"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}]}`, fxS3Read)
	return fxBuild(t, a)
}

type whoRow struct {
	conditional bool
	via         string
}

func whoCanRows(list []Access) map[string]whoRow {
	out := map[string]whoRow{}
	for _, a := range list {
		var via []string
		for _, v := range a.Via {
			via = append(via, v.Name)
		}
		out[a.Principal.Label()] = whoRow{a.Conditional, strings.Join(via, ">")}
	}
	return out
}

// Who can: identity policies (with groups'), explicit denies, conditions on
// missing keys, and access through assume-role chains.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
func TestWhoCan(t *testing.T) {
	g := whoCanFixture(t)
	mfa := policy.Context{}
	mfa.Set("aws:MultiFactorAuthPresent", "true")
	cases := []struct {
		name   string
		ctx    policy.Context
		expect map[string]*whoRow // nil value: must be absent
	}{
		{"without context", nil, map[string]*whoRow{
			"user/alice":  {false, ""},           // through her group's policy
			"user/bob":    {true, ""},            // only with MFA: listed, conditional
			"user/carol":  nil,                   // explicit deny wins over her allow
			"user/ivan":   {true, "MFARole"},     // his deny binds his own session, not MFARole's
			"user/dave":   {false, "ReaderRole"}, // trust names him; the role reads
			"user/frank":  {false, "Hop1>ReaderRole"},
			"user/erin":   {true, "MFARole"},     // the trust needs MFA
			"user/grace":  {false, "ReaderRole"}, // an unconditional chain beats a conditional direct allow
			"user/heidi":  nil,                   // allowed other actions only
			"role/Hop1":   {false, "ReaderRole"},
			"role/GHRole": {false, ""},
			"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com": {true, "GHRole"},
			"AROAEXAMPLEDELETED123": nil, // a deleted principal cannot act
		}},
		{"with MFA supplied", mfa, map[string]*whoRow{
			"user/bob":   {false, ""},
			"user/erin":  {false, "MFARole"},
			"user/grace": {false, ""},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := whoCanRows(g.WhoCan("s3:GetObject", "arn:aws:s3:::bucket/key", c.ctx))
			for who, want := range c.expect {
				row, ok := got[who]
				switch {
				case want == nil && ok:
					t.Errorf("%s listed (%+v), want absent", who, row)
				case want != nil && !ok:
					t.Errorf("%s missing", who)
				case want != nil && row != *want:
					t.Errorf("%s: got %+v, want %+v", who, row, *want)
				}
			}
		})
	}
}

func TestWhoCanOrderAndFlags(t *testing.T) {
	g := whoCanFixture(t)
	list := g.WhoCan("s3:GetObject", "arn:aws:s3:::bucket/key", nil)
	seenConditional := false
	for _, a := range list {
		if a.Decision != policy.Allowed {
			t.Errorf("%s: decision %v, want allow", a.Principal.Label(), a.Decision)
		}
		if a.Via == nil {
			t.Errorf("%s: Via is nil, want empty", a.Principal.Label())
		}
		if len(a.Via) != len(a.Path) {
			t.Errorf("%s: %d via, %d path edges", a.Principal.Label(), len(a.Via), len(a.Path))
		}
		if a.Conditional {
			seenConditional = true
			if len(a.MissingContext) == 0 {
				t.Errorf("%s: conditional without missing context", a.Principal.Label())
			}
		} else if seenConditional {
			t.Errorf("%s: unconditional listed after a conditional one", a.Principal.Label())
		}
	}
}

// Who may assume a role is who-can sts:AssumeRole on it: the trust policy is
// the resource policy, and external principals appear.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html
func TestWhoCanAssumeRole(t *testing.T) {
	g := trustFixture(t)
	got := whoCanRows(g.WhoCan("sts:AssumeRole", "arn:aws:iam::111122223333:role/Vendor", nil))
	if row, ok := got["arn:aws:iam::999988887777:root"]; !ok || !row.conditional || row.via != "" {
		t.Errorf("vendor account: got %+v (listed %v), want direct and conditional on sts:ExternalId", row, ok)
	}
	got = whoCanRows(g.WhoCan("sts:AssumeRole", "arn:aws:iam::111122223333:role/NamesBob", nil))
	if row, ok := got["user/bob"]; !ok || row.conditional {
		t.Errorf("bob: got %+v (listed %v), want a direct unconditional allow", row, ok)
	}
	if _, ok := got["user/dave"]; ok {
		t.Errorf("dave of another account listed for a role that does not trust him")
	}
}

// WhoCan lists exactly the principals that can directly, or that reach a
// role that can: checked against pairwise evaluation and a search per
// principal on a generated account.
func TestWhoCanMatchesBruteForce(t *testing.T) {
	small, err := gen.Account(gen.Options{Users: 80, Roles: 120, Groups: 10, Policies: 60, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build([]*model.Snapshot{small}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ action, resource string }{
		{"s3:GetObject", "arn:aws:s3:::acme-data-7/key"},
		{"iam:PassRole", "*"},
		{"ec2:RunInstances", "*"},
	} {
		t.Run(q.action, func(t *testing.T) {
			can := map[*Node]bool{}
			for _, n := range g.Nodes() {
				if n.Kind == KindUser || n.Kind == KindRole {
					res := g.Can(n, q.action, q.resource, nil, false)
					can[n] = res.Decision == policy.Allowed || res.Conditional
				}
			}
			want := map[*Node]bool{}
			for _, n := range g.Nodes() {
				if !n.IsPrincipal() || n.Dangling {
					continue
				}
				if can[n] {
					want[n] = true
					continue
				}
				for r := range g.Reachable(n) {
					if can[r] {
						want[n] = true
						break
					}
				}
			}
			got := map[*Node]bool{}
			for _, a := range g.WhoCan(q.action, q.resource, nil) {
				got[a.Principal] = true
				if !want[a.Principal] {
					t.Errorf("%s listed, cannot", a.Principal.Label())
				}
			}
			for n := range want {
				if !got[n] {
					t.Errorf("%s can, not listed", n.Label())
				}
			}
			if len(want) == 0 {
				t.Errorf("query %s matches nobody; pick another", q.action)
			}
		})
	}
}

// Delegated trust is decided on first use. Whether a query finds the classes
// undecided (a fresh graph, queries racing each other) or decided (after
// EdgeCount decided them all), its answer is the same.
func TestWhoCanIndependentOfLazyDecisions(t *testing.T) {
	acct, err := gen.Account(gen.Options{Users: 80, Roles: 120, Groups: 10, Policies: 60, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	build := func() *Graph {
		g, err := Build([]*model.Snapshot{acct}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	answer := func(g *Graph, action string) string {
		var b strings.Builder
		for _, a := range g.WhoCan(action, "*", nil) {
			fmt.Fprintf(&b, "%s %v %v", a.Principal.ARN, a.Conditional, a.MissingContext)
			for _, h := range a.Path {
				fmt.Fprintf(&b, " %s>%s %v %d", h.From.ARN, h.To.ARN, h.Conditional, len(h.Reasons))
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	decided := build()
	decided.EdgeCount()
	actions := []string{"s3:GetObject", "iam:PassRole", "ec2:RunInstances", "sts:GetCallerIdentity"}
	fresh := build()
	got := make([]string, len(actions))
	var wg sync.WaitGroup
	for i, action := range actions {
		wg.Go(func() { got[i] = answer(fresh, action) })
	}
	wg.Go(func() { fresh.EdgeCount() })
	wg.Wait()
	for i, action := range actions {
		if want := answer(decided, action); got[i] != want {
			t.Errorf("%s: answer on a fresh graph differs from the decided graph's", action)
		}
	}
	if fresh.EdgeCount() != decided.EdgeCount() {
		t.Errorf("EdgeCount %d on the fresh graph, %d on the decided one", fresh.EdgeCount(), decided.EdgeCount())
	}
}
