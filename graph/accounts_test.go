package graph

import (
	"testing"
)

// The accounts view's summary: counts per loaded account, admins by their
// own policies, and roles that a principal outside the loaded accounts may
// assume — "*", a root or principal of an account not loaded — but not a
// loaded peer account, a service or the account itself.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestAccountSummaries(t *testing.T) {
	a, b := fxNew(t, "111122223333"), fxNew(t, "444455556666")
	a.s.AccountAlias = "prod"
	a.user("admin", nil, fxAdmin)
	a.user("bob", []string{"readers"}, fxS3Read)
	a.group("readers", fxS3Read)
	a.managed("Shared", fxS3Read)
	a.role("vendor", fxTrust("arn:aws:iam::999988887777:root"))
	a.role("vendor-user", fxTrust("arn:aws:iam::999988887777:user/ops"))
	a.role("public", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`)
	a.role("peer", fxTrust("arn:aws:iam::444455556666:root"))
	a.role("own", fxTrust("arn:aws:iam::111122223333:root"), fxAdmin)
	a.role("fn", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	b.role("ops", fxTrust("arn:aws:iam::111122223333:role/own"), fxAdmin)
	g := fxBuild(t, a, b)
	want := []AccountSummary{
		{ID: "111122223333", Alias: "prod", Users: 2, Groups: 1, Roles: 6, Policies: 1, Admins: 2, OutsideTrust: 3},
		{ID: "444455556666", Roles: 1, Admins: 1},
	}
	got := g.AccountSummaries()
	if len(got) != len(want) {
		t.Fatalf("%d summaries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("account %s:\n got %+v\nwant %+v", want[i].ID, got[i], want[i])
		}
	}
	// Admins agree with IsAdmin asked of every principal.
	admins := map[string]int{}
	for _, n := range g.Nodes() {
		if (n.Kind == KindUser || n.Kind == KindRole) && g.IsAdmin(n) {
			admins[n.Account]++
		}
	}
	for _, s := range got {
		if s.Admins != admins[s.ID] {
			t.Errorf("account %s: %d admins, IsAdmin says %d", s.ID, s.Admins, admins[s.ID])
		}
	}
}
