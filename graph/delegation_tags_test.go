package graph

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// abacAccount is the hostile account of issue 16's quadratic who-can: users
// with many tags, each with its own values, shared managed policies whose
// StringLike conditions test those tags with wildcard values and
// ${aws:PrincipalTag/…} variables, and roles named after teams that trust
// the account root under a tag condition. Deterministic for a given size.
func abacAccount(tb testing.TB, users, tags int) *model.Snapshot {
	tb.Helper()
	doc := func(text string) model.Document {
		p, err := policy.Parse([]byte(text))
		if err != nil {
			tb.Fatalf("abac policy %s: %v", text, err)
		}
		return model.Document{JSON: []byte(text), Policy: p}
	}
	const acct = "111122223333"
	s := &model.Snapshot{AccountID: acct, Partition: "aws", Source: fmt.Sprintf("abac %d users", users)}
	const policies = 12
	for p := range policies {
		name := fmt.Sprintf("P%d", p)
		text := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","sts:AssumeRole"],` +
			`"Resource":["arn:aws:s3:::b` + fmt.Sprint(p) + `/${aws:PrincipalTag/team}/*","arn:aws:iam::` + acct + `:role/${aws:PrincipalTag/team}-*"],` +
			`"Condition":{"StringLike":{"aws:PrincipalTag/k` + fmt.Sprint(p) + `":["*-` + fmt.Sprint(p%2) + `-*","proj-*"],` +
			`"aws:PrincipalTag/env":["prod*","${aws:PrincipalTag/k1}*"]}}}]}`
		s.Policies = append(s.Policies, &model.ManagedPolicy{Name: name, ARN: "arn:aws:iam::" + acct + ":policy/" + name, DefaultVersionID: "v1",
			Versions: []model.PolicyVersion{{VersionID: "v1", IsDefaultVersion: true, Document: doc(text)}}})
	}
	for i := range users {
		u := &model.User{Name: fmt.Sprintf("u%d", i), Path: "/", ID: fmt.Sprintf("AIDA%016d", i), ARN: fmt.Sprintf("arn:aws:iam::%s:user/u%d", acct, i)}
		for j := range tags {
			u.Tags = append(u.Tags, model.Tag{Key: fmt.Sprintf("k%d", j), Value: fmt.Sprintf("val-%d-%d", i%2, i)})
		}
		if i%4 != 0 { // a quarter have no env tag: the condition is false for them
			u.Tags = append(u.Tags, model.Tag{Key: "env", Value: fmt.Sprintf("prod-%d", i)})
		}
		u.Tags = append(u.Tags, model.Tag{Key: "team", Value: fmt.Sprintf("t%d", i%3)})
		for q := range 3 {
			p := (i%4 + q) % policies
			u.AttachedPolicies = append(u.AttachedPolicies, model.AttachedPolicy{Name: fmt.Sprintf("P%d", p), ARN: fmt.Sprintf("arn:aws:iam::%s:policy/P%d", acct, p)})
		}
		s.Users = append(s.Users, u)
	}
	trust := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole",` +
		`"Condition":{"StringLike":{"aws:PrincipalTag/env":["prod*"]}}}]}`)
	for i := range max(users/10, 3) {
		name := fmt.Sprintf("t%d-r%d", i%3, i)
		s3 := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data` + fmt.Sprint(i%5) + `/*"}]}`)
		s.Roles = append(s.Roles, &model.Role{Name: name, Path: "/", ID: fmt.Sprintf("AROA%016d", i), ARN: "arn:aws:iam::" + acct + ":role/" + name,
			TrustPolicy: trust, InlinePolicies: []model.InlinePolicy{{Name: "s3", Document: s3}},
			Tags: []model.Tag{{Key: "team", Value: fmt.Sprintf("t%d", i%3)}}})
	}
	return s
}

// Principals whose tag values differ but which every condition treats alike
// ("val-0-17" and "val-0-42" both match "*-0-*") share a delegated class;
// the edges decided per class are exactly those the evaluator decides pair
// by pair, with the same conditional verdict and missing keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
func TestTagConditionsClassifyByOutcome(t *testing.T) {
	g, err := Build([]*model.Snapshot{abacAccount(t, 60, 6)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAssumesPairwise(t, g)
	for _, p := range g.Users() {
		out := map[*Node]Edge{}
		for _, e := range g.Assumes(p) {
			out[e.To] = e
		}
		for _, r := range g.Roles() {
			res := g.Can(p, "sts:AssumeRole", r.ARN, nil, false)
			if e, ok := out[r]; ok && !slices.Equal(e.MissingContext, res.MissingContext) {
				t.Errorf("%s → %s: edge missing %v, evaluator %v", p.Label(), r.Label(), e.MissingContext, res.MissingContext)
			}
		}
	}
	for _, action := range []string{"s3:PutObject", "s3:GetObject"} {
		checkWhoCanPairwise(t, g, action, "arn:aws:s3:::data1/x")
	}
	// Every user has its own tag values; the conditions see a handful of
	// outcomes. The classes must not grow with the users.
	perRoleClass := len(g.deleg.classes) / max(len(g.deleg.equivs), 1)
	if perRoleClass >= len(g.Users())/2 {
		t.Errorf("%d principal classes per role class for %d users: classes split on raw tag values", perRoleClass, len(g.Users()))
	}
}

// BenchmarkWhoCanTagged is `iamx who-can` on the tag-heavy account at two
// sizes (build, then answer through role chains), and ReachabilityAll (what
// the explorer computes on start): the second size doubles the first, so
// near-linear work shows as a ratio near 2.
func BenchmarkWhoCanTagged(b *testing.B) {
	for _, users := range []int{1000, 2000} {
		snap := abacAccount(b, users, 40)
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				g, err := Build([]*model.Snapshot{snap}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				n = len(g.WhoCan("s3:PutObject", "arn:aws:s3:::data1/x", nil))
			}
			b.ReportMetric(float64(n), "principals")
		})
		b.Run(fmt.Sprintf("reach-users=%d", users), func(b *testing.B) {
			g, err := Build([]*model.Snapshot{snap}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				g.ReachabilityAll()
			}
			b.ReportMetric(float64(len(g.deleg.classes)), "classes")
		})
	}
}

// A canceled who-can stops and returns no answer; an uncanceled one is
// WhoCan's.
func TestWhoCanContextCancel(t *testing.T) {
	g, err := Build([]*model.Snapshot{abacAccount(t, 200, 4)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got, err := g.WhoCanContext(ctx, "s3:PutObject", "arn:aws:s3:::data1/x", nil)
	if err != nil || len(got) != len(g.WhoCan("s3:PutObject", "arn:aws:s3:::data1/x", nil)) || len(got) == 0 {
		t.Fatalf("uncanceled: %d principals, %v", len(got), err)
	}
	cancel()
	if got, err := g.WhoCanContext(ctx, "s3:PutObject", "arn:aws:s3:::data1/x", nil); err == nil || got != nil {
		t.Errorf("canceled: %d principals, error %v", len(got), err)
	}
}
