package escalation

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/model/actions"
)

// The catalogue's entries must be usable as written: every call an action
// of the AWS action catalogue (a typo would make a method silently never
// match), IDs unique and naming the calls, PassRole methods naming the
// service the passed role must trust, possible methods saying what they
// assume.
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
func TestCatalogueEntries(t *testing.T) {
	cat := actions.Load()
	seen := map[string]bool{}
	for _, m := range Methods() {
		t.Run(m.ID, func(t *testing.T) {
			if seen[m.ID] {
				t.Fatalf("duplicate ID")
			}
			seen[m.ID] = true
			if ByID(m.ID) == nil || ByID(m.ID).ID != m.ID {
				t.Errorf("ByID does not find it")
			}
			if got := strings.Join(m.Actions(), "+"); got != m.ID {
				t.Errorf("ID %q does not name its calls %q", m.ID, got)
			}
			for _, p := range m.Permissions {
				if _, ok := cat.Lookup(p.Action); !ok {
					t.Errorf("%s is not in the action catalogue", p.Action)
				}
				if p.On == OnPassedRole && m.Service == "" {
					t.Errorf("passes a role without naming the service")
				}
			}
			trusts := false
			for _, r := range m.Requires {
				trusts = trusts || r == TrustsService
			}
			if (m.Service != "") != trusts {
				t.Errorf("Service %q but TrustsService required = %v", m.Service, trusts)
			}
			if m.Possible() && strings.Count(m.Assumption, "%s") != 1 {
				t.Errorf("assumption %q must name the role once (%%s)", m.Assumption)
			}
			if m.Category == ExistingResource && !m.Possible() {
				t.Errorf("an existing-resource method must be possible only")
			}
			if m.Reference == "" {
				t.Errorf("no reference")
			}
		})
	}
}
