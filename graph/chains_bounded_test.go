package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// meshAccount is the hostile account of issue 16: a user and n roles that
// all trust the account root, every one allowed sts:AssumeRole on "*", so
// every principal may assume every role (n² delegated edges, n^k paths of k
// hops). trustCond, when set, is a Condition block on the trust statement.
// With narrow, one more role "Narrow" trusts role R0 alone by ARN.
func meshAccount(tb testing.TB, n int, trustCond string, narrow bool) *model.Snapshot {
	tb.Helper()
	doc := func(text string) model.Document {
		p, err := policy.Parse([]byte(text))
		if err != nil {
			tb.Fatalf("mesh policy: %v", err)
		}
		return model.Document{JSON: []byte(text), Policy: p}
	}
	const acct = "111122223333"
	s := &model.Snapshot{AccountID: acct, Partition: "aws", Source: fmt.Sprintf("mesh of %d roles", n)}
	cond := ""
	if trustCond != "" {
		cond = `,"Condition":` + trustCond
	}
	trust := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"` + cond + `}]}`)
	hop := []model.InlinePolicy{{Name: "hop", Document: doc(fxAllowAssumeAll)}}
	s.Users = append(s.Users, &model.User{Name: "u", Path: "/", ID: "AIDAU", ARN: "arn:aws:iam::" + acct + ":user/u", InlinePolicies: hop})
	for i := range n {
		name := fmt.Sprintf("R%d", i)
		s.Roles = append(s.Roles, &model.Role{Name: name, Path: "/", ID: "AROA" + name, ARN: "arn:aws:iam::" + acct + ":role/" + name,
			TrustPolicy: trust, InlinePolicies: hop})
	}
	if narrow {
		s.Roles = append(s.Roles, &model.Role{Name: "Narrow", Path: "/", ID: "AROANARROW", ARN: "arn:aws:iam::" + acct + ":role/Narrow",
			TrustPolicy: doc(fxTrust("arn:aws:iam::" + acct + ":role/R0"))})
	}
	return s
}

func meshGraph(tb testing.TB, n int, trustCond string, narrow bool) *Graph {
	tb.Helper()
	g, err := Build([]*model.Snapshot{meshAccount(tb, n, trustCond, narrow)}, Options{})
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	return g
}

// perm is n·(n-1)·…·(n-k+1), saturating at 1<<30, far beyond any path
// count a search keeps (and within a 32-bit int: the 386 build is vetted).
func perm(n, k int) int {
	const most = 1 << 30
	out := int64(1)
	for i := 0; i < k; i++ {
		if out *= int64(n - i); out <= 0 || out > most {
			return most
		}
	}
	return int(out)
}

// naiveChains is the slow, obvious search the bounded one must agree with:
// breadth-first over every simple path up to maxHops, with the graph's
// public, materialised edges (re-decided under ctx), no bound at all.
func naiveChains(g *Graph, start, to *Node, maxHops int, reverse bool, ctx policy.Context) []string {
	var out []string
	type partial struct {
		nodes []*Node
		text  string
	}
	frontier := []partial{{nodes: []*Node{start}}}
	for depth := 1; depth <= maxHops && len(frontier) > 0; depth++ {
		var next []partial
		for _, p := range frontier {
			cur := p.nodes[len(p.nodes)-1]
			edges := g.Assumes(cur)
			if reverse {
				edges = g.AssumableBy(cur)
			}
			for _, e := range edges {
				n := e.To
				if reverse {
					n = e.From
				}
				if slices.Contains(p.nodes, n) {
					continue
				}
				if ne, ok := g.EdgeUnder(e, ctx); !ok {
					continue
				} else {
					e = ne
				}
				q := partial{nodes: append(slices.Clip(p.nodes), n), text: p.text + fmt.Sprintf("|%s>%s %s %v", e.From.Name, e.To.Name, e.Kind, e.Conditional)}
				if to == nil || n == to {
					out = append(out, fmt.Sprintf("%d%s", depth, q.text))
				}
				if n != to {
					next = append(next, q)
				}
			}
		}
		frontier = next
	}
	slices.Sort(out)
	return out
}

// pathKeys renders paths as naiveChains does (hops listed from the search's
// start, so reverse paths read target-first), sorted.
func pathKeys(ps []Path, reverse bool) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		var b strings.Builder
		fmt.Fprintf(&b, "%d", len(p.Hops))
		for i := range p.Hops {
			h := p.Hops[i]
			if reverse {
				h = p.Hops[len(p.Hops)-1-i]
			}
			fmt.Fprintf(&b, "|%s>%s %s %v", h.From.Name, h.To.Name, h.Kind, h.Conditional)
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return out
}

