package graph

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// permsAccount is a tiny account built in Go for targeted perms tests.
type permsAccount struct {
	t    *testing.T
	s    *model.Snapshot
	scps []policy.Source
}

const permsAcct = "123456789012"

func newPermsAccount(t *testing.T) *permsAccount {
	return &permsAccount{t: t, s: &model.Snapshot{AccountID: permsAcct, Partition: "aws", Source: "perms fixture"}}
}

func (a *permsAccount) doc(text string) model.Document {
	a.t.Helper()
	p, err := policy.Parse([]byte(text))
	if err != nil {
		a.t.Fatalf("fixture policy %s: %v", text, err)
	}
	return model.Document{JSON: []byte(text), Policy: p}
}

// managed adds a customer managed policy and returns its ARN.
func (a *permsAccount) managed(name, text string) string {
	arn := "arn:aws:iam::" + permsAcct + ":policy/" + name
	a.s.Policies = append(a.s.Policies, &model.ManagedPolicy{Name: name, ARN: arn, DefaultVersionID: "v1",
		Versions: []model.PolicyVersion{{VersionID: "v1", IsDefaultVersion: true, Document: a.doc(text)}}})
	return arn
}

// user adds a user with inline policies (named p0, p1 …) and a boundary.
func (a *permsAccount) user(name, boundary string, docs ...string) {
	u := &model.User{Name: name, Path: "/", ID: "AIDA" + strings.ToUpper(name), ARN: "arn:aws:iam::" + permsAcct + ":user/" + name,
		PermissionsBoundary: boundary}
	for i, d := range docs {
		u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "p" + strconv.Itoa(i), Document: a.doc(d)})
	}
	a.s.Users = append(a.s.Users, u)
}

// role adds a role (trusting the account) with inline policies.
func (a *permsAccount) role(name string, docs ...string) {
	r := &model.Role{Name: name, Path: "/", ID: "AROA" + strings.ToUpper(name), ARN: "arn:aws:iam::" + permsAcct + ":role/" + name,
		TrustPolicy: a.doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + permsAcct + `"},"Action":"sts:AssumeRole"}]}`)}
	for i, d := range docs {
		r.InlinePolicies = append(r.InlinePolicies, model.InlinePolicy{Name: "p" + strconv.Itoa(i), Document: a.doc(d)})
	}
	a.s.Roles = append(a.s.Roles, r)
}

func (a *permsAccount) scp(name, text string) {
	a.scps = append(a.scps, policy.Source{Type: policy.SCPPolicy, Name: name, Policy: a.doc(text).Policy})
}

func (a *permsAccount) build() *Graph {
	a.t.Helper()
	g, err := Build([]*model.Snapshot{a.s}, Options{SCPs: a.scps})
	if err != nil {
		a.t.Fatalf("Build: %v", err)
	}
	return g
}

func permsDemo(t testing.TB) *Graph {
	t.Helper()
	s, err := loader.Demo()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	g, err := Build([]*model.Snapshot{s}, Options{})
	if err != nil {
		t.Fatalf("Build(demo): %v", err)
	}
	return g
}

func resolvePerms(t testing.TB, g *Graph, name string) *Node {
	t.Helper()
	n, err := g.Resolve(name)
	if err != nil {
		t.Fatalf("Resolve(%q): %v", name, err)
	}
	return n
}

func findAction(p *Permissions, action string) *ActionPerm {
	for i := range p.Actions {
		if strings.EqualFold(p.Actions[i].Action, action) {
			return &p.Actions[i]
		}
	}
	return nil
}

func findRemoved(p *Permissions, action string) *RemovedAction {
	for i := range p.Removed {
		if strings.EqualFold(p.Removed[i].Action, action) {
			return &p.Removed[i]
		}
	}
	return nil
}

