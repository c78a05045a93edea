package main

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/actions"
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

// resourceWarnings says when RESOURCE cannot be a resource the action
// applies to (graph.ActionTakes): AWS never makes such a request, so the
// answer is about a request that does not happen.
func resourceWarnings(action, resource string) []string {
	act, ok := actions.Load().Lookup(action)
	if !ok || resource == "" || graph.ActionTakes(act, resource) {
		return nil
	}
	if len(act.Resources) == 0 {
		return []string{fmt.Sprintf("%s takes no resource type: AWS authorizes it on \"*\", not on %s", act, resource)}
	}
	return []string{fmt.Sprintf("%s is not a resource %s applies to (its types: %s)", resource, act, resourceTypeNames(act))}
}

func resourceTypeNames(a *actions.Action) string {
	names := make([]string, 0, len(a.Resources))
	for _, r := range a.Resources {
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}
