package policy

import (
	"reflect"
	"strconv"
	"testing"
)

type decisionCase struct {
	name            string
	principal       string // ARN, account ID, service name, "federated:ID", "canonical:ID" or "*"
	action          string
	resource        string
	resourceAccount string
	ctx             kv
	identity        []string
	boundary        string
	resourcePolicy  string
	scps            []string // one document per organization level
	want            Decision
	layer           Layer
}

func (tc *decisionCase) run(t *testing.T) Result {
	t.Helper()
	p := tc.principal
	if p == "" {
		p = alice()
	}
	req := &Request{
		Principal: mustPrincipal(t, p), Action: tc.action, Resource: tc.resource,
		ResourceAccount: tc.resourceAccount, Context: ctxOf(tc.ctx),
	}
	in := &Input{
		Identity: srcs(t, IdentityPolicy, tc.identity...),
		Boundary: src(t, BoundaryPolicy, tc.boundary),
		Resource: src(t, ResourcePolicy, tc.resourcePolicy),
		SCPs:     srcs(t, SCPPolicy, tc.scps...),
	}
	return Evaluate(req, in)
}

func runDecisionCases(t *testing.T, cases []decisionCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.run(t)
			if res.Decision != tc.want || res.Layer != tc.layer {
				t.Errorf("got %s (layer %q), want %s (layer %q); reasons %+v", res.Decision, res.Layer, tc.want, tc.layer, res.Reasons)
			}
			// The trace never changes the decision.
			tc2 := tc
			req := &Request{Principal: mustPrincipal(t, orDefault(tc.principal)), Action: tc.action, Resource: tc.resource,
				ResourceAccount: tc.resourceAccount, Context: ctxOf(tc.ctx), Trace: true}
			in := &Input{Identity: srcs(t, IdentityPolicy, tc2.identity...), Boundary: src(t, BoundaryPolicy, tc2.boundary),
				Resource: src(t, ResourcePolicy, tc2.resourcePolicy), SCPs: srcs(t, SCPPolicy, tc2.scps...)}
			traced := Evaluate(req, in)
			if traced.Decision != res.Decision || traced.Layer != res.Layer || traced.Trace == nil {
				t.Errorf("with trace: %s/%s (trace %v), without: %s/%s", traced.Decision, traced.Layer, traced.Trace != nil, res.Decision, res.Layer)
			}
		})
	}
}

func orDefault(p string) string {
	if p == "" {
		return alice()
	}
	return p
}

const s3Get = "s3:GetObject"
const bucketObj = "arn:aws:s3:::bucket/key"

func doc(stmts string) string { return `{"Version":"2012-10-17","Statement":[` + stmts + `]}` }

