package graph

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// PRINCIPAL on the command line (DESIGN.md §2); principal identifiers as in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestResolve(t *testing.T) {
	a := fxNew(t, "111122223333")
	a.user("alice", nil)
	a.user("dup", nil)
	a.role("dup", fxTrust("arn:aws:iam::111122223333:root"))
	a.role("Deploy", fxTrust(a.userARN("alice")))
	a.group("Admins")
	a.managed("ReadOnly", fxS3Read)
	a.role("GitHub", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
		"Action":"sts:AssumeRoleWithWebIdentity"}]}`)
	a.role("Vendor", fxTrust("999988887777"))
	g := fxBuild(t, a)

	cases := []struct {
		name, in string
		want     string // node ARN; "" when an error is expected
		err      string // part of the error
		kind     Kind
		id       int // -1 for transient, otherwise ignored unless want is ""
	}{
		{"bare name", "alice", "arn:aws:iam::111122223333:user/alice", "", KindUser, 0},
		{"names ignore case when nothing matches exactly", "ALICE", "arn:aws:iam::111122223333:user/alice", "", KindUser, 0},
		{"typed user", "user/alice", "arn:aws:iam::111122223333:user/alice", "", KindUser, 0},
		{"typed role", "role/Deploy", "arn:aws:iam::111122223333:role/Deploy", "", KindRole, 0},
		{"typed group", "group/Admins", "arn:aws:iam::111122223333:group/Admins", "", KindGroup, 0},
		{"typed policy", "policy/ReadOnly", "arn:aws:iam::111122223333:policy/ReadOnly", "", KindPolicy, 0},
		{"typed name disambiguates", "role/dup", "arn:aws:iam::111122223333:role/dup", "", KindRole, 0},
		{"full ARN", "arn:aws:iam::111122223333:role/Deploy", "arn:aws:iam::111122223333:role/Deploy", "", KindRole, 0},
		{"session ARN acts as its role", "arn:aws:sts::111122223333:assumed-role/Deploy/s1", "arn:aws:iam::111122223333:role/Deploy", "", KindRole, 0},
		{"account ID named in a trust", "999988887777", "arn:aws:iam::999988887777:root", "", KindExternal, 0},
		{"root ARN", "arn:aws:iam::999988887777:root", "arn:aws:iam::999988887777:root", "", KindExternal, 0},
		{"loaded account's root", "111122223333", "arn:aws:iam::111122223333:root", "", KindExternal, 0},
		{"account no trust names is transient", "444455556666", "arn:aws:iam::444455556666:root", "", KindExternal, -1},
		{"service no trust names is transient", "ec2.amazonaws.com", "ec2.amazonaws.com", "", KindExternal, -1},
		{"provider by name", "token.actions.githubusercontent.com", "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", "", KindExternal, 0},
		{"anyone", "*", "*", "", KindExternal, -1},
		{"ambiguous name lists candidates", "dup", "", "dup is ambiguous: arn:aws:iam::111122223333:role/dup, arn:aws:iam::111122223333:user/dup", 0, 0},
		{"unknown name", "nobody", "", "no principal named nobody", 0, 0},
		{"a typo gets the nearest names", "alcie", "", "no principal named alcie; did you mean alice?", 0, 0},
		{"a typed typo gets the nearest names", "role/Deplo", "", "no principal named role/Deplo; did you mean Deploy?", 0, 0},
		{"ARN missing from its loaded account", "arn:aws:iam::111122223333:user/gone", "", "no principal named arn:aws:iam::111122223333:user/gone", 0, 0},
		{"empty", " ", "", "empty principal", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := g.Resolve(c.in)
			if c.want == "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, %v; want error containing %q", n, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if n.ARN != c.want || n.Kind != c.kind {
				t.Errorf("got %s %s, want %s %s", n.Kind, n.ARN, c.kind, c.want)
			}
			if c.id == -1 && n.ID != -1 {
				t.Errorf("ID = %d, want -1 (transient)", n.ID)
			}
		})
	}
}

// Keys a snapshot knows are filled; the caller's context wins.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
func TestRequestContext(t *testing.T) {
	a := fxNew(t, "111122223333")
	u := a.user("alice", nil)
	u.Tags = []model.Tag{{Key: "team", Value: "ops"}}
	r := a.role("Deploy", fxTrust(a.userARN("alice")))
	r.Tags = []model.Tag{{Key: "env", Value: "prod"}}
	a.role("Lambda", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	g := fxBuild(t, a)
	over := policy.Context{}
	over.Set("aws:PrincipalTag/team", "override")
	over.Set("aws:SourceIp", "10.0.0.1")

	cases := []struct {
		name, who string
		ctx       policy.Context
		want      map[string]string // key → value; "" means absent
	}{
		{"user keys", "alice", nil, map[string]string{
			"aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice", "aws:PrincipalAccount": "111122223333",
			"aws:username": "alice", "aws:userid": "AIDAalice", "aws:PrincipalType": "User",
			"aws:PrincipalTag/team": "ops", "aws:PrincipalIsAWSService": "false", "aws:MultiFactorAuthPresent": ""}},
		{"caller context wins and adds", "alice", over, map[string]string{
			"aws:PrincipalTag/team": "override", "aws:SourceIp": "10.0.0.1", "aws:username": "alice"}},
		{"a role acts as its session; PrincipalArn is the role", "Deploy", nil, map[string]string{
			"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Deploy", "aws:PrincipalType": "AssumedRole",
			"aws:PrincipalTag/env": "prod", "aws:username": "", "aws:userid": ""}},
		{"service principal", "lambda.amazonaws.com", nil, map[string]string{
			"aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": "lambda.amazonaws.com", "aws:PrincipalArn": ""}},
		{"account root", "111122223333", nil, map[string]string{
			"aws:PrincipalType": "Account", "aws:PrincipalAccount": "111122223333", "aws:userid": "111122223333"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := g.Request(fxNode(t, g, c.who), "s3:GetObject", "", c.ctx)
			if req.Resource != "*" {
				t.Errorf("resource %q, want *", req.Resource)
			}
			for k, want := range c.want {
				v, ok := req.Context.Get(k)
				switch {
				case want == "" && ok:
					t.Errorf("%s = %v, want absent", k, v)
				case want != "" && (!ok || len(v) != 1 || v[0] != want):
					t.Errorf("%s = %v, want %s", k, v, want)
				}
			}
			// The request is the caller's: changing it leaves the graph alone.
			req.Context.Set("aws:PrincipalArn", "changed")
			if again := g.Request(fxNode(t, g, c.who), "s3:GetObject", "", nil); again.Context["aws:principalarn"] != nil &&
				again.Context["aws:principalarn"][0] == "changed" {
				t.Errorf("Request shares its context with the graph")
			}
		})
	}
}

func TestBuildRejectsDuplicateAccount(t *testing.T) {
	a := fxNew(t, "111122223333")
	b := fxNew(t, "111122223333")
	if _, err := Build([]*model.Snapshot{a.s, b.s}, Options{}); err == nil || !strings.Contains(err.Error(), "loaded twice") {
		t.Errorf("got %v, want a loaded-twice error", err)
	}
	if _, err := Build([]*model.Snapshot{nil}, Options{}); err == nil {
		t.Errorf("nil snapshot accepted")
	}
}

// Identity policies of a user are its own plus every group's; the boundary
// is listed last. https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
func TestPoliciesOf(t *testing.T) {
	a := fxNew(t, "111122223333")
	ro := a.managed("ReadOnly", fxS3Read)
	bd := a.managed("Boundary", fxS3Read)
	gr := a.group("Devs", fxAdmin)
	gr.AttachedPolicies = []model.AttachedPolicy{{Name: "ReadOnly", ARN: ro}}
	u := a.user("alice", []string{"Devs"}, fxS3Read)
	u.PermissionsBoundary = bd
	g := fxBuild(t, a)
	alice := fxNode(t, g, "alice")
	refs := g.PoliciesOf(alice)
	var got []string
	for _, r := range refs {
		via := ""
		if r.Via != nil {
			via = "@" + r.Via.Name
		}
		if r.Boundary {
			via += "!boundary"
		}
		got = append(got, r.Source.Name+via)
	}
	want := "inline0 inline0@Devs ReadOnly@Devs Boundary!boundary"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if len(g.GroupsOf(alice)) != 1 || len(g.MembersOf(fxNode(t, g, "Devs"))) != 1 {
		t.Errorf("member-of edges missing")
	}
	if at := g.AttachedTo(fxNode(t, g, "policy/Boundary")); len(at) != 1 || at[0] != alice {
		t.Errorf("boundary edge missing: %v", at)
	}
	if at := g.AttachedTo(fxNode(t, g, "policy/ReadOnly")); len(at) != 1 || at[0].Kind != KindGroup {
		t.Errorf("attached edge missing: %v", at)
	}
	// The boundary subtracts: admin through the group, but only S3 reads survive.
	if res := g.Can(alice, "ec2:RunInstances", "*", nil, false); res.Decision == policy.Allowed {
		t.Errorf("boundary did not limit ec2:RunInstances")
	}
	if res := g.Can(alice, "s3:GetObject", "*", nil, false); res.Decision != policy.Allowed {
		t.Errorf("s3:GetObject: %v", res.Decision)
	}
}

// Faults a loader lets through (as warnings) must not break the graph: an
// unparsed trust policy, a missing group, managed policy or boundary, an
// empty principal.
func TestBuildToleratesBrokenSnapshots(t *testing.T) {
	a := fxNew(t, "111122223333")
	u := a.user("alice", []string{"NoSuchGroup"}, fxAllowAssumeAll)
	u.AttachedPolicies = []model.AttachedPolicy{{Name: "Gone", ARN: "arn:aws:iam::111122223333:policy/Gone"}}
	u.PermissionsBoundary = "arn:aws:iam::111122223333:policy/GoneBoundary"
	r := a.role("Unparsed", fxTrust("arn:aws:iam::111122223333:root"))
	r.TrustPolicy.Policy = nil
	a.role("EmptyPrincipal", fxTrust(""))
	a.role("Root", fxTrust("arn:aws:iam::111122223333:root"))
	a.s.Users = append(a.s.Users, nil)
	g := fxBuild(t, a)
	alice := fxNode(t, g, "alice")
	if len(g.Assumes(alice)) != 0 {
		// The missing boundary is read as allowing nothing.
		t.Errorf("alice assumes %v despite an unreadable boundary", g.Assumes(alice))
	}
	if got := g.WhoCan("sts:AssumeRole", "*", nil); len(got) != 0 {
		t.Errorf("who-can: %d principals", len(got))
	}
	_ = g.Chains(alice, ChainOptions{})
	_ = g.ReachabilityAll()
}
