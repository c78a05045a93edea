package graph

import (
	"slices"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// Perms with KMS key policies and other resource-based policies. A key
// policy is required: "no AWS principal has any permissions to a KMS key
// unless that permission is explicitly allowed in the key policy", directly
// or by delegating to the account's IAM policies; a key iamx has not read
// is taken to have the default key policy (delegation), and the answer says
// so; a key of another account is never "allowed" from the identity side
// alone. Other resource policies that name the principal grant on their
// own in the same account, and naming the account only hands the decision
// to its IAM policies.
//
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
func TestPermissionsKeyAndResourcePolicies(t *testing.T) {
	const other = "999988887777"
	acct := newPermsAccount(t)
	key := func(account, id string) string { return "arn:aws:kms:us-east-1:" + account + ":key/" + id }
	allow := func(principal, action, resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"` + action + `","Resource":"` + resource + `"}]}`
	}
	resource := func(a, typ, account, doc string) *model.Resource {
		r := &model.Resource{ARN: a, Type: typ, Account: account}
		if doc != "" {
			d := acct.doc(doc)
			r.Policy = &d
		}
		return r
	}
	user := func(name string) string { return "arn:aws:iam::" + permsAcct + ":user/" + name }
	acct.user("kmsall", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`)
	acct.user("ownkeys", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:`+permsAcct+`:key/*"}]}`)
	acct.user("keyuser", "")
	acct.user("nopolicy", "")
	unreadable := resource(key(permsAcct, "unreadable"), model.TypeKMSKey, permsAcct, "")
	unreadable.Error = "AccessDeniedException"
	acct.s.Resources = []*model.Resource{
		resource(key(permsAcct, "delegate"), model.TypeKMSKey, permsAcct, allow("arn:aws:iam::"+permsAcct+":root", "kms:*", "*")),
		resource(key(permsAcct, "named"), model.TypeKMSKey, permsAcct, allow(user("keyuser"), "kms:*", "*")),
		unreadable,
		resource(key(other, "shared"), model.TypeKMSKey, other, allow("arn:aws:iam::"+permsAcct+":root", "kms:Decrypt", "*")),
		resource("arn:aws:s3:::data", model.TypeS3Bucket, permsAcct, allow(user("nopolicy"), "s3:GetObject", "arn:aws:s3:::data/*")),
		resource("arn:aws:sqs:us-east-1:"+permsAcct+":jobs", model.TypeSQSQueue, permsAcct, allow(permsAcct, "sqs:SendMessage", "*")),
	}
	g := acct.build()
	ownKeys := "arn:*:kms:*:" + permsAcct + ":key/*"
	cases := []struct {
		name, principal, action string
		resources               []string // unconditional; nil: not listed
		notResources            []string
		unknown                 []string
		assumed                 bool   // the answer says it assumed the default key policy (for some row)
		source                  string // a resource policy among the row's sources
	}{
		{name: "IAM allow applies to keys delegating to the account, not to a key naming someone else; unknown beyond the loaded accounts",
			principal: "kmsall", action: "kms:Decrypt", resources: []string{ownKeys, key(other, "shared")},
			notResources: []string{key(permsAcct, "named")}, unknown: []string{"*"}, assumed: true, source: "key policy of " + key(other, "shared")},
		{name: "a key policy that cannot be read is taken as the default one: not excepted",
			principal: "kmsall", action: "kms:DescribeKey", resources: []string{ownKeys},
			notResources: []string{key(permsAcct, "named")}, unknown: []string{"*"}, assumed: true},
		{name: "an identity pattern inside the account leaves nothing unknown",
			principal: "ownkeys", action: "kms:Decrypt", resources: []string{"arn:aws:kms:us-east-1:" + permsAcct + ":key/*"},
			notResources: []string{key(permsAcct, "named")}, assumed: true},
		{name: "a key policy naming the user grants with no identity allow",
			principal: "keyuser", action: "kms:Encrypt", resources: []string{key(permsAcct, "named")}, source: "key policy of " + key(permsAcct, "named")},
		{name: "aliases are decided by identity policies; keys by their key policy",
			principal: "kmsall", action: "kms:CreateAlias", resources: []string{"arn:*:kms:*:*:alias/*", ownKeys},
			notResources: []string{key(permsAcct, "named")}, unknown: []string{"*"}, assumed: true},
		{name: "an action on no resource type needs no key policy",
			principal: "kmsall", action: "kms:ListKeys", resources: []string{"*"}, assumed: true},
		{name: "a bucket policy naming the user grants its objects with no identity allow",
			principal: "nopolicy", action: "s3:GetObject", resources: []string{"arn:aws:s3:::data/*"}, source: "bucket policy of arn:aws:s3:::data"},
		{name: "a queue policy naming the account hands the decision to IAM policies: nothing without an identity allow",
			principal: "nopolicy", action: "sqs:SendMessage"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := resolvePerms(t, g, tc.principal)
			p := g.Permissions(n, PermFilter{})
			a := findAction(p, tc.action)
			switch {
			case tc.resources == nil && a != nil:
				t.Fatalf("%s listed: %+v", tc.action, a)
			case tc.resources == nil:
			case a == nil || a.Conditional || !slices.Equal(a.Resources, tc.resources):
				t.Fatalf("%s = %+v, want unconditional on %v", tc.action, a, tc.resources)
			case !slices.Equal(a.NotResources, tc.notResources):
				t.Errorf("not resources %v, want %v", a.NotResources, tc.notResources)
			}
			if tc.source != "" && a != nil && !slices.ContainsFunc(a.Sources, func(r StatementRef) bool {
				return r.PolicyName == tc.source && r.PolicyType == policy.ResourcePolicy
			}) {
				t.Errorf("sources %+v do not name %s", a.Sources, tc.source)
			}
			var unknown []string
			for _, u := range p.Unknown {
				if u.Action == tc.action {
					unknown = u.Resources
				}
			}
			if !slices.Equal(unknown, tc.unknown) {
				t.Errorf("unknown %v, want %v", unknown, tc.unknown)
			}
			if got := slices.Contains(p.Assumptions, DefaultKeyPolicyAssumption(permsAcct)); got != tc.assumed {
				t.Errorf("default key policy assumed = %v, want %v (%v)", got, tc.assumed, p.Assumptions)
			}
		})
	}
}

// BenchmarkPermissionsResources is the admin's and a named role's
// effective permissions on the reference account with 1,000 bucket, 500 key
// and 500 queue policies loaded (benchResources): kms rows come from the
// key policies, grants from the policies naming the role.
func BenchmarkPermissionsResources(b *testing.B) {
	snap, g0 := benchReference(b)
	g, err := Build([]*model.Snapshot{snap}, Options{Resources: benchResources(b, g0)})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		n    *Node
	}{{"admin", g.byARN[firstAdmin(b, g0).ARN]}, {"named-role", g.byARN[g0.Roles()[0].ARN]}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if p := g.Permissions(c.n, PermFilter{}); len(p.Actions) == 0 {
					b.Fatal("no actions")
				}
			}
		})
	}
}

// One evaluation per class of actions and resource (resourceGrants) gives
// what asking about every action does, for every principal of a generated
// account with loaded key, bucket, queue and secret policies and of the
// demo.
func TestResourceGrantClassesAgreeWithEachAction(t *testing.T) {
	cat := actions.Load()
	for name, g := range map[string]*Graph{"generated with resources": permsResourcesGraph(t, 34), "demo": permsDemo(t)} {
		t.Run(name, func(t *testing.T) {
			compared, saved := 0, false
			for _, n := range append(append([]*Node{}, g.Users()...), g.Roles()...) {
				ps := g.permSet(n).compile()
				fast, nfast := ps.resourceGrantsBy(cat, nil, true)
				slow, nslow := ps.resourceGrantsBy(cat, nil, false)
				saved = saved || nfast < nslow
				if len(fast) != len(slow) {
					t.Errorf("%s: grants for %d actions by class, %d one by one", n.Label(), len(fast), len(slow))
				}
				for id, want := range slow {
					got := fast[id]
					compared += len(want)
					if len(got) != len(want) {
						t.Errorf("%s %s: %d grants by class, %d one by one", n.Label(), cat.Action(id), len(got), len(want))
						continue
					}
					for i := range want {
						if got[i].rp != want[i].rp || got[i].res.Decision != want[i].res.Decision || got[i].res.Conditional != want[i].res.Conditional ||
							!slices.Equal(got[i].res.MissingContext, want[i].res.MissingContext) {
							t.Errorf("%s %s on %s: by class %+v, one by one %+v", n.Label(), cat.Action(id), want[i].rp.arn, got[i].res, want[i].res)
						}
					}
				}
			}
			if compared == 0 {
				t.Fatal("no grant compared")
			}
			if name != "demo" && !saved {
				t.Fatal("no request was shared by a class: the fast path was not exercised")
			}
		})
	}
}

// narrow writes the part of a policy pattern that names resources of one
// type (in one account) as a pattern: never more than the pattern names
// (the evaluator's segment matching), and for "*" the type's whole format.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestNarrowPattern(t *testing.T) {
	const keyFmt = "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"
	const aliasFmt = "arn:${Partition}:kms:${Region}:${Account}:alias/${Alias}"
	cases := []struct {
		name, pattern, format, account, want string
	}{
		{"* names every key", "*", keyFmt, "", "arn:*:kms:*:*:key/*"},
		{"* names every key of the account", "*", keyFmt, "111122223333", "arn:*:kms:*:111122223333:key/*"},
		{"* names every alias", "*", aliasFmt, "", "arn:*:kms:*:*:alias/*"},
		{"a service-wide pattern keeps its partition", "arn:aws:kms:*", keyFmt, "111122223333", "arn:aws:kms:*:111122223333:key/*"},
		{"a region's keys keep the region", "arn:aws:kms:eu-west-1:*:key/*", keyFmt, "111122223333", "arn:aws:kms:eu-west-1:111122223333:key/*"},
		{"a key pattern names no alias", "arn:aws:kms:*:*:key/*", aliasFmt, "", ""},
		{"another account's keys are none of this one's", "arn:aws:kms:*:999988887777:key/*", keyFmt, "111122223333", ""},
		{"another service names no key", "arn:aws:s3:::*", keyFmt, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := narrow(tc.pattern, tc.format, tc.account)
			if !ok {
				got = ""
			}
			if got != tc.want {
				t.Fatalf("narrow(%q) = %q, want %q", tc.pattern, got, tc.want)
			}
			if got == "" {
				return
			}
			// The slow obvious checks: it fits the format, and a witness
			// of it is one the pattern names.
			w, fits := fitWitness(got, tc.format)
			if !fits || !policy.CompileResource(tc.pattern).Match(w) {
				t.Errorf("%q: witness %q (fits %v) is not named by %q", got, w, fits, tc.pattern)
			}
		})
	}
}
