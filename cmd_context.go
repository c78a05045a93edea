package main

import (
	"fmt"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
)

// contextWarnings names the -c keys the graph ignores for action because
// AWS never sends them with it (graph.RequestContext), one line each.
func contextWarnings(g *graph.Graph, action string, ctx policy.Context) []string {
	_, dropped := g.RequestContext(action, ctx)
	out := make([]string, 0, len(dropped))
	for _, k := range dropped {
		out = append(out, fmt.Sprintf("-c %s: %s never carries this key (Service Authorization Reference); ignored", k, action))
	}
	return out
}
