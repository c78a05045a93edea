package graph

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// An action applies to the resource types the Service Authorization
// Reference lists for it; one with none takes only "Resource": "*".
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestActionTakesResourceTypes(t *testing.T) {
	cases := []struct {
		name, action, pattern string
		want                  bool
	}{
		{"a role pattern names roles: iam:PassRole takes it", "iam:PassRole", "arn:aws:iam::111122223333:role/app-*", true},
		{"a role pattern names no user: iam:CreateUser does not take it", "iam:CreateUser", "arn:aws:iam::111122223333:role/app-*", false},
		{"an action with no resource type needs *: iam:ListUsers", "iam:ListUsers", "arn:aws:iam::111122223333:role/app-*", false},
		{"an action with no resource type needs *: iam:GetAccountSummary", "iam:GetAccountSummary", "arn:aws:iam::*:*", false},
		{"an action with no resource type takes *", "iam:ListUsers", "*", true},
		{"* takes every type", "iam:CreateUser", "*", true},
		{"a bucket ARN is no object", "s3:GetObject", "arn:aws:s3:::acme", false},
		{"objects of a bucket are objects", "s3:GetObject", "arn:aws:s3:::acme/*", true},
		{"a wildcard service-wide ARN names any type of the service", "s3:GetObject", "arn:aws:s3:::*", true},
		{"a short pattern's last * spans the remaining segments", "iam:CreateUser", "arn:aws:iam::*", true},
		{"another service's ARN is not the action's type", "s3:GetObject", "arn:aws:iam::111122223333:role/x", false},
		{"a wildcard account segment matches the account", "sts:AssumeRole", "arn:aws:iam::*:role/Deploy", true},
		{"a colon in the resource part does not shift the segments", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:function:f:prod", true},
		{"a region segment cannot hold the account's colon", "iam:CreateUser", "arn:aws:iam:a:b:c:user/x", false},
		{"a non-ARN names nothing of a type", "s3:GetObject", "bucket/key", false},
	}
	// A bucket name has no slash (bucket naming rules), so an object
	// pattern names no bucket: a Deny on NotResource "arn:aws:s3:::safe/*"
	// leaves s3:ListBucket nowhere to apply.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
	cases = append(cases, []struct {
		name, action, pattern string
		want                  bool
	}{
		{"an object pattern names no bucket: s3:ListBucket does not take it", "s3:ListBucket", "arn:aws:s3:::safe/*", false},
		{"a bucket ARN is a bucket", "s3:ListBucket", "arn:aws:s3:::acme", true},
		{"a wildcard bucket name is a bucket", "s3:ListBucket", "arn:aws:s3:::acme-*", true},
		{"* after the bucket name may stand for the bucket itself", "s3:ListBucket", "arn:aws:s3:::acme*", true},
		{"objects of every bucket are objects", "s3:GetObject", "arn:aws:s3:::*/*", true},
	}...)
	cat := actions.Load()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := cat.Lookup(tc.action)
			if !ok {
				t.Fatalf("%s not in the catalogue", tc.action)
			}
			if got := ActionTakes(a, tc.pattern); got != tc.want {
				t.Errorf("ActionTakes(%s, %q) = %v, want %v (types %+v)", tc.action, tc.pattern, got, tc.want, a.Resources)
			}
		})
	}
}

// The product-automaton search is checked against brute force: every
// string up to a small length over a small alphabet, matched against the
// pattern with the evaluator's own matcher and against the format as a
// regular expression. A witness must match both; when brute force finds a
// common string, the search must find one too.
func TestFitWitnessAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []byte("ab:/")
	patAlpha := []string{"a", "b", ":", "/", "*", "?"}
	fmtAlpha := []string{"a", "b", "/", "${V}", "${BucketName}"}
	randFrom := func(set []string, n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(set[rng.IntN(len(set))])
		}
		return b.String()
	}
	var all []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		all = append(all, prefix)
		if n == 0 {
			return
		}
		for _, c := range alpha {
			gen(prefix+string(c), n-1)
		}
	}
	gen("", 7)
	for iter := 0; iter < 400; iter++ {
		// A six-part format with short segments, and a pattern of one to
		// six segments.
		segs := make([]string, 6)
		for i := range segs {
			set := fmtAlpha
			if i < 5 {
				set = []string{"a", "b", "${V}", "${BucketName}"}
			}
			segs[i] = randFrom(set, rng.IntN(2))
		}
		format := strings.Join(segs, ":")
		pattern := randFrom(patAlpha, 1+rng.IntN(6))
		re := formatRegexp(format)
		pm := policy.CompileResource(pattern)
		want := false
		for _, s := range all {
			if pm.Match(s) && re.MatchString(s) {
				want = true
				break
			}
		}
		w, got := fitWitness(pattern, format)
		if got && !(pm.Match(w) && re.MatchString(w)) {
			t.Fatalf("pattern %q format %q: witness %q does not match both", pattern, format, w)
		}
		if want && !got {
			t.Fatalf("pattern %q format %q: brute force finds a common string, the search does not", pattern, format)
		}
	}
}

// formatRegexp reads a catalogue ARN format: ${…} is any text without a
// colon before the resource part, any text in it; ${BucketName} is text
// without a colon or a slash anywhere.
func formatRegexp(format string) *regexp.Regexp {
	segs := strings.SplitN(format, ":", 6)
	var b strings.Builder
	b.WriteString("^")
	for i, s := range segs {
		if i > 0 {
			b.WriteString(":")
		}
		v := "[^:]*"
		if i == 5 {
			v = ".*"
		}
		for j, part := range strings.Split(s, "${BucketName}") {
			if j > 0 {
				b.WriteString("[^:/]*")
			}
			for k, p := range strings.Split(part, "${V}") {
				if k > 0 {
					b.WriteString(v)
				}
				b.WriteString(regexp.QuoteMeta(p))
			}
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
