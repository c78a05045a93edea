package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

// trustFixture is one account, 111122223333, with a role per trust rule, and
// a second account, 222233334444, for cross-account trust.
func trustFixture(t *testing.T) *Graph {
	a := fxNew(t, "111122223333")
	a.user("alice", nil, fxAllowAssumeAll) // may assume anything her trust allows
	a.user("bob", nil)                     // no identity policies
	a.user("dan", nil, fxAllowAssumeAll)
	a.user("carol", nil, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/Other*"}]}`)

	a.role("NamesBob", fxTrust(a.userARN("bob")))
	a.role("TrustsRoot", fxTrust("arn:aws:iam::111122223333:root"))
	a.role("TrustsAccountID", fxTrust("111122223333"))
	a.role("NeedsMFA", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)
	a.role("DenyAllButAlice", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"},
		{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"]},"Action":"sts:AssumeRole"}]}`)
	a.role("NotPrincipalNoAccount", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}]}`)
	a.role("DeletedUnique", fxTrust("AROAEXAMPLEDELETED123"))
	a.role("DeletedARN", fxTrust(a.userARN("gone")))
	a.role("Lambda", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	a.role("GitHub", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
		"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
		             "StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}]}`)
	a.role("SAML", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},
		"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`)
	a.role("Vendor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},
		"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}]}`)
	a.role("Open", fxTrust("*"))
	a.role("FromB", fxTrust("arn:aws:iam::222233334444:root"))
	a.role("NamesBUser", fxTrust("arn:aws:iam::222233334444:user/dave"))

	b := fxNew(t, "222233334444")
	b.user("dave", nil) // named by NamesBUser but has no identity allow
	b.user("erin", nil, fxAllowAssumeAll)
	return fxBuild(t, a, b)
}

// Role trust and the identity side, same account and cross-account:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
func TestTrustEdges(t *testing.T) {
	g := trustFixture(t)
	const A, B = "111122223333", "222233334444"
	u := func(acct, name string) string { return "arn:aws:iam::" + acct + ":user/" + name }
	r := func(acct, name string) string { return "arn:aws:iam::" + acct + ":role/" + name }
	cases := []struct {
		name        string
		from, to    string
		want        bool
		kind        string
		conditional bool
		condKey     string // a condition key the edge must carry
	}{
		{"same-account trust naming the user needs no identity allow", u(A, "bob"), r(A, "NamesBob"), true, EdgeAssumeRole, false, ""},
		{"trust naming the account root needs an identity allow (alice has one)", u(A, "alice"), r(A, "TrustsRoot"), true, EdgeAssumeRole, false, ""},
		{"trust naming the account root: no identity allow, no edge", u(A, "bob"), r(A, "TrustsRoot"), false, "", false, ""},
		{"identity allow on other resources does not count", u(A, "carol"), r(A, "TrustsRoot"), false, "", false, ""},
		{"an account ID names the root", u(A, "alice"), r(A, "TrustsAccountID"), true, EdgeAssumeRole, false, ""},
		{"the account root itself gets an edge", "arn:aws:iam::111122223333:root", r(A, "TrustsRoot"), true, EdgeAssumeRole, false, ""},
		{"MFA condition makes the edge conditional", u(A, "alice"), r(A, "NeedsMFA"), true, EdgeAssumeRole, true, "aws:MultiFactorAuthPresent"},
		{"Deny with NotPrincipal spares the listed principal", u(A, "alice"), r(A, "DenyAllButAlice"), true, EdgeAssumeRole, false, ""},
		{"Deny with NotPrincipal denies everyone else", u(A, "dan"), r(A, "DenyAllButAlice"), false, "", false, ""},
		{"Deny with NotPrincipal that omits the account denies the listed user too", u(A, "alice"), r(A, "NotPrincipalNoAccount"), false, "", false, ""},
		{"service principal", "lambda.amazonaws.com", r(A, "Lambda"), true, EdgeService, false, ""},
		{"OIDC provider with sub condition", "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", r(A, "GitHub"), true, EdgeWebIdentity, true, "token.actions.githubusercontent.com:sub"},
		{"SAML provider", "arn:aws:iam::111122223333:saml-provider/Okta", r(A, "SAML"), true, EdgeSAML, true, "SAML:aud"},
		{"external account with ExternalId", "arn:aws:iam::999988887777:root", r(A, "Vendor"), true, EdgeAssumeRole, true, "sts:ExternalId"},
		{"open trust admits anyone", "*", r(A, "Open"), true, EdgeAssumeRole, false, ""},
		{"open trust admits a same-account user without identity allow", u(A, "bob"), r(A, "Open"), true, EdgeAssumeRole, false, ""},
		{"open trust: cross-account principal still needs its identity allow", u(B, "dave"), r(A, "Open"), false, "", false, ""},
		{"open trust: cross-account principal with identity allow", u(B, "erin"), r(A, "Open"), true, EdgeAssumeRole, false, ""},
		{"cross-account root trust, identity allow in the loaded account", u(B, "erin"), r(A, "FromB"), true, EdgeAssumeRole, false, ""},
		{"cross-account root trust, no identity allow", u(B, "dave"), r(A, "FromB"), false, "", false, ""},
		{"cross-account trust naming the user still needs its identity allow", u(B, "dave"), r(A, "NamesBUser"), false, "", false, ""},
		{"a trust naming a deleted principal's unique ID", "AROAEXAMPLEDELETED123", r(A, "DeletedUnique"), true, EdgeAssumeRole, false, ""},
		{"a trust naming a user missing from its loaded account", u(A, "gone"), r(A, "DeletedARN"), true, EdgeAssumeRole, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := fxEdge(g, c.from, c.to)
			if (e != nil) != c.want {
				t.Fatalf("edge %s → %s: got %v, want %v", c.from, c.to, e != nil, c.want)
			}
			if e == nil {
				return
			}
			if e.Kind != c.kind {
				t.Errorf("kind = %q, want %q", e.Kind, c.kind)
			}
			if e.Conditional != c.conditional {
				t.Errorf("conditional = %v, want %v (missing %v)", e.Conditional, c.conditional, e.MissingContext)
			}
			if c.condKey != "" {
				found := false
				for _, cd := range e.Conditions {
					found = found || strings.EqualFold(cd.Key, c.condKey)
				}
				if !found {
					t.Errorf("conditions %+v lack %s", e.Conditions, c.condKey)
				}
			}
			if !e.From.Dangling && len(e.Reasons) == 0 {
				t.Errorf("edge has no reasons")
			}
		})
	}
}