// randomTrustAccount has roles trusting, at random, the account root
// (delegation: members need an identity allow), named users and roles, or
// the root under an MFA condition; principals get sts:AssumeRole on "*", on
// some roles, or nothing.
func randomTrustAccount(t *testing.T, seed uint64) *Graph {
	r := rand.New(rand.NewPCG(seed, 7))
	a := fxNew(t, "111122223333")
	const roles, users = 7, 3
	allow := func() []string {
		switch r.IntN(3) {
		case 0:
			return []string{fxAllowAssumeAll}
		case 1:
			return []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/R` + fmt.Sprint(r.IntN(roles)) + `*"}]}`}
		}
		return nil
	}
	for i := range users {
		a.user(fmt.Sprintf("u%d", i), nil, allow()...)
	}
	for i := range roles {
		var stmts []string
		for range 1 + r.IntN(2) {
			switch r.IntN(4) {
			case 0:
				stmts = append(stmts, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`)
			case 1:
				stmts = append(stmts, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`)
			case 2:
				stmts = append(stmts, `{"Effect":"Allow","Principal":{"AWS":"`+a.roleARN(fmt.Sprintf("R%d", r.IntN(roles)))+`"},"Action":"sts:AssumeRole"}`)
			default:
				stmts = append(stmts, `{"Effect":"Allow","Principal":{"AWS":"`+a.userARN(fmt.Sprintf("u%d", r.IntN(users)))+`"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`)
			}
		}
		a.role(fmt.Sprintf("R%d", i), `{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`, allow()...)
	}
	return fxBuild(t, a)
}

// The bounded search lists exactly the simple paths a plain breadth-first
// enumeration of the materialised edges finds: forward, forward to a role,
// and reverse, with and without context. Role chaining:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
func TestChainsMatchNaiveEnumeration(t *testing.T) {
	mfa := policy.Context{}
	mfa.Set("aws:MultiFactorAuthPresent", "true")
	noMFA := policy.Context{}
	noMFA.Set("aws:MultiFactorAuthPresent", "false")
	for seed := range uint64(12) {
		g := randomTrustAccount(t, seed)
		for _, ctx := range []policy.Context{nil, mfa, noMFA} {
			for _, from := range g.Nodes() {
				if !from.IsPrincipal() || from.Kind == KindExternal {
					continue
				}
				check := func(name string, res ChainResult, want []string, reverse bool) {
					t.Helper()
					if res.Truncated {
						t.Fatalf("seed %d %s: truncated (%s)", seed, name, res.Reason)
					}
					for i := 1; i < len(res.Paths); i++ {
						if len(res.Paths[i].Hops) < len(res.Paths[i-1].Hops) {
							t.Fatalf("seed %d %s: not shortest first", seed, name)
						}
					}
					if got := pathKeys(res.Paths, reverse); !slices.Equal(got, want) {
						t.Fatalf("seed %d %s (ctx %v):\ngot  %v\nwant %v", seed, name, ctx, got, want)
					}
				}
				opts := ChainOptions{MaxHops: 4, Context: ctx}
				check("forward from "+from.Name, g.ChainsResult(from, opts), naiveChains(g, from, nil, 4, false, ctx), false)
				if from.Kind == KindRole {
					check("reverse to "+from.Name, g.ChainsToResult(from, opts), naiveChains(g, from, nil, 4, true, ctx), true)
				}
				for _, to := range g.Roles() {
					o := opts
					o.To = to
					check("from "+from.Name+" to "+to.Name, g.ChainsResult(from, o), naiveChains(g, from, to, 4, false, ctx), false)
				}
			}
		}
	}
}

// checkShortestFirst fails unless paths never get shorter and every path is
// simple.
func checkShortestFirst(t *testing.T, name string, ps []Path) {
	t.Helper()
	for i, p := range ps {
		if i > 0 && len(p.Hops) < len(ps[i-1].Hops) {
			t.Fatalf("%s: path %d is shorter than path %d", name, i, i-1)
		}
		seen := map[*Node]bool{p.From(): true}
		for _, h := range p.Hops {
			if seen[h.To] {
				t.Fatalf("%s: path %s repeats a node", name, pathString(p))
			}
			seen[h.To] = true
		}
	}
}

