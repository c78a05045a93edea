package tui

import (
	"strings"
	"testing"
)

// Tab with several candidates lists them under the command line (as k9s
// and zsh do) and tab again puts each in turn; any other key ends the
// cycle. A single candidate completes at once.
func TestTabListsAndCyclesCandidates(t *testing.T) {
	c := detailCommon(t)
	cases := []struct {
		name, typed, head string
		cands             func() []string
		size              [2]int
	}{
		{"actions of a service", ":whocan s3:GetObjectA", "whocan ", func() []string { return actionNames("s3:GetObjectA") }, [2]int{100, 30}},
		{"principal names", ":can c", "can ", func() []string { return principalNames(c.Graph, "c") }, [2]int{80, 24}},
		{"command names", ":w", "", func() []string { _, cs := commandCandidates(c.Graph, "w"); return cs }, [2]int{80, 24}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cands := tc.cands()
			if len(cands) < 2 {
				t.Fatalf("the case needs several candidates, has %q", cands)
			}
			h := newTestModel(t, c.Graph, tc.size[0], tc.size[1])
			h.keys(tc.typed, "tab")
			hints := h.line(tc.size[1] - 2)
			if !strings.Contains(hints, cands[0]) || !strings.Contains(hints, cands[1]) {
				t.Errorf("the footer does not list the candidates %q: %q", cands[:2], hints)
			}
			for i := 0; i < len(cands)+1; i++ {
				h.keys("tab")
				want := ":" + tc.head + cands[i%len(cands)]
				if got := h.line(tc.size[1] - 1); got != want {
					t.Fatalf("tab %d: line %q, want %q", i+2, got, want)
				}
			}
			h.keys("x")
			if strings.Contains(h.line(tc.size[1]-2), cands[1]) {
				t.Errorf("typing did not end the list: %q", h.line(tc.size[1]-2))
			}
		})
	}
	// One candidate: completed at once, no list.
	h := newTestModel(t, c.Graph, 100, 30)
	h.keys(":whocan s3:GetObjectAc", "tab")
	if got := h.line(29); got != ":whocan s3:GetObjectAcl" {
		t.Errorf("single candidate: line %q", got)
	}
}

// The Explain form's fields complete too: the action from the catalogue,
// the resource from the graph's ARNs; several candidates are listed under
// the inputs, and a tab that cannot complete goes to the next field.
func TestExplainFieldsComplete(t *testing.T) {
	c := detailCommon(t)
	deploy := detailNode(t, c, "DeployRole").ARN
	h := newTestModel(t, c.Graph, 100, 30)
	h.keys("enter", "6", "e", "s3:GetObjectAc", "tab")
	p := h.m.top().(*principalPage)
	if got := p.explain.fields[fieldAction].value(); got != "s3:GetObjectAcl" {
		t.Errorf("action completed to %q", got)
	}
	h.keys("backspace", "backspace", "tab")
	if want := strings.Join(actionNames("s3:GetObjectA"), "  "); !strings.Contains(h.screen(), want) || p.explain.focus != fieldAction {
		t.Errorf("several actions are not listed under the inputs:\n%s", h.screen())
	}
	h.keys("tab")
	if p.explain.focus != fieldResource {
		t.Errorf("tab with nothing to complete stayed in field %d", p.explain.focus)
	}
	h.keys(deploy[:len(deploy)-6], "tab")
	if got := p.explain.fields[fieldResource].value(); got != deploy {
		t.Errorf("resource completed to %q, want %q", got, deploy)
	}
}
