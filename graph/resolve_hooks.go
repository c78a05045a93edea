package graph

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/internal/suggest"
	"github.com/iamx/iamx/model/arn"
)

// partitionOf returns the partition of an ARN ("aws", "aws-cn",
// "aws-us-gov"), "aws" when it has none.
func partitionOf(s string) string {
	if a, err := arn.Parse(s); err == nil && a.Partition != "" {
		return a.Partition
	}
	return "aws"
}

// partition is the partition of the loaded accounts, for a bare account ID
// typed on the command line: that of the first loaded user or role ("aws"
// when none is loaded). Partitions never trust each other, so loaded
// accounts share one.
func (g *Graph) partition() string {
	for _, n := range g.nodes {
		if n.Kind == KindUser || n.Kind == KindRole {
			return partitionOf(n.ARN)
		}
	}
	return "aws"
}

// noPrincipal is the error for a name that resolves to nothing, with the
// loaded users' and roles' names nearest to it.
func (g *Graph) noPrincipal(s string) error {
	want := s
	if i := strings.LastIndexByte(s, '/'); i >= 0 && !strings.HasPrefix(s, "arn:") {
		want = s[i+1:] // "role/Deplo": the name part
	}
	var names []string
	for _, n := range g.nodes {
		if n.Kind == KindUser || n.Kind == KindRole {
			names = append(names, n.Name)
		}
	}
	if near := suggest.Nearest(want, names, 3); len(near) > 0 && !strings.HasPrefix(s, "arn:") {
		return fmt.Errorf("no principal named %s; did you mean %s?", s, strings.Join(near, ", "))
	}
	return fmt.Errorf("no principal named %s", s)
}