// 2,000 roles that all trust each other (issue 16) is a bounded query at any
// hop count: the work done stays under the bound, the answer is shortest
// first, and it says it was truncated and up to which length it is
// complete — which the closed-form path counts of the mesh confirm.
func TestChainsDenseAccountBounded(t *testing.T) {
	const n = 600
	g := meshGraph(t, n, "", false)
	u, r5 := fxNode(t, g, "u"), fxNode(t, g, "R5")
	// Paths of k hops: from u, P(n,k); from u to R5, P(n-1,k-1); into R5
	// (from a role, or u or the account root, which the trust names, at the
	// start), P(n-1,k) + 2·P(n-1,k-1).
	cases := []struct {
		name    string
		run     func(ChainOptions) ChainResult
		perHops func(k int) int
	}{
		{"forward from the user", func(o ChainOptions) ChainResult { return g.ChainsResult(u, o) }, func(k int) int { return perm(n, k) }},
		{"forward to one role", func(o ChainOptions) ChainResult { o.To = r5; return g.ChainsResult(u, o) }, func(k int) int { return perm(n-1, k-1) }},
		{"forward from a role to another", func(o ChainOptions) ChainResult { o.To = r5; return g.ChainsResult(fxNode(t, g, "R7"), o) },
			func(k int) int { return perm(n-2, k-1) }},
		{"reverse into one role", func(o ChainOptions) ChainResult { return g.ChainsToResult(r5, o) }, func(k int) int { return perm(n-1, k) + 2*perm(n-1, k-1) }},
	}
	for _, c := range cases {
		for _, hops := range []int{1, 2, 3, DefaultMaxHops, 10, MaxHopsLimit} {
			for _, maxPaths := range []int{0, MaxPathsLimit} {
				name := fmt.Sprintf("%s, %d hops, max paths %d", c.name, hops, maxPaths)
				res := c.run(ChainOptions{MaxHops: hops, MaxPaths: maxPaths})
				checkShortestFirst(t, name, res.Paths)
				if res.Work > DefaultMaxWork+n+2 {
					t.Errorf("%s: looked at %d edges, bound %d", name, res.Work, DefaultMaxWork)
				}
				total := 0
				for k := 1; k <= hops; k++ {
					total += c.perHops(k)
				}
				limit := maxPaths
				if limit == 0 {
					limit = DefaultMaxPaths
				}
				if wantTrunc := total > limit; res.Truncated != wantTrunc || (res.Truncated && res.Reason == "") {
					t.Errorf("%s: truncated %v (%q), want %v", name, res.Truncated, res.Reason, wantTrunc)
				}
				complete := 0
				for k := 1; k <= res.CompleteHops; k++ {
					complete += c.perHops(k)
				}
				if complete > len(res.Paths) || (!res.Truncated && len(res.Paths) != total) {
					t.Errorf("%s: %d paths; every path of up to %d hops would be %d (all: %d)", name, len(res.Paths), res.CompleteHops, complete, total)
				}
				if res.CompleteHops < hops && c.perHops(res.CompleteHops+1) == 0 {
					t.Errorf("%s: complete to %d hops only, with nothing longer", name, res.CompleteHops)
				}
			}
		}
	}
	if got := (ChainOptions{MaxHops: 1000, MaxPaths: 1 << 30}).withDefaults(); got.MaxHops != MaxHopsLimit || got.MaxPaths != MaxPathsLimit {
		t.Errorf("bounds not capped: %+v", got)
	}
}

// When few of the partial paths lead to the target, the work bound stops
// the search, not the path limit: it says so, and every path shorter than
// the pass it stopped in is listed (checked against the naive enumeration).
// Narrow trusts only R0, so every partial path through R0 that goes on into
// the mesh is a dead end the search must walk.
func TestChainsWorkBound(t *testing.T) {
	g := meshGraph(t, 40, "", true)
	u, narrow := fxNode(t, g, "u"), fxNode(t, g, "Narrow")
	res := g.ChainsResult(u, ChainOptions{To: narrow, MaxHops: 6, MaxWork: 20000})
	if !res.Truncated || res.Reason != TruncatedWork || res.Work > 20000+50 {
		t.Fatalf("truncated %v (%q) after %d edges; want the work bound", res.Truncated, res.Reason, res.Work)
	}
	if res.CompleteHops < 2 {
		t.Fatalf("complete to %d hops; the 2- and 3-hop paths are cheap", res.CompleteHops)
	}
	var short []Path
	for _, p := range res.Paths {
		if len(p.Hops) <= res.CompleteHops {
			short = append(short, p)
		}
	}
	want := naiveChains(g, u, narrow, res.CompleteHops, false, nil)
	if got := pathKeys(short, false); !slices.Equal(got, want) {
		t.Errorf("paths of up to %d hops: got %d, want %d", res.CompleteHops, len(got), len(want))
	}
	checkShortestFirst(t, "narrow", res.Paths)
}

