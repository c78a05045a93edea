package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// An account principal is the account itself: "arn:aws:iam::ACCOUNT:root"
// stands for the account, not its root user alone. The demo's own root is
// this account; 999988887777 is another one, not loaded.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
func TestExternalAccountOverview(t *testing.T) {
	c := detailCommon(t)
	cases := []struct {
		name, principal string
		want, not       string
	}{
		{"the account's own root is the account itself", "arn:aws:iam::111122223333:root", "this account itself", "another account"},
		{"a trusted account that is not loaded is another account", "arn:aws:iam::999988887777:root", "another account, not loaded", "this account"},
		{"an account no trust names is another account", "123456789012", "another account, not loaded", "this account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := detailSized(NewPrincipalPage(c, detailNode(t, c, tc.principal)), detailW, detailH)
			view := strings.Join(strings.Fields(ansi.Strip(p.View())), " ")
			if !strings.Contains(view, tc.want) || strings.Contains(view, tc.not) {
				t.Errorf("overview %q: want %q and not %q", view, tc.want, tc.not)
			}
		})
	}
}