// A principal that no longer exists is kept as a flagged external node.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
func TestTrustDanglingPrincipals(t *testing.T) {
	g := trustFixture(t)
	for _, id := range []string{"AROAEXAMPLEDELETED123", "arn:aws:iam::111122223333:user/gone"} {
		n := g.Node(id)
		if n == nil || n.Kind != KindExternal || !n.Dangling {
			t.Errorf("%s: got %+v, want a dangling external node", id, n)
		}
	}
	// A principal of an account that is not loaded is unknown, not dangling.
	if n := g.Node("arn:aws:iam::999988887777:root"); n == nil || n.Dangling {
		t.Errorf("external account root: got %+v", n)
	}
}

func TestAssumesMirrorsAssumableBy(t *testing.T) {
	g := trustFixture(t)
	count := 0
	for _, n := range g.Nodes() {
		for _, e := range g.Assumes(n) {
			if e.From != n {
				t.Fatalf("Assumes(%s) has edge from %s", n.Label(), e.From.Label())
			}
			if fxEdge(g, n.ARN, e.To.ARN) == nil {
				t.Errorf("edge %s → %s missing from AssumableBy", n.Label(), e.To.Label())
			}
			count++
		}
	}
	if count != g.EdgeCount() || count == 0 {
		t.Errorf("edges: counted %d, EdgeCount %d", count, g.EdgeCount())
	}
}

