package graph

import (
	"runtime"
	"sync"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/gen"
)

// The reference account of DESIGN.md §8: 5,000 users, 5,000 roles, 300
// groups, 1,500 customer managed policies. Generated once per test binary.
var benchRef struct {
	once sync.Once
	snap *model.Snapshot
	g    *Graph
	err  error
}

func benchReference(b *testing.B) (*model.Snapshot, *Graph) {
	b.Helper()
	benchRef.once.Do(func() {
		benchRef.snap, benchRef.err = gen.Account(gen.Reference)
		if benchRef.err == nil {
			benchRef.g, benchRef.err = Build([]*model.Snapshot{benchRef.snap}, Options{})
		}
	})
	if benchRef.err != nil {
		b.Fatalf("reference account: %v", benchRef.err)
	}
	return benchRef.snap, benchRef.g
}

// BenchmarkBuild indexes the reference account: nodes, policy lists,
// explicit can-assume edges decided by the evaluator, and delegated trust
// classified (its classes are decided on first use; BenchmarkBuildDecided
// decides them all). heap-MiB is the live heap after one build (the graph
// plus the snapshot it indexes).
func BenchmarkBuild(b *testing.B) {
	snap, _ := benchReference(b)
	b.ReportAllocs()
	var g *Graph
	for b.Loop() {
		var err error
		if g, err = Build([]*model.Snapshot{snap}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	b.StopTimer()
	b.ReportMetric(float64(g.EdgeCount()), "edges")
	runtime.KeepAlive(g)
}

// BenchmarkBuildDecided builds the graph and decides every can-assume edge,
// delegated ones included (what the explorer's chains and ReachabilityAll
// need).
func BenchmarkBuildDecided(b *testing.B) {
	snap, _ := benchReference(b)
	b.ReportAllocs()
	edges := 0
	for b.Loop() {
		g, err := Build([]*model.Snapshot{snap}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		edges = g.EdgeCount()
	}
	b.ReportMetric(float64(edges), "edges")
}

// BenchmarkWhoCanCold is what `iamx who-can` does once the snapshot is
// loaded: build the graph, then answer, deciding the delegated classes the
// answer needs.
func BenchmarkWhoCanCold(b *testing.B) {
	snap, _ := benchReference(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		g, err := Build([]*model.Snapshot{snap}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(g.WhoCan("s3:GetObject", "arn:aws:s3:::bucket/key", nil))
	}
	b.ReportMetric(float64(n), "principals")
}

// BenchmarkWhoCan answers who-can for one action over every principal,
// chains included.
func BenchmarkWhoCan(b *testing.B) {
	_, g := benchReference(b)
	for _, c := range []struct{ name, action, resource string }{
		{"s3-GetObject", "s3:GetObject", "arn:aws:s3:::bucket/key"},
		{"iam-CreateUser", "iam:CreateUser", "*"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = len(g.WhoCan(c.action, c.resource, nil))
			}
			b.ReportMetric(float64(n), "principals")
		})
	}
}

// BenchmarkReachability computes, for every principal, every role it can
// reach through assume-role chains (the closure), and counts the pairs.
func BenchmarkReachability(b *testing.B) {
	_, g := benchReference(b)
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		r := g.ReachabilityAll()
		total = 0
		for _, n := range g.Nodes() {
			if n.IsPrincipal() {
				total += r.Count(n)
			}
		}
	}
	b.ReportMetric(float64(total), "pairs")
}

// BenchmarkReachableOne is one principal's breadth-first search (what
// chains and the explorer do for one principal).
func BenchmarkReachableOne(b *testing.B) {
	_, g := benchReference(b)
	n := g.Users()[0]
	b.ReportAllocs()
	for b.Loop() {
		_ = g.Reachable(n)
	}
}
