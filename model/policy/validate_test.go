package policy

import (
	"strings"
	"testing"
)

type rejectCase struct {
	name   string
	kind   Kind
	doc    string
	reject []int  // statement indexes AWS refuses, in order
	reason string // a word every rejection's reason carries
}

func runRejectCases(t *testing.T, cases []rejectCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.doc)
			got := p.Rejected(tc.kind)
			var idx []int
			for _, r := range got {
				idx = append(idx, r.Index)
				if !strings.Contains(strings.Join(r.Reasons, "; "), tc.reason) {
					t.Errorf("statement %d: reasons %q do not mention %q", r.Index, r.Reasons, tc.reason)
				}
				if !strings.Contains(r.Message(), "https://docs.aws.amazon.com/") {
					t.Errorf("statement %d: message %q cites no doc", r.Index, r.Message())
				}
			}
			if !equalInts(idx, tc.reject) {
				t.Fatalf("%s: rejected statements %v, want %v", tc.kind, idx, tc.reject)
			}
			// Accepted keeps exactly the other statements, with their
			// document positions.
			acc := p.Accepted(tc.kind)
			if len(tc.reject) == 0 && acc != p {
				t.Errorf("a policy AWS accepts must be returned as is")
			}
			var kept []int
			for _, st := range acc.Statements {
				kept = append(kept, st.Index)
			}
			var want []int
			for i := range p.Statements {
				if !containsInt(tc.reject, i) {
					want = append(want, i)
				}
			}
			if !equalInts(kept, want) {
				t.Errorf("accepted statements %v, want %v", kept, want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// "Statements must include either a Resource or a NotResource element."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestRejectStatementWithoutResource(t *testing.T) {
	runRejectCases(t, []rejectCase{
		{name: "identity Allow without Resource is rejected", kind: KindIdentity,
			doc: `{"Statement":[{"Effect":"Allow","Action":"*"}]}`, reject: []int{0}, reason: "neither Resource nor NotResource"},
		{name: "identity Deny without Resource is rejected", kind: KindIdentity,
			doc: `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket"}]}`, reject: []int{1}, reason: "neither Resource nor NotResource"},
		{name: "boundary without Resource is rejected", kind: KindBoundary,
			doc: `{"Statement":{"Effect":"Allow","Action":"*"}}`, reject: []int{0}, reason: "permissions boundary requires"},
		{name: "SCP without Resource is rejected", kind: KindSCP,
			doc: `{"Statement":{"Effect":"Allow","Action":"*"}}`, reject: []int{0}, reason: "service control policy requires"},
		{name: "resource policy without Resource is rejected", kind: KindResource,
			doc: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`, reject: []int{0}, reason: "neither Resource nor NotResource"},
		{name: "identity statement with NotResource is accepted", kind: KindIdentity,
			doc: `{"Statement":{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}}`},
		{name: "trust statement needs no Resource", kind: KindTrust,
			doc: `{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}`},
	})
}

// "You cannot use the Principal element in an identity-based policy."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestRejectPrincipalOutsideResourcePolicies(t *testing.T) {
	const withPrincipal = `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}]}`
	runRejectCases(t, []rejectCase{
		{name: "Principal in an identity policy is rejected", kind: KindIdentity, doc: withPrincipal, reject: []int{1}, reason: "Principal is not allowed in an identity-based"},
		{name: "Principal in a permissions boundary is rejected", kind: KindBoundary, doc: withPrincipal, reject: []int{1}, reason: "Principal is not allowed"},
		{name: "Principal in an SCP is rejected", kind: KindSCP, doc: withPrincipal, reject: []int{1}, reason: "Principal is not allowed"},
		{name: "Principal in a resource policy is accepted", kind: KindResource,
			doc: `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}}`},
	})
}

// "NotPrincipal must be used with "Effect":"Deny". Using it with
// "Effect":"Allow" is not supported." … "You cannot use the NotPrincipal
// element in an IAM identity-based policy nor in an IAM role trust policy."
// SCPs do not support it either.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestRejectNotPrincipal(t *testing.T) {
	runRejectCases(t, []rejectCase{
		{name: "NotPrincipal with Allow in a resource policy is rejected", kind: KindResource,
			doc: `{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:*","Resource":"*"}}`, reject: []int{0}, reason: "NotPrincipal with Effect Allow"},
		{name: "NotPrincipal with Deny in a resource policy is accepted", kind: KindResource,
			doc: `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:*","Resource":"*"}}`},
		{name: "NotPrincipal with Allow in a trust policy is rejected", kind: KindTrust,
			doc: `{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}}`, reject: []int{0}, reason: "NotPrincipal is not allowed in a role trust policy"},
		{name: "NotPrincipal with Deny in a trust policy is rejected", kind: KindTrust,
			doc: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}]}`, reject: []int{1}, reason: "NotPrincipal is not allowed in a role trust policy"},
		{name: "NotPrincipal in an identity policy is rejected", kind: KindIdentity,
			doc: `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}}`, reject: []int{0}, reason: "NotPrincipal is not allowed"},
		{name: "NotPrincipal in an SCP is rejected", kind: KindSCP,
			doc: `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}}`, reject: []int{0}, reason: "NotPrincipal is not allowed"},
	})
}

// "In IAM roles, use the Principal element in the role's trust policy to
// specify who can assume the role"; resource-based policies name whom they
// grant. A statement naming nobody is refused.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestRejectStatementWithoutPrincipal(t *testing.T) {
	runRejectCases(t, []rejectCase{
		{name: "trust statement without Principal is rejected", kind: KindTrust,
			doc: `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, reject: []int{0}, reason: "must name a Principal"},
		{name: "resource statement without Principal is rejected", kind: KindResource,
			doc: `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, reject: []int{0}, reason: "must name a Principal"},
	})
}

// Statements that break the grammar make AWS refuse the whole document;
// Parse refuses it too, naming the statement, and the loader reports it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html
func TestGrammarErrorsRejectTheDocument(t *testing.T) {
	cases := []struct{ name, doc, path, msg string }{
		{"statement without Action or NotAction", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Statement[0]", "missing Action or NotAction"},
		{"statement with both Action and NotAction", `{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}]}`, "Statement[0]", "both Action and NotAction"},
		{"statement with both Resource and NotResource", `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::b"}]}`, "Statement[0]", "both Resource and NotResource"},
		{"Effect is case-sensitive: allow is unknown", `{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`, "Statement[0].Effect", `expected "Allow" or "Deny"`},
		{"statement without Effect", `{"Statement":[{"Action":"*","Resource":"*"}]}`, "Statement[0]", "missing Effect"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			pe, ok := err.(*ParseError)
			if !ok || pe.Path != tc.path || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("got %v, want %s: …%s…", err, tc.path, tc.msg)
			}
		})
	}
}

