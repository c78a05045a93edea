package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
)

// :whocan and :can take KEY=VALUE request context as the command line's -c
// does (the same parser): alice's admin is denied without MFA, so who-can
// lists her "allow if" without context and "allow" with
// aws:MultiFactorAuthPresent=true, as graph.WhoCanReach answers for that
// context; the context goes on to Explain.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
func TestQueriesTakeContextPairs(t *testing.T) {
	c := detailCommon(t)
	alice := detailNode(t, c, "alice")
	access := func(rows []graph.Access, n *graph.Node) string {
		for _, a := range rows {
			if a.Principal == n {
				return whoCanAccess(a)
			}
		}
		return "absent"
	}
	cases := []struct {
		name, line, wantAlice string
		ctx                   []string
	}{
		{"no context: allowed only with MFA", ":whocan iam:CreateUser", "allow if", nil},
		{"MFA given: allowed", ":whocan iam:CreateUser * aws:MultiFactorAuthPresent=true", "allow", []string{"aws:MultiFactorAuthPresent=true"}},
		{"MFA given, resource left out", ":whocan iam:CreateUser aws:MultiFactorAuthPresent=true", "allow", []string{"aws:MultiFactorAuthPresent=true"}},
		{"MFA absent said outright: denied", ":whocan iam:CreateUser * aws:MultiFactorAuthPresent=false", "absent", []string{"aws:MultiFactorAuthPresent=false"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reqCtx, err := policy.ParseContextPairs(tc.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.ctx) == 0 {
				reqCtx = nil
			}
			want, err := c.Graph.WhoCanReach(context.Background(), "iam:CreateUser", "*", reqCtx)
			if err != nil {
				t.Fatal(err)
			}
			if got := access(want, alice); got != tc.wantAlice {
				t.Fatalf("graph.WhoCan gives alice %q, the case expects %q", got, tc.wantAlice)
			}
			h := newTestModel(t, c.Graph, 100, 30)
			h.keys(tc.line, "enter")
			p, ok := h.m.top().(*whoCanPage)
			if !ok {
				t.Fatalf("no who-can page:\n%s", h.screen())
			}
			if len(p.rows) != len(want) || access(p.rows, alice) != tc.wantAlice {
				t.Errorf("page lists %d principals, alice %q; graph.WhoCan %d, %q", len(p.rows), access(p.rows, alice), len(want), tc.wantAlice)
			}
			for _, pair := range tc.ctx {
				if !strings.Contains(h.crumbs(), pair) {
					t.Errorf("crumbs %q do not show the context %s", h.crumbs(), pair)
				}
			}
			if tc.wantAlice == "absent" {
				return
			}
			// Enter carries the context to Explain.
			h.keys("/alice", "enter", "enter")
			pp, ok := h.m.top().(*principalPage)
			if !ok {
				t.Fatalf("enter did not open alice:\n%s", h.screen())
			}
			if got := pp.explain.fields[fieldContext].value(); got != strings.Join(tc.ctx, " ") {
				t.Errorf("Explain context = %q, want %q", got, strings.Join(tc.ctx, " "))
			}
		})
	}
}

func TestCanTakesContextPairs(t *testing.T) {
	c := detailCommon(t)
	for _, tc := range []struct{ line, want string }{
		{":can alice iam:CreateUser * aws:MultiFactorAuthPresent=true", "ALLOW"},
		{":can alice iam:CreateUser", "EXPLICIT-DENY"},
	} {
		h := newTestModel(t, c.Graph, 100, 30)
		h.keys(tc.line, "enter")
		if _, ok := h.m.top().(*canPage); !ok || !strings.Contains(h.screen(), tc.want) {
			t.Errorf("%s: want %s:\n%s", tc.line, tc.want, h.screen())
		}
	}
	h := newTestModel(t, c.Graph, 80, 24)
	h.keys(":whocan iam:CreateUser =x", "enter")
	if got := h.line(23); !strings.Contains(got, "expected KEY=VALUE") {
		t.Errorf("a pair without a key: status %q", got)
	}
}
