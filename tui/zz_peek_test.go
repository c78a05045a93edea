package tui

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/iamx/iamx/graph"
)

func TestPeek(t *testing.T) {
	c := detailCommon(t)
	spec := os.Getenv("PEEK")
	parts := strings.Fields(spec)
	p := detailSized(NewPrincipalPage(c, detailNode(t, c, parts[0])), 80, 20)
	if strings.HasPrefix(parts[0], "policy/") {
		p = detailSized(NewPolicyPage(c, detailNode(t, c, parts[0])), 80, 20)
	}
	if strings.HasPrefix(parts[0], "group/") {
		p = detailSized(NewGroupPage(c, detailNode(t, c, parts[0])), 80, 20)
	}
	for _, k := range parts[1:] {
		if strings.HasPrefix(k, "T:") {
			p = detailType(p, k[2:])
			continue
		}
		p, _ = detailPress(p, k)
	}
	fmt.Println(ansi.Strip(p.View()))
}

func BenchmarkPeekAdminPerms(b *testing.B) {
	c := detailCommon(b)
	n := detailNode(b, c, "role/ProdAdminRole")
	for b.Loop() {
		p := detailSized(NewPrincipalPage(c, n), 80, 20)
		p, _ = detailPress(p, "3", "a")
		_ = p.View()
	}
}

func BenchmarkPeekAdminPermsKey(b *testing.B) {
	c := detailCommon(b)
	n := detailNode(b, c, "role/ProdAdminRole")
	p := detailSized(NewPrincipalPage(c, n), 80, 20)
	p, _ = detailPress(p, "3", "a", "pgdown")
	for b.Loop() {
		p, _ = detailPress(p, "down")
		_ = p.View()
	}
}

func BenchmarkPeekPermsOnly(b *testing.B) {
	c := detailCommon(b)
	n := detailNode(b, c, "role/ProdAdminRole")
	for b.Loop() {
		_ = c.Graph.Permissions(n, graph.PermFilter{})
	}
}
