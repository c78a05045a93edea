package graph

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

// perms and can/who-can answer the same question two ways: perms per
// principal over the catalogue, can per request. They must agree.
//
//   - Every resource a row lists, made concrete (a resource of one of the
//     action's types that the pattern names: fitWitness), is allowed by
//     can as the row says — unconditionally, or with more context — and the
//     principal is among who-can's answers for it.
//   - For a sample of actions and concrete resources (every loaded
//     principal ARN of the action's types and an ARN of each type), what can
//     allows, perms lists on a pattern that covers the resource.
//
// A row's restrictions (a Deny or boundary on some resources) are the
// documented exceptions to its patterns: a concrete resource they name is
// left out of the first check.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
func TestPermsAgreeWithCanAndWhoCan(t *testing.T) {
	graphs := map[string]*Graph{"demo": permsDemo(t)}
	for _, seed := range []uint64{31, 32} {
		acct, err := gen.Account(gen.Options{Users: 25, Roles: 35, Groups: 6, Policies: 25, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		g, err := Build([]*model.Snapshot{acct}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		graphs[fmt.Sprintf("generated seed %d", seed)] = g
	}
	graphs["generated seed 33 with keys and buckets"] = permsResourcesGraph(t, 33)
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			checked := 0
			for _, n := range append(append([]*Node{}, g.Users()...), g.Roles()...) {
				checked += checkPermsRows(t, g, n)
				checkCanCovered(t, g, n)
			}
			if checked == 0 {
				t.Fatal("no row checked")
			}
		})
	}
}

