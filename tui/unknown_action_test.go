package tui

import (
	"strings"
	"testing"
)

// An action the catalogue does not define is refused by the command line
// unless --allow-unknown-action; the explorer answers as written under the
// same warning, with the nearest actions ("did you mean"), so a typo never
// reads as "nobody can".
func TestUnknownActionWarns(t *testing.T) {
	c := detailCommon(t)
	for _, tc := range []struct{ name, line string }{
		{"who-can of a typo", ":whocan s3:GetObjekt"},
		{"can of a typo", ":can alice s3:GetObjekt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestModel(t, c.Graph, 160, 30)
			h.keys(tc.line, "enter")
			if s := h.screen(); !strings.Contains(s, "not in the action catalogue") || !strings.Contains(s, "did you mean s3:GetObject") {
				t.Errorf("%s: no unknown-action warning:\n%s", tc.line, s)
			}
		})
	}
	h := newTestModel(t, c.Graph, 160, 30)
	h.keys(":whocan s3:GetObject", "enter")
	if s := h.screen(); strings.Contains(s, "not in the action catalogue") {
		t.Errorf("a catalogue action warned:\n%s", s)
	}
}
