package answer

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

const (
	rsOwn   = "111122223333"
	rsOther = "444455556666"
	rsMgmt  = "999988887777"
	rsOut   = "123412341234"
)

func rsPolicy(t *testing.T, stmts ...string) *model.Document {
	d := doc(t, `{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`)
	return &d
}

// The organization levels of a resource: root → OU → account, with the SCPs
// and RCPs attached at each; RCPs bind resources of member accounts for the
// services the RCP page lists, not the management account's, not AWS
// managed keys.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
func TestControls(t *testing.T) {
	full := doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
	scp := doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	org := &model.Organization{ManagementAccountID: rsMgmt,
		Roots:    []model.OrgUnit{{ID: "r-1", Name: "Root"}},
		OUs:      []model.OrgUnit{{ID: "ou-1", Name: "Prod", ParentID: "r-1"}},
		Accounts: []model.OrgAccount{{ID: rsOwn, Name: "app", ParentID: "ou-1"}, {ID: rsMgmt, Name: "mgmt", ParentID: "r-1"}},
		Policies: []model.OrgPolicy{
			{ID: "p-f", Name: "FullAWSAccess", Type: model.SCPType, Document: scp, Targets: []string{"r-1", "ou-1", rsOwn, rsMgmt}},
			{ID: "p-rf", Name: "RCPFullAWSAccess", Type: model.RCPType, Document: full, Targets: []string{"r-1", "ou-1", rsOwn, rsMgmt}},
			{ID: "p-perim", Name: "Perimeter", Type: model.RCPType, Document: full, Targets: []string{"ou-1"}},
		}}
	bucket := &model.Resource{ARN: "arn:aws:s3:::data", Type: model.TypeS3Bucket, Account: rsOwn}
	topic := &model.Resource{ARN: "arn:aws:sns:us-east-1:" + rsOwn + ":t", Type: model.TypeSNSTopic, Account: rsOwn}
	mgmtBucket := &model.Resource{ARN: "arn:aws:s3:::mgmt", Type: model.TypeS3Bucket, Account: rsMgmt}
	outBucket := &model.Resource{ARN: "arn:aws:s3:::out", Type: model.TypeS3Bucket, Account: rsOut}
	awsKey := &model.Resource{ARN: "arn:aws:kms:us-east-1:" + rsOwn + ":key/k", Type: model.TypeKMSKey, Account: rsOwn, KMS: &model.KMSAttributes{KeyManager: "AWS"}}
	res := []*model.Resource{bucket, topic, mgmtBucket, outBucket, awsKey}
	g, err := graph.Build([]*model.Snapshot{{AccountID: rsOwn, Partition: "aws"}}, graph.Options{Resources: res, Organization: org})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		r      *model.Resource
		levels string // kind:id:RCPs per level
		bind   bool
		note   string
	}{
		{"a member's bucket: every level root → OU → account binds it", bucket,
			"root:r-1:RCPFullAWSAccess ou:ou-1:RCPFullAWSAccess,Perimeter account:" + rsOwn + ":RCPFullAWSAccess", true, ""},
		{"SNS is not among the services RCPs cover", topic,
			"root:r-1:RCPFullAWSAccess ou:ou-1:RCPFullAWSAccess,Perimeter account:" + rsOwn + ":RCPFullAWSAccess", false, "do not cover sns"},
		{"RCPs do not bind the management account's resources", mgmtBucket,
			"root:r-1:RCPFullAWSAccess account:" + rsMgmt + ":RCPFullAWSAccess", false, "management account"},
		{"an account outside the organization has no levels", outBucket, "", false, "not in the organization"},
		{"RCPs do not apply to AWS managed keys", awsKey,
			"root:r-1:RCPFullAWSAccess ou:ou-1:RCPFullAWSAccess,Perimeter account:" + rsOwn + ":RCPFullAWSAccess", false, "AWS managed keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Controls(g, tt.r)
			var got []string
			for _, l := range c.Levels {
				got = append(got, l.Kind+":"+l.ID+":"+strings.Join(l.RCPs, ","))
				if !slices.Equal(l.SCPs, []string{"FullAWSAccess"}) {
					t.Errorf("level %s SCPs %v", l.ID, l.SCPs)
				}
			}
			if strings.Join(got, " ") != tt.levels {
				t.Errorf("levels %q, want %q", strings.Join(got, " "), tt.levels)
			}
			if c.RCPsBind != tt.bind || !strings.Contains(c.RCPNote, tt.note) {
				t.Errorf("rcps_bind %v (%q), want %v (%q)", c.RCPsBind, c.RCPNote, tt.bind, tt.note)
			}
		})
	}
	g2, _ := graph.Build([]*model.Snapshot{{AccountID: rsOwn, Partition: "aws"}}, graph.Options{Resources: res})
	if c := Controls(g2, bucket); c.RCPsBind || !strings.Contains(c.RCPNote, "no organization is loaded") {
		t.Errorf("without an organization: %+v", c)
	}
}

