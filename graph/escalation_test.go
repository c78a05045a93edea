package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/escalation"
	"github.com/iamx/iamx/model/policy"
)

// Every method of the catalogue, built into a small account where the
// attacker holds exactly the method's permissions and the target meets every
// prerequisite: the method must be found (reachable, or possible for the
// methods that need a resource the snapshot cannot see). Then negative
// controls, one change each: a permission missing, an explicit Deny, a
// prerequisite broken, a trust that does not name the service.
//
// Sources of the methods: https://pathfinding.cloud and
// https://github.com/BishopFox/iam-vulnerable; the rules:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
func TestEscalationCatalogueMethods(t *testing.T) {
	for i := range escalation.Methods() {
		m := &escalation.Methods()[i]
		t.Run(m.ID+"/found when allowed and every prerequisite holds", func(t *testing.T) {
			g, who := methodFixture(t, m, methodVariant{drop: -1})
			if !escalatesBy(g, who, m) {
				t.Fatalf("%s: no path or possible path by %s", who, m.ID)
			}
		})
		for j, p := range m.Permissions {
			t.Run(fmt.Sprintf("%s/not found without %s", m.ID, p.Action), func(t *testing.T) {
				g, who := methodFixture(t, m, methodVariant{drop: j})
				if escalatesBy(g, who, m) {
					t.Fatalf("%s escalates by %s without %s", who, m.ID, p.Action)
				}
			})
		}
		t.Run(m.ID+"/an explicit deny of its first call wins", func(t *testing.T) {
			g, who := methodFixture(t, m, methodVariant{drop: -1, deny: true})
			if escalatesBy(g, who, m) {
				t.Fatalf("%s escalates by %s despite the Deny", who, m.ID)
			}
		})
		for _, p := range m.Requires {
			t.Run(fmt.Sprintf("%s/not found without %s", m.ID, p), func(t *testing.T) {
				g, who := methodFixture(t, m, methodVariant{drop: -1, broken: p, breaks: true})
				if escalatesBy(g, who, m) {
					t.Fatalf("%s escalates by %s though the target lacks %s", who, m.ID, p)
				}
			})
		}
	}
}

type methodVariant struct {
	drop   int  // index of the permission left out; -1 for none
	deny   bool // add a Deny of the first permission's action
	breaks bool // break the prerequisite broken
	broken escalation.Prerequisite
}

const fxAcct = "111111111111"

