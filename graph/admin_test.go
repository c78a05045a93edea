package graph

import (
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/testdata/gen"
)

// Admin-equivalence: * on * without conditions, after denies, the
// permissions boundary and SCPs. A Deny that only context lifts (MFA) keeps
// the principal admin; a conditional Allow does not make one.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html#jf_administrator
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestIsAdminDemo(t *testing.T) {
	g := permsDemo(t)
	cases := []struct {
		name      string
		principal string
		admin     bool
		keys      []string
	}{
		{"AdministratorAccess through a group, with a deny lifted by MFA", "alice", true, []string{"aws:MultiFactorAuthPresent"}},
		{"AdministratorAccess attached to a role", "ProdAdminRole", true, nil},
		{"inline * on * is admin", "OrganizationAccountAccessRole", true, nil},
		{"ReadOnlyAccess is not admin", "carol", false, nil},
		{"a boundary keeps PowerUser-like grants from admin", "bob", false, nil},
		{"iam:PassRole and lambda are not admin by themselves", "mallory", false, nil},
		{"a chain to an admin role is not admin itself", "ci-deployer", false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := resolvePerms(t, g, tc.principal)
			if got := g.IsAdmin(n); got != tc.admin {
				t.Fatalf("IsAdmin(%s) = %v, want %v", tc.principal, got, tc.admin)
			}
			p := g.Permissions(n, PermFilter{Service: "s3"})
			if p.Admin != tc.admin {
				t.Errorf("Permissions(%s).Admin = %v, want %v", tc.principal, p.Admin, tc.admin)
			}
			if tc.admin && len(p.AdminSources) == 0 {
				t.Errorf("admin without a source statement")
			}
			if !slices.Equal(p.AdminConditionKeys, tc.keys) {
				t.Errorf("AdminConditionKeys = %v, want %v", p.AdminConditionKeys, tc.keys)
			}
		})
	}
}

