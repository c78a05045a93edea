package graph

import (
	"slices"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// A snapshot holds every tag of a user, so a tag the user lacks is absent from
// the request, not unknown: a condition on it is refuted, not "missing
// context". A role session can carry session tags, so for roles the key stays
// unknown and is reported. aws:username exists only for IAM users.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
func TestKnownKeysRefuteAbsentPrincipalKeys(t *testing.T) {
	const tagged = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}}`
	const byName = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringLike":{"aws:username":"ops-*"}}}}`
	a := fxNew(t, "111122223333")
	withTag := a.user("dana", nil, tagged)
	withTag.Tags = []model.Tag{{Key: "team", Value: "data"}}
	a.user("erin", nil, tagged)
	a.role("TaggedRole", fxTrust("111122223333"), tagged)
	a.user("ops-frank", nil, byName)
	a.role("ops-role", fxTrust("111122223333"), byName)
	g := fxBuild(t, a)

	cases := []struct {
		name        string
		who         string
		decision    policy.Decision
		conditional bool
		missing     []string
	}{
		{"user with the tag is allowed", "dana", policy.Allowed, false, nil},
		{"user without the tag is refuted, not conditional", "erin", policy.ImplicitDeny, false, nil},
		{"role without the tag depends on session tags", "TaggedRole", policy.ImplicitDeny, true, []string{"aws:PrincipalTag/team"}},
		{"aws:username is filled for a user", "ops-frank", policy.Allowed, false, nil},
		{"aws:username is absent for a role session", "ops-role", policy.ImplicitDeny, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := g.Can(fxNode(t, g, tc.who), "s3:GetObject", "*", nil, false)
			if r.Decision != tc.decision || r.Conditional != tc.conditional || !slices.Equal(r.MissingContext, tc.missing) {
				t.Errorf("got %v conditional=%v missing=%v, want %v conditional=%v missing=%v",
					r.Decision, r.Conditional, r.MissingContext, tc.decision, tc.conditional, tc.missing)
			}
		})
	}
}
