package graph

import "github.com/iamx/iamx/model/arn"

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