// methodFixture builds the account for one method and returns it with the
// attacker's name.
func methodFixture(t *testing.T, m *escalation.Method, v methodVariant) (*Graph, string) {
	t.Helper()
	f := fxNew(t, fxAcct)
	broken := func(p escalation.Prerequisite) bool { return v.breaks && v.broken == p }
	var allow []string
	for j, p := range m.Permissions {
		if j != v.drop {
			allow = append(allow, p.Action)
		}
	}
	stmts := []string{}
	if len(allow) > 0 {
		stmts = append(stmts, `{"Effect":"Allow","Action":`+jsonList(allow)+`,"Resource":"*"}`)
	}
	if v.deny {
		stmts = append(stmts, `{"Effect":"Deny","Action":"`+m.Permissions[0].Action+`","Resource":"*"}`)
	}
	attack := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	if len(stmts) == 0 {
		attack = fxS3Read
	}
	cred := func(user string, password, mfa bool, keys int) {
		row := model.CredentialReportRow{User: user, ARN: f.userARN(user), PasswordEnabled: fmt.Sprint(password), MFAActive: fmt.Sprint(mfa),
			AccessKey1Active: "false", AccessKey1LastRotated: "N/A", AccessKey2Active: "false", AccessKey2LastRotated: "N/A"}
		if keys > 0 {
			row.AccessKey1Active, row.AccessKey1LastRotated = "true", "2026-01-01T00:00:00+00:00"
		}
		if keys > 1 {
			row.AccessKey2LastRotated = "2025-01-01T00:00:00+00:00"
		}
		f.s.CredentialReport = append(f.s.CredentialReport, row)
	}
	service := m.Service
	if broken(escalation.TrustsService) {
		service = "states.amazonaws.com"
	}
	serviceTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`

	switch {
	case m.Yields == escalation.ActAs && m.Target == escalation.TargetUser:
		f.user("eve", nil, attack)
		cred("eve", false, false, 1)
		f.user("victim", nil, fxAdmin)
		keys := 0
		if broken(escalation.FewerThanTwoKeys) {
			keys = 2
		}
		password := m.ID == "iam:UpdateLoginProfile"
		if broken(escalation.NoLoginProfile) || broken(escalation.HasLoginProfile) {
			password = !password
		}
		cred("victim", password, broken(escalation.NoMFADevice), keys)
		return fxBuild(t, f), "eve"
	case m.Yields == escalation.ActAs:
		f.user("eve", nil, attack)
		cred("eve", false, false, 1)
		trust := serviceTrust
		if service == "" {
			trust = fxTrust("arn:aws:iam::222222222222:root") // nobody here may assume it
		}
		r := f.role("Victim", trust, fxAdmin)
		if broken(escalation.NotServiceLinked) {
			r.Path, r.ARN = "/aws-service-role/", "arn:aws:iam::"+fxAcct+":role/aws-service-role/Victim"
		}
		if !broken(escalation.InstanceProfile) {
			r.InstanceProfiles = []model.InstanceProfile{{Name: "victim-profile", Roles: []string{"Victim"}}}
		}
		return fxBuild(t, f), "eve"
	case m.Yields == escalation.Uncap:
		// The boundary must allow the call as well: it caps the caller's own
		// policies (AdministratorAccess) to s3 and the method.
		boundary := f.managed("Cap", doc(append([]string{`{"Effect":"Allow","Action":["s3:*"],"Resource":"*"}`}, stmts...)...))
		if m.Target == escalation.TargetRole {
			r := f.role("EveRole", fxTrust("arn:aws:iam::222222222222:root"), fxAdmin)
			r.PermissionsBoundary = boundary
			return fxBuild(t, f), "EveRole"
		}
		u := f.user("eve", nil, fxAdmin)
		u.PermissionsBoundary = boundary
		cred("eve", false, false, 1)
		return fxBuild(t, f), "eve"
	}
	// Grants: the attacker works on itself.
	if m.Target == escalation.TargetRole {
		f.role("EveRole", fxTrust("arn:aws:iam::222222222222:root"), attack)
		return fxBuild(t, f), "EveRole"
	}
	var groups []string
	switch m.Permissions[0].On {
	case escalation.OnTargetGroup:
		f.group("devs", fxS3Read)
		groups = []string{"devs"}
	case escalation.OnJoinGroup:
		f.group("admins", fxAdmin)
	}
	u := f.user("eve", groups, attack)
	cred("eve", false, false, 1)
	if m.Permissions[0].On == escalation.OnTargetPolicy {
		a := f.managed("EvePolicy", fxS3Read)
		mp := f.s.Policies[len(f.s.Policies)-1]
		if broken(escalation.CustomerManaged) {
			a = "arn:aws:iam::aws:policy/EvePolicy"
			mp.ARN = a
		}
		switch {
		case m.ID == "iam:SetDefaultPolicyVersion" && !broken(escalation.OtherVersion):
			mp.Versions = append(mp.Versions, model.PolicyVersion{VersionID: "v2", Document: fxDoc(t, fxAdmin)})
		case broken(escalation.VersionSlot):
			for k := 2; k <= 5; k++ {
				mp.Versions = append(mp.Versions, model.PolicyVersion{VersionID: fmt.Sprintf("v%d", k), Document: fxDoc(t, fxS3Read)})
			}
		}
		u.AttachedPolicies = append(u.AttachedPolicies, model.AttachedPolicy{Name: "EvePolicy", ARN: a})
	}
	return fxBuild(t, f), "eve"
}

func jsonList(xs []string) string {
	return `["` + strings.Join(xs, `","`) + `"]`
}

// escalatesBy reports whether who reaches admin with a hop of method m on
// some path, or (for a method that needs unseen resources) has a possible
// path starting with it.
func escalatesBy(g *Graph, who string, m *escalation.Method) bool {
	pv := g.Privesc()
	n, err := g.Resolve(who)
	if err != nil {
		panic(err)
	}
	has := func(path []Hop) bool {
		for _, h := range path {
			if h.Method == m || strings.HasPrefix(h.Kind, m.ID+"+") && h.Method != nil || h.Method != nil && strings.HasSuffix(h.Kind, "+"+m.ID) {
				return true
			}
		}
		return false
	}
	if m.Possible() {
		if pv.Hops(n) > 0 {
			return false // a possible method must never make a principal reachable
		}
		for _, p := range pv.Possible(n) {
			if has(p.Path) && p.Assumption != "" {
				return true
			}
		}
		return false
	}
	for _, p := range pv.Paths(n, 50) {
		if has(p) {
			return true
		}
	}
	return false
}

// privescFixture is a small account for the traps below: eve is the
// attacker (no MFA device), victim an admin user with one key, Admin an
// admin role that only lambda may assume.
func privescFixture(t *testing.T, eve []string, extra func(f *fxAccount)) (*Graph, *Privesc) {
	t.Helper()
	f := fxNew(t, fxAcct)
	f.user("eve", []string{"devs"}, eve...)
	f.group("devs")
	f.user("victim", nil, fxAdmin)
	f.user("bob", nil, fxS3Read)
	for _, u := range []string{"eve", "victim", "bob"} {
		f.s.CredentialReport = append(f.s.CredentialReport, model.CredentialReportRow{User: u, ARN: f.userARN(u),
			PasswordEnabled: "false", MFAActive: "false", AccessKey1Active: "false", AccessKey1LastRotated: "N/A",
			AccessKey2Active: "false", AccessKey2LastRotated: "N/A"})
	}
	f.role("Admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, fxAdmin)
	if extra != nil {
		extra(f)
	}
	g := fxBuild(t, f)
	return g, g.Privesc()
}

func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// The traps of issue 13: how a policy is written must not change the
// answer, and conditions, boundaries and resources must be read as AWS
// reads them.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_identityandaccessmanagementiam.html (iam:PassedToService, iam:PolicyARN)
func TestEscalationTraps(t *testing.T) {
	victim := "arn:aws:iam::" + fxAcct + ":user/victim"
	admin := "arn:aws:iam::" + fxAcct + ":role/Admin"
	passLambda := `{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"` + admin + `","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}`
	lambda := `{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}`
	cases := []struct {
		name  string
		eve   []string
		extra func(f *fxAccount)
		hops  int    // -1: admin out of reach
		first string // kind of the first hop of the shortest path
		cond  bool
	}{
		{"CreateAccessKey on an admin user", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"` + victim + `"}`)}, nil, 1, "iam:CreateAccessKey", false},
		{"iam:* covers CreateAccessKey", []string{doc(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::*:user/victim"}`)}, nil, 1, "iam:CreateAccessKey", false},
		{"odd letter case in the action", []string{doc(`{"Effect":"Allow","Action":"IAM:createACCESSkey","Resource":"*"}`)}, nil, 1, "iam:CreateAccessKey", false},
		{"iam:Put* on oneself is a self-escalation", []string{doc(`{"Effect":"Allow","Action":"iam:Put*","Resource":"arn:aws:iam::` + fxAcct + `:user/${aws:username}"}`)}, nil, 1, "iam:PutUserPolicy", false},
		{"NotAction allowing everything but s3 reaches admin by writing a policy", []string{doc(`{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}`)}, nil, 1, "iam:PutUserPolicy", false},
		{"${aws:username} scopes CreateAccessKey to eve herself: no path", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::` + fxAcct + `:user/${aws:username}"}`)}, nil, -1, "", false},
		{"resource scoped to a user who is not admin: no path", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::` + fxAcct + `:user/bob"}`)}, nil, -1, "", false},
		{"an explicit deny in another policy wins", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"}`), doc(`{"Effect":"Deny","Action":"iam:Create*","Resource":"*"}`)}, nil, -1, "", false},
		{"an MFA condition cannot hold for a user without an MFA device", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`)}, nil, -1, "", false},
		{"a request-time condition keeps the hop conditional", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`)}, nil, 1, "iam:CreateAccessKey", true},
		{"PassRole to lambda, CreateFunction and InvokeFunction split across user and group", []string{doc(passLambda)},
			func(f *fxAccount) { f.s.Groups[0].InlinePolicies = f.inline([]string{doc(lambda)}) }, 1, "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction", false},
		{"iam:PassedToService naming another service refuses the pass", []string{doc(strings.Replace(passLambda, "lambda.amazonaws.com", "ec2.amazonaws.com", 1), lambda)}, nil, -1, "", false},
		{"a boundary caps a self-edit", nil, func(f *fxAccount) {
			f.s.Users[0].InlinePolicies = f.inline([]string{doc(`{"Effect":"Allow","Action":["iam:PutUserPolicy","s3:*"],"Resource":"*"}`)})
			f.s.Users[0].PermissionsBoundary = f.managed("Cap", doc(`{"Effect":"Allow","Action":["iam:PutUserPolicy","s3:*"],"Resource":"*"}`))
		}, -1, "", false},
		{"a boundary the user may delete does not cap", nil, func(f *fxAccount) {
			p := doc(`{"Effect":"Allow","Action":["iam:PutUserPolicy","iam:DeleteUserPermissionsBoundary","s3:*"],"Resource":"*"}`)
			f.s.Users[0].InlinePolicies = f.inline([]string{p})
			f.s.Users[0].PermissionsBoundary = f.managed("Cap", p)
		}, 1, "iam:PutUserPolicy+iam:DeleteUserPermissionsBoundary", false},
		{"AttachUserPolicy limited by iam:PolicyARN to a read-only policy cannot attach admin", []string{doc(`{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}`)}, nil, -1, "", false},
		{"AttachUserPolicy allowed for AdministratorAccess", []string{doc(`{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/AdministratorAccess"}}}`)}, nil, 1, "iam:AttachUserPolicy", false},
		{"escalation then assume-role: a minted key, then a role only the victim may assume", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::` + fxAcct + `:user/bob"}`)}, func(f *fxAccount) {
			f.s.Users[2].InlinePolicies = f.inline([]string{fxAllowAssumeAll})
			f.role("Ops", fxTrust(f.userARN("bob")), fxAdmin)
		}, 2, "iam:CreateAccessKey", false},
		{"assume-role then escalation: a role that may mint the admin's key", []string{fxAllowAssumeAll}, func(f *fxAccount) {
			f.role("Helper", fxTrust(f.userARN("eve")), doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"`+victim+`"}`))
		}, 2, "sts:AssumeRole", false},
		{"editing a role one can assume, then using it", []string{fxAllowAssumeAll, doc(`{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"arn:aws:iam::` + fxAcct + `:role/Helper"}`)}, func(f *fxAccount) {
			f.role("Helper", fxTrust(f.userARN("eve")), fxS3Read)
		}, 2, "sts:AssumeRole", false},
		{"a minted key does not bring the admin's MFA: a deny-without-MFA admin is out of reach", []string{doc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"` + victim + `"}`)}, func(f *fxAccount) {
			f.s.Users[1].InlinePolicies = f.inline([]string{fxAdmin, doc(`{"Effect":"Deny","NotAction":"iam:ListMFADevices","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`)})
			f.s.CredentialReport[1].MFAActive = "true"
		}, -1, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, pv := privescFixture(t, tc.eve, tc.extra)
			eve := fxNode(t, g, "eve")
			if got := pv.Hops(eve); got != tc.hops {
				t.Fatalf("Hops(eve) = %d, want %d; path %s", got, tc.hops, hopString(pv.Shortest(eve)))
			}
			if tc.hops < 0 {
				return
			}
			p := pv.Shortest(eve)
			if len(p) != tc.hops || p[0].Kind != tc.first {
				t.Fatalf("shortest path %s, want %d hops starting with %s", hopString(p), tc.hops, tc.first)
			}
			if pathConditional(p) != tc.cond {
				t.Errorf("conditional = %v, want %v (%s)", pathConditional(p), tc.cond, hopString(p))
			}
		})
	}
}

