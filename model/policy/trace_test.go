package policy

import (
	"reflect"
	"testing"

	"github.com/iamx/iamx/model/principal"
)

// A brief trace records only the statements whose Action matches the request;
// the decision, reasons and missing context are those of a full trace.
func TestTraceBriefKeepsOnlyStatementsForTheAction(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Other","Effect":"Allow","Action":"ec2:*","Resource":"*"},
		{"Sid":"WithMFA","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
		{"Sid":"NotS3","Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}`)
	in := &Input{Identity: []Source{{Type: IdentityPolicy, Name: "p", Owner: "arn:aws:iam::111122223333:user/u", Policy: p}}}
	req := func(brief bool) *Request {
		return &Request{Principal: principal.Principal{Kind: principal.User, ID: "arn:aws:iam::111122223333:user/u", Account: "111122223333"},
			Action: "s3:GetObject", Resource: "*", Context: Context{}, Trace: true, TraceBrief: brief}
	}
	full, brief := Evaluate(req(false), in), Evaluate(req(true), in)
	if full.Decision != brief.Decision || full.Conditional != brief.Conditional ||
		!reflect.DeepEqual(full.Reasons, brief.Reasons) || !reflect.DeepEqual(full.MissingContext, brief.MissingContext) {
		t.Fatalf("brief trace changed the result: full %+v, brief %+v", full, brief)
	}
	var sids []string
	for _, st := range brief.Trace.Policies[0].Statements {
		sids = append(sids, st.Sid)
	}
	if want := []string{"WithMFA"}; !reflect.DeepEqual(sids, want) {
		t.Fatalf("brief trace statements = %v, want %v", sids, want)
	}
	if n := len(full.Trace.Policies[0].Statements); n != 3 {
		t.Fatalf("full trace has %d statements, want 3", n)
	}
}

// A hand-built Condition whose operator AWS does not have never holds (a
// parsed document cannot carry one: Parse rejects it). It must not behave
// like StringEquals.
func TestUnknownOperatorNeverHolds(t *testing.T) {
	p := &Policy{Version: "2012-10-17", Statements: []Statement{{Effect: Allow, Action: []string{"s3:GetObject"}, Resource: []string{"*"},
		Conditions: []Condition{{Operator: "StringEqualz", Base: "StringEqualz", Key: "aws:username", Values: []string{"u"}}}}}}
	in := &Input{Identity: []Source{{Type: IdentityPolicy, Name: "p", Policy: p}}}
	req := &Request{Principal: principal.Principal{Kind: principal.User, ID: "arn:aws:iam::111122223333:user/u", Account: "111122223333"},
		Action: "s3:GetObject", Resource: "*", Context: Context{"aws:username": {"u"}}}
	if r := Evaluate(req, in); r.Decision != ImplicitDeny || r.Conditional {
		t.Fatalf("got %v conditional=%v, want implicit-deny", r.Decision, r.Conditional)
	}
	if (&Condition{Base: "StringNotLike"}).Negated() != true || (&Condition{Base: "StringLike"}).Negated() {
		t.Fatal("Negated must follow the operator table")
	}
}