// rsWorld is an account with two users and a role, and resources whose
// policies name them in every way a Principal element can.
func rsWorld(t *testing.T) *graph.Graph {
	s := &model.Snapshot{AccountID: rsOwn, Partition: "aws"}
	for _, u := range []string{"alice", "bob"} {
		s.Users = append(s.Users, &model.User{Name: u, Path: "/", ID: "AIDA" + u, ARN: "arn:aws:iam::" + rsOwn + ":user/" + u,
			InlinePolicies: []model.InlinePolicy{{Name: "s3", Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage","kms:Decrypt"],"Resource":"*"}]}`)}}})
	}
	s.Roles = append(s.Roles, &model.Role{Name: "App", Path: "/", ID: "AROAAPP", ARN: "arn:aws:iam::" + rsOwn + ":role/App",
		TrustPolicy: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+rsOwn+`"},"Action":"sts:AssumeRole"}]}`)})
	allow := func(sid, principal, action string) string {
		return `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + principal + `,"Action":"` + action + `","Resource":"*"}`
	}
	res := []*model.Resource{
		{ARN: "arn:aws:s3:::alice-data", Type: model.TypeS3Bucket, Account: rsOwn, Policy: rsPolicy(t,
			allow("Alice", `{"AWS":"arn:aws:iam::`+rsOwn+`:user/alice"}`, "s3:GetObject"),
			`{"Sid":"NoBob","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::`+rsOwn+`:user/bob"},"Action":"s3:*","Resource":"*"}`)},
		{ARN: "arn:aws:kms:us-east-1:" + rsOwn + ":key/k", Type: model.TypeKMSKey, Account: rsOwn, Policy: rsPolicy(t,
			allow("Root", `{"AWS":"arn:aws:iam::`+rsOwn+`:root"}`, "kms:*"),
			allow("AppSession", `{"AWS":"arn:aws:sts::`+rsOwn+`:assumed-role/App/worker"}`, "kms:Decrypt"))},
		{ARN: "arn:aws:sqs:us-east-1:" + rsOwn + ":open", Type: model.TypeSQSQueue, Account: rsOwn, Policy: rsPolicy(t,
			`{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}`)},
		{ARN: "arn:aws:sqs:us-east-1:" + rsOwn + ":not-bob", Type: model.TypeSQSQueue, Account: rsOwn, Policy: rsPolicy(t,
			`{"Sid":"AllButBob","Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::`+rsOwn+`:user/bob"},"Action":"sqs:SendMessage","Resource":"*"}`)},
		{ARN: "arn:aws:sqs:us-east-1:" + rsOwn + ":not-bob-either", Type: model.TypeSQSQueue, Account: rsOwn, Policy: rsPolicy(t,
			`{"Sid":"AllButBobAndAccount","Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::`+rsOwn+`:user/bob","`+rsOwn+`"]},"Action":"sqs:SendMessage","Resource":"*"}`)},
		{ARN: "arn:aws:s3:::elsewhere", Type: model.TypeS3Bucket, Account: rsOwn, Policy: rsPolicy(t,
			allow("Other", `{"AWS":"`+rsOther+`"}`, "s3:GetObject"))},
		{ARN: "arn:aws:s3:::unreadable", Type: model.TypeS3Bucket, Account: rsOwn, Error: "AccessDenied"},
	}
	g, err := graph.Build([]*model.Snapshot{s}, graph.Options{Resources: res})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// The resource policies naming a principal: by its ARN (not limited by its
// boundary), by one of its role's sessions, by its account (its own IAM
// policies must allow too), or as anyone; a Deny or another account's name
// grants nothing; a policy that could not be read is said to be unknown.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestGrantsOf(t *testing.T) {
	g := rsWorld(t)
	tests := []struct {
		name, principal string
		want            []string // resource tail + statement + named
	}{
		{"a user named by ARN, its account, anyone, and every principal but another", "user/alice",
			[]string{"k Root account", "open #0 anyone", "not-bob AllButBob anyone", "not-bob-either AllButBobAndAccount anyone", "alice-data Alice principal"}},
		{"a Deny naming bob grants nothing; NotPrincipal leaves him out only with his account", "user/bob",
			[]string{"k Root account", "open #0 anyone", "not-bob AllButBob anyone"}},
		{"a role named through one of its sessions", "role/App",
			[]string{"k Root account", "k AppSession role", "open #0 anyone", "not-bob AllButBob anyone", "not-bob-either AllButBobAndAccount anyone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := g.Resolve(tt.principal)
			if err != nil {
				t.Fatal(err)
			}
			gr := GrantsOf(g, n)
			var got []string
			for _, x := range gr.Grants {
				got = append(got, x.Resource[strings.LastIndexAny(x.Resource, ":/")+1:]+" "+x.Statement+" "+x.Named)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("grants %q, want %q", got, want)
			}
			if !slices.Equal(gr.Unknown, []string{"arn:aws:s3:::unreadable"}) {
				t.Errorf("unknown %v: the unreadable bucket may name anyone", gr.Unknown)
			}
		})
	}
}

// Every resource policy statement that perms credits with a grant is one
// GrantsOf lists: the explorer's "granted by resource policies" never
// misses what `iamx perms` shows.
func TestGrantsOfCoversPerms(t *testing.T) {
	g := rsWorld(t)
	for _, name := range []string{"user/alice", "user/bob", "role/App"} {
		n, err := g.Resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		listed := map[string]bool{}
		for _, x := range GrantsOf(g, n).Grants {
			listed[x.Resource+" "+x.Statement] = true
		}
		credited := 0
		for _, a := range g.Permissions(n, graph.PermFilter{}).Actions {
			for _, src := range a.Sources {
				if src.PolicyType != policy.ResourcePolicy || strings.Contains(src.Policy, ":role/") {
					continue // trust policies are the principal's chains
				}
				credited++
				res, _, _ := strings.Cut(src.Policy, "#")
				if !listed[res+" "+src.Label()] {
					t.Errorf("%s: perms credits %s statement %s on %s; GrantsOf does not list it", name, src.Policy, src.Label(), a.Action)
				}
			}
		}
		if name == "user/alice" && credited == 0 {
			t.Errorf("perms credits no resource policy to alice: the cross-check checks nothing")
		}
	}
}