// permsResourcesGraph is a generated account with loaded resource
// policies: keys that delegate to the account, name one role only, name
// one user for some actions, could not be read, or belong to another
// account and delegate to this one; buckets, a queue and a secret whose
// policies name users, roles, the account or anyone.
//
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
func permsResourcesGraph(t *testing.T, seed uint64) *Graph {
	t.Helper()
	acct, err := gen.Account(gen.Options{Users: 20, Roles: 25, Groups: 5, Policies: 20, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	g0, err := Build([]*model.Snapshot{acct}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const own, other = "123456789012", "999988887777"
	users, roles := g0.Users(), g0.Roles()
	doc := func(stmts ...string) *model.Document {
		d := fxDoc(t, `{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`)
		return &d
	}
	allow := func(principal, action, resource string) string {
		return `{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"` + action + `","Resource":"` + resource + `"}`
	}
	key := func(account, id string) string { return "arn:aws:kms:us-east-1:" + account + ":key/" + id }
	res := []*model.Resource{
		{ARN: key(own, "delegate"), Type: model.TypeKMSKey, Account: own, Policy: doc(allow("arn:aws:iam::"+own+":root", "kms:*", "*"))},
		{ARN: key(own, "one-role"), Type: model.TypeKMSKey, Account: own, Policy: doc(allow(roles[0].ARN, "kms:*", "*"))},
		{ARN: key(own, "user-decrypt"), Type: model.TypeKMSKey, Account: own, Policy: doc(allow(users[1].ARN, "kms:Decrypt", "*"),
			allow(own, "kms:Describe*", "*"))},
		{ARN: key(own, "unreadable"), Type: model.TypeKMSKey, Account: own, Error: "AccessDeniedException"},
		{ARN: key(other, "shared"), Type: model.TypeKMSKey, Account: other, Policy: doc(allow("arn:aws:iam::"+own+":root", "kms:Decrypt", "*"),
			allow(roles[2].ARN, "kms:Encrypt", "*"))},
		{ARN: "arn:aws:s3:::data", Type: model.TypeS3Bucket, Account: own, Policy: doc(allow(users[2].ARN, "s3:GetObject", "arn:aws:s3:::data/reports/*"),
			allow(roles[3].ARN, "s3:ListBucket", "arn:aws:s3:::data"))},
		{ARN: "arn:aws:s3:::public", Type: model.TypeS3Bucket, Account: own, Policy: doc(allow("*", "s3:GetObject", "arn:aws:s3:::public/*"))},
		{ARN: "arn:aws:sqs:us-east-1:" + own + ":jobs", Type: model.TypeSQSQueue, Account: own, Policy: doc(allow(own, "sqs:SendMessage", "*"),
			allow(users[3].ARN, "sqs:ReceiveMessage", "*"))},
		{ARN: "arn:aws:secretsmanager:us-east-1:" + own + ":secret:db-AbCdEf", Type: model.TypeSecret, Account: own,
			Policy: doc(allow(roles[4].ARN, "secretsmanager:GetSecretValue", "*"))},
	}
	g, err := Build([]*model.Snapshot{acct}, Options{Resources: res})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// checkPermsRows checks every row of n's perms (a sample of an admin's)
// against can, and some against who-can. It returns how many resources it
// checked.
func checkPermsRows(t *testing.T, g *Graph, n *Node) int {
	t.Helper()
	cat := actions.Load()
	p := g.Permissions(n, PermFilter{})
	step := 1
	if len(p.Actions) > 2000 {
		step = 37 // an admin: a spread of the catalogue
	}
	checked := 0
	for i := 0; i < len(p.Actions); i++ {
		a := &p.Actions[i]
		act, _ := cat.Lookup(a.Action)
		if i%step != 0 && requirementOf(act) == requiresNone {
			continue
		}
		check := func(pattern string, conditional bool) {
			// A conditional pattern's witness is looked for outside the
			// unconditional ones, which decide the resources they cover.
			var avoid []string
			if conditional && !a.Conditional {
				avoid = a.Resources
			}
			r, ok := concreteResource(act, pattern, n.Account, avoid)
			if !ok {
				t.Errorf("%s %s: perms lists %q, which names no resource of the action's types", n.Label(), a.Action, pattern)
				return
			}
			if restricted(a, r) {
				return
			}
			checked++
			res := g.Can(n, a.Action, r, nil, false)
			switch {
			case a.Always:
			case !conditional && (res.Decision != policy.Allowed || res.Conditional):
				t.Errorf("%s %s on %s (from %q): perms says allowed unconditionally, can says %v (conditional %v, layer %v)",
					n.Label(), a.Action, r, pattern, res.Decision, res.Conditional, res.Layer)
			case conditional && !res.Conditional:
				t.Errorf("%s %s on %s (from %q): perms says conditional, can says %v (conditional %v)",
					n.Label(), a.Action, r, pattern, res.Decision, res.Conditional)
			}
			if checked%25 == 1 && !a.Always {
				found := false
				for _, acc := range g.WhoCan(a.Action, r, nil) {
					found = found || acc.Principal == n
				}
				if !found {
					t.Errorf("%s %s on %s: perms allows it, who-can does not list the principal", n.Label(), a.Action, r)
				}
			}
		}
		for _, r := range a.Resources {
			check(r, a.Conditional)
		}
		for _, r := range a.ConditionalResources {
			check(r, true)
		}
		// Where the resource's own policy is required (a key), a pattern
		// must hold for every loaded resource it covers, not only a
		// witness: those whose policy says otherwise are left out.
		if requirementOf(act) != requiresKey {
			continue
		}
		for _, r := range loadedResources(g) {
			if !ActionTakes(act, r) || restricted(a, r) {
				continue
			}
			uncond := !a.Conditional && covers(a.Resources, r)
			if !uncond && !covers(a.Resources, r) && !covers(a.ConditionalResources, r) {
				continue
			}
			checked++
			res := g.Can(n, a.Action, r, nil, false)
			switch {
			case uncond && (res.Decision != policy.Allowed || res.Conditional):
				t.Errorf("%s %s on loaded %s: perms says allowed unconditionally, can says %v (conditional %v, layer %v)",
					n.Label(), a.Action, r, res.Decision, res.Conditional, res.Layer)
			case !uncond && res.Decision != policy.Allowed && !res.Conditional:
				t.Errorf("%s %s on loaded %s: perms says conditional, can says %v", n.Label(), a.Action, r, res.Decision)
			}
		}
	}
	return checked
}

// loadedResources returns the ARNs of the loaded resources, and an object
// of each bucket.
func loadedResources(g *Graph) []string {
	var out []string
	for a, e := range g.res.byARN {
		out = append(out, a)
		if e.r.Type == model.TypeS3Bucket {
			out = append(out, a+"/reports/x.csv")
		}
	}
	sort.Strings(out)
	return out
}

// concreteResource returns a resource of one of the action's types that the
// pattern names: "*" for an action with no type. It prefers a plausible ARN
// (partition aws, a region, the given account) when the pattern names one,
// as a request would, and not covered by avoid: the shortest witness
// fitWitness builds has empty partition and account, which names no
// resource AWS has.
func concreteResource(act *actions.Action, pattern, account string, avoid []string) (string, bool) {
	if act == nil || len(act.Resources) == 0 {
		return "*", coversAll(pattern)
	}
	for _, rt := range act.Resources {
		w := sampleARN(rt.ARN, account)
		segs := strings.SplitN(w, ":", 6)
		if len(segs) == 6 && (segs[4] == account || segs[4] == "") && policy.CompileResource(pattern).Match(w) && !covers(avoid, w) {
			return w, true
		}
	}
	for _, rt := range act.Resources {
		if w, ok := fitWitness(pattern, rt.ARN); ok {
			return w, true
		}
	}
	return "", false
}

// restricted reports whether a restriction of the row takes r away: a
// Deny without conditions whose resources name r, or a boundary or SCP
// that allows only resources r is not among; or an Allow's NotResource.
func restricted(a *ActionPerm, r string) bool {
	for _, rs := range a.Restrictions {
		hit := len(rs.Resources) == 0
		for _, p := range rs.Resources {
			hit = hit || policy.CompileResource(p).Match(r)
		}
		applies := hit != rs.NotResource
		switch {
		case rs.Layer == policy.LayerExplicitDeny && applies && len(rs.ConditionKeys) == 0:
			return true
		case rs.Layer != policy.LayerExplicitDeny && !applies:
			return true
		}
	}
	for _, p := range a.NotResources {
		if policy.CompileResource(p).Match(r) {
			return true
		}
	}
	return false
}

// checkCanCovered asks can about a sample of actions on concrete resources
// and checks perms covers what it allows.
func checkCanCovered(t *testing.T, g *Graph, n *Node) {
	t.Helper()
	cat := actions.Load()
	p := g.Permissions(n, PermFilter{})
	var sample []*actions.Action
	for id := 0; id < cat.Len(); id += 211 {
		sample = append(sample, cat.Action(id))
	}
	for _, name := range []string{"s3:GetObject", "s3:ListBucket", "iam:PassRole", "iam:CreateUser", "iam:ListUsers",
		"ec2:RunInstances", "sts:AssumeRole", "iam:CreateAccessKey", "lambda:InvokeFunction",
		"kms:Decrypt", "kms:Encrypt", "kms:DescribeKey", "kms:CreateAlias", "kms:ListKeys", "sqs:SendMessage", "sqs:ReceiveMessage",
		"secretsmanager:GetSecretValue"} {
		a, _ := cat.Lookup(name)
		sample = append(sample, a)
	}
	var loaded []string
	for _, m := range append(append([]*Node{}, g.Users()...), g.Roles()...) {
		loaded = append(loaded, m.ARN)
	}
	loaded = append(loaded, loadedResources(g)...)
	for _, act := range sample {
		resources := []string{"*"}
		if len(act.Resources) > 0 {
			resources = nil
			// A role ARN that names no loaded role has no trust policy to
			// read: can must not say "allow" there (issue 10 item 1, on
			// branch trust), so only loaded roles are asked.
			if !requiresResourcePolicy(act.String()) {
				for _, rt := range act.Resources {
					resources = append(resources, sampleARN(rt.ARN, n.Account))
				}
			}
			for _, r := range loaded {
				if ActionTakes(act, r) {
					resources = append(resources, r)
				}
			}
		}
		row := findAction(p, act.String())
		for _, r := range resources {
			res := g.Can(n, act.String(), r, nil, false)
			if res.Decision != policy.Allowed && !res.Conditional {
				continue
			}
			if row == nil {
				t.Errorf("%s %s on %s: can says %v (conditional %v), perms does not list the action", n.Label(), act, r, res.Decision, res.Conditional)
				continue
			}
			unconditional := row.Resources
			if row.Conditional {
				unconditional = nil
			}
			switch {
			case !res.Conditional && !covers(unconditional, r):
				t.Errorf("%s %s on %s: can allows unconditionally, perms lists %v (conditional %v)", n.Label(), act, r, row.Resources, row.Conditional)
			case res.Conditional && !covers(row.Resources, r) && !covers(row.ConditionalResources, r):
				t.Errorf("%s %s on %s: can allows with more context, perms lists %v and %v", n.Label(), act, r, row.Resources, row.ConditionalResources)
			}
		}
	}
}

func covers(patterns []string, r string) bool {
	for _, p := range patterns {
		if policy.CompileResource(p).Match(r) {
			return true
		}
	}
	return false
}

// sampleARN fills a catalogue ARN format with plausible values: the
// account segment's variable (${Account}, ${AccountId} …) with account.
func sampleARN(format, account string) string {
	r := strings.NewReplacer("${Partition}", "aws", "${Region}", "us-east-1")
	s := r.Replace(format)
	if segs := strings.SplitN(s, ":", 6); len(segs) == 6 && strings.HasPrefix(segs[4], "${") && strings.HasSuffix(segs[4], "}") {
		segs[4] = account
		s = strings.Join(segs, ":")
	}
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return s
		}
		s = s[:i] + "x" + s[i+j+1:]
	}
}