func hopString(p []Hop) string {
	var parts []string
	for _, h := range p {
		parts = append(parts, h.From.Name+" -"+h.Kind+"-> "+h.To.Name)
	}
	return strings.Join(parts, ", ")
}

// The demo's story (issue 13): mallory mints a key for ci-deployer, who
// assumes DeployRole, which assumes ProdAdminRole; the office-network Deny
// of her group keeps it conditional on aws:SourceIp.
func TestPrivescDemo(t *testing.T) {
	g := permsDemo(t)
	pv := g.Privesc()
	mallory := fxNode(t, g, "mallory")
	p := pv.Shortest(mallory)
	if got := hopString(p); got != "mallory -iam:CreateAccessKey-> ci-deployer, ci-deployer -sts:AssumeRole-> DeployRole, DeployRole -sts:AssumeRole-> ProdAdminRole" {
		t.Fatalf("mallory's shortest path: %s", got)
	}
	if !p[0].Conditional || !strings.Contains(strings.Join(p[0].MissingContext, ","), "aws:SourceIp") {
		t.Errorf("first hop not conditional on aws:SourceIp: %+v", p[0].MissingContext)
	}
	for _, who := range []string{"carol", "alice", "ProdAdminRole"} {
		n := fxNode(t, g, who)
		if pv.Hops(n) > 0 {
			t.Errorf("%s listed as escalating: %s", who, hopString(pv.Shortest(n)))
		}
	}
	_ = policy.Allow
}
