package graph

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
)

// An IAM ARN names the account that owns the entity: with several
// snapshots, a user, group, role or managed policy belongs to the snapshot
// of that account, and another snapshot cannot redefine it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
func TestEntitiesBelongToTheirAccountsSnapshot(t *testing.T) {
	const A, B = "111122223333", "444455556666"
	const assumeAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	// owner is A's own snapshot: alice may only read S3.
	owner := func(t *testing.T) *fxAccount {
		a := fxNew(t, A)
		a.user("alice", nil, fxS3Read)
		a.role("Deploy", fxTrust(a.userARN("alice")))
		return a
	}
	// impostor is B's snapshot holding entities with A's ARNs.
	impostor := func(t *testing.T, edit func(b *fxAccount)) *fxAccount {
		b := fxNew(t, B)
		b.user("bob", nil)
		edit(b)
		return b
	}
	aliceARN := "arn:aws:iam::" + A + ":user/alice"
	cases := []struct {
		name     string
		edit     func(b *fxAccount) // what B's file holds for A
		loadA    bool
		err      string // part of the build error; "" when it builds
		warning  string // part of the one warning expected; "" for none
		aliceOwn bool   // alice is A's own node (from A's snapshot)
	}{
		{name: "another file redefining a principal is an error naming both files", loadA: true,
			edit: func(b *fxAccount) {
				b.s.Users = append(b.s.Users, &model.User{Name: "alice", Path: "/", ID: "AIDAalice", ARN: aliceARN, InlinePolicies: b.inline([]string{fxAdmin})})
			},
			err: "fixture 444455556666 (account 444455556666) defines user " + aliceARN + " of account 111122223333 differently from that account's own snapshot fixture 111122223333"},
		{name: "another file adding a principal the account's own file lacks is an error", loadA: true,
			edit: func(b *fxAccount) {
				b.s.Users = append(b.s.Users, &model.User{Name: "mallory", Path: "/", ARN: "arn:aws:iam::" + A + ":user/mallory"})
			},
			err: "which that account's own snapshot fixture 111122223333 does not have"},
		{name: "another file redefining a role's trust is an error", loadA: true,
			edit: func(b *fxAccount) {
				b.s.Roles = append(b.s.Roles, &model.Role{Name: "Deploy", Path: "/", ID: "AROADeploy", ARN: "arn:aws:iam::" + A + ":role/Deploy", TrustPolicy: fxDoc(t, fxTrust("*"))})
			},
			err: "defines role arn:aws:iam::111122223333:role/Deploy"},
		{name: "an identical copy, formatted differently, is dropped and the own file's definition used", loadA: true,
			edit: func(b *fxAccount) {
				b.s.Users = append(b.s.Users, &model.User{Name: "alice", Path: "/", ID: "AIDAalice", ARN: aliceARN,
					InlinePolicies: []model.InlinePolicy{{Name: "inline0", Document: fxDoc(t, "  "+fxS3Read+"\n")}}})
			},
			aliceOwn: true},
		{name: "entities of an account that is not loaded are left out with a warning", loadA: false,
			edit: func(b *fxAccount) {
				b.s.Users = append(b.s.Users, &model.User{Name: "alice", Path: "/", ARN: aliceARN, InlinePolicies: b.inline([]string{assumeAll})})
			},
			warning: "user " + aliceARN + ": belongs to account 111122223333, which is not loaded: left out"},
	}
	for _, c := range cases {
		for _, order := range []string{"own file first", "own file last"} {
			t.Run(c.name+", "+order, func(t *testing.T) {
				b := impostor(t, c.edit)
				var snaps []*model.Snapshot
				var a *fxAccount
				if c.loadA {
					a = owner(t)
					snaps = []*model.Snapshot{a.s, b.s}
					if order == "own file last" {
						snaps = []*model.Snapshot{b.s, a.s}
					}
				} else {
					snaps = []*model.Snapshot{b.s}
				}
				g, err := Build(snaps, Options{})
				if c.err != "" {
					if err == nil || !strings.Contains(err.Error(), c.err) {
						t.Fatalf("got %v, want an error containing %q", err, c.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := g.Warnings(); (c.warning == "") != (len(got) == 0) || (c.warning != "" && !strings.Contains(got[0].String(), c.warning)) {
					t.Errorf("warnings %v, want %q", got, c.warning)
				}
				n, err := g.Resolve(aliceARN)
				if err != nil {
					t.Fatal(err)
				}
				if own := n.User != nil && n.Snapshot == a.sOrNil(); own != c.aliceOwn {
					t.Errorf("alice from %v (kind %s), want her own account's definition %v", n.Snapshot, n.Kind, c.aliceOwn)
				}
				if !c.loadA && n.Kind != KindExternal {
					t.Errorf("alice is a %s, want an outside principal", n.Kind)
				}
			})
		}
	}
}

func (f *fxAccount) sOrNil() *model.Snapshot {
	if f == nil {
		return nil
	}
	return f.s
}

// accountField is arn.AccountOf without the allocation: the fast path
// against the slow one.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func TestAccountFieldMatchesARNParse(t *testing.T) {
	for _, s := range []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:s3:::bucket/key:with:colons", "arn:aws-cn:iam::111122223333:role/a:b", "arn:aws:iam::111122223333",
		"arn:aws:iam:", "not an arn", "", "arn:::::", "arn:aws:sts::111122223333:assumed-role/R/s"} {
		want := ""
		if a, err := arn.Parse(s); err == nil {
			want = a.Account
		}
		if got := accountField(s); got != want && !(want == "" && strings.Count(s, ":") >= 5) {
			t.Errorf("accountField(%q) = %q, arn.Parse says %q", s, got, want)
		}
	}
}
