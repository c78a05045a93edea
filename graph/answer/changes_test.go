package answer

import (
	"reflect"

	"github.com/iamx/iamx/graph"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
)

// Each kind of change a reviewer must see, on the demo with one thing
// changed; what IAM records for each:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
func TestChanges(t *testing.T) {
	cases := []struct {
		name   string
		change func(t testing.TB, s *model.Snapshot)
		arn    string // suffix
		want   string // a part of one detail; "" for no change at all
	}{
		{"nothing changed", func(testing.TB, *model.Snapshot) {}, "", ""},
		{"the capture time alone is no change", func(_ testing.TB, s *model.Snapshot) { s.CapturedAt = s.CapturedAt.Add(1e9) }, "", ""},
		{"group membership", func(_ testing.TB, s *model.Snapshot) {
			user(s, "carol").Groups = append(user(s, "carol").Groups, "Admins")
		}, "user/carol", "added to group Admins"},
		{"a detached policy", func(_ testing.TB, s *model.Snapshot) {
			for _, g := range s.Groups {
				if g.Name == "Admins" {
					g.AttachedPolicies = nil
				}
			}
		}, "group/Admins", "detached policy arn:aws:iam::aws:policy/AdministratorAccess"},
		{"a boundary set", func(_ testing.TB, s *model.Snapshot) {
			user(s, "carol").PermissionsBoundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
		}, "user/carol", "boundary set to arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"a tag changed", func(_ testing.TB, s *model.Snapshot) {
			user(s, "carol").Tags = []model.Tag{{Key: "team", Value: "platform"}}
		}, "user/carol", "tag team: finance → platform"},
		{"a statement added to an inline policy", func(t testing.TB, s *model.Snapshot) {
			u := user(s, "carol")
			u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "extra", Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)})
		}, "user/carol", "inline policy extra: + Allow s3:GetObject on *"},
		{"statements reordered are no change", func(t testing.TB, s *model.Snapshot) {
			r := role(s, "ProdAdminRole")
			p := *r.TrustPolicy.Policy
			p.Statements = append(p.Statements[1:2:2], p.Statements[0])
			r.TrustPolicy.Policy = &p
		}, "", ""},
		{"the default version switched", func(_ testing.TB, s *model.Snapshot) {
			p := policyNamed(s, "DeveloperAccess")
			for i := range p.Versions {
				p.Versions[i].IsDefaultVersion = p.Versions[i].VersionID == "v1"
			}
			p.DefaultVersionID = "v1"
		}, "policy/DeveloperAccess", "default version v3 → v1"},
		{"a console password enabled", func(_ testing.TB, s *model.Snapshot) {
			reportRow(s, "ci-deployer").PasswordEnabled = "true"
		}, "user/automation/ci-deployer", "console password enabled"},
		{"an access key replaced", func(_ testing.TB, s *model.Snapshot) {
			reportRow(s, "bob").AccessKey1LastRotated = "2026-11-20T08:00:00+00:00"
		}, "user/bob", "access key 1 replaced"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, cur := demoSnapshot(t), demoSnapshot(t)
			tc.change(t, cur)
			got := ChangesOf(old, cur)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("changes = %+v, want none", got)
				}
				return
			}
			if len(got) != 1 || !strings.HasSuffix(got[0].ARN, tc.arn) || got[0].Change != "modified" {
				t.Fatalf("changes = %+v, want one modification of %s", got, tc.arn)
			}
			if !strings.Contains(strings.Join(got[0].Details, "\n"), tc.want) {
				t.Fatalf("details = %q, want %q", got[0].Details, tc.want)
			}
		})
	}
}

// Effects are worked out only for what the changes touch; working them out
// for every entity of both snapshots must give the same list.
func TestEffectsOfTouchedMatchEverything(t *testing.T) {
	changes := []func(t testing.TB, s *model.Snapshot){
		func(_ testing.TB, s *model.Snapshot) {
			user(s, "carol").Groups = append(user(s, "carol").Groups, "Admins")
		},
		func(_ testing.TB, s *model.Snapshot) {
			for _, g := range s.Groups {
				if g.Name == "Developers" {
					g.AttachedPolicies = append(g.AttachedPolicies, model.AttachedPolicy{Name: "PowerUserAccess", ARN: "arn:aws:iam::aws:policy/PowerUserAccess"})
				}
			}
		},
		func(t testing.TB, s *model.Snapshot) {
			role(s, "DeployRole").TrustPolicy = doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carol"},"Action":"sts:AssumeRole"}]}`)
		},
		func(_ testing.TB, s *model.Snapshot) {
			// A new admin user: whoever may mint keys for any user reaches it.
			s.Users = append(s.Users, &model.User{Path: "/", Name: "eve", ARN: "arn:aws:iam::111122223333:user/eve",
				AttachedPolicies: []model.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}})
			for i := range s.CredentialReport {
				if s.CredentialReport[i].User == "ci-deployer" {
					s.CredentialReport[i].AccessKey2Active = "true" // ci-deployer is full: no third key for mallory
				}
			}
		},
		func(t testing.TB, s *model.Snapshot) {
			p := policyNamed(s, "SelfServiceCredentials")
			p.Versions[0].Document = doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)
		},
	}
	for i, change := range changes {
		old, cur := demoSnapshot(t), demoSnapshot(t)
		change(t, cur)
		so, sc := side(t, old), side(t, cur)
		d := DiffOf(so, sc)
		all := map[string]bool{}
		for _, g := range []*graph.Graph{so.Graph, sc.Graph} {
			for _, n := range g.Nodes() {
				all[n.ARN] = true
			}
		}
		want := effectsOf(so, sc, all, all)
		if len(d.Effects) == 0 {
			t.Errorf("change %d: no effect at all", i)
		}
		if !reflect.DeepEqual(d.Effects, want) {
			t.Errorf("change %d: effects of the touched\n%+v\nall\n%+v", i, d.Effects, want)
		}
	}
}

func side(t testing.TB, s *model.Snapshot) Side {
	g, err := graph.Build([]*model.Snapshot{s}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Side{Graph: g, Privesc: g.Privesc(), File: s.Source}
}
