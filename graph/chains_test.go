package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamx/iamx/model/policy"
)

// chainFixture: u1 → R1 → R2 → R3 → R4, with back edges R3 → R1 and
// R4 → R2 making two cycles. Same-account trusts that name a role ARN need
// no identity allow, so the roles carry no policies.
func chainFixture(t *testing.T) *Graph {
	a := fxNew(t, "111122223333")
	a.user("u1", nil)
	a.role("R1", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/u1","arn:aws:iam::111122223333:role/R3"]},"Action":"sts:AssumeRole"}]}`)
	a.role("R2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/R1","arn:aws:iam::111122223333:role/R4"]},"Action":"sts:AssumeRole"}]}`)
	a.role("R3", fxTrust(a.roleARN("R2")))
	a.role("R4", fxTrust(a.roleARN("R3")))
	return fxBuild(t, a)
}

func pathString(p Path) string {
	if len(p.Hops) == 0 {
		return ""
	}
	parts := []string{p.Hops[0].From.Name}
	for i, h := range p.Hops {
		if i > 0 && p.Hops[i-1].To != h.From {
			return "BROKEN"
		}
		parts = append(parts, h.To.Name)
	}
	return strings.Join(parts, ">")
}

func pathStrings(ps []Path) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = pathString(p)
	}
	return out
}

// Chains follow role chaining: a role session may assume another role that
// trusts it. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
func TestChains(t *testing.T) {
	g := chainFixture(t)
	cases := []struct {
		name string
		from string
		opts ChainOptions
		to   string // ChainOptions.To, resolved
		rev  bool
		want []string
	}{
		{"forward, shortest first, cycles end at a repeated role", "u1", ChainOptions{}, "",
			false, []string{"u1>R1", "u1>R1>R2", "u1>R1>R2>R3", "u1>R1>R2>R3>R4"}},
		{"max hops bounds the length", "u1", ChainOptions{MaxHops: 2}, "", false, []string{"u1>R1", "u1>R1>R2"}},
		{"to keeps only paths ending at the role", "u1", ChainOptions{}, "R3", false, []string{"u1>R1>R2>R3"}},
		{"to with too few hops finds nothing", "u1", ChainOptions{MaxHops: 2}, "R3", false, nil},
		{"from a role inside a cycle", "R3", ChainOptions{}, "", false,
			[]string{"R3>R1", "R3>R4", "R3>R1>R2", "R3>R4>R2"}},
		{"reverse: who can get to R3", "R3", ChainOptions{}, "", true,
			[]string{"R2>R3", "R1>R2>R3", "R4>R2>R3", "u1>R1>R2>R3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := fxNode(t, g, c.from)
			if c.to != "" {
				c.opts.To = fxNode(t, g, c.to)
			}
			var got []string
			if c.rev {
				got = pathStrings(g.ChainsTo(n, c.opts))
			} else {
				got = pathStrings(g.Chains(n, c.opts))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v\nwant %v", got, c.want)
			}
		})
	}
}

// A dense account must not make a chain query run away: the search stops at
// MaxPaths, says so, and keeps the shortest paths.
func TestChainsTruncated(t *testing.T) {
	a := fxNew(t, "111122223333")
	a.user("u", nil)
	var all []string
	for i := 0; i < 8; i++ {
		all = append(all, `"`+a.roleARN(fmt.Sprintf("R%d", i))+`"`)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(all, ",") + `,"` + a.userARN("u") + `"]},"Action":"sts:AssumeRole"}]}`
	for i := 0; i < 8; i++ {
		a.role(fmt.Sprintf("R%d", i), trust)
	}
	g := fxBuild(t, a)
	res := g.ChainsResult(fxNode(t, g, "u"), ChainOptions{MaxPaths: 100})
	if !res.Truncated || len(res.Paths) != 100 {
		t.Fatalf("got %d paths, truncated %v; want 100, true", len(res.Paths), res.Truncated)
	}
	for i := 1; i < len(res.Paths); i++ {
		if len(res.Paths[i].Hops) < len(res.Paths[i-1].Hops) {
			t.Fatalf("path %d is shorter than path %d", i, i-1)
		}
	}
	// 8 one-hop paths and 56 two-hop paths come before any three-hop path.
	if n := len(res.Paths[63].Hops); n != 2 {
		t.Errorf("path 64 has %d hops, want 2", n)
	}
	full := g.ChainsResult(fxNode(t, g, "u"), ChainOptions{MaxHops: 3})
	if full.Truncated || len(full.Paths) != 8+8*7+8*7*6 {
		t.Errorf("3 hops: got %d paths (truncated %v), want %d", len(full.Paths), full.Truncated, 8+8*7+8*7*6)
	}
	for _, p := range full.Paths {
		seen := map[*Node]bool{}
		for _, h := range p.Hops {
			if seen[h.To] || h.To == p.From() {
				t.Fatalf("path %s repeats a node", pathString(p))
			}
			seen[h.To] = true
		}
	}
}

func TestReachable(t *testing.T) {
	g := chainFixture(t)
	got := g.Reachable(fxNode(t, g, "u1"))
	want := map[string]int{"R1": 1, "R2": 2, "R3": 3, "R4": 4}
	if len(got) != len(want) {
		t.Fatalf("got %d roles, want %d", len(got), len(want))
	}
	for n, d := range got {
		if want[n.Name] != d {
			t.Errorf("%s: %d hops, want %d", n.Name, d, want[n.Name])
		}
	}
}

// External principals: what can GitHub Actions, or another account, reach?
func TestChainsFromExternals(t *testing.T) {
	g := trustFixture(t)
	cases := []struct {
		name, from string
		want       []string
	}{
		// Every role's session may go on to the role whose trust is "*".
		{"OIDC provider", "token.actions.githubusercontent.com", []string{"token.actions.githubusercontent.com>GitHub", "token.actions.githubusercontent.com>GitHub>Open"}},
		// Open trusts "*": any account reaches it directly, named or not.
		{"unloaded account by ID", "999988887777", []string{"999988887777>Open", "999988887777>Vendor", "999988887777>Vendor>Open"}},
		{"account that no trust names", "444455556666", []string{"444455556666>Open"}},
		{"user of an account that is not loaded", "arn:aws:iam::444455556666:user/x", []string{"x>Open"}},
		{"service", "lambda.amazonaws.com", []string{"lambda.amazonaws.com>Lambda", "lambda.amazonaws.com>Open", "lambda.amazonaws.com>Lambda>Open"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := pathStrings(g.Chains(fxNode(t, g, c.from), ChainOptions{}))
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// With context, conditional edges are re-decided: the GitHub role trusts
// only repo acme/app, so another repository's workflows reach nothing.
// https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
func TestChainsWithContext(t *testing.T) {
	g := trustFixture(t)
	gh := fxNode(t, g, "token.actions.githubusercontent.com")
	cases := []struct {
		name, sub   string
		want        []string
		conditional bool
	}{
		{"the trusted repository", "repo:acme/app:ref:refs/heads/main", []string{"token.actions.githubusercontent.com>GitHub", "token.actions.githubusercontent.com>GitHub>Open"}, false},
		{"another repository", "repo:evil/app:ref:refs/heads/main", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := policy.Context{}
			ctx.Set("token.actions.githubusercontent.com:sub", c.sub)
			ctx.Set("token.actions.githubusercontent.com:aud", "sts.amazonaws.com")
			paths := g.Chains(gh, ChainOptions{Context: ctx})
			if got := pathStrings(paths); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for _, p := range paths {
				if p.Conditional() != c.conditional {
					t.Errorf("%s: conditional %v, want %v", pathString(p), p.Conditional(), c.conditional)
				}
			}
		})
	}
}

// The closure agrees with a breadth-first search from every principal.
func TestReachabilityAllMatchesSearch(t *testing.T) {
	for name, g := range map[string]*Graph{"chains": chainFixture(t), "trust": trustFixture(t), "who-can": whoCanFixture(t), "demo": demoGraph(t)} {
		t.Run(name, func(t *testing.T) {
			r := g.ReachabilityAll()
			for _, n := range g.Nodes() {
				if !n.IsPrincipal() {
					continue
				}
				want := g.Reachable(n)
				if got := r.Count(n); got != len(want) {
					t.Errorf("%s: closure %d roles, search %d", n.Label(), got, len(want))
				}
				for _, role := range r.Roles(n) {
					if _, ok := want[role]; !ok {
						t.Errorf("%s: closure has %s, search does not", n.Label(), role.Label())
					}
				}
			}
		})
	}
}

// The graph is read-only after Build: queries may run concurrently (run
// with -race).
func TestConcurrentQueries(t *testing.T) {
	g := demoGraph(t)
	ctx := policy.Context{}
	ctx.Set("aws:MultiFactorAuthPresent", "true")
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			for _, n := range g.Nodes() {
				_ = g.Assumes(n)
				_ = g.AssumableBy(n)
				_ = g.Chains(n, ChainOptions{Context: ctx})
			}
			_ = g.WhoCan("iam:CreateUser", "*", ctx)
			_ = g.ReachabilityAll()
			done <- true
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}