func TestIsAdminFixtures(t *testing.T) {
	const (
		star       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
		starStar   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:*","Resource":"*"}]}`
		notIAM     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`
		iamAll     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
		denyOrgs   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:*","Resource":"*"}]}`
		denyBucket = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::audit-logs/*"}]}`
		fromOffice = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`
		onBuckets  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::*"}]}`
	)
	acct := newPermsAccount(t)
	s3Boundary := acct.managed("S3Boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	cases := []struct {
		name     string
		boundary string
		docs     []string
		admin    bool
		escalate bool
	}{
		{"Action * on Resource * is admin", "", []string{star}, true, false},
		{"Action *:* on Resource * is admin", "", []string{starStar}, true, false},
		{"NotAction iam:* plus iam:* together cover everything", "", []string{notIAM, iamAll}, true, false},
		{"NotAction iam:* alone is not admin", "", []string{notIAM}, false, false},
		{"iam:* on * is not admin but can escalate", "", []string{iamAll}, false, true},
		{"an unconditional deny on some actions breaks admin (a key minted for another admin user of the account escalates)", "", []string{star, denyOrgs}, false, true},
		{"a deny on specific resources does not break admin", "", []string{star, denyBucket}, true, false},
		{"an allow conditional on source IP is not admin, but from there it may write itself one", "", []string{fromOffice}, false, true},
		{"* on some resources only is not admin", "", []string{onBuckets}, false, false},
		{"a permissions boundary limits an admin policy", s3Boundary, []string{star}, false, false},
	}
	for i, tc := range cases {
		acct.user("u"+strconv.Itoa(i), tc.boundary, tc.docs...)
	}
	g := acct.build()
	pv := g.Privesc()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := resolvePerms(t, g, "u"+strconv.Itoa(i))
			if got := g.IsAdmin(n); got != tc.admin {
				t.Errorf("IsAdmin = %v, want %v", got, tc.admin)
			}
			if got := pv.Hops(n) > 0; got != tc.escalate {
				t.Errorf("escalates to admin = %v, want %v (%s)", got, tc.escalate, hopString(pv.Shortest(n)))
			}
		})
	}
}

// An admin role reachable through assume-role chains makes the principal
// admin via that chain.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html
func TestAdminVia(t *testing.T) {
	g := permsDemo(t)
	cases := []struct {
		principal string
		want      string // an admin role that must be listed; "" for none
	}{
		{"ci-deployer", "ProdAdminRole"}, // ci-deployer → DeployRole → ProdAdminRole
		{"DeployRole", "ProdAdminRole"},
		{"carol", ""},
	}
	for _, tc := range cases {
		t.Run(tc.principal, func(t *testing.T) {
			via := g.AdminVia(resolvePerms(t, g, tc.principal))
			if tc.want == "" {
				if len(via) != 0 {
					t.Errorf("AdminVia = %v, want none", labels(via))
				}
				return
			}
			if !slices.ContainsFunc(via, func(n *Node) bool { return n.Name == tc.want }) {
				t.Errorf("AdminVia = %v, want %s among them", labels(via), tc.want)
			}
			for _, n := range via {
				if !g.IsAdmin(n) {
					t.Errorf("%s listed but not admin", n.Label())
				}
			}
		})
	}
}

func labels(ns []*Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Label())
	}
	return out
}

var (
	refOnce  sync.Once
	refGraph *Graph
	refErr   error
)

// referenceGraph is the 10,000-principal generated account of DESIGN.md §8.
func referenceGraph(b *testing.B) *Graph {
	refOnce.Do(func() {
		o := gen.Reference
		if testing.Short() {
			// A tenth of the reference scale: perms of one admin does not
			// depend on the account's size, and the build is faster.
			o = gen.Options{Users: 500, Roles: 500, Groups: 30, Policies: 150, Seed: 1}
		}
		s, err := gen.Account(o)
		if err != nil {
			refErr = err
			return
		}
		refGraph, refErr = Build([]*model.Snapshot{s}, Options{})
	})
	if refErr != nil {
		b.Fatalf("reference account: %v", refErr)
	}
	return refGraph
}

// firstAdmin returns a principal of the reference account that is admin.
func firstAdmin(b *testing.B, g *Graph) *Node {
	for _, list := range [][]*Node{g.Roles(), g.Users()} {
		for _, n := range list {
			for _, r := range g.PoliciesOf(n) {
				if r.Source.Name == "AdministratorAccess" && !r.Boundary && g.IsAdmin(n) {
					return n
				}
			}
		}
	}
	b.Fatal("no admin in the reference account")
	return nil
}

// BenchmarkPermissionsAdmin is the full effective permissions of an admin
// (every catalogue action) on the reference account: target under 100 ms.
func BenchmarkPermissionsAdmin(b *testing.B) {
	g := referenceGraph(b)
	n := firstAdmin(b, g)
	b.ResetTimer()
	for b.Loop() {
		p := g.Permissions(n, PermFilter{})
		if len(p.Actions) < 20000 {
			b.Fatalf("%s: only %d actions", n.Label(), len(p.Actions))
		}
	}
}

// BenchmarkPermissionsDemoAlice is an admin whose every action is
// conditional on MFA: the restriction is carried on every entry.
func BenchmarkPermissionsDemoAlice(b *testing.B) {
	g := permsDemo(b)
	n := resolvePerms(b, g, "alice")
	for b.Loop() {
		g.Permissions(n, PermFilter{})
	}
}

// BenchmarkIsAdminAll decides admin-equivalence for every user and role of
// the reference account.
func BenchmarkIsAdminAll(b *testing.B) {
	g := referenceGraph(b)
	actors := append(append([]*Node{}, g.Users()...), g.Roles()...)
	b.ResetTimer()
	for b.Loop() {
		g.perm = permCache{} // measure a cold graph: the first list or who-can after loading
		admins := 0
		for _, n := range actors {
			if g.IsAdmin(n) {
				admins++
			}
		}
		if admins == 0 {
			b.Fatal("no admins")
		}
	}
}

// WarmAdmin gives the answers IsAdmin gives one by one; run with -race, it
// also checks that concurrent admin decisions share the graph safely.
func TestWarmAdminAgreesWithIsAdmin(t *testing.T) {
	cold := demoGraph(t)
	warm := demoGraph(t)
	nodes := append(append([]*Node{}, warm.Users()...), warm.Roles()...)
	warm.WarmAdmin(nodes)
	for _, n := range nodes {
		if got, want := warm.IsAdmin(n), cold.IsAdmin(cold.Node(n.ARN)); got != want {
			t.Errorf("%s: WarmAdmin then IsAdmin = %v, IsAdmin alone = %v", n.Label(), got, want)
		}
	}
}

// quickAdmin must agree with the full partition of the catalogue wherever it
// decides, on the demo account and a generated one (which mixes admins with
// conditional and unconditional denies, boundaries and NotAction).
func TestQuickAdminAgreesWithFullCheck(t *testing.T) {
	cat := actions.Load()
	small, err := gen.Account(gen.Options{Users: 400, Roles: 400, Groups: 30, Policies: 150, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	gs, err := Build([]*model.Snapshot{small}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	decided := 0
	for _, g := range []*Graph{demoGraph(t), gs} {
		for _, n := range append(append([]*Node{}, g.Users()...), g.Roles()...) {
			ps := g.permSet(n).compile()
			quick, ok := ps.quickAdmin(cat)
			if !ok {
				continue
			}
			decided++
			if full, _, _ := ps.admin(cat); quick != full {
				t.Errorf("%s: quickAdmin = %v, full check = %v", n.Label(), quick, full)
			}
		}
	}
	if decided < 10 {
		t.Fatalf("quickAdmin decided only %d principals: the test exercises nothing", decided)
	}
	t.Logf("quickAdmin decided %d principals", decided)
}

// BenchmarkIsAdminWarm is what a list redraw costs once the answers are known:
// a memo lookup per row.
func BenchmarkIsAdminWarm(b *testing.B) {
	g := referenceGraph(b)
	actors := append(append([]*Node{}, g.Users()...), g.Roles()...)
	g.WarmAdmin(actors)
	b.ResetTimer()
	for b.Loop() {
		for _, n := range actors {
			g.IsAdmin(n)
		}
	}
}
