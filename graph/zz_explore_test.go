package graph

import (
	"fmt"
	"testing"
)

func TestZZExplore(t *testing.T) {
	g := demoGraph(t)
	for _, name := range []string{"alice", "bob", "carol", "mallory", "ProdAdminRole", "WebServerRole", "DeployRole", "OrganizationAccountAccessRole"} {
		n := fxNode(t, g, name)
		p := g.Permissions(n, PermFilter{})
		fmt.Printf("== %s admin=%v %v %v actions=%d removed=%d\n", name, p.Admin, p.AdminSources, p.AdminConditionKeys, len(p.Actions), len(p.Removed))
		c := 0
		for _, a := range p.Actions {
			if a.Service == "iam" || a.Service == "s3" || a.Service == "ec2" && a.Level != 2 && a.Level != 1 || len(p.Actions) < 40 {
				if c < 25 {
					fmt.Printf("  %s %v cond=%v keys=%v condres=%v notres=%v src=%v restr=%d\n", a.Action, a.Resources, a.Conditional, a.ConditionKeys, a.ConditionalResources, a.NotResources, a.Sources, len(a.Restrictions))
				}
				c++
			}
		}
		for i, r := range p.Removed {
			if i < 5 {
				fmt.Printf("  REMOVED %s %v %v\n", r.Action, r.Layer, r.By)
			}
		}
	}
}