// Identity-based policies: explicit deny wins, otherwise an allow is needed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEvaluateIdentityPolicies(t *testing.T) {
	runDecisionCases(t, []decisionCase{
		{name: "no policies is an implicit deny at the identity layer", action: s3Get, resource: bucketObj, want: ImplicitDeny, layer: LayerIdentity},
		{name: "identity allow grants the action", action: s3Get, resource: bucketObj, identity: []string{allowDoc("s3:GetObject", "*")}, want: Allowed, layer: LayerIdentity},
		{name: "an allow for another action does not grant", action: s3Get, resource: bucketObj, identity: []string{allowDoc("s3:PutObject", "*")}, want: ImplicitDeny, layer: LayerIdentity},
		{name: "explicit deny in one policy overrides an allow in another", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("s3:*", "*"), doc(`{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)}, want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "explicit deny in the same policy overrides an allow", action: s3Get, resource: bucketObj,
			identity: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:Get*","Resource":"arn:aws:s3:::bucket/*"}`)}, want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "deny on another resource does not apply", action: s3Get, resource: bucketObj,
			identity: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::other/*"}`)}, want: Allowed, layer: LayerIdentity},
		{name: "deny whose condition fails does not apply", action: s3Get, resource: bucketObj, ctx: kv{"aws:SecureTransport": {"true"}},
			identity: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)}, want: Allowed, layer: LayerIdentity},
		{name: "NotAction allow grants every other action", action: "ec2:RunInstances", resource: "*",
			identity: []string{doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, want: Allowed, layer: LayerIdentity},
		{name: "NotAction allow does not grant the listed actions", action: "iam:CreateUser", resource: "*",
			identity: []string{doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, want: ImplicitDeny, layer: LayerIdentity},
		{name: "NotAction deny denies everything except the listed actions", action: "s3:PutObject", resource: bucketObj,
			identity: []string{allowDoc("*", "*"), doc(`{"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],"Resource":"*"}`)}, want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotAction deny leaves the listed actions alone", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("*", "*"), doc(`{"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],"Resource":"*"}`)}, want: Allowed, layer: LayerIdentity},
		{name: "NotResource allow grants every other resource", action: s3Get, resource: bucketObj,
			identity: []string{doc(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}`)}, want: Allowed, layer: LayerIdentity},
		{name: "NotResource allow excludes the listed resources", action: s3Get, resource: "arn:aws:s3:::secret/x",
			identity: []string{doc(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}`)}, want: ImplicitDeny, layer: LayerIdentity},
		{name: "NotResource deny denies everything outside the listed resources", action: s3Get, resource: "arn:aws:s3:::other/x",
			identity: []string{allowDoc("*", "*"), doc(`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]}`)}, want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "sts:GetCallerIdentity is always allowed, even with no policies", action: "sts:GetCallerIdentity", resource: "*", want: Allowed, layer: LayerAlways},
		{name: "sts:GetCallerIdentity is allowed despite an explicit deny", action: "sts:GetCallerIdentity", resource: "*",
			identity: []string{doc(`{"Effect":"Deny","Action":"*","Resource":"*"}`)}, want: Allowed, layer: LayerAlways},
		{name: "allow with a failing condition does not grant", action: s3Get, resource: bucketObj, ctx: kv{"aws:SourceIp": {"198.51.100.1"}},
			identity: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`)}, want: ImplicitDeny, layer: LayerIdentity},
		{name: "group policies count like the user's own (any identity allow grants)", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("ec2:*", "*"), allowDoc("s3:Get*", "arn:aws:s3:::bucket/*")}, want: Allowed, layer: LayerIdentity},
		{name: "role principal evaluated with its identity policies", principal: "arn:aws:iam::" + acct + ":role/Deploy", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("s3:*", "*")}, want: Allowed, layer: LayerIdentity},
		{name: "root user is allowed in its own account without policies", principal: acct, action: "iam:CreateUser", resource: "*", want: Allowed, layer: LayerIdentity},
		{name: "policy version 2008-10-17 still evaluates", action: s3Get, resource: bucketObj,
			identity: []string{`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`}, want: Allowed, layer: LayerIdentity},
	})
}

// Permissions boundaries: identity allows count only inside the boundary;
// resource policies that name the user or session ARN are not limited.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
func TestEvaluateBoundaries(t *testing.T) {
	user := alice()
	role := "arn:aws:iam::" + acct + ":role/Deploy"
	session := "arn:aws:sts::" + acct + ":assumed-role/Deploy/build-42"
	bucketPolicy := func(principalJSON string) string {
		return doc(`{"Effect":"Allow","Principal":` + principalJSON + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`)
	}
	runDecisionCases(t, []decisionCase{
		{name: "boundary and identity both allow", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("s3:*", "*")}, boundary: allowDoc("s3:GetObject", "*"), want: Allowed, layer: LayerIdentity},
		{name: "boundary does not allow what identity grants", action: "s3:PutObject", resource: bucketObj,
			identity: []string{allowDoc("s3:*", "*")}, boundary: allowDoc("s3:GetObject", "*"), want: ImplicitDeny, layer: LayerBoundary},
		{name: "boundary alone grants nothing", action: s3Get, resource: bucketObj,
			boundary: allowDoc("*", "*"), want: ImplicitDeny, layer: LayerIdentity},
		{name: "explicit deny in the boundary denies", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("s3:*", "*")}, boundary: doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`),
			want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "boundary with a failing condition does not allow", action: s3Get, resource: bucketObj, ctx: kv{"aws:RequestedRegion": {"us-east-1"}},
			identity: []string{allowDoc("s3:*", "*")}, boundary: doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`),
			want: ImplicitDeny, layer: LayerBoundary},
		{name: "resource policy naming the user ARN is not limited by the boundary", principal: user, action: s3Get, resource: bucketObj,
			boundary: allowDoc("ec2:*", "*"), resourcePolicy: bucketPolicy(`{"AWS":"` + user + `"}`), want: Allowed, layer: LayerResource},
		{name: "resource policy naming the user ARN needs no identity allow", principal: user, action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`{"AWS":"` + user + `"}`), want: Allowed, layer: LayerResource},
		{name: "resource policy naming the session ARN is not limited by the boundary", principal: session, action: s3Get, resource: bucketObj,
			boundary: allowDoc("ec2:*", "*"), resourcePolicy: bucketPolicy(`{"AWS":"` + session + `"}`), want: Allowed, layer: LayerResource},
		{name: "resource policy naming the role ARN is limited by the boundary", principal: role, action: s3Get, resource: bucketObj,
			boundary: allowDoc("ec2:*", "*"), resourcePolicy: bucketPolicy(`{"AWS":"` + role + `"}`), want: ImplicitDeny, layer: LayerBoundary},
		{name: "resource policy naming the role ARN allows a session within the boundary", principal: session, action: s3Get, resource: bucketObj,
			boundary: allowDoc("s3:*", "*"), resourcePolicy: bucketPolicy(`{"AWS":"` + role + `"}`), want: Allowed, layer: LayerResource},
		{name: "resource policy naming the role ARN limits a session by the boundary", principal: session, action: s3Get, resource: bucketObj,
			boundary: allowDoc("ec2:*", "*"), resourcePolicy: bucketPolicy(`{"AWS":"` + role + `"}`), want: ImplicitDeny, layer: LayerBoundary},
		{name: "resource policy with Principal * is limited by the boundary (only a user or session ARN bypasses it)", principal: user, action: s3Get, resource: bucketObj,
			boundary: allowDoc("ec2:*", "*"), resourcePolicy: bucketPolicy(`"*"`), want: ImplicitDeny, layer: LayerBoundary},
		{name: "resource policy with Principal * allows within the boundary without identity allow", principal: user, action: s3Get, resource: bucketObj,
			boundary: allowDoc("s3:*", "*"), resourcePolicy: bucketPolicy(`"*"`), want: Allowed, layer: LayerResource},
		{name: "resource policy naming the account is limited by the boundary", principal: user, action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("s3:*", "*")}, boundary: allowDoc("ec2:*", "*"), resourcePolicy: bucketPolicy(`{"AWS":"arn:aws:iam::` + acct + `:root"}`),
			want: ImplicitDeny, layer: LayerBoundary},
		{name: "explicit deny in a resource policy beats an allow naming the user", principal: user, action: s3Get, resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"` + user + `"},"Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`),
			want:           ExplicitDeny, layer: LayerExplicitDeny},
	})
}

// Resource-based policies in the same account and across accounts.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-basics-id-rdp
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestEvaluateResourcePolicies(t *testing.T) {
	otherUser := "arn:aws:iam::" + otherAcct + ":user/bob"
	bucketPolicy := func(principalJSON string) string {
		return doc(`{"Effect":"Allow","Principal":` + principalJSON + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`)
	}
	runDecisionCases(t, []decisionCase{
		{name: "same account: identity allow suffices without a resource allow", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("s3:*", "*")}, resourcePolicy: bucketPolicy(`{"AWS":"` + otherUser + `"}`), want: Allowed, layer: LayerIdentity},
		{name: "same account: resource policy naming the account needs an identity allow", action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`{"AWS":"` + acct + `"}`), want: ImplicitDeny, layer: LayerIdentity},
		{name: "same account: resource policy naming the account plus identity allow", action: s3Get, resource: bucketObj,
			identity: []string{allowDoc("s3:GetObject", "*")}, resourcePolicy: bucketPolicy(`{"AWS":"` + acct + `"}`), want: Allowed, layer: LayerIdentity},
		{name: "same account: Principal * allows without identity allow", action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`"*"`), want: Allowed, layer: LayerResource},
		{name: "same account: AWS * allows without identity allow", action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`{"AWS":"*"}`), want: Allowed, layer: LayerResource},
		{name: "resource policy for another principal does not allow", action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`{"AWS":"arn:aws:iam::` + acct + `:user/carol"}`), want: ImplicitDeny, layer: LayerIdentity},
		{name: "resource policy statement on another resource does not allow", action: s3Get, resource: "arn:aws:s3:::other/key",
			resourcePolicy: bucketPolicy(`"*"`), want: ImplicitDeny, layer: LayerIdentity},
		{name: "cross-account: resource allow alone is not enough", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct,
			resourcePolicy: bucketPolicy(`{"AWS":"` + otherUser + `"}`), want: ImplicitDeny, layer: LayerIdentity},
		{name: "cross-account: identity allow alone is not enough", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct,
			identity: []string{allowDoc("s3:*", "*")}, want: ImplicitDeny, layer: LayerResource},
		{name: "cross-account: both sides allow", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct,
			identity: []string{allowDoc("s3:*", "*")}, resourcePolicy: bucketPolicy(`{"AWS":"` + otherUser + `"}`), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: resource policy trusting the account plus identity allow", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct,
			identity: []string{allowDoc("s3:*", "*")}, resourcePolicy: bucketPolicy(`{"AWS":"arn:aws:iam::` + otherAcct + `:root"}`), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: resource policy trusting a different account does not allow", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct,
			identity: []string{allowDoc("s3:*", "*")}, resourcePolicy: bucketPolicy(`{"AWS":"999988887777"}`), want: ImplicitDeny, layer: LayerResource},
		{name: "cross-account: boundary still limits the identity side", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct,
			identity: []string{allowDoc("s3:*", "*")}, boundary: allowDoc("ec2:*", "*"), resourcePolicy: bucketPolicy(`{"AWS":"` + otherUser + `"}`), want: ImplicitDeny, layer: LayerBoundary},
		{name: "cross-account: explicit deny in the resource policy for the account", principal: otherUser, action: s3Get, resource: bucketObj, resourceAccount: acct,
			identity:       []string{allowDoc("s3:*", "*")},
			resourcePolicy: doc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"` + otherAcct + `"},"Action":"s3:GetObject","Resource":"*"}`),
			want:           ExplicitDeny, layer: LayerExplicitDeny},
		{name: "service principal is allowed by the resource policy alone", principal: "logs.amazonaws.com", action: "s3:PutObject", resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}`), want: Allowed, layer: LayerResource},
		{name: "service principal not named is denied at the resource layer", principal: "ec2.amazonaws.com", action: "s3:PutObject", resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}`), want: ImplicitDeny, layer: LayerResource},
		{name: "service principal without a resource policy is denied", principal: "ec2.amazonaws.com", action: "s3:PutObject", resource: bucketObj,
			want: ImplicitDeny, layer: LayerResource},
		{name: "service principal condition on aws:SourceArn", principal: "sns.amazonaws.com", action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:" + acct + ":q",
			ctx:            kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:" + acct + ":other"}},
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:` + acct + `:topic"}}}`),
			want:           ImplicitDeny, layer: LayerResource},
		{name: "anonymous principal allowed by a public resource policy", principal: "*", action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`"*"`), want: Allowed, layer: LayerResource},
		{name: "anonymous principal not allowed by AWS-account principal", principal: "*", action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`{"AWS":"` + acct + `"}`), want: ImplicitDeny, layer: LayerResource},
		{name: "canonical user principal matches by ID", principal: "canonical:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", action: s3Get, resource: bucketObj,
			resourcePolicy: bucketPolicy(`{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`), want: Allowed, layer: LayerResource},
		{name: "resource statement without Principal names nobody", action: s3Get, resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), want: ImplicitDeny, layer: LayerIdentity},
	})
}

// Role trust policies for sts:AssumeRole*: every form of Principal.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html
func TestEvaluateTrustPolicies(t *testing.T) {
	target := "arn:aws:iam::" + acct + ":role/Target"
	user := alice()
	otherUser := "arn:aws:iam::" + otherAcct + ":user/bob"
	otherRole := "arn:aws:iam::" + otherAcct + ":role/CI"
	otherSession := "arn:aws:sts::" + otherAcct + ":assumed-role/CI/run-7"
	trust := func(principalJSON, extra string) string {
		return doc(`{"Effect":"Allow","Principal":` + principalJSON + `,"Action":"sts:AssumeRole"` + extra + `}`)
	}
	assume := allowDoc("sts:AssumeRole", target)
	oidc := "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"
	saml := "arn:aws:iam::" + acct + ":saml-provider/Okta"
	runDecisionCases(t, []decisionCase{
		{name: "same account: trust naming the user ARN allows without identity allow", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"AWS":"`+user+`"}`, ""), want: Allowed, layer: LayerResource},
		{name: "same account: trust naming the account root needs an identity allow", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, ""), want: ImplicitDeny, layer: LayerIdentity},
		{name: "same account: trust naming the account root plus identity allow", action: "sts:AssumeRole", resource: target,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"arn:aws:iam::`+acct+`:root"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "same account: trust naming the account ID needs an identity allow", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"AWS":"`+acct+`"}`, ""), want: ImplicitDeny, layer: LayerIdentity},
		{name: "same account: trust naming the account ID plus identity allow", action: "sts:AssumeRole", resource: target,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"`+acct+`"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "same account: trust not naming the principal denies despite identity allow", action: "sts:AssumeRole", resource: target,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"arn:aws:iam::`+acct+`:user/carol"}`, ""), want: ImplicitDeny, layer: LayerResource},
		{name: "same account: trust with Principal * allows", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`"*"`, ""), want: Allowed, layer: LayerResource},
		{name: "same account: trust with AWS * allows", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"AWS":"*"}`, ""), want: Allowed, layer: LayerResource},
		{name: "same account: trust with Principal * and an ExternalId condition needs the key", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`"*"`, `,"Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}`), want: ImplicitDeny, layer: LayerResource},
		{name: "same account: trust with ExternalId condition satisfied", action: "sts:AssumeRole", resource: target, ctx: kv{"sts:ExternalId": {"s3cr3t"}},
			resourcePolicy: trust(`"*"`, `,"Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}`), want: Allowed, layer: LayerResource},
		{name: "same account: trust naming the user ARN is not limited by the boundary", action: "sts:AssumeRole", resource: target,
			boundary: allowDoc("s3:*", "*"), resourcePolicy: trust(`{"AWS":"`+user+`"}`, ""), want: Allowed, layer: LayerResource},
		{name: "same account: explicit deny of sts:AssumeRole in identity beats the trust", action: "sts:AssumeRole", resource: target,
			identity: []string{doc(`{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}`)}, resourcePolicy: trust(`{"AWS":"`+user+`"}`, ""), want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "same account: role session naming its role ARN in the trust (role chaining)", principal: "arn:aws:sts::" + acct + ":assumed-role/Build/s1", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"AWS":"arn:aws:iam::`+acct+`:role/Build"}`, ""), want: Allowed, layer: LayerResource},
		{name: "cross-account: trust naming the user ARN without identity allow", principal: otherUser, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			resourcePolicy: trust(`{"AWS":"`+otherUser+`"}`, ""), want: ImplicitDeny, layer: LayerIdentity},
		{name: "cross-account: trust naming the user ARN with identity allow", principal: otherUser, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"`+otherUser+`"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: trust naming the account root with identity allow", principal: otherUser, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"arn:aws:iam::`+otherAcct+`:root"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: trust naming the account ID with identity allow", principal: otherUser, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"`+otherAcct+`"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: trust naming a different account", principal: otherUser, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"`+acct+`"}`, ""), want: ImplicitDeny, layer: LayerResource},
		{name: "cross-account: trust naming the role ARN matches its sessions", principal: otherSession, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"`+otherRole+`"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: trust naming the role ARN matches the role principal", principal: otherRole, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"`+otherRole+`"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: trust naming a role with a path matches sessions by role name", principal: otherSession, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			identity: []string{assume}, resourcePolicy: trust(`{"AWS":"arn:aws:iam::`+otherAcct+`:role/ci/CI"}`, ""), want: Allowed, layer: LayerIdentity},
		{name: "cross-account: trust with Principal * still needs the identity allow", principal: otherUser, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			resourcePolicy: trust(`"*"`, ""), want: ImplicitDeny, layer: LayerIdentity},
		{name: "cross-account: trust with PrincipalOrgID condition", principal: otherUser, action: "sts:AssumeRole", resource: target, resourceAccount: acct,
			ctx: kv{"aws:PrincipalOrgID": {"o-abc"}}, identity: []string{assume},
			resourcePolicy: trust(`"*"`, `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`), want: Allowed, layer: LayerIdentity},
		{name: "service principal in the trust policy", principal: "ec2.amazonaws.com", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"]}`, ""), want: Allowed, layer: LayerResource},
		{name: "service principal not in the trust policy", principal: "ecs-tasks.amazonaws.com", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"Service":"ec2.amazonaws.com"}`, ""), want: ImplicitDeny, layer: LayerResource},
		{name: "service principal is not matched by an AWS account principal", principal: "ec2.amazonaws.com", action: "sts:AssumeRole", resource: target,
			resourcePolicy: trust(`{"AWS":"`+acct+`"}`, ""), want: ImplicitDeny, layer: LayerResource},
		{name: "federated OIDC provider with matching sub", principal: "federated:" + oidc, action: "sts:AssumeRoleWithWebIdentity", resource: target,
			ctx:            kv{"token.actions.githubusercontent.com:sub": {"repo:acme/app:ref:refs/heads/main"}, "token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}},
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Federated":"` + oidc + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}`),
			want:           Allowed, layer: LayerResource},
		{name: "federated OIDC provider with another repository in sub", principal: "federated:" + oidc, action: "sts:AssumeRoleWithWebIdentity", resource: target,
			ctx:            kv{"token.actions.githubusercontent.com:sub": {"repo:evil/app:ref:refs/heads/main"}},
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Federated":"` + oidc + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}`),
			want:           ImplicitDeny, layer: LayerResource},
		{name: "federated SAML provider", principal: "federated:" + saml, action: "sts:AssumeRoleWithSAML", resource: target,
			ctx:            kv{"SAML:aud": {"https://signin.aws.amazon.com/saml"}},
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Federated":"` + saml + `"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}`),
			want:           Allowed, layer: LayerResource},
		{name: "federated web identity provider by name", principal: "federated:cognito-identity.amazonaws.com", action: "sts:AssumeRoleWithWebIdentity", resource: target,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
			want:           Allowed, layer: LayerResource},
		{name: "federated provider not in the trust", principal: "federated:accounts.google.com", action: "sts:AssumeRoleWithWebIdentity", resource: target,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
			want:           ImplicitDeny, layer: LayerResource},
		{name: "trust allowing sts:AssumeRole does not allow AssumeRoleWithWebIdentity", principal: "federated:" + oidc, action: "sts:AssumeRoleWithWebIdentity", resource: target,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Federated":"` + oidc + `"},"Action":"sts:AssumeRole"}`),
			want:           ImplicitDeny, layer: LayerResource},
	})
}

// NotPrincipal: the statement applies to everyone except the listed
// principals; AWS checks account, then user or role, then session, so each
// level must be listed. Deny with NotPrincipal always applies to principals
// with a permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestEvaluateNotPrincipal(t *testing.T) {
	user := alice()
	role := "arn:aws:iam::" + acct + ":role/Admin"
	session := "arn:aws:sts::" + acct + ":assumed-role/Admin/ops"
	denyExcept := func(list string) string {
		return doc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":` + list + `},"Action":"s3:*","Resource":"*"}`)
	}
	runDecisionCases(t, []decisionCase{
		{name: "NotPrincipal deny applies to principals not listed", principal: "arn:aws:iam::" + acct + ":user/mallory", action: s3Get, resource: bucketObj,
			resourcePolicy: denyExcept(`["` + user + `","arn:aws:iam::` + acct + `:root"]`), want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal deny exempts a user listed with its account", action: s3Get, resource: bucketObj,
			resourcePolicy: denyExcept(`["` + user + `","arn:aws:iam::` + acct + `:root"]`), want: Allowed, layer: LayerResource},
		{name: "NotPrincipal deny listing the user without its account still denies", action: s3Get, resource: bucketObj,
			resourcePolicy: denyExcept(`["` + user + `"]`), want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal deny exempts a role session when role and account are listed", principal: session, action: s3Get, resource: bucketObj,
			resourcePolicy: denyExcept(`["` + role + `","` + acct + `"]`), want: Allowed, layer: LayerResource},
		{name: "NotPrincipal deny exempts a session listed by session ARN and account", principal: session, action: s3Get, resource: bucketObj,
			resourcePolicy: denyExcept(`["` + session + `","` + acct + `"]`), want: Allowed, layer: LayerResource},
		{name: "NotPrincipal deny listing only the account denies its users", action: s3Get, resource: bucketObj,
			resourcePolicy: denyExcept(`"` + acct + `"`), want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal deny always applies to a principal with a boundary", action: s3Get, resource: bucketObj, boundary: allowDoc("*", "*"),
			resourcePolicy: denyExcept(`["` + user + `","arn:aws:iam::` + acct + `:root"]`), want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal deny exempts a listed service principal", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:*","Resource":"*"}`),
			want:           Allowed, layer: LayerResource},
		{name: "NotPrincipal deny applies to an unlisted service principal", principal: "config.amazonaws.com", action: "s3:PutObject", resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:*","Resource":"*"}`),
			want:           ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal deny applies to anonymous principals", principal: "*", action: s3Get, resource: bucketObj,
			resourcePolicy: denyExcept(`"` + acct + `"`), want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "NotPrincipal allow grants everyone else (legacy form)", principal: "arn:aws:iam::" + acct + ":user/dave", action: s3Get, resource: bucketObj,
			resourcePolicy: doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"` + user + `"},"Action":"s3:*","Resource":"*"}`), want: Allowed, layer: LayerResource},
	})
}

// Service control policies: every level of the organization must allow,
// and an SCP deny is an explicit deny.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
func TestEvaluateSCPs(t *testing.T) {
	full := allowDoc("*", "*")
	runDecisionCases(t, []decisionCase{
		{name: "SCP allow at every level plus identity allow", action: s3Get, resource: bucketObj,
			identity: []string{full}, scps: []string{full, allowDoc("s3:*", "*")}, want: Allowed, layer: LayerIdentity},
		{name: "SCP missing allow at one level denies", action: s3Get, resource: bucketObj,
			identity: []string{full}, scps: []string{full, allowDoc("ec2:*", "*")}, want: ImplicitDeny, layer: LayerSCP},
		{name: "SCP deny is an explicit deny", action: s3Get, resource: bucketObj,
			identity: []string{full}, scps: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)}, want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "SCP allow does not grant without an identity allow", action: s3Get, resource: bucketObj,
			scps: []string{full}, want: ImplicitDeny, layer: LayerIdentity},
		{name: "SCPs limit resource-policy grants to account principals", action: s3Get, resource: bucketObj,
			scps: []string{allowDoc("ec2:*", "*")}, resourcePolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"` + alice() + `"},"Action":"s3:*","Resource":"*"}`), want: ImplicitDeny, layer: LayerSCP},
		{name: "SCPs do not apply to service principals", principal: "logs.amazonaws.com", action: "s3:PutObject", resource: bucketObj,
			scps: []string{allowDoc("ec2:*", "*")}, resourcePolicy: doc(`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"s3:*","Resource":"*"}`), want: Allowed, layer: LayerResource},
		{name: "SCP region deny with a condition", action: "ec2:RunInstances", resource: "*", ctx: kv{"aws:RequestedRegion": {"ap-south-1"}},
			identity: []string{full}, scps: []string{doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}`)},
			want: ExplicitDeny, layer: LayerExplicitDeny},
		{name: "SCPs bind the root user too", principal: acct, action: "iam:CreateUser", resource: "*",
			scps: []string{allowDoc("s3:*", "*")}, want: ImplicitDeny, layer: LayerSCP},
	})
}

// Reasons name the deciding statements; MissingContext and Conditional say
// what the answer depends on.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEvaluateReasonsAndMissingContext(t *testing.T) {
	mfaAllow := doc(`{"Sid":"NeedMFA","Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`)
	denyNoMFA := doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyWithoutMFA","Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`)
	ipAllow := doc(`{"Sid":"Office","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}},{"Sid":"Always","Effect":"Allow","Action":"s3:Get*","Resource":"*"}`)
	cases := []struct {
		name        string
		tc          decisionCase
		reasons     []string // Sid or #index of each reason, in order
		missing     []string
		conditional bool
	}{
		{"allowed only with MFA: deny now, conditional on the missing key",
			decisionCase{action: "iam:CreateUser", resource: "*", identity: []string{mfaAllow}, want: ImplicitDeny, layer: LayerIdentity},
			nil, []string{"aws:MultiFactorAuthPresent"}, true},
		{"with MFA supplied: allowed, nothing missing",
			decisionCase{action: "iam:CreateUser", resource: "*", ctx: kv{"aws:MultiFactorAuthPresent": {"true"}}, identity: []string{mfaAllow}, want: Allowed, layer: LayerIdentity},
			[]string{"NeedMFA"}, nil, false},
		{"deny-without-MFA with the key absent: explicit deny that MFA would lift",
			decisionCase{action: "iam:CreateUser", resource: "*", identity: []string{denyNoMFA}, want: ExplicitDeny, layer: LayerExplicitDeny},
			[]string{"DenyWithoutMFA"}, []string{"aws:MultiFactorAuthPresent"}, true},
		{"unrelated statement's keys are not reported",
			decisionCase{action: "ec2:RunInstances", resource: "*", identity: []string{mfaAllow, allowDoc("ec2:*", "*")}, want: Allowed, layer: LayerIdentity},
			[]string{"#0"}, nil, false},
		{"allow that does not depend on the missing key is not conditional",
			decisionCase{action: "s3:GetObject", resource: bucketObj, identity: []string{ipAllow}, want: Allowed, layer: LayerIdentity},
			[]string{"Always"}, []string{"aws:SourceIp"}, false},
		{"allow that a deny on a missing key could revoke is conditional",
			decisionCase{action: "s3:GetObject", resource: bucketObj, identity: []string{allowDoc("s3:*", "*"), doc(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}`)}, want: Allowed, layer: LayerIdentity},
			[]string{"#0"}, []string{"aws:SourceIp"}, true},
		{"explicit deny reasons list the deny statements",
			decisionCase{action: "s3:GetObject", resource: bucketObj, identity: []string{allowDoc("*", "*"), doc(`{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}`)}, want: ExplicitDeny, layer: LayerExplicitDeny},
			[]string{"NoS3"}, nil, false},
		{"allow reasons include the boundary statement",
			decisionCase{action: "s3:GetObject", resource: bucketObj, identity: []string{allowDoc("s3:*", "*")}, boundary: doc(`{"Sid":"Fence","Effect":"Allow","Action":"s3:*","Resource":"*"}`), want: Allowed, layer: LayerIdentity},
			[]string{"#0", "Fence"}, nil, false},
		{"missing variable key in Resource is reported",
			decisionCase{action: "s3:GetObject", resource: "arn:aws:s3:::home/alice/x", identity: []string{allowDoc("s3:*", "arn:aws:s3:::home/${aws:username}/*")}, want: ImplicitDeny, layer: LayerIdentity},
			nil, []string{"aws:username"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := c.tc.run(t)
			if res.Decision != c.tc.want || res.Layer != c.tc.layer {
				t.Fatalf("got %s/%s, want %s/%s", res.Decision, res.Layer, c.tc.want, c.tc.layer)
			}
			var got []string
			for _, r := range res.Reasons {
				if r.Sid != "" {
					got = append(got, r.Sid)
				} else {
					got = append(got, "#"+strconv.Itoa(r.Index))
				}
			}
			if !reflect.DeepEqual(got, c.reasons) {
				t.Errorf("reasons %v, want %v", got, c.reasons)
			}
			if !reflect.DeepEqual(res.MissingContext, c.missing) {
				t.Errorf("missing %v, want %v", res.MissingContext, c.missing)
			}
			if res.Conditional != c.conditional {
				t.Errorf("conditional %v, want %v", res.Conditional, c.conditional)
			}
		})
	}
}

// Known keys: absence of a key the caller vouches for is a fact, not a gap.
func TestEvaluateKnownKeysAreNotMissing(t *testing.T) {
	d := doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}`)
	req := &Request{Principal: mustPrincipal(t, alice()), Action: s3Get, Resource: bucketObj, Context: Context{}, Known: []string{"aws:principaltag/"}}
	res := Evaluate(req, &Input{Identity: srcs(t, IdentityPolicy, d)})
	if res.Decision != ImplicitDeny || len(res.MissingContext) != 0 || res.Conditional {
		t.Errorf("got %s missing=%v conditional=%v; want implicit deny with nothing missing", res.Decision, res.MissingContext, res.Conditional)
	}
}
