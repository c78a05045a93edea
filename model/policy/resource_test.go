package policy

import "testing"

// resourceCase is a decisionCase with the resource-side inputs.
type resourceCase struct {
	decisionCase
	rcps     []string // one document per organization level
	required bool     // the resource policy is mandatory (KMS key policy)
	restrict bool     // RestrictPublicBuckets on a public bucket policy
}

func runResourceCases(t *testing.T, cases []resourceCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, trace := range []bool{false, true} {
				req := &Request{Principal: mustPrincipal(t, orDefault(tc.principal)), Action: tc.action, Resource: tc.resource,
					ResourceAccount: tc.resourceAccount, Context: ctxOf(tc.ctx), Trace: trace}
				in := &Input{
					Identity: srcs(t, IdentityPolicy, tc.identity...), Boundary: src(t, BoundaryPolicy, tc.boundary),
					Resource: src(t, ResourcePolicy, tc.resourcePolicy), SCPs: srcs(t, SCPPolicy, tc.scps...),
					RCPs: srcs(t, RCPPolicy, tc.rcps...), ResourceRequired: tc.required, RestrictPublic: tc.restrict,
				}
				res := Evaluate(req, in)
				if res.Decision != tc.want || res.Layer != tc.layer {
					t.Errorf("trace %v: got %s (layer %q), want %s (layer %q); reasons %+v", trace, res.Decision, res.Layer, tc.want, tc.layer, res.Reasons)
				}
			}
		})
	}
}

const keyARN = "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"

func keyPolicy(principalJSON string) string {
	return doc(`{"Sid":"KeyUse","Effect":"Allow","Principal":` + principalJSON + `,"Action":"kms:*","Resource":"*"}`)
}

// KMS key policies are mandatory: "unless the key policy explicitly allows
// it, you cannot use IAM policies to allow access to a KMS key". A key
// policy that names the account delegates to IAM policies; one that names a
// principal allows it directly.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func TestEvaluateKMSKeyPolicies(t *testing.T) {
	role := "arn:aws:iam::" + acct + ":role/App"
	other := "arn:aws:iam::" + acct + ":role/Other"
	otherUser := "arn:aws:iam::" + otherAcct + ":user/bob"
	kmsAll := allowDoc("kms:*", "*")
	c := func(name, principal, keyPol string, identity []string, boundary string, want Decision, layer Layer) resourceCase {
		return resourceCase{decisionCase: decisionCase{name: name, principal: principal, action: "kms:Decrypt", resource: keyARN,
			identity: identity, boundary: boundary, resourcePolicy: keyPol, want: want, layer: layer}, required: true}
	}
	cases := []resourceCase{
		c("a key policy naming only another role denies a role holding kms:*", other, keyPolicy(`{"AWS":"`+role+`"}`), []string{kmsAll}, "", ImplicitDeny, LayerResource),
		c("a key policy naming the role allows it without an IAM allow", role, keyPolicy(`{"AWS":"`+role+`"}`), nil, "", Allowed, LayerResource),
		c("a key policy naming the role: the role's boundary still applies", role, keyPolicy(`{"AWS":"`+role+`"}`), nil, allowDoc("s3:*", "*"), ImplicitDeny, LayerBoundary),
		c("the default key policy delegates to IAM: an IAM allow suffices", other, keyPolicy(`{"AWS":"arn:aws:iam::`+acct+`:root"}`), []string{kmsAll}, "", Allowed, LayerIdentity),
		c("the default key policy delegates to IAM: without an IAM allow, denied", other, keyPolicy(`{"AWS":"arn:aws:iam::`+acct+`:root"}`), nil, "", ImplicitDeny, LayerIdentity),
		c("no key policy at all denies even kms:*", other, "", []string{kmsAll}, "", ImplicitDeny, LayerResource),
		c("a Deny in the key policy wins over the delegation", other, doc(`{"Effect":"Allow","Principal":{"AWS":"`+acct+`"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"`+other+`"},"Action":"kms:Decrypt","Resource":"*"}`), []string{kmsAll}, "", ExplicitDeny, LayerExplicitDeny),
	}
	cross := c("cross-account: the key policy must name the other account and its IAM policy must allow", otherUser, keyPolicy(`{"AWS":"`+otherAcct+`"}`), []string{kmsAll}, "", Allowed, LayerIdentity)
	cross.resourceAccount = acct
	crossNoIAM := c("cross-account: a key policy naming the user is not enough without its IAM allow", otherUser, keyPolicy(`{"AWS":"`+otherUser+`"}`), nil, "", ImplicitDeny, LayerIdentity)
	crossNoIAM.resourceAccount = acct
	runResourceCases(t, append(cases, cross, crossNoIAM))
}

