package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

// fullAdmin is admin-equivalence decided by partitioning the catalogue,
// without IsAdmin's cheap filters or its memo.
func fullAdmin(g *Graph, n *Node) bool {
	ps := g.permSet(n)
	if ps == nil {
		return false
	}
	admin, _, _ := ps.compile().admin(actions.Load())
	return admin
}

// IsAdmin's filters (the service span of each document, the union of the
// statements' action sets, the pre-check on the principal's own policy
// list) may only rule out principals the full check rules out. Each case
// is admin-equivalent, or not, by the AWS rule it names.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
func TestIsAdminFiltersAgreeWithFullCheck(t *testing.T) {
	cat := actions.Load()
	var half [2][]string
	for i, s := range cat.Services() {
		half[i%2] = append(half[i%2], `"`+s.Prefix+`:*"`)
	}
	allow := func(action, resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + action + `,"Resource":` + resource + `}]}`
	}
	for _, tc := range []struct {
		name     string
		inline   []string // the user's inline policies
		group    []string // its group's inline policies
		boundary string   // its boundary's text, or none
		scps     []string
		want     bool
	}{
		{name: "AdministratorAccess through a group", group: []string{fxAdmin}, want: true},
		{name: "every service named literally, spread over the user and its group",
			inline: []string{allow("["+strings.Join(half[0], ",")+"]", `"*"`)},
			group:  []string{allow("["+strings.Join(half[1], ",")+"]", `"*"`)}, want: true},
		{name: "every service named literally but one", inline: []string{allow("["+strings.Join(half[0][1:], ",")+"]", `"*"`)},
			group: []string{allow("["+strings.Join(half[1], ",")+"]", `"*"`)}, want: false},
		{name: "NotAction iam:* plus iam:* in another statement", inline: []string{`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`}, want: true},
		{name: "NotAction iam:* alone", inline: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`}, want: false},
		{name: "NotResource that leaves * allowed", inline: []string{`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret/*"}]}`}, want: true},
		{name: "* among specific resources", inline: []string{allow(`"*"`, `["arn:aws:s3:::x","*"]`)}, want: true},
		{name: "wildcards in the service part", inline: []string{allow(`["*:*"]`, `"*"`)}, want: true},
		{name: "Resource arn:* does not grant on *", inline: []string{allow(`"*"`, `"arn:*"`)}, want: false},
		{name: "conditional allow is not admin", inline: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
			"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`}, want: false},
		{name: "deny without MFA leaves admin with MFA", group: []string{fxAdmin}, inline: []string{`{"Version":"2012-10-17","Statement":[
			{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`}, want: true},
		{name: "boundary limits AdministratorAccess", group: []string{fxAdmin}, boundary: fxS3Read, want: false},
		{name: "boundary allowing everything keeps AdministratorAccess", group: []string{fxAdmin}, boundary: fxAdmin, want: true},
		{name: "SCP denying a service takes admin away", group: []string{fxAdmin},
			scps: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`}, want: false},
		{name: "SCP deny on another principal's tag leaves admin", group: []string{fxAdmin},
			scps: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*",
			"Condition":{"StringEquals":{"aws:PrincipalTag/team":"contractors"}}}]}`}, want: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fxNew(t, "111122223333")
			a.group("g", tc.group...)
			u := a.user("u", []string{"g"}, tc.inline...)
			if tc.boundary != "" {
				u.PermissionsBoundary = a.managed("Boundary", tc.boundary)
			}
			var scps []policy.Source
			for i, text := range tc.scps {
				scps = append(scps, policy.Source{Type: policy.SCPPolicy, Name: fmt.Sprint("scp", i), Policy: fxDoc(t, text).Policy})
			}
			g, err := Build([]*model.Snapshot{a.s}, Options{SCPs: scps})
			if err != nil {
				t.Fatal(err)
			}
			n := fxNode(t, g, "user/u")
			full := fullAdmin(g, n)
			if got := g.IsAdmin(n); got != tc.want || full != tc.want {
				t.Errorf("IsAdmin %v, full check %v, want %v", got, full, tc.want)
			}
		})
	}
}

// Randomised cross-checks on generated accounts (several seeds, with and
// without SCPs that read principal keys): IsAdmin against the full check,
// lazily decided delegated edges against the evaluator pair by pair, and
// who-can on a fresh graph against pairwise evaluation plus reachability.
func TestGeneratedAccountsAgreeWithPairwiseEvaluation(t *testing.T) {
	scpVariants := map[string][]string{
		"no SCPs": nil,
		"SCP reading principal tags": {`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"*","Resource":"*"},
			{"Effect":"Deny","Action":["sts:AssumeRole","s3:*"],"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["payments","search"]}}}]}`},
	}
	admins, others := 0, 0
	for _, seed := range []uint64{21, 22, 23} {
		acct, err := gen.Account(gen.Options{Users: 40, Roles: 60, Groups: 8, Policies: 40, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for variant, texts := range scpVariants {
			var scps []policy.Source
			for i, text := range texts {
				scps = append(scps, policy.Source{Type: policy.SCPPolicy, Name: fmt.Sprint("scp", i), Policy: fxDoc(t, text).Policy})
			}
			build := func() *Graph {
				g, err := Build([]*model.Snapshot{acct}, Options{SCPs: scps})
				if err != nil {
					t.Fatal(err)
				}
				return g
			}
			t.Run(fmt.Sprintf("seed %d, %s", seed, variant), func(t *testing.T) {
				g := build()
				for _, n := range append(append([]*Node{}, g.Users()...), g.Roles()...) {
					got, want := g.IsAdmin(n), fullAdmin(g, n)
					if got != want {
						t.Errorf("%s: IsAdmin %v, full check %v", n.Label(), got, want)
					}
					if want {
						admins++
					} else {
						others++
					}
				}
				for _, action := range []string{"s3:GetObject", "iam:PassRole", "ec2:RunInstances"} {
					checkWhoCanPairwise(t, build(), action, "*")
				}
				checkAssumesPairwise(t, g)
			})
		}
	}
	if admins == 0 || others == 0 {
		t.Fatalf("admins %d, others %d: the generated accounts exercise only one side", admins, others)
	}
}

// checkWhoCanPairwise compares WhoCan on g (as given: fresh or decided)
// with each principal's own evaluation and the roles it reaches.
func checkWhoCanPairwise(t *testing.T, g *Graph, action, resource string) {
	t.Helper()
	got := map[*Node]bool{}
	for _, a := range g.WhoCan(action, resource, nil) {
		got[a.Principal] = true
	}
	can := map[*Node]bool{}
	for _, n := range g.Nodes() {
		if n.Kind == KindUser || n.Kind == KindRole {
			res := g.Can(n, action, resource, nil, false)
			can[n] = res.Decision == policy.Allowed || res.Conditional
		}
	}
	for _, n := range g.Nodes() {
		if !n.IsPrincipal() || n.Dangling {
			continue
		}
		want := can[n]
		for r := range g.Reachable(n) {
			want = want || can[r]
		}
		if got[n] != want {
			t.Errorf("who-can %s %s: %s listed %v, evaluator and reachability say %v", action, resource, n.Label(), got[n], want)
		}
	}
}