// TestPermissionsAgreeWithEvaluator checks that perms never disagrees with
// `can`: for every user and role of the demo account and a spread of
// catalogue actions, Permissions lists the action as allowed on "*" without
// conditions exactly when the evaluator allows it unconditionally, and lists
// it at all whenever the evaluator could allow it on "*".
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestPermissionsAgreeWithEvaluator(t *testing.T) {
	g := permsDemo(t)
	cat := actions.Load()
	var sample []string
	for id := 0; id < cat.Len(); id += 7 {
		sample = append(sample, cat.Action(id).String())
	}
	// Actions the demo's policies single out.
	sample = append(sample, "sts:GetCallerIdentity", "sts:AssumeRole", "iam:ChangePassword", "iam:CreateAccessKey",
		"iam:EnableMFADevice", "iam:GetUser", "iam:PassRole", "secretsmanager:GetSecretValue", "kms:Decrypt",
		"s3:GetObject", "s3:ListBucket", "s3:PutObject", "ec2:StartInstances", "ec2:DescribeInstances",
		"lambda:CreateFunction", "dynamodb:DeleteTable", "organizations:LeaveOrganization", "iam:CreateUser")
	principals := append(append([]*Node{}, g.Users()...), g.Roles()...)
	for _, n := range principals {
		p := g.Permissions(n, PermFilter{})
		for _, action := range sample {
			if act, ok := cat.Lookup(action); ok && requirementOf(act) != requiresNone {
				continue // "*" names no role nor key: see TestPermissionsResourcePolicies, TestPermsAgreeWithCanAndWhoCan
			}
			res := g.Can(n, action, "*", nil, false)
			want := res.Decision == policy.Allowed && !res.Conditional
			a := findAction(p, action)
			got := a != nil && a.AllowsAll()
			if got != want {
				t.Errorf("%s %s: perms allows on * unconditionally = %v, evaluator says %v (conditional %v, layer %v); perms entry %+v",
					n.Label(), action, got, res.Decision, res.Conditional, res.Layer, a)
			}
			if (res.Decision == policy.Allowed || res.Conditional) && a == nil {
				t.Errorf("%s %s: evaluator may allow it on * (decision %v, conditional %v) but perms does not list it", n.Label(), action, res.Decision, res.Conditional)
			}
		}
	}
}

// Boundaries, explicit denies and SCPs subtract from what identity policies
// grant; variables are substituted from what the snapshot knows.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestPermissionsDemo(t *testing.T) {
	g := permsDemo(t)
	cases := []struct {
		name      string
		principal string
		action    string
		// want: "allowed" (listed), "removed" (subtracted), "absent" (never granted)
		want          string
		resources     []string // when set, the exact resources
		conditional   bool
		keys          []string // condition keys that must be listed
		layer         policy.Layer
		restrictedBy  string // a restriction's policy name must contain this
		sourcePolicy  string // a source's policy name
		sourceViaGrp  string
		notConditonal bool
	}{
		{name: "boundary removes an action identity policies grant", principal: "bob", action: "iam:EnableMFADevice",
			want: "removed", layer: policy.LayerBoundary},
		{name: "boundary keeps what it also allows, variable substituted", principal: "bob", action: "iam:CreateAccessKey",
			want: "allowed", resources: []string{"arn:aws:iam::111122223333:user/bob"}, sourcePolicy: "SelfServiceCredentials", sourceViaGrp: "Developers"},
		{name: "boundary NotAction excludes sts:AssumeRole", principal: "bob", action: "sts:AssumeRole", want: "absent"},
		{name: "aws:username substituted in resource for a user", principal: "carol", action: "iam:ChangePassword",
			want: "allowed", resources: []string{"arn:aws:iam::111122223333:user/carol"}, notConditonal: true},
		{name: "unconditional deny on * removes the action", principal: "carol", action: "ssm:GetParameter",
			want: "removed", layer: policy.LayerExplicitDeny},
		{name: "deny on specific resources with a condition restricts without removing", principal: "WebServerRole", action: "s3:GetObject",
			want: "allowed", resources: []string{"arn:aws:s3:::acme-config/web/*"}, restrictedBy: "ReadConfig", notConditonal: true},
		{name: "condition on a request-time key makes the grant conditional", principal: "bob", action: "lambda:InvokeFunction",
			want: "allowed", resources: []string{"*"}, conditional: true, keys: []string{"aws:RequestedRegion"}},
		{name: "deny without MFA makes an admin's actions conditional on MFA", principal: "alice", action: "ec2:TerminateInstances",
			want: "allowed", resources: []string{"*"}, conditional: true, keys: []string{"aws:MultiFactorAuthPresent"}, restrictedBy: "RequireMFA"},
		{name: "NotAction of the MFA deny leaves MFA setup unconditional", principal: "alice", action: "iam:EnableMFADevice",
			want: "allowed", resources: []string{"*"}, notConditonal: true},
		{name: "admin role holds every action on *", principal: "ProdAdminRole", action: "organizations:LeaveOrganization",
			want: "allowed", resources: []string{"*"}, notConditonal: true, sourcePolicy: "AdministratorAccess"},
		{name: "sts:GetCallerIdentity is always allowed", principal: "ci-deployer", action: "sts:GetCallerIdentity",
			want: "allowed", resources: []string{"*"}, notConditonal: true},
		{name: "nothing granted is absent", principal: "carol", action: "iam:CreateUser", want: "absent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := g.Permissions(resolvePerms(t, g, tc.principal), PermFilter{})
			a, r := findAction(p, tc.action), findRemoved(p, tc.action)
			switch tc.want {
			case "absent":
				if a != nil || r != nil {
					t.Fatalf("%s: want absent, got allowed %+v / removed %+v", tc.action, a, r)
				}
				return
			case "removed":
				if a != nil || r == nil {
					t.Fatalf("%s: want removed, got allowed %+v / removed %+v", tc.action, a, r)
				}
				if r.Layer != tc.layer {
					t.Errorf("removed by layer %v, want %v (%+v)", r.Layer, tc.layer, r.By)
				}
				if len(r.By) == 0 {
					t.Errorf("removed without naming what removed it")
				}
				return
			}
			if a == nil {
				t.Fatalf("%s: not allowed (removed: %+v)", tc.action, r)
			}
			if tc.resources != nil && !slices.Equal(a.Resources, tc.resources) {
				t.Errorf("resources %v, want %v", a.Resources, tc.resources)
			}
			if tc.conditional && !a.Conditional {
				t.Errorf("want conditional, got unconditional")
			}
			if tc.notConditonal && a.Conditional {
				t.Errorf("want unconditional, got conditional on %v", a.ConditionKeys)
			}
			for _, k := range tc.keys {
				if !slices.Contains(a.ConditionKeys, k) {
					t.Errorf("condition keys %v lack %s", a.ConditionKeys, k)
				}
			}
			if tc.restrictedBy != "" && !slices.ContainsFunc(a.Restrictions, func(r Restriction) bool { return strings.Contains(r.PolicyName, tc.restrictedBy) }) {
				t.Errorf("restrictions %+v lack %s", a.Restrictions, tc.restrictedBy)
			}
			if tc.sourcePolicy != "" && !slices.ContainsFunc(a.Sources, func(s StatementRef) bool {
				return strings.Contains(s.PolicyName, tc.sourcePolicy) && s.Via == tc.sourceViaGrp
			}) {
				t.Errorf("sources %+v lack %s via %q", a.Sources, tc.sourcePolicy, tc.sourceViaGrp)
			}
		})
	}
}

