package graph

import (
	"slices"
	"testing"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// The Service Authorization Reference lists which condition keys a request
// for each action can carry; a key of the action's own service that is not
// listed is absent from every such request. s3:prefix belongs to
// s3:ListBucket, not s3:GetObject.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
func TestServiceKeysAbsentFromAnAction(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*",
		"Condition":{"StringLike":{"s3:prefix":"home/*"}}}}`
	a := fxNew(t, "111122223333")
	a.user("dana", nil, doc)
	g := fxBuild(t, a)
	dana := fxNode(t, g, "dana")
	cases := []struct {
		name        string
		action      string
		decision    policy.Decision
		conditional bool
		missing     []string
	}{
		{"key the action never carries refutes the grant", "s3:GetObject", policy.ImplicitDeny, false, nil},
		{"key the action carries makes the grant conditional", "s3:ListBucket", policy.ImplicitDeny, true, []string{"s3:prefix"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := g.Can(dana, tc.action, "*", nil, false)
			if r.Decision != tc.decision || r.Conditional != tc.conditional || !slices.Equal(r.MissingContext, tc.missing) {
				t.Errorf("got %v conditional=%v missing=%v, want %v conditional=%v missing=%v",
					r.Decision, r.Conditional, r.MissingContext, tc.decision, tc.conditional, tc.missing)
			}
		})
	}
}

func TestAbsentServiceKeys(t *testing.T) {
	cat := actions.Load()
	absent := absentServiceKeys(cat, "s3:GetObject")
	for _, want := range []string{"s3:prefix", "s3:max-keys"} {
		if !slices.Contains(absent, want) {
			t.Errorf("s3:GetObject: %s not listed as absent (got %d keys)", want, len(absent))
		}
	}
	for _, applicable := range []string{"s3:existingobjecttag/", "s3:tlsversion"} {
		if slices.Contains(absent, applicable) {
			t.Errorf("s3:GetObject: %s listed as absent, but the action carries it", applicable)
		}
	}
	for _, k := range absent {
		if len(k) < 4 || k[:3] != "s3:" {
			t.Errorf("s3:GetObject: %q is not an s3 key: only the action's own service is assumed", k)
		}
	}
	if got := absentServiceKeys(cat, "nosuch:Action"); got != nil {
		t.Errorf("unknown action: got %v, want nil (assume nothing)", got)
	}
}

// A request carries only the condition keys the Service Authorization
// Reference lists for its action, plus global aws: keys: a caller's -c key
// of the action's own service that the action never carries is ignored, in
// can and who-can alike.
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func TestRequestContextDropsKeysTheActionNeverCarries(t *testing.T) {
	acct := newPermsAccount(t)
	acct.user("prefixed", "", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*"}}},
		{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`)
	g := acct.build()
	n := resolvePerms(t, g, "prefixed")
	cases := []struct {
		name, action, resource, key, value string
		allowed                            bool
		ignored                            bool
	}{
		{"a service key the action never carries is ignored: s3:prefix on s3:GetObject", "s3:GetObject", "arn:aws:s3:::b/home/x", "s3:prefix", "home/x", false, true},
		{"a service key the catalogue lists for the action applies: s3:prefix on s3:ListBucket", "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/x", true, false},
		{"global aws: keys always apply", "sqs:SendMessage", "arn:aws:sqs:us-east-1:" + permsAcct + ":q", "aws:SourceIp", "192.0.2.7", true, false},
		{"another service's key is kept", "sqs:SendMessage", "arn:aws:sqs:us-east-1:" + permsAcct + ":q", "s3:prefix", "x", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := policy.Context{}
			ctx.Set(tc.key, tc.value)
			_, dropped := g.RequestContext(tc.action, ctx)
			if got := len(dropped) > 0; got != tc.ignored {
				t.Errorf("ignored %v, want %v", dropped, tc.ignored)
			}
			res := g.Can(n, tc.action, tc.resource, ctx, false)
			if got := res.Decision == policy.Allowed && !res.Conditional; got != tc.allowed {
				t.Errorf("can: %v (conditional %v), want allowed %v", res.Decision, res.Conditional, tc.allowed)
			}
			listed := false
			for _, a := range g.WhoCan(tc.action, tc.resource, ctx) {
				if a.Principal == n && !a.Conditional {
					listed = true
				}
			}
			if listed != tc.allowed {
				t.Errorf("who-can lists it unconditionally: %v, want %v", listed, tc.allowed)
			}
		})
	}
}
