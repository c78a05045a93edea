package policy

import (
	"testing"
)

var fuzzPrincipals = []string{
	"arn:aws:iam::111122223333:user/alice",
	"arn:aws:iam::111122223333:role/Deploy",
	"arn:aws:sts::111122223333:assumed-role/Deploy/s1",
	"arn:aws:iam::444455556666:user/bob",
	"111122223333",
	"lambda.amazonaws.com",
	"federated:arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
	"*",
}

// FuzzEvaluate checks invariants of the decision logic on arbitrary
// policies and requests: no panic; adding a Deny statement never turns a
// deny into an allow; removing an Allow statement never turns a deny into an
// allow; an explicit deny stays explicit when a Deny is added; the trace
// never changes the decision.
func FuzzEvaluate(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
		"s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceIp", "10.0.0.1", uint8(0), false)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::${aws:username}/*","Condition":{"StringNotLike":{"aws:PrincipalTag/x":"a*"}}}]}`,
		`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}}`,
		"sts:AssumeRole", "arn:aws:iam::111122223333:role/T", "aws:MultiFactorAuthPresent", "true", uint8(2), true)
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::/0"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"NumericLessThanEquals":{"s3:max-keys":10},"Null":{"aws:TokenIssueTime":true}}}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:user/bob"],"Service":"lambda.amazonaws.com","Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRole*"}}`,
		"sts:AssumeRoleWithWebIdentity", "arn:aws:iam::111122223333:role/T", "aws:TagKeys", "a", uint8(6), false)
	f.Fuzz(func(t *testing.T, identityDoc, resourceDoc, action, resource, key, val string, pick uint8, cross bool) {
		id, err := Parse([]byte(identityDoc))
		if err != nil {
			id = nil
		}
		rp, err := Parse([]byte(resourceDoc))
		if err != nil {
			rp = nil
		}
		if id == nil && rp == nil {
			return
		}
		p := mustPrincipal(t, fuzzPrincipals[int(pick)%len(fuzzPrincipals)])
		ctx := Context{}
		if key != "" {
			ctx.Add(key, val)
		}
		req := &Request{Principal: p, Action: action, Resource: resource, Context: ctx}
		if cross {
			req.ResourceAccount = "999988887777"
		}
		build := func(id, rp *Policy) *Input {
			in := &Input{}
			if id != nil {
				in.Identity = []Source{{Type: IdentityPolicy, Name: "id", Policy: id}}
				if pick&8 != 0 {
					in.Boundary = &Source{Type: BoundaryPolicy, Name: "pb", Policy: id}
				}
				if pick&16 != 0 {
					in.SCPs = []Source{{Type: SCPPolicy, Name: "scp", Policy: id}}
				}
			}
			if rp != nil {
				in.Resource = &Source{Type: ResourcePolicy, Name: "rp", Policy: rp}
			}
			return in
		}
		base := Evaluate(req, build(id, rp))
		traced := *req
		traced.Trace = true
		if tr := Evaluate(&traced, build(id, rp)); tr.Decision != base.Decision || tr.Layer != base.Layer || tr.Conditional != base.Conditional {
			t.Fatalf("trace changed the result: %s/%s vs %s/%s", tr.Decision, tr.Layer, base.Decision, base.Layer)
		}
		if base.Decision == Allowed && base.Layer == LayerAlways {
			return
		}
		for _, which := range []int{0, 1} {
			pol := id
			if which == 1 {
				pol = rp
			}
			if pol == nil {
				continue
			}
			// Adding a copy of any statement as a Deny never loosens.
			for i := range pol.Statements {
				withDeny := *pol
				withDeny.Statements = append(append([]Statement(nil), pol.Statements...), pol.Statements[i])
				withDeny.Statements[len(withDeny.Statements)-1].Effect = Deny
				var got Result
				if which == 0 {
					got = Evaluate(req, build(&withDeny, rp))
				} else {
					got = Evaluate(req, build(id, &withDeny))
				}
				if base.Decision != Allowed && got.Decision == Allowed {
					t.Fatalf("adding Deny statement %d turned %s into allow", i, base.Decision)
				}
				if base.Decision == ExplicitDeny && got.Decision != ExplicitDeny {
					t.Fatalf("adding Deny statement %d turned an explicit deny into %s", i, got.Decision)
				}
			}
			// Removing any Allow statement never loosens.
			for i := range pol.Statements {
				if pol.Statements[i].Effect != Allow {
					continue
				}
				without := *pol
				without.Statements = append(append([]Statement(nil), pol.Statements[:i]...), pol.Statements[i+1:]...)
				var got Result
				if which == 0 {
					got = Evaluate(req, build(&without, rp))
				} else {
					got = Evaluate(req, build(id, &without))
				}
				if base.Decision != Allowed && got.Decision == Allowed {
					t.Fatalf("removing Allow statement %d turned %s into allow", i, base.Decision)
				}
			}
		}
	})
}

// FuzzParse checks that Parse never panics, that what it accepts keeps the
// grammar's invariants, and that accepted policies evaluate without panic.
func FuzzParse(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	f.Add(`{"Statement":[{"Sid":"x","Effect":"Deny","NotAction":["a:b"],"NotResource":"arn:aws:s3:::${*}${aws:x, 'y'}","Principal":{"AWS":["*"]},"Condition":{"ForAnyValue:StringLikeIfExists":{"k":["v",1,true]}}}]}`)
	f.Add(`{"Statement":{"Effect":"Allow","Action":"*","NotPrincipal":"*","Condition":{"Null":{"a":"true"}}}}`)
	f.Add(`[[[[[[[[[[[]]]]]]]]]]]`)
	f.Fuzz(func(t *testing.T, data string) {
		p, err := Parse([]byte(data))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for i := range p.Statements {
			s := &p.Statements[i]
			if (s.Action == nil) == (s.NotAction == nil) {
				t.Fatalf("statement %d: exactly one of Action/NotAction must be set", i)
			}
			if s.Resource != nil && s.NotResource != nil {
				t.Fatalf("statement %d: both Resource and NotResource", i)
			}
			for _, c := range s.Conditions {
				if _, ok := baseOps[c.Base]; !ok {
					t.Fatalf("statement %d: unknown operator %q accepted", i, c.Base)
				}
			}
			_ = s.Label()
		}
		// What AWS refuses for a kind is left out, and only that.
		for k := range Kind(KindCount) {
			rejected, acc := p.Rejected(k), p.Accepted(k)
			if len(acc.Statements)+len(rejected) != len(p.Statements) || len(acc.Rejected(k)) != 0 {
				t.Fatalf("%s: %d statements, %d rejected, %d accepted (%d of them rejected)", k, len(p.Statements), len(rejected), len(acc.Statements), len(acc.Rejected(k)))
			}
			for _, r := range rejected {
				if len(r.Reasons) == 0 || r.Message() == "" {
					t.Fatalf("%s: rejection of statement %d gives no reason", k, r.Index)
				}
			}
		}
		req := &Request{Principal: mustPrincipal(t, fuzzPrincipals[0]), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Trace: true,
			Context: Context{"aws:username": {"alice"}}}
		Evaluate(req, &Input{Identity: []Source{{Policy: p}}, Resource: &Source{Type: ResourcePolicy, Policy: p}})
	})
}