// Conditional edges re-decided under context cost evaluations: they count
// toward the work bound, and a context that rules every edge out still ends
// in a bounded, complete "no path". MFA in trust policies:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
func TestChainsDenseConditional(t *testing.T) {
	g := meshGraph(t, 300, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, false)
	u, r5 := fxNode(t, g, "u"), fxNode(t, g, "R5")
	cases := []struct {
		name, mfa string
		paths     bool
	}{
		{"MFA present: the mesh is open", "true", true},
		{"MFA absent: no edge holds", "false", false},
	}
	for _, c := range cases {
		ctx := policy.Context{}
		ctx.Set("aws:MultiFactorAuthPresent", c.mfa)
		for _, res := range []ChainResult{
			g.ChainsResult(u, ChainOptions{MaxHops: MaxHopsLimit, Context: ctx}),
			g.ChainsResult(u, ChainOptions{To: r5, MaxHops: MaxHopsLimit, Context: ctx}),
			g.ChainsToResult(r5, ChainOptions{MaxHops: MaxHopsLimit, Context: ctx}),
		} {
			if res.Work > DefaultMaxWork+300+decideCost {
				t.Errorf("%s: looked at %d edges", c.name, res.Work)
			}
			if (len(res.Paths) > 0) != c.paths {
				t.Errorf("%s: %d paths", c.name, len(res.Paths))
			}
			if !c.paths && res.Truncated {
				t.Errorf("%s: truncated (%s) with every edge ruled out", c.name, res.Reason)
			}
			for _, p := range res.Paths {
				if p.Conditional() {
					t.Fatalf("%s: path %s still conditional under the context", c.name, pathString(p))
				}
			}
		}
	}
}

// A closed Cancel channel stops the search within a poll interval.
func TestChainsCancel(t *testing.T) {
	g := meshGraph(t, 300, "", false)
	stop := make(chan struct{})
	close(stop)
	res := g.ChainsResult(fxNode(t, g, "u"), ChainOptions{To: fxNode(t, g, "R5"), MaxHops: MaxHopsLimit, MaxPaths: MaxPathsLimit, Cancel: stop})
	if !res.Truncated || res.Reason != TruncatedCanceled || res.Work > 2*cancelEvery+300 {
		t.Errorf("truncated %v (%q) after %d edges; want canceled within %d", res.Truncated, res.Reason, res.Work, cancelEvery)
	}
}

// BenchmarkChainsDense runs every kind of chain query on 2,000 roles that all
// trust each other (issue 16), at the default and the largest hop counts; dead-ends is the
// worst case, a search that ends at its work bound.
func BenchmarkChainsDense(b *testing.B) {
	g := meshGraph(b, 2000, "", true)
	u, r5 := g.Node("arn:aws:iam::111122223333:user/u"), g.Node("arn:aws:iam::111122223333:role/R5")
	narrow := g.Node("arn:aws:iam::111122223333:role/Narrow")
	for _, hops := range []int{DefaultMaxHops, MaxHopsLimit} {
		for _, c := range []struct {
			name string
			run  func() ChainResult
		}{
			{"forward", func() ChainResult { return g.ChainsResult(u, ChainOptions{MaxHops: hops}) }},
			{"to", func() ChainResult { return g.ChainsResult(u, ChainOptions{MaxHops: hops, To: r5}) }},
			{"reverse", func() ChainResult { return g.ChainsToResult(r5, ChainOptions{MaxHops: hops}) }},
			// Through R0 alone: most partial paths are dead ends, so the
			// work bound, not the path limit, ends the search.
			{"dead-ends", func() ChainResult { return g.ChainsResult(u, ChainOptions{MaxHops: hops, To: narrow}) }},
		} {
			b.Run(fmt.Sprintf("%s-%dhops", c.name, hops), func(b *testing.B) {
				b.ReportAllocs()
				var res ChainResult
				for b.Loop() {
					res = c.run()
				}
				b.ReportMetric(float64(res.Work), "edges")
				b.ReportMetric(float64(len(res.Paths)), "paths")
			})
		}
	}
}
