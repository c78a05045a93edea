package tui

import (
	"fmt"
	"testing"
)

// y copies the ARN of what the page is about: on a principal's Overview the
// principal itself, even with the cursor on one of its groups; on the
// Policies tab the policy under the cursor.
func TestCopyOnOverviewIsThePrincipal(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		want string
	}{
		{"Overview with the cursor on a group copies the user", []string{"enter"}, testARN("user", "alice")},
		{"Overview after moving down copies the user", []string{"enter", "j", "j"}, testARN("user", "alice")},
		{"the Policies tab copies the policy under the cursor", []string{"enter", "2"}, "arn:aws:iam::aws:policy/AdministratorAccess"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestModel(t, testGraph(t), 100, 24)
			h.keys(c.keys...)
			_, cmd := h.m.Update(keyMsgs("y")[0])
			if cmd == nil {
				t.Fatalf("y returned no command (status %q)", h.line(23))
			}
			if got := fmt.Sprint(cmd()); got != c.want {
				t.Errorf("y copied %q, want %q", got, c.want)
			}
		})
	}
}
