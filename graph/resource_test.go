package graph

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/model/policy"
)

func resourceFixture(t *testing.T) *Graph {
	a := fxNew(t, "111122223333")
	a.user("alice", nil, fxAllowAssumeAll)
	a.group("Admins")
	a.managed("ReadOnly", fxS3Read)
	r := a.role("Deploy", fxTrust("arn:aws:iam::111122223333:root"))
	r.Path, r.ARN = "/ci/", "arn:aws:iam::111122223333:role/ci/Deploy"
	a.role("dup", fxTrust(a.userARN("alice")))
	a.user("dup", nil)
	broken := a.role("Broken", fxTrust(a.userARN("alice")))
	broken.TrustPolicy.Policy = nil
	return fxBuild(t, a)
}

// RESOURCE names IAM entities the way PRINCIPAL does; other ARNs, "*" and
// patterns are evaluated as given. IAM ARNs and their paths:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func TestResolveResource(t *testing.T) {
	g := resourceFixture(t)
	const acct = "arn:aws:iam::111122223333:"
	cases := []struct {
		name, action, in string
		want             string // the ARN evaluated; "" when an error is expected
		err              string // part of the error
		assumption       string // part of the one assumption expected; "" for none
	}{
		{"a role's name is its ARN, path included", "sts:AssumeRole", "Deploy", acct + "role/ci/Deploy", "", ""},
		{"role/NAME", "sts:AssumeRole", "role/Deploy", acct + "role/ci/Deploy", "", ""},
		{"user/NAME", "iam:GetUser", "user/alice", acct + "user/alice", "", ""},
		{"group name", "iam:GetGroup", "Admins", acct + "group/Admins", "", ""},
		{"managed policy name", "iam:GetPolicy", "policy/ReadOnly", acct + "policy/ReadOnly", "", ""},
		{"full ARN", "sts:AssumeRole", acct + "role/ci/Deploy", acct + "role/ci/Deploy", "", ""},
		{"a path-less ARN is the one role of that name", "sts:AssumeRole", acct + "role/Deploy", acct + "role/ci/Deploy", "", ""},
		{"a wrong path is an error naming the role", "sts:AssumeRole", acct + "role/cd/Deploy", "", "did you mean " + acct + "role/ci/Deploy?", ""},
		{"a path-less ARN in the wrong case is an error naming the role", "sts:AssumeRole", acct + "role/deploy", "", "did you mean " + acct + "role/ci/Deploy?", ""},
		{"an entity ARN of a loaded account that names nothing", "iam:GetUser", acct + "user/gone", "", "account 111122223333 (fixture 111122223333) has no such user", ""},
		{"a group ARN of a loaded account that names nothing", "iam:GetGroup", acct + "group/Gone", "", "has no such group", ""},
		{"an ambiguous name lists the candidates", "iam:GetUser", "dup", "", "dup is ambiguous: arn:aws:iam::111122223333:role/dup, arn:aws:iam::111122223333:user/dup", ""},
		{"an unknown name", "s3:GetObject", "my-bucket", "", "no user, group, role or managed policy has that name", ""},
		{"sts:AssumeRole on a user is an error", "sts:AssumeRole", "user/alice", "", "not a role; sts:AssumeRole takes a role", ""},
		{"sts:AssumeRole on an S3 ARN is an error", "sts:AssumeRole", "arn:aws:s3:::bucket", "", "not a role ARN", ""},
		{"S3 ARNs pass through", "s3:GetObject", "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket/key", "", ""},
		{"other IAM resource types pass through", "iam:GetOpenIDConnectProvider", acct + "oidc-provider/example.com", acct + "oidc-provider/example.com", "", ""},
		{"* passes through", "s3:GetObject", "*", "*", "", ""},
		{"an ARN pattern passes through", "s3:GetObject", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/*", "", ""},
		{"a pattern for sts:AssumeRole consults no trust policy", "sts:AssumeRole", acct + "role/*", acct + "role/*", "", "no trust policy was consulted"},
		{"a bare pattern is an error", "s3:GetObject", "bucket*", "", "a pattern must be * or an ARN pattern", ""},
		{"a role of an account that is not loaded: its trust policy is unknown", "sts:AssumeRole", "arn:aws:iam::999988887777:role/X", "arn:aws:iam::999988887777:role/X", "", "account 999988887777 is not loaded"},
		{"a user of an account that is not loaded is no role to assume", "sts:AssumeRole", "arn:aws:iam::999988887777:user/x", "", "not a role", ""},
		{"a role whose trust policy did not parse", "sts:AssumeRole", "Broken", acct + "role/Broken", "", "could not be read"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := g.ResolveResource(c.action, c.in)
			if c.want == "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %+v, %v; want an error containing %q", got, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got.ARN != c.want {
				t.Errorf("ARN %s, want %s", got.ARN, c.want)
			}
			switch {
			case c.assumption == "" && len(got.Assumptions) > 0:
				t.Errorf("assumptions %q, want none", got.Assumptions)
			case c.assumption != "" && (len(got.Assumptions) != 1 || !strings.Contains(got.Assumptions[0], c.assumption)):
				t.Errorf("assumptions %q, want one containing %q", got.Assumptions, c.assumption)
			}
		})
	}
}

// A role's trust policy must always allow sts:AssumeRole*: when the
// snapshot lacks it, no identity policy, however broad, makes the answer
// "allow"; an explicit Deny still denies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestUnknownTrustPolicyIsNeverAllow(t *testing.T) {
	a := fxNew(t, "111122223333")
	a.user("admin", nil, fxAdmin)
	a.user("denied", nil, fxAdmin, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}`)
	broken := a.role("Broken", fxTrust("arn:aws:iam::111122223333:root"))
	broken.TrustPolicy.Policy = nil
	a.role("Open", fxTrust("*"))
	g := fxBuild(t, a)
	cases := []struct {
		name, who, role string
		want            policy.Decision
	}{
		{"an admin into a role of an account that is not loaded", "admin", "arn:aws:iam::999988887777:role/X", policy.ImplicitDeny},
		{"an admin into a role whose trust policy did not parse", "admin", "arn:aws:iam::111122223333:role/Broken", policy.ImplicitDeny},
		{"an admin into a role missing from its loaded account", "admin", "arn:aws:iam::111122223333:role/Gone", policy.ImplicitDeny},
		{"an outside account into a role of another account not loaded", "444455556666", "arn:aws:iam::999988887777:role/X", policy.ImplicitDeny},
		{"an explicit Deny still decides", "denied", "arn:aws:iam::999988887777:role/X", policy.ExplicitDeny},
		{"a known trust policy decides as before", "admin", "arn:aws:iam::111122223333:role/Open", policy.Allowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := g.Can(fxNode(t, g, c.who), "sts:AssumeRole", c.role, nil, false)
			if res.Decision != c.want || res.Conditional {
				t.Errorf("got %s conditional=%v, want %s", res.Decision, res.Conditional, c.want)
			}
			if c.want != policy.Allowed {
				for _, acc := range g.WhoCan("sts:AssumeRole", c.role, nil) {
					t.Errorf("who-can lists %s", acc.Principal.Label())
				}
			}
		})
	}
}
