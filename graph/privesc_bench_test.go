package graph

import "testing"

// BenchmarkPrivescAll runs the escalation analysis on the reference account
// (10,000 principals) and takes every principal's shortest path to admin:
// what `iamx privesc` without PRINCIPAL computes after the graph is built.
// The build is shared; each iteration starts from a fresh graph copy's
// analysis, so no memo of an earlier run helps.
func BenchmarkPrivescAll(b *testing.B) {
	_, g := benchReference(b)
	g.WarmAdmin(g.actors) // the admin memo belongs to the graph, as in the command
	reach := 0
	for b.Loop() {
		pv := g.Privesc()
		list := pv.Reachable()
		for _, n := range list {
			_ = pv.Shortest(n)
		}
		reach = len(list)
	}
	b.ReportMetric(float64(reach), "reachable")
}
