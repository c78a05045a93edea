package loader

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Access key IDs, status and creation time come from iam:ListAccessKeys
// and live in an iamx snapshot next to their user; GAAD has none, and a
// user whose keys were never listed is told apart from one with no keys.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestAccessKeysRoundTrip(t *testing.T) {
	const snap = `{"format":"iamx-snapshot","version":1,"account_id":"111122223333","authorization_details":{"UserDetailList":[
	  {"UserName":"alice","Arn":"arn:aws:iam::111122223333:user/alice","AccessKeys":[
	    {"AccessKeyId":"AKIAALICEEXAMPLE0001","Status":"Active","CreateDate":"2024-01-02T03:04:05Z"},
	    {"AccessKeyId":"AKIAALICEEXAMPLE0002","Status":"Inactive","CreateDate":"2023-06-01T00:00:00Z"}]},
	  {"UserName":"bob","Arn":"arn:aws:iam::111122223333:user/bob","AccessKeys":[]},
	  {"UserName":"carol","Arn":"arn:aws:iam::111122223333:user/carol"},
	  {"UserName":"dave","Arn":"arn:aws:iam::111122223333:user/dave","AccessKeys":[{"Status":"Active"},
	    {"AccessKeyId":"AKIA\u001b[2Jcleared0001","Status":"Active"},
	    {"AccessKeyId":"AKIADAVEEXAMPLE00001","Status":"Sleeping"}]}]}}`
	s, err := Read(strings.NewReader(snap), "keys.json")
	if err != nil {
		t.Fatal(err)
	}
	alice, bob, carol, dave := s.Users[0], s.Users[1], s.Users[2], s.Users[3]
	if !alice.AccessKeysListed || len(alice.AccessKeys) != 2 || alice.AccessKeys[1].ID != "AKIAALICEEXAMPLE0002" ||
		alice.AccessKeys[1].Status != "Inactive" || !alice.AccessKeys[0].CreateDate.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("alice: listed %v, keys %+v", alice.AccessKeysListed, alice.AccessKeys)
	}
	if !bob.AccessKeysListed || len(bob.AccessKeys) != 0 {
		t.Errorf("bob has no keys and was listed: listed %v, keys %+v", bob.AccessKeysListed, bob.AccessKeys)
	}
	if carol.AccessKeysListed {
		t.Error("carol's keys were never listed")
	}
	// A key without an ID, or with an ID that is not one (a hostile file's
	// terminal escape), is a warning and left out; an unknown status is a
	// warning and kept as unknown.
	wantWhere := []string{"users[3] (dave).AccessKeys[0]", "users[3] (dave).AccessKeys[1].AccessKeyId", "users[3] (dave).AccessKeys[2].Status"}
	if len(dave.AccessKeys) != 1 || dave.AccessKeys[0].Status != "" || len(s.Warnings) != len(wantWhere) {
		t.Fatalf("dave: keys %+v, warnings %v", dave.AccessKeys, s.Warnings)
	}
	for i, w := range wantWhere {
		if s.Warnings[i].Where != w {
			t.Errorf("warning %d at %q, want %q", i, s.Warnings[i].Where, w)
		}
	}

	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	if strings.Count(buf.String(), `"AccessKeys"`) != 3 || strings.Count(buf.String(), `"AccessKeyId"`) != 3 {
		t.Errorf("written snapshot should keep the three listed users' AccessKeys and leave carol's out:\n%s", buf.String())
	}
	again, err := Read(&buf, "again.json")
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Users {
		a, b := s.Users[i], again.Users[i]
		if a.AccessKeysListed != b.AccessKeysListed || len(a.AccessKeys) != len(b.AccessKeys) {
			t.Fatalf("%s: read again listed %v keys %+v, want %v %+v", a.Name, b.AccessKeysListed, b.AccessKeys, a.AccessKeysListed, a.AccessKeys)
		}
		for j := range a.AccessKeys {
			if a.AccessKeys[j] != b.AccessKeys[j] {
				t.Errorf("%s key %d: %+v, want %+v", a.Name, j, b.AccessKeys[j], a.AccessKeys[j])
			}
		}
	}

	gaad, err := ParseGAAD([]byte(`{"UserDetailList":[{"UserName":"alice","Arn":"arn:aws:iam::111122223333:user/alice"}]}`), "gaad.json")
	if err != nil {
		t.Fatal(err)
	}
	if gaad.Users[0].AccessKeysListed {
		t.Error("a GAAD file lists no access keys")
	}
}
