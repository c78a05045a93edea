package graph

import (
	"fmt"
	"testing"
	"time"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/gen"
)

func TestZZStat(t *testing.T) {
	s, _ := gen.Account(gen.Reference)
	t0 := time.Now()
	g, _ := Build([]*model.Snapshot{s}, Options{})
	fmt.Println("build", time.Since(t0))
	rel := 0
	for _, c := range g.deleg.classes {
		if c.relevant {
			rel++
		}
	}
	oks := 0
	for _, e := range g.deleg.equivs {
		oks += len(e.ok)
	}
	fmt.Println("classes", len(g.deleg.classes), "relevant", rel, "equivs", len(g.deleg.equivs), "delegroles", len(g.deleg.roles), "oks", oks)
	explicit := 0
	for _, n := range g.nodes {
		explicit += len(n.assumes)
	}
	fmt.Println("explicit", explicit)
}