// Fixtures for single rules.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
func TestPermissionsFixtures(t *testing.T) {
	const (
		notIAM      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`
		s3All       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
		s3Dev       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::dev-*"}]}`
		mfaEC2      = `{"Version":"2012-10-17","Statement":[{"Sid":"WithMFA","Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
		notResource = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}]}`
		denyExcept  = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::ok","arn:aws:s3:::ok/*"]}]}`
		ownHome     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`
		tagDenied   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ops"}}}]}`
	)
	acct := newPermsAccount(t)
	dev := acct.managed("DevOnly", s3Dev)
	acct.user("notiam", "", notIAM)
	acct.user("bounded", dev, s3All)
	acct.user("mfa", "", mfaEC2)
	acct.user("notres", "", notResource)
	acct.user("denyexcept", "", s3All, denyExcept)
	acct.user("home", "", ownHome)
	acct.role("HomeRole", ownHome)
	acct.user("tagless", "", tagDenied)
	g := acct.build()
	cat := actions.Load()

	t.Run("Allow with NotAction grants every catalogue action except those", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "notiam"), PermFilter{})
		svc, _ := cat.Service("iam")
		// sts:AssumeRole* on roles outside the loaded accounts rests on
		// trust policies the snapshot lacks: listed apart, not as allowed.
		ids := map[int]bool{}
		for _, a := range p.Actions {
			ids[a.ID] = true
		}
		for _, u := range p.Unknown {
			ids[u.ID] = true
		}
		if want := cat.Len() - len(svc.Actions); len(ids) != want {
			t.Errorf("got %d actions allowed or unknown, want %d (catalogue minus iam)", len(ids), want)
		}
		if findAction(p, "iam:CreateUser") != nil {
			t.Errorf("iam:CreateUser granted despite NotAction iam:*")
		}
		if a := findAction(p, "s3:GetObject"); a == nil || !a.AllowsAll() {
			t.Errorf("s3:GetObject not allowed on *: %+v", a)
		}
	})
	t.Run("boundary intersects resources with identity grants", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "bounded"), PermFilter{Service: "s3"})
		a := findAction(p, "s3:DeleteBucket")
		if a == nil || !slices.Equal(a.Resources, []string{"arn:aws:s3:::dev-*"}) || a.Conditional {
			t.Fatalf("s3:DeleteBucket = %+v, want unconditional on arn:aws:s3:::dev-*", a)
		}
		if !slices.ContainsFunc(a.Restrictions, func(r Restriction) bool { return r.Layer == policy.LayerBoundary }) {
			t.Errorf("boundary narrowing not shown as a restriction: %+v", a.Restrictions)
		}
	})
	t.Run("condition on MFA makes the grant conditional on that key", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "mfa"), PermFilter{Service: "ec2"})
		a := findAction(p, "ec2:RunInstances")
		if a == nil || !a.Conditional || !slices.Equal(a.ConditionKeys, []string{"aws:MultiFactorAuthPresent"}) {
			t.Fatalf("ec2:RunInstances = %+v, want conditional on aws:MultiFactorAuthPresent", a)
		}
		if len(a.Sources) != 1 || a.Sources[0].Sid != "WithMFA" {
			t.Errorf("sources %+v, want the WithMFA statement", a.Sources)
		}
	})
	t.Run("Allow with NotResource grants * except those", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "notres"), PermFilter{})
		a := findAction(p, "s3:GetObject")
		if a == nil || !slices.Equal(a.Resources, []string{"*"}) || !slices.Equal(a.NotResources, []string{"arn:aws:s3:::secret/*"}) {
			t.Fatalf("s3:GetObject = %+v, want * except arn:aws:s3:::secret/*", a)
		}
	})
	t.Run("Deny with NotResource leaves only the excepted resources", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "denyexcept"), PermFilter{Service: "s3"})
		// Each action keeps the excepted resources of its own type: objects
		// for s3:PutObject, the bucket for s3:ListBucket.
		a := findAction(p, "s3:PutObject")
		if a == nil || !slices.Equal(a.Resources, []string{"arn:aws:s3:::ok/*"}) {
			t.Fatalf("s3:PutObject = %+v, want only arn:aws:s3:::ok/*", a)
		}
		if a := findAction(p, "s3:ListBucket"); a == nil || !slices.Contains(a.Resources, "arn:aws:s3:::ok") {
			t.Fatalf("s3:ListBucket = %+v, want arn:aws:s3:::ok", a)
		}
	})
	t.Run("aws:username is substituted for a user", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "home"), PermFilter{})
		a := findAction(p, "s3:GetObject")
		if a == nil || !slices.Equal(a.Resources, []string{"arn:aws:s3:::home/home/*"}) || a.Conditional {
			t.Fatalf("s3:GetObject = %+v, want arn:aws:s3:::home/home/*", a)
		}
	})
	// aws:username "is included in the request context for IAM users only", and
	// a resource whose variable has no value matches nothing:
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-username
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
	t.Run("aws:username is absent for a role: a ${aws:username} resource grants nothing", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "HomeRole"), PermFilter{})
		if a := findAction(p, "s3:GetObject"); a != nil {
			t.Fatalf("s3:GetObject = %+v, want no grant", a)
		}
	})
	t.Run("a grant whose condition the snapshot refutes is no grant", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "tagless"), PermFilter{})
		if a := findAction(p, "sqs:SendMessage"); a != nil && !a.Conditional {
			t.Fatalf("sqs:SendMessage = %+v, want absent or conditional on the tag", a)
		}
		if r := findRemoved(p, "sqs:SendMessage"); r != nil {
			t.Errorf("listed as removed (%+v); it was never granted", r)
		}
	})
	t.Run("filter by service and access level", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "notiam"), PermFilter{Service: "S3", Level: actions.Write})
		if len(p.Actions) == 0 {
			t.Fatal("no s3 Write actions")
		}
		for _, a := range p.Actions {
			if a.Service != "s3" || a.Level != actions.Write {
				t.Errorf("%s (%s, %v) passed the filter s3/Write", a.Action, a.Service, a.Level)
			}
		}
		if p := g.Permissions(resolvePerms(t, g, "notiam"), PermFilter{Service: "nosuchservice"}); len(p.Actions) != 0 || p.Note == "" {
			t.Errorf("unknown service: %d actions, note %q", len(p.Actions), p.Note)
		}
	})

	scpAcct := newPermsAccount(t)
	scpAcct.user("admin", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	scpAcct.scp("S3Only", s3All)
	sg := scpAcct.build()
	t.Run("an SCP that does not allow removes the action", func(t *testing.T) {
		p := sg.Permissions(resolvePerms(t, sg, "admin"), PermFilter{})
		if r := findRemoved(p, "ec2:RunInstances"); r == nil || r.Layer != policy.LayerSCP {
			t.Fatalf("ec2:RunInstances removed = %+v, want removed by SCP", r)
		}
		if a := findAction(p, "s3:GetObject"); a == nil || !a.AllowsAll() {
			t.Errorf("s3:GetObject = %+v, want allowed on *", a)
		}
		if p.Admin {
			t.Errorf("admin despite an SCP allowing only s3")
		}
	})
}

func TestPermissionsNonPrincipals(t *testing.T) {
	g := permsDemo(t)
	t.Run("a managed policy's own grants", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "policy/AdministratorAccess"), PermFilter{})
		if !p.Admin || len(p.Actions) != actions.Load().Len() {
			t.Errorf("AdministratorAccess: admin %v, %d actions", p.Admin, len(p.Actions))
		}
	})
	t.Run("a group's own policies", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "group/ReadOnly"), PermFilter{})
		if findAction(p, "s3:GetObject") == nil || findRemoved(p, "ssm:GetParameters") == nil {
			t.Errorf("ReadOnly group: s3:GetObject %v, ssm:GetParameters removed %v", findAction(p, "s3:GetObject"), findRemoved(p, "ssm:GetParameters"))
		}
	})
	t.Run("a service has no policies of its own", func(t *testing.T) {
		p := g.Permissions(resolvePerms(t, g, "lambda.amazonaws.com"), PermFilter{})
		if len(p.Actions) != 0 || p.Note == "" {
			t.Errorf("service: %d actions, note %q", len(p.Actions), p.Note)
		}
	})
}

// An action is allowed on a pattern only if the pattern can name a resource
// of one of the action's types; an action with no resource type is allowed
// only by a statement whose Resource covers "*".
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
func TestPermissionsHonourResourceTypes(t *testing.T) {
	acct := newPermsAccount(t)
	acct.user("approles", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::`+permsAcct+`:role/app-*"}]}`)
	acct.user("mixed", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]}]}`)
	g := acct.build()
	cases := []struct {
		name, principal, action string
		resources               []string // nil: not allowed at all
	}{
		{"a role pattern grants actions on roles", "approles", "iam:PassRole", []string{"arn:aws:iam::" + permsAcct + ":role/app-*"}},
		{"a role pattern grants no action on users", "approles", "iam:CreateUser", nil},
		{"an action with no resource type needs *: ListUsers", "approles", "iam:ListUsers", nil},
		{"an action with no resource type needs *: GetAccountSummary", "approles", "iam:GetAccountSummary", nil},
		{"object actions keep the object pattern only", "mixed", "s3:GetObject", []string{"arn:aws:s3:::logs/*"}},
		{"no bucket-less action from bucket patterns", "mixed", "s3:ListAllMyBuckets", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := g.Permissions(resolvePerms(t, g, tc.principal), PermFilter{})
			a := findAction(p, tc.action)
			if tc.resources == nil {
				if a != nil {
					t.Fatalf("%s listed on %v; its resource types cannot match", tc.action, a.Resources)
				}
				if r := findRemoved(p, tc.action); r != nil {
					t.Fatalf("%s listed as removed (%+v); it was never granted", tc.action, r)
				}
				return
			}
			if a == nil || !slices.Equal(a.Resources, tc.resources) {
				t.Fatalf("%s = %+v, want resources %v", tc.action, a, tc.resources)
			}
		})
	}
}

// roleTrusting adds a role with the given trust policy and no permissions.
func (a *permsAccount) roleTrusting(name, trust string) string {
	arn := "arn:aws:iam::" + permsAcct + ":role/" + name
	a.s.Roles = append(a.s.Roles, &model.Role{Name: name, Path: "/", ID: "AROA" + strings.ToUpper(name), ARN: arn, TrustPolicy: a.doc(trust)})
	return arn
}

// Perms includes what resource-based policies grant: a role's trust policy
// that names a user of the same account by ARN lets it assume the role with
// no identity allow; one that names the account delegates to identity
// policies; and sts:AssumeRole* always needs the trust policy, so the
// identity side alone allows it on no role.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestPermissionsResourcePolicies(t *testing.T) {
	acct := newPermsAccount(t)
	user := func(name string) string { return "arn:aws:iam::" + permsAcct + ":user/" + name }
	trust := func(principal, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"` + c + `}]}`
	}
	const mfa = `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`
	const fromCI = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`
	const assumeAny = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	named := acct.roleTrusting("NamedRole", trust(user("nopolicy"), ""))
	acct.roleTrusting("RootRole", trust(permsAcct, ""))
	mfaRole := acct.roleTrusting("MFARole", trust(user("nopolicy"), mfa))
	ciRole := acct.roleTrusting("CIRole", trust(user("ci"), ""))
	rootRole := "arn:aws:iam::" + permsAcct + ":role/RootRole"
	acct.user("nopolicy", "")
	acct.user("ci", "", fromCI)
	acct.user("assumer", "", assumeAny)
	acct.user("narrow", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+rootRole+`"}]}`)
	g := acct.build()

	cases := []struct {
		name, principal string
		resources       []string // unconditional
		conditional     []string
		keys            []string
		unknown         []string // sts:AssumeRole patterns outside the loaded accounts
	}{
		{name: "same-account trust naming the user ARN grants with no identity allow",
			principal: "nopolicy", resources: []string{named}, conditional: []string{mfaRole}, keys: []string{"aws:MultiFactorAuthPresent"}},
		{name: "trust grants outright where the identity grant is conditional: unconditional, as can says",
			principal: "ci", resources: []string{ciRole}, conditional: []string{rootRole}, keys: []string{"aws:SourceIp"}, unknown: []string{"*"}},
		{name: "trust naming the account delegates to the identity allow",
			principal: "assumer", resources: []string{rootRole}, unknown: []string{"*"}},
		{name: "an identity pattern inside a loaded account leaves nothing unknown",
			principal: "narrow", resources: []string{rootRole}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := resolvePerms(t, g, tc.principal)
			p := g.Permissions(n, PermFilter{Service: "sts"})
			a := findAction(p, "sts:AssumeRole")
			if a == nil {
				t.Fatalf("sts:AssumeRole not listed; want %v", tc.resources)
			}
			gotRes, gotCond := a.Resources, a.ConditionalResources
			if a.Conditional {
				gotRes, gotCond = nil, a.Resources
			}
			if !slices.Equal(gotRes, tc.resources) || !slices.Equal(gotCond, tc.conditional) {
				t.Errorf("resources %v conditional %v, want %v and %v", gotRes, gotCond, tc.resources, tc.conditional)
			}
			if !slices.Equal(a.ConditionKeys, tc.keys) && len(tc.keys)+len(a.ConditionKeys) > 0 {
				t.Errorf("condition keys %v, want %v", a.ConditionKeys, tc.keys)
			}
			var unknown []string
			for _, u := range p.Unknown {
				if u.Action == "sts:AssumeRole" {
					unknown = u.Resources
				}
			}
			if !slices.Equal(unknown, tc.unknown) {
				t.Errorf("unknown %v, want %v", unknown, tc.unknown)
			}
			// Every listed role agrees with can.
			for _, r := range append(slices.Clone(gotRes), gotCond...) {
				res := g.Can(n, "sts:AssumeRole", r, nil, false)
				if res.Decision != policy.Allowed && !res.Conditional {
					t.Errorf("%s listed but can says %v", r, res.Decision)
				}
				if res.Conditional != slices.Contains(gotCond, r) {
					t.Errorf("%s: perms conditional %v, can conditional %v", r, slices.Contains(gotCond, r), res.Conditional)
				}
			}
		})
	}

	t.Run("demo: ci-deployer may assume DeployRole unconditionally, as can says", func(t *testing.T) {
		g := permsDemo(t)
		n := resolvePerms(t, g, "ci-deployer")
		a := findAction(g.Permissions(n, PermFilter{}), "sts:AssumeRole")
		deploy := resolvePerms(t, g, "DeployRole").ARN
		if a == nil || a.Conditional || !slices.Contains(a.Resources, deploy) {
			t.Fatalf("sts:AssumeRole = %+v, want unconditional on %s", a, deploy)
		}
		if res := g.Can(n, "sts:AssumeRole", deploy, nil, false); res.Decision != policy.Allowed || res.Conditional {
			t.Fatalf("can: %v conditional %v", res.Decision, res.Conditional)
		}
	})
}
