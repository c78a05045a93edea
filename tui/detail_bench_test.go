package tui

import "testing"

// An admin's Permissions tab holds every catalogue action (~22,000 lines
// when unfolded). Unfolding everything is a one-off; a key press after it
// must stay proportional to the screen (DESIGN.md §8: under 16 ms).

// BenchmarkDetailAdminPermissionsExpandAll: open ProdAdminRole, go to
// Permissions (computes them), unfold every service, draw.
func BenchmarkDetailAdminPermissionsExpandAll(b *testing.B) {
	c := detailCommon(b)
	n := detailNode(b, c, "role/ProdAdminRole")
	for b.Loop() {
		p := detailSized(NewPrincipalPage(c, n), detailW, detailH)
		p, _ = detailPress(p, "3", "a")
		_ = p.View()
	}
}

// BenchmarkDetailKeyOnExpandedPermissions: one cursor move and a redraw on
// the unfolded admin list.
func BenchmarkDetailKeyOnExpandedPermissions(b *testing.B) {
	c := detailCommon(b)
	p := detailSized(NewPrincipalPage(c, detailNode(b, c, "role/ProdAdminRole")), detailW, detailH)
	p, _ = detailPress(p, "3", "a", "pgdown")
	keys := []string{"down", "up"}
	i := 0
	for b.Loop() {
		p, _ = detailPress(p, keys[i%2])
		i++
		_ = p.View()
	}
}