// Delegated edges are decided per class of principal and role; they must
// agree with deciding every pair one by one. A role assuming itself is left
// out: AWS requires its trust policy to name it explicitly.
// https://aws.amazon.com/blogs/security/announcing-an-update-to-iam-role-trust-policy-behavior/
func TestDelegatedEdgesMatchPairwise(t *testing.T) {
	small, err := gen.Account(gen.Options{Users: 80, Roles: 120, Groups: 10, Policies: 60, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	smallGraph, err := Build([]*model.Snapshot{small}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*Graph{"trust": trustFixture(t), "who-can": whoCanFixture(t), "demo": demoGraph(t), "generated": smallGraph} {
		t.Run(name, func(t *testing.T) {
			checkAssumesPairwise(t, g)
		})
	}
}

// A Deny's condition is what must not hold: a deny-without-MFA guard
// (BoolIfExists aws:MultiFactorAuthPresent false) on alice's group blocks her
// hop into ProdAdminRole unless she has MFA. The hop lists the trust's Allow
// condition as what must hold and the Deny's as what must not, never the two
// together as if both had to be true.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEdgeSeparatesDenyConditions(t *testing.T) {
	g := demoGraph(t)
	alice, role := fxNode(t, g, "user/alice"), fxNode(t, g, "role/ProdAdminRole")
	var edge *Edge
	for _, e := range g.Assumes(alice) {
		if e.To == role {
			edge = &e
			break
		}
	}
	if edge == nil {
		t.Fatal("no edge alice → ProdAdminRole")
	}
	has := func(list []policy.Condition, op, value string) bool {
		for _, c := range list {
			if c.Operator == op && strings.EqualFold(c.Key, "aws:MultiFactorAuthPresent") && len(c.Values) == 1 && c.Values[0] == value {
				return true
			}
		}
		return false
	}
	if !edge.Conditional || !has(edge.Conditions, "Bool", "true") || has(edge.Conditions, "BoolIfExists", "false") || !has(edge.Unless, "BoolIfExists", "false") {
		t.Fatalf("edge conditional=%v conditions=%+v unless=%+v; want the Allow's Bool true as a condition and the Deny's BoolIfExists false only under unless",
			edge.Conditional, edge.Conditions, edge.Unless)
	}
}

// A trust policy that names the account root delegates to the account's
// identity policies, and "${aws:username}" in an identity policy's Resource
// resolves per user: alice may assume role/alice, bob may not, though both
// hold the same managed policy. Delegated classes must keep them apart.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestDelegationSeparatesPrincipalsByResourceVariables(t *testing.T) {
	a := fxNew(t, "111122223333")
	arn := a.managed("AssumeOwnRole", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
		"Resource":"arn:aws:iam::111122223333:role/${aws:username}"}]}`)
	for _, name := range []string{"alice", "bob"} {
		u := a.user(name, nil)
		u.AttachedPolicies = []model.AttachedPolicy{{Name: "AssumeOwnRole", ARN: arn}}
	}
	a.role("alice", fxTrust("arn:aws:iam::111122223333:root"))
	g := fxBuild(t, a)
	role := fxNode(t, g, "role/alice")
	for _, tc := range []struct {
		user string
		want bool
	}{{"alice", true}, {"bob", false}} {
		u := fxNode(t, g, "user/"+tc.user)
		has := false
		for _, e := range g.Assumes(u) {
			has = has || e.To == role
		}
		can := g.Can(u, "sts:AssumeRole", role.ARN, nil, false).Decision == policy.Allowed
		if has != tc.want || can != tc.want {
			t.Errorf("user/%s → role/alice: edge %v, evaluator allows %v; want both %v", tc.user, has, can, tc.want)
		}
	}
}

// sortEdges orders edges as a stable sort by edgeLess does, ties (same
// name and kind) kept in the order they came.
func TestSortEdgesMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	nodes := []*Node{
		{Kind: KindUser, Name: "a", ARN: "arn:aws:iam::1:user/a"}, {Kind: KindUser, Name: "a", ARN: "arn:aws:iam::2:user/a"},
		{Kind: KindRole, Name: "a", ARN: "arn:aws:iam::1:role/a"}, {Kind: KindRole, Name: "b", ARN: "arn:aws:iam::1:role/b"},
		{Kind: KindExternal, Name: "*", ARN: "*"},
	}
	kinds := []string{EdgeAssumeRole, EdgeService, "sts:AssumeRoleWithWebIdentity"}
	for _, n := range []int{0, 1, 2, 5, 40, 300} {
		for _, presorted := range []bool{false, true} {
			edges := make([]Edge, n)
			for i := range edges {
				edges[i] = Edge{From: nodes[rng.IntN(len(nodes))], Kind: kinds[rng.IntN(len(kinds))], MissingContext: []string{fmt.Sprint(i)}}
			}
			want := slices.Clone(edges)
			sort.SliceStable(want, func(i, j int) bool { return edgeLess(want[i].From, want[j].From, want[i].Kind, want[j].Kind) })
			if presorted {
				edges = slices.Clone(want)
			}
			sortEdges(edges, func(e *Edge) *Node { return e.From })
			for i := range want {
				if edges[i].From != want[i].From || edges[i].Kind != want[i].Kind || edges[i].MissingContext[0] != want[i].MissingContext[0] {
					t.Fatalf("n=%d presorted=%v: edge %d is %s %s #%s, stable sort has %s %s #%s", n, presorted, i,
						edges[i].From.ARN, edges[i].Kind, edges[i].MissingContext[0], want[i].From.ARN, want[i].Kind, want[i].MissingContext[0])
				}
			}
		}
	}
}
