package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

const (
	rxA      = "111111111111" // the resources' account
	rxB      = "222222222222" // another loaded account
	rxOut    = "999999999999" // an account not loaded
	rxBucket = "arn:aws:s3:::data"
	rxObject = "arn:aws:s3:::data/report.csv"
	rxKey    = "arn:aws:kms:us-east-1:" + rxA + ":key/k-1"
	rxQueue  = "arn:aws:sqs:us-east-1:" + rxA + ":jobs"
)

func rxPolicy(stmts string) string { return `{"Version":"2012-10-17","Statement":[` + stmts + `]}` }

func rxResource(t *testing.T, a, typ, account, doc string) *model.Resource {
	r := &model.Resource{ARN: a, Type: typ, Account: account}
	if doc != "" {
		d := fxDoc(t, doc)
		r.Policy = &d
	}
	return r
}

type rxWorld struct {
	t    *testing.T
	a, b *fxAccount
}

func rxNew(t *testing.T) *rxWorld {
	w := &rxWorld{t: t, a: fxNew(t, rxA), b: fxNew(t, rxB)}
	w.a.user("alice", nil)                     // no identity policies
	w.a.user("reader", nil, fxS3Read)          // identity allow for S3
	w.a.role("App", fxTrust(rxA), fxAdmin)     // kms:* among others
	w.a.role("Other", fxTrust(rxA), fxAdmin)   // kms:* too
	w.b.user("bob", nil, fxS3Read)             // another loaded account, S3 allowed
	w.b.user("carol", nil)                     // another loaded account, nothing allowed
	w.a.role("Bounded", fxTrust(rxA), fxAdmin) // given a boundary below
	return w
}

func (w *rxWorld) build(opts Options) *Graph {
	w.t.Helper()
	g, err := Build([]*model.Snapshot{w.a.s, w.b.s}, opts)
	if err != nil {
		w.t.Fatal(err)
	}
	return g
}

func whoCanARNs(g *Graph, action, resource string) map[string]Access {
	out := map[string]Access{}
	for _, a := range g.WhoCan(action, resource, nil) {
		out[a.Principal.ARN] = a
	}
	return out
}