// A rejected statement has no effect on a decision, Allow or Deny, and the
// Deny's message says it is not applied.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestRejectedStatementsDoNotDecide(t *testing.T) {
	adminNoResource := mustParse(t, `{"Statement":{"Effect":"Allow","Action":"*"}}`)
	res := Evaluate(&Request{Principal: mustPrincipal(t, alice()), Action: "iam:CreateUser", Resource: "*"},
		&Input{Identity: []Source{{Type: IdentityPolicy, Name: "p", Policy: adminNoResource.Accepted(KindIdentity)}}})
	if res.Decision != ImplicitDeny {
		t.Errorf("Allow without Resource: %s, want implicit deny", res.Decision)
	}

	denyNoResource := mustParse(t, `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket"}]}`)
	res = Evaluate(&Request{Principal: mustPrincipal(t, alice()), Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::b"},
		&Input{Identity: []Source{{Type: IdentityPolicy, Name: "p", Policy: denyNoResource.Accepted(KindIdentity)}}})
	if res.Decision != Allowed {
		t.Errorf("rejected Deny: %s, want allow (the Deny is not in force)", res.Decision)
	}
	msg := denyNoResource.Rejected(KindIdentity)[0].Message()
	if !strings.Contains(msg, "Deny is not in force") || !strings.Contains(msg, "NOT apply") {
		t.Errorf("a rejected Deny's message must say it is not applied: %q", msg)
	}
}
