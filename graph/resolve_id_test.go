package graph

import (
	"strings"
	"testing"
	"time"

	"github.com/iamx/iamx/model"
)

// Unique IDs and access key IDs as CloudTrail shows them resolve to the
// principal they belong to.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
func TestResolveUniqueIDs(t *testing.T) {
	a := fxNew(t, "111122223333")
	alice := a.user("alice", nil)
	alice.ID = "AIDAEXAMPLEALICE0001"
	alice.AccessKeysListed = true
	alice.AccessKeys = []model.AccessKey{
		{ID: "AKIAEXAMPLEALICE0001", Status: "Active", CreateDate: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{ID: "AKIAEXAMPLEALICE0002", Status: "Inactive"},
	}
	bob := a.user("bob", nil)
	bob.ID = "AIDAEXAMPLEBOB000001"
	bob.AccessKeysListed = true                  // listed, no keys
	named := a.user("AIDAEXAMPLENAMEDLIKE", nil) // a user may be called anything
	named.ID = "AIDAEXAMPLENAMED0001"
	deploy := a.role("Deploy", fxTrust(a.userARN("alice")))
	deploy.ID = "AROAEXAMPLEDEPLOY001"
	deploy.InstanceProfiles = []model.InstanceProfile{{Name: "deploy-profile", ID: "AIPAEXAMPLEPROFILE01"}}
	// AWS shows a deleted principal's unique ID in the trust policies that
	// named it.
	a.role("Legacy", fxTrust("AROAEXAMPLEDELETED01"))
	moto := a.user("moto-user", nil)
	moto.ID = "1gqgjznojors3avzt3uq" // moto's IDs have no AIDA prefix
	g := a.group("Admins")
	g.ID = "AGPAEXAMPLEADMINS001"
	ro := a.managed("ReadOnly", fxS3Read)
	a.s.Policies[len(a.s.Policies)-1].ID = "ANPAEXAMPLEREADONLY1"
	graph := fxBuild(t, a)

	cases := []struct {
		name, in string
		want     string // ARN of the node; "" when an error is expected
		err      string
	}{
		{"a user's unique ID (AIDA) is the user", "AIDAEXAMPLEALICE0001", a.userARN("alice"), ""},
		{"a role's unique ID (AROA) is the role", "AROAEXAMPLEDEPLOY001", a.roleARN("Deploy"), ""},
		{"a role session's principal ID (AROA…:session) acts as its role", "AROAEXAMPLEDEPLOY001:i-0abc1234", a.roleARN("Deploy"), ""},
		{"a group's unique ID (AGPA) is the group", "AGPAEXAMPLEADMINS001", "arn:aws:iam::111122223333:group/Admins", ""},
		{"a managed policy's ID (ANPA) is the policy", "ANPAEXAMPLEREADONLY1", ro, ""},
		{"an instance profile's ID (AIPA) is its role", "AIPAEXAMPLEPROFILE01", a.roleARN("Deploy"), ""},
		{"an access key ID (AKIA) is its user", "AKIAEXAMPLEALICE0001", a.userARN("alice"), ""},
		{"an inactive key is still its user's", "AKIAEXAMPLEALICE0002", a.userARN("alice"), ""},
		{"an ID of another shape (moto's) still finds its entity", "1gqgjznojors3avzt3uq", a.userARN("moto-user"), ""},
		{"surrounding space is ignored", "  AIDAEXAMPLEBOB000001 ", a.userARN("bob"), ""},
		{"a name that looks like an ID is still a name", "AIDAEXAMPLENAMEDLIKE", a.userARN("AIDAEXAMPLENAMEDLIKE"), ""},
		{"a deleted principal's ID named in a trust policy is that principal", "AROAEXAMPLEDELETED01", "AROAEXAMPLEDELETED01", ""},
		{"an unknown user ID says no user has it", "AIDAEXAMPLEUNKNOWN01", "", "no user with unique ID AIDAEXAMPLEUNKNOWN01 in the loaded accounts"},
		{"an unknown role session names the session", "AROAEXAMPLEUNKNOWN01:sess", "", "no role (of session sess) with unique ID AROAEXAMPLEUNKNOWN01"},
		{"only role IDs carry a session", "AIDAEXAMPLEALICE0001:x", "", "no principal named AIDAEXAMPLEALICE0001:x"},
		{"an unknown key among listed keys says what was recorded", "AKIAEXAMPLEUNKNOWN01", "", "no access key AKIAEXAMPLEUNKNOWN01 among the keys recorded at capture (the keys of 2 of 4 users were not listed"},
		{"a temporary key (ASIA) belongs to a session snapshots do not record", "ASIAEXAMPLETEMP00001", "", "temporary access key of a role or federated session"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := graph.Resolve(c.in)
			if c.want == "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, %v; want error containing %q", n, err, c.err)
				}
				return
			}
			if err != nil || n.ARN != c.want {
				t.Fatalf("got %v, %v; want %s", n, err, c.want)
			}
		})
	}

	k, ok := graph.AccessKey("AKIAEXAMPLEALICE0002")
	if !ok || k.User.Name != "alice" || k.Key.Status != "Inactive" {
		t.Errorf("AccessKey = %+v, %v; want alice's inactive key", k, ok)
	}
}

// A GAAD file has no access key IDs: asking for one says so and how to
// record them, rather than "no such key".
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestResolveAccessKeyWithoutKeys(t *testing.T) {
	a := fxNew(t, "111122223333")
	a.user("alice", nil)
	_, err := fxBuild(t, a).Resolve("AKIAEXAMPLEALICE0001")
	want := "access key IDs are not in GAAD files; capture with iamx snapshot to record them"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want an error saying %q", err, want)
	}
}

// The index agrees with the obvious search: on the demo account every
// recorded unique ID and access key ID resolves to the one entity that
// carries it.
func TestResolveIDMatchesScan(t *testing.T) {
	g := demoGraph(t)
	keys := 0
	for _, n := range g.Nodes() {
		var id string
		switch {
		case n.User != nil:
			id = n.User.ID
			for _, k := range n.User.AccessKeys {
				keys++
				if got, err := g.Resolve(k.ID); err != nil || got != n {
					t.Errorf("key %s: got %v, %v; want %s", k.ID, got, err, n.ARN)
				}
			}
		case n.Group != nil:
			id = n.Group.ID
		case n.Role != nil:
			id = n.Role.ID
		case n.Policy != nil:
			id = n.Policy.ID
		}
		if id == "" {
			continue // AWS managed policies in the demo carry no ID
		}
		if got, err := g.Resolve(id); err != nil || got != n {
			t.Errorf("%s: got %v, %v; want %s", id, got, err, n.ARN)
		}
	}
	if keys == 0 {
		t.Fatal("the demo account records no access keys")
	}
}