// Same account: the union of identity and resource policies; across
// accounts both must allow; a resource policy naming an account hands the
// decision to that account's IAM policies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-basics-id-rdp
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestResourcePolicyDecisions(t *testing.T) {
	w := rxNew(t)
	// Both bounded by a boundary that allows only EC2; both named in the
	// bucket policy by ARN.
	ec2Only := w.a.managed("EC2Only", rxPolicy(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`))
	w.a.user("bounded-user", nil).PermissionsBoundary = ec2Only
	w.a.s.Roles[len(w.a.s.Roles)-1].PermissionsBoundary = ec2Only // role/Bounded
	reads := func(sid, principal string) string {
		return `{"Sid":"` + sid + `","Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"s3:GetObject","Resource":"` + rxBucket + `/*"}`
	}
	bucket := rxResource(t, rxBucket, model.TypeS3Bucket, rxA, rxPolicy(strings.Join([]string{
		reads("AliceReads", "arn:aws:iam::"+rxA+":user/alice"),
		reads("BAccountReads", rxB),
		reads("OutsideReads", "arn:aws:iam::"+rxOut+":root"),
		reads("BoundedUser", "arn:aws:iam::"+rxA+":user/bounded-user"),
		reads("BoundedRole", "arn:aws:iam::"+rxA+":role/Bounded"),
	}, ",")))
	g := w.build(Options{Resources: []*model.Resource{bucket}})
	tests := []struct {
		name, principal, action, resource string
		want                              policy.Decision
		sid                               string // the resource-policy statement among the reasons, when allowed by it
	}{
		{"same account: a resource policy naming the user ARN allows past the user's boundary", "bounded-user", "s3:GetObject", rxObject, policy.Allowed, "BoundedUser"},
		{"same account: a resource policy naming the role ARN: the role's boundary still applies", "role/Bounded", "s3:GetObject", rxObject, policy.ImplicitDeny, ""},
		{"same account: a bucket policy naming the user allows without an identity allow (objects use the bucket's policy)", "alice", "s3:GetObject", rxObject, policy.Allowed, "AliceReads"},
		{"same account: an identity allow alone suffices", "reader", "s3:GetObject", rxObject, policy.Allowed, ""},
		{"same account: neither allows", "alice", "s3:PutObject", rxObject, policy.ImplicitDeny, ""},
		{"cross account: the policy names the account and its IAM policy allows", "user/bob", "s3:GetObject", rxObject, policy.Allowed, "BAccountReads"},
		{"cross account: the policy names the account but its IAM policy does not allow", "user/carol", "s3:GetObject", rxObject, policy.ImplicitDeny, ""},
		{"cross account: the loaded bucket's account makes an S3 request cross-account", "user/bob", "s3:ListBucket", rxBucket, policy.ImplicitDeny, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.Can(fxNode(t, g, tt.principal), tt.action, tt.resource, nil, false)
			if res.Decision != tt.want {
				t.Fatalf("decision %s (layer %s), want %s", res.Decision, res.Layer, tt.want)
			}
			if tt.sid != "" && !slices.ContainsFunc(res.Reasons, func(r policy.Reason) bool {
				return r.PolicyType == policy.ResourcePolicy && r.Sid == tt.sid && r.Policy == rxBucket+"#bucket policy"
			}) {
				t.Errorf("reasons %+v lack the bucket policy statement %s", res.Reasons, tt.sid)
			}
		})
	}
}

// who-can lists, beside IAM principals, what a resource policy names: an
// outside account (standing for its principals), the public, services with
// their scope. RestrictPublicBuckets takes the public away.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
func TestWhoCanResourcePolicyPrincipals(t *testing.T) {
	w := rxNew(t)
	pol := rxPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + rxOut + `:root"},"Action":"s3:GetObject","Resource":"` + rxBucket + `/*"},` +
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + rxBucket + `/public/*"},` +
		`{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"` + rxBucket + `/*","Condition":{"StringEquals":{"aws:SourceAccount":"` + rxA + `"}}},` +
		`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + rxA + `:oidc-provider/token.actions.githubusercontent.com"},"Action":"s3:PutObject","Resource":"` + rxBucket + `/*"}`)
	open := rxResource(t, rxBucket, model.TypeS3Bucket, rxA, pol)
	g := w.build(Options{Resources: []*model.Resource{open}})

	got := whoCanARNs(g, "s3:GetObject", rxObject)
	out, ok := got["arn:aws:iam::"+rxOut+":root"]
	if !ok || !strings.Contains(g.AccessNote(&out), "whose own policies allow it") {
		t.Errorf("the outside account is missing or unexplained: %v", got)
	}
	if _, ok := got["arn:aws:iam::"+rxA+":user/alice"]; ok {
		t.Errorf("alice is listed, but nothing allows her GetObject on %s", rxObject)
	}
	pub := whoCanARNs(g, "s3:GetObject", rxBucket+"/public/x")
	if a, ok := pub["*"]; !ok || !strings.Contains(g.AccessNote(&a), "public") {
		t.Errorf("the public is missing: %v", pub)
	}
	if _, ok := pub["arn:aws:iam::"+rxA+":user/alice"]; !ok {
		t.Errorf("Principal * allows alice in the same account without an identity allow")
	}
	puts := whoCanARNs(g, "s3:PutObject", rxObject)
	if a, ok := puts["cloudtrail.amazonaws.com"]; !ok || !a.Conditional || !strings.Contains(g.AccessNote(&a), "aws:SourceAccount") {
		t.Errorf("the service is missing or its scope unstated: %+v", puts)
	}
	if _, ok := puts["arn:aws:iam::"+rxA+":oidc-provider/token.actions.githubusercontent.com"]; !ok {
		t.Errorf("the federated provider is missing: %v", puts)
	}

	restricted := rxResource(t, rxBucket, model.TypeS3Bucket, rxA, pol)
	restricted.S3 = &model.S3Attributes{AccountBlockPublicAccess: &model.PublicAccessBlock{RestrictPublicBuckets: true}}
	g = w.build(Options{Resources: []*model.Resource{restricted}})
	pub = whoCanARNs(g, "s3:GetObject", rxBucket+"/public/x")
	if _, ok := pub["*"]; ok {
		t.Error("RestrictPublicBuckets: the public is still listed")
	}
	if _, ok := pub["arn:aws:iam::"+rxA+":user/alice"]; !ok {
		t.Error("RestrictPublicBuckets keeps the bucket account's own principals")
	}
	if _, ok := whoCanARNs(g, "s3:GetObject", rxObject)["arn:aws:iam::"+rxOut+":root"]; ok {
		t.Error("RestrictPublicBuckets cuts another account's grant in a public policy")
	}
	if _, ok := whoCanARNs(g, "s3:PutObject", rxObject)["cloudtrail.amazonaws.com"]; !ok {
		t.Error("RestrictPublicBuckets keeps AWS service principals")
	}
}

// KMS: "unless the key policy explicitly allows it, you cannot use IAM
// policies to allow access to a KMS key"; a key created without a policy
// gets the default one, which delegates to IAM.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func TestKMSKeyPolicyIsMandatory(t *testing.T) {
	w := rxNew(t)
	app := w.a.roleARN("App")
	key := rxResource(t, rxKey, model.TypeKMSKey, rxA, rxPolicy(`{"Sid":"AppOnly","Effect":"Allow","Principal":{"AWS":"`+app+`"},"Action":"kms:*","Resource":"*"}`))
	g := w.build(Options{Resources: []*model.Resource{key}})
	if res := g.Can(fxNode(t, g, "role/Other"), "kms:Decrypt", rxKey, nil, false); res.Decision != policy.ImplicitDeny || res.Layer != policy.LayerResource {
		t.Errorf("a role holding kms:* that the key policy does not name: %s (%s), want implicit deny at the resource layer", res.Decision, res.Layer)
	}
	if res := g.Can(fxNode(t, g, "role/App"), "kms:Decrypt", rxKey, nil, false); res.Decision != policy.Allowed {
		t.Errorf("the role the key policy names: %s", res.Decision)
	}
	for arn, a := range whoCanARNs(g, "kms:Decrypt", rxKey) {
		// The others reach the key by assuming App (its trust names the account).
		if direct := len(a.Via) == 0; direct != (arn == app) || !direct && a.Via[len(a.Via)-1].ARN != app {
			t.Errorf("who-can kms:Decrypt lists %s via %d roles; only %s may use the key itself", arn, len(a.Via), app)
		}
	}
	if as := g.Assumptions(nil, "kms:Decrypt", rxKey); len(as) != 0 {
		t.Errorf("a captured key policy needs no assumption: %v", as)
	}

	// Not in the snapshot: the default key policy is assumed, and said.
	g = w.build(Options{})
	if res := g.Can(fxNode(t, g, "role/Other"), "kms:Decrypt", rxKey, nil, false); res.Decision != policy.Allowed {
		t.Errorf("default key policy: a role holding kms:* is %s, want allowed", res.Decision)
	}
	if as := g.Assumptions(nil, "kms:Decrypt", rxKey); len(as) != 1 || !strings.Contains(as[0], "default key policy") {
		t.Errorf("assumptions %v do not say the default key policy was assumed", as)
	}
	if res := g.Can(fxNode(t, g, "user/bob"), "kms:Decrypt", rxKey, nil, false); res.Decision == policy.Allowed {
		t.Error("the default key policy does not let another account in")
	}
	unread := rxResource(t, rxKey, model.TypeKMSKey, rxA, "")
	unread.Error = "AccessDeniedException"
	g = w.build(Options{Resources: []*model.Resource{unread}})
	if as := g.Assumptions(nil, "kms:Decrypt", rxKey); len(as) != 1 || !strings.Contains(as[0], "could not be read (AccessDeniedException)") {
		t.Errorf("an unreadable key policy is not reported: %v", as)
	}
}

// A queue policy naming another account: who-can shows that account.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
func TestWhoCanQueuePolicyOutsideAccount(t *testing.T) {
	w := rxNew(t)
	q := rxResource(t, rxQueue, model.TypeSQSQueue, rxA, rxPolicy(`{"Effect":"Allow","Principal":{"AWS":"`+rxOut+`"},"Action":"sqs:SendMessage","Resource":"`+rxQueue+`"}`))
	g := w.build(Options{Resources: []*model.Resource{q}})
	if _, ok := whoCanARNs(g, "sqs:SendMessage", rxQueue)["arn:aws:iam::"+rxOut+":root"]; !ok {
		t.Error("the outside account is not listed")
	}
	if as := g.Assumptions(nil, "sqs:SendMessage", rxQueue); len(as) != 0 {
		t.Errorf("a captured queue policy needs no assumption: %v", as)
	}
	if as := g.Assumptions(nil, "sqs:SendMessage", rxQueue+"-other"); len(as) != 1 || !strings.Contains(as[0], "not in the snapshot") {
		t.Errorf("a queue whose policy is not loaded: %v", as)
	}
}

// The organization: SCPs bind principals of member accounts at every level
// (not the management account, not service-linked roles); RCPs bind the
// resources of member accounts whoever calls.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
func TestOrganizationSCPsAndRCPs(t *testing.T) {
	w := rxNew(t)
	w.b.s.Roles = append(w.b.s.Roles, &model.Role{Name: "AWSServiceRoleForX", Path: "/aws-service-role/", ARN: "arn:aws:iam::" + rxB + ":role/aws-service-role/AWSServiceRoleForX",
		TrustPolicy: fxDoc(t, fxTrust(rxB)), InlinePolicies: []model.InlinePolicy{{Name: "p", Document: fxDoc(t, fxS3Read)}}})
	full := fxDoc(t, fxAdmin)
	denyS3 := fxDoc(t, rxPolicy(`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`))
	rcpFull := fxDoc(t, rxPolicy(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`))
	rcpPerimeter := fxDoc(t, rxPolicy(`{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"`+rxA+`"}}}`))
	org := &model.Organization{ManagementAccountID: rxB,
		Roots: []model.OrgUnit{{ID: "r-1"}}, OUs: []model.OrgUnit{{ID: "ou-1", ParentID: "r-1"}},
		Accounts: []model.OrgAccount{{ID: rxA, ParentID: "ou-1"}, {ID: rxB, ParentID: "r-1"}},
		Policies: []model.OrgPolicy{
			{ID: "p-full", Name: "FullAWSAccess", Type: model.SCPType, Document: full, Targets: []string{"r-1", "ou-1", rxA, rxB}},
			{ID: "p-nos3", Name: "NoS3", Type: model.SCPType, Document: denyS3, Targets: []string{"r-1"}},
			{ID: "p-rfull", Name: "RCPFullAWSAccess", Type: model.RCPType, Document: rcpFull, Targets: []string{"r-1", "ou-1", rxA, rxB}},
			{ID: "p-perim", Name: "Perimeter", Type: model.RCPType, Document: rcpPerimeter, Targets: []string{"ou-1"}},
		}}
	q := rxResource(t, rxQueue, model.TypeSQSQueue, rxA, rxPolicy(`{"Effect":"Allow","Principal":{"AWS":"`+rxB+`"},"Action":"sqs:*","Resource":"`+rxQueue+`"}`))
	w.b.user("sender", nil, rxPolicy(`{"Effect":"Allow","Action":"sqs:*","Resource":"*"}`))
	g := w.build(Options{Organization: org, Resources: []*model.Resource{q}})
	tests := []struct {
		name, principal, action, resource string
		want                              policy.Decision
		layer                             policy.Layer
	}{
		{"an SCP Deny at the root binds a member account's principal", "user/reader", "s3:GetObject", rxObject, policy.ExplicitDeny, policy.LayerExplicitDeny},
		{"SCPs do not bind the management account", "user/bob", "s3:GetObject", "arn:aws:s3:::b-bucket/x", policy.Allowed, policy.LayerIdentity},
		{"a member's SCPs allow what no SCP denies", "role/App", "kms:ListKeys", "*", policy.Allowed, policy.LayerIdentity},
		{"an RCP binds a caller from another account on a member's resource", "user/sender", "sqs:SendMessage", rxQueue, policy.ExplicitDeny, policy.LayerExplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.Can(fxNode(t, g, tt.principal), tt.action, tt.resource, nil, false)
			if res.Decision != tt.want || res.Layer != tt.layer {
				t.Errorf("%s (%s), want %s (%s); reasons %+v", res.Decision, res.Layer, tt.want, tt.layer, res.Reasons)
			}
		})
	}
	slr := g.Node("arn:aws:iam::" + rxB + ":role/aws-service-role/AWSServiceRoleForX")
	in := g.Input(slr, g.Request(slr, "s3:GetObject", rxObject, nil))
	if len(in.SCPs) != 0 || len(in.RCPs) != 0 {
		t.Errorf("a service-linked role is bound by %d SCP and %d RCP levels", len(in.SCPs), len(in.RCPs))
	}
	member := fxNode(t, g, "user/reader")
	if got := len(g.Input(member, g.Request(member, "s3:GetObject", rxObject, nil)).SCPs); got != 3 {
		t.Errorf("a member account in an OU has %d SCP levels, want 3 (root, OU, account)", got)
	}
}

// who-can's candidates with a resource policy loaded (the identity
// prefilter, plus whoever the policy names, or everyone when it names a
// wildcard) are checked against asking every principal.
func TestWhoCanResourcesMatchesEveryPrincipal(t *testing.T) {
	w := rxNew(t)
	policies := []string{
		rxPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + rxA + `:user/alice"},"Action":"s3:*","Resource":"*"}`),
		rxPolicy(`{"Effect":"Allow","Principal":{"AWS":"` + rxB + `"},"Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::` + rxA + `:assumed-role/App/s"},"Action":"s3:GetObject","Resource":"*"}`),
		rxPolicy(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + rxB + `"}}}`),
		rxPolicy(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::` + rxA + `:user/reader"},"Action":"s3:GetObject","Resource":"*"}`),
		rxPolicy(`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::` + rxA + `:user/reader"},"Action":"s3:*","Resource":"*"}`),
	}
	for i, pol := range policies {
		g := w.build(Options{Resources: []*model.Resource{rxResource(t, rxBucket, model.TypeS3Bucket, rxA, pol)}})
		for _, action := range []string{"s3:GetObject", "s3:PutObject"} {
			want := map[string]bool{}
			for _, n := range g.Nodes() {
				if n.Kind != KindUser && n.Kind != KindRole && n.Kind != KindExternal || n.Dangling {
					continue
				}
				if res := g.Can(n, action, rxObject, nil, false); res.Decision == policy.Allowed || res.Conditional {
					want[n.ARN] = true
				}
			}
			got := map[string]bool{}
			for arn, a := range whoCanARNs(g, action, rxObject) {
				if len(a.Via) == 0 {
					got[arn] = true
				}
			}
			for arn := range want {
				if !got[arn] && g.Node(arn).Kind != KindExternal {
					t.Errorf("policy %d, %s: who-can misses %s", i, action, arn)
				}
			}
			for arn := range got {
				if !want[arn] {
					t.Errorf("policy %d, %s: who-can lists %s, which cannot", i, action, arn)
				}
			}
		}
	}
}

// RCPs bind the actions of the services the RCP page lists, and not
// kms:RetireGrant; a service it does not list is not bound.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#actions-not-restricted-by-rcps
func TestRCPSupportedServices(t *testing.T) {
	w := rxNew(t)
	deny := fxDoc(t, rxPolicy(`{"Effect":"Deny","Principal":"*","Action":["dynamodb:*","logs:*","lambda:*","kms:RetireGrant","kms:Decrypt"],"Resource":"*"}`))
	full := fxDoc(t, rxPolicy(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`))
	org := &model.Organization{ManagementAccountID: rxB,
		Roots: []model.OrgUnit{{ID: "r-1"}}, Accounts: []model.OrgAccount{{ID: rxA, ParentID: "r-1"}, {ID: rxB, ParentID: "r-1"}},
		Policies: []model.OrgPolicy{
			{ID: "p-full", Name: "RCPFullAWSAccess", Type: model.RCPType, Document: full, Targets: []string{"r-1", rxA, rxB}},
			{ID: "p-deny", Name: "Deny", Type: model.RCPType, Document: deny, Targets: []string{rxA}},
		}}
	g := w.build(Options{Organization: org})
	tests := []struct {
		name, action, resource string
		want                   policy.Decision
	}{
		{"DynamoDB is listed: its RCP binds", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:" + rxA + ":table/Orders", policy.ExplicitDeny},
		{"CloudWatch Logs is listed: its RCP binds", "logs:GetLogEvents", "arn:aws:logs:us-east-1:" + rxA + ":log-group:app:log-stream:s", policy.ExplicitDeny},
		{"KMS is listed: its RCP binds kms:Decrypt", "kms:Decrypt", rxKey, policy.ExplicitDeny},
		{"kms:RetireGrant is not restricted by RCPs", "kms:RetireGrant", rxKey, policy.Allowed},
		{"Lambda is not listed: no RCP binds it", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:" + rxA + ":function:f", policy.Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.Can(fxNode(t, g, "role/App"), tt.action, tt.resource, nil, false)
			if res.Decision != tt.want {
				t.Errorf("%s (%s), want %s; reasons %+v", res.Decision, res.Layer, tt.want, res.Reasons)
			}
		})
	}
}

// A Lambda alias's or published version's own policy governs requests
// naming its ARN, and so does the function-level policy; neither grants the
// other's scope the other way round: the alias's or version's policy does
// not apply to the unqualified function, nor one version's to another. A
// captured version without a policy of its own (known to have none) is
// decided by the function-level policy alone. An alias or version whose
// policy could not be read leaves the answer unknown, and says so; one not
// in the snapshot is answered from the function's policy, and says so.
// https://docs.aws.amazon.com/lambda/latest/dg/API_AddPermission.html
// https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
func TestLambdaAliasPolicies(t *testing.T) {
	w := rxNew(t)
	fn := "arn:aws:lambda:us-east-1:" + rxA + ":function:worker"
	invoke := func(sid, principal string) string {
		return `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + principal + `,"Action":"lambda:InvokeFunction","Resource":"*"}`
	}
	res := []*model.Resource{
		rxResource(t, fn, model.TypeLambdaFunction, rxA, rxPolicy(invoke("Bob", `{"AWS":"arn:aws:iam::`+rxB+`:user/bob"}`))),
		rxResource(t, fn+":live", model.TypeLambdaFunction, rxA, rxPolicy(invoke("Carol", `{"AWS":"arn:aws:iam::`+rxB+`:user/carol"}`))),
		{ARN: fn + ":locked", Type: model.TypeLambdaFunction, Account: rxA, Error: "lambda:GetPolicy: AccessDeniedException"},
		rxResource(t, fn+":1", model.TypeLambdaFunction, rxA, rxPolicy(invoke("Carol", `{"AWS":"arn:aws:iam::`+rxB+`:user/carol"}`))),
		{ARN: fn + ":2", Type: model.TypeLambdaFunction, Account: rxA}, // no policy of its own
		{ARN: fn + ":3", Type: model.TypeLambdaFunction, Account: rxA, Error: "lambda:GetPolicy: AccessDeniedException"},
	}
	w.b.s.Users[1].InlinePolicies = w.b.inline([]string{rxPolicy(`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}`)}) // carol
	w.b.s.Users[0].InlinePolicies = w.b.inline([]string{rxPolicy(`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}`)}) // bob
	g := w.build(Options{Resources: res})
	tests := []struct {
		name, principal, resource string
		want                      policy.Decision
	}{
		{"the function-level policy applies to an alias", "user/bob", fn + ":live", policy.Allowed},
		{"the alias's own policy applies to the alias", "user/carol", fn + ":live", policy.Allowed},
		{"the alias's policy does not apply to the unqualified function", "user/carol", fn, policy.ImplicitDeny},
		{"the function-level policy applies to the function", "user/bob", fn, policy.Allowed},
		{"the function-level policy applies to a version", "user/bob", fn + ":1", policy.Allowed},
		{"the version's own policy applies to the version", "user/carol", fn + ":1", policy.Allowed},
		{"a version without a policy of its own: the function-level policy applies", "user/bob", fn + ":2", policy.Allowed},
		{"one version's policy does not apply to another version", "user/carol", fn + ":2", policy.ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res := g.Can(fxNode(t, g, "arn:aws:iam::"+rxB+":"+tt.principal), "lambda:InvokeFunction", tt.resource, nil, false); res.Decision != tt.want {
				t.Errorf("%s, want %s; reasons %+v", res.Decision, tt.want, res.Reasons)
			}
		})
	}
	if as := strings.Join(g.Assumptions(nil, "lambda:InvokeFunction", fn+":locked"), "; "); !strings.Contains(as, "could not be read") {
		t.Errorf("an alias whose policy could not be read: assumptions %q", as)
	}
	if as := strings.Join(g.Assumptions(nil, "lambda:InvokeFunction", fn+":7"), "; "); !strings.Contains(as, "only its function's policy was evaluated") {
		t.Errorf("a version not in the snapshot: assumptions %q", as)
	}
	if as := strings.Join(g.Assumptions(nil, "lambda:InvokeFunction", fn+":3"), "; "); !strings.Contains(as, "could not be read") || strings.Contains(as, "not in the snapshot") {
		t.Errorf("a version whose policy could not be read: assumptions %q", as)
	}
	for _, q := range []string{"live", "1", "2"} {
		if as := g.Assumptions(nil, "lambda:InvokeFunction", fn+":"+q); len(as) != 0 {
			t.Errorf("a captured alias or version (%s) needs no assumption: %q", q, as)
		}
	}
}