// RCPs limit what any principal can do to resources of member accounts:
// each level (root, OU, account) must allow, and they never grant.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
func TestEvaluateRCPs(t *testing.T) {
	full := doc(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`)
	denyOutside := doc(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"` + acct + `"}}}`)
	otherUser := "arn:aws:iam::" + otherAcct + ":user/bob"
	s3all := allowDoc("s3:*", "*")
	public := doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)
	runResourceCases(t, []resourceCase{
		{decisionCase: decisionCase{name: "RCPFullAWSAccess at every level keeps an identity allow", action: s3Get, resource: bucketObj, identity: []string{s3all}, want: Allowed, layer: LayerIdentity}, rcps: []string{full, full}},
		{decisionCase: decisionCase{name: "a level without an allowing RCP denies", action: s3Get, resource: bucketObj, identity: []string{s3all}, want: ImplicitDeny, layer: LayerRCP}, rcps: []string{full, doc(`{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`)}},
		{decisionCase: decisionCase{name: "an RCP Deny binds a principal of another account", principal: otherUser, ctx: kv{"aws:PrincipalAccount": {otherAcct}}, action: s3Get, resource: bucketObj, resourceAccount: acct, identity: []string{s3all}, resourcePolicy: public, want: ExplicitDeny, layer: LayerExplicitDeny}, rcps: []string{denyOutside}},
		{decisionCase: decisionCase{name: "an RCP binds anonymous callers of a public policy", principal: "*", action: s3Get, resource: bucketObj, resourcePolicy: public, want: ImplicitDeny, layer: LayerRCP}, rcps: []string{doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}`)}},
		{decisionCase: decisionCase{name: "the same-account principal passes the perimeter RCP", ctx: kv{"aws:PrincipalAccount": {acct}}, action: s3Get, resource: bucketObj, identity: []string{s3all}, want: Allowed, layer: LayerIdentity}, rcps: []string{denyOutside}},
	})
}

// S3 Block Public Access: RestrictPublicBuckets "restricts access to a
// bucket with a public policy to only AWS service principals and authorized
// users within the bucket owner's account"; the bucket owner's root user may
// always read, replace and delete the bucket policy.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
func TestEvaluateS3BlockPublicAccess(t *testing.T) {
	otherUser := "arn:aws:iam::" + otherAcct + ":user/bob"
	public := doc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`)
	s3all := allowDoc("s3:*", "*")
	runResourceCases(t, []resourceCase{
		{decisionCase: decisionCase{name: "restricted: anonymous callers lose the public grant", principal: "*", action: s3Get, resource: bucketObj, resourcePolicy: public, want: ImplicitDeny, layer: LayerResource}, restrict: true},
		{decisionCase: decisionCase{name: "unrestricted: anonymous callers keep the public grant", principal: "*", action: s3Get, resource: bucketObj, resourcePolicy: public, want: Allowed, layer: LayerResource}},
		{decisionCase: decisionCase{name: "restricted: another account loses the grant even with its IAM allow", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct, identity: []string{s3all}, resourcePolicy: public, want: ImplicitDeny, layer: LayerResource}, restrict: true},
		{decisionCase: decisionCase{name: "restricted: principals of the bucket's account keep the grant", action: s3Get, resource: bucketObj, resourcePolicy: public, want: Allowed, layer: LayerResource}, restrict: true},
		{decisionCase: decisionCase{name: "restricted: AWS service principals keep the grant", principal: "logs.amazonaws.com", action: "s3:PutObject", resource: bucketObj, resourcePolicy: public, want: Allowed, layer: LayerResource}, restrict: true},
		{decisionCase: decisionCase{name: "the owner's root may replace a bucket policy that denies everyone", principal: acct, action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::bucket",
			resourcePolicy: doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`), want: Allowed, layer: LayerIdentity}},
		{decisionCase: decisionCase{name: "the owner's root is still bound by the policy for objects", principal: acct, action: s3Get, resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`), want: ExplicitDeny, layer: LayerExplicitDeny}},
		{decisionCase: decisionCase{name: "another account's root has no hold on the bucket policy", principal: otherAcct, action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::bucket", resourceAccount: acct,
			resourcePolicy: doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`), want: ExplicitDeny, layer: LayerExplicitDeny}},
	})
}

// What S3 calls a public policy: a wildcard principal without a condition
// fixing the caller's source, account or network.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
func TestIsPublic(t *testing.T) {
	st := func(principal, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return doc(`{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"*"` + c + `}`)
	}
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"Principal * is public", st(`"*"`, ""), true},
		{"AWS * is public", st(`{"AWS":"*"}`, ""), true},
		{"a wildcard inside an account ARN is public", st(`{"AWS":"arn:aws:iam::*:root"}`, ""), true},
		{"a fixed principal of another account is not public", st(`{"AWS":"arn:aws:iam::`+otherAcct+`:root"}`, ""), false},
		{"a fixed service principal is not public", st(`{"Service":"logs.amazonaws.com"}`, ""), false},
		{"* with a fixed aws:SourceArn is not public", st(`"*"`, `{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:`+acct+`:trail/t"}}`), false},
		{"* with a wildcard aws:SourceArn is public", st(`"*"`, `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*"}}`), true},
		{"* with a fixed aws:SourceVpce is not public", st(`"*"`, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), false},
		{"* with aws:SourceIp ranges is not public", st(`"*"`, `{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.7"]}}`), false},
		{"* with aws:SourceIp 0.0.0.0/0 is public", st(`"*"`, `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`), true},
		{"* with an IfExists condition is public: absent keys pass", st(`"*"`, `{"StringEqualsIfExists":{"aws:SourceAccount":"`+acct+`"}}`), true},
		{"* limited by aws:userid of one role's sessions is not public", st(`"*"`, `{"StringLike":{"aws:userid":"AROAEXAMPLEID:*"}}`), false},
		{"* with a condition on an unrelated key is public", st(`"*"`, `{"Bool":{"aws:SecureTransport":"true"}}`), true},
		{"a Deny with * is not a grant", doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`), false},
		{"NotPrincipal with Allow grants everyone else: public", doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"s3:*","Resource":"*"}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := p.IsPublic(); got != tt.want {
				t.Errorf("IsPublic = %v, want %v", got, tt.want)
			}
			if got := len(p.PublicStatements()) > 0; got != tt.want {
				t.Errorf("PublicStatements non-empty = %v, want %v", got, tt.want)
			}
		})
	}
}
