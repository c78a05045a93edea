package policy

import (
	"fmt"
	"testing"

	"github.com/iamx/iamx/model/principal"
)

var benchServices = []string{"ec2", "s3", "iam", "lambda", "dynamodb", "sqs", "sns", "kms", "logs", "cloudwatch"}

// benchPolicy builds a realistic managed policy: five statements over a few
// services, with wildcards, ARNs with variables, and conditions.
func benchPolicy(tb testing.TB, n int) *Policy {
	svc := func(k int) string { return benchServices[(n+k)%len(benchServices)] }
	d := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
		{"Sid":"Read%[1]d","Effect":"Allow","Action":["%[2]s:Describe*","%[2]s:List*","%[2]s:Get*"],"Resource":"*"},
		{"Sid":"Write%[1]d","Effect":"Allow","Action":["%[3]s:Put*","%[3]s:Create*"],"Resource":"arn:aws:%[3]s:*:111122223333:thing-%[1]d/*"},
		{"Sid":"Home%[1]d","Effect":"Allow","Action":"s3:*Object","Resource":"arn:aws:s3:::home-%[1]d/${aws:username}/*"},
		{"Sid":"Tagged%[1]d","Effect":"Allow","Action":"%[4]s:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}},
		{"Sid":"Region%[1]d","Effect":"Deny","Action":"%[4]s:Delete*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}
	]}`, n, svc(0), svc(1), svc(2))
	return mustParse(tb, d)
}

func benchRequest(name string) *Request {
	return &Request{
		Principal: principal.Principal{Kind: principal.User, ID: "arn:aws:iam::111122223333:user/" + name, Account: "111122223333", Name: name},
		Action:    "s3:GetObject",
		Resource:  "arn:aws:s3:::home-7/" + name + "/notes.txt",
		Context: Context{
			"aws:username": {name}, "aws:principaltag/team": {"red"}, "aws:requestedregion": {"eu-west-1"},
			"aws:principalarn": {"arn:aws:iam::111122223333:user/" + name}, "aws:securetransport": {"true"},
		},
	}
}

// BenchmarkEvaluate20Policies: one principal with 20 attached policies (100
// statements) and a boundary; reports decisions/s and statement-matches/s.
func BenchmarkEvaluate20Policies(b *testing.B) {
	in := &Input{Boundary: &Source{Type: BoundaryPolicy, Name: "pb", Policy: mustParse(b, allowDoc("*", "*"))}}
	stmts := 1
	for i := 0; i < 20; i++ {
		p := benchPolicy(b, i)
		stmts += len(p.Statements)
		in.Identity = append(in.Identity, Source{Type: IdentityPolicy, ARN: fmt.Sprintf("arn:aws:iam::111122223333:policy/p%d", i), Policy: p})
	}
	req := benchRequest("alice")
	if res := Evaluate(req, in); res.Decision != Allowed {
		b.Fatalf("benchmark request should be allowed, got %s/%s", res.Decision, res.Layer)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Evaluate(req, in)
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/secs, "decisions/s")
	b.ReportMetric(float64(b.N*stmts)/secs, "stmt-matches/s")
}

// BenchmarkEvaluateDenied20Policies: the same principal asking for an action
// nothing grants (every statement is checked and fails).
func BenchmarkEvaluateDenied20Policies(b *testing.B) {
	in := &Input{}
	for i := 0; i < 20; i++ {
		in.Identity = append(in.Identity, Source{Type: IdentityPolicy, ARN: fmt.Sprintf("arn:aws:iam::111122223333:policy/p%d", i), Policy: benchPolicy(b, i)})
	}
	req := benchRequest("alice")
	req.Action = "organizations:LeaveOrganization"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Evaluate(req, in)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// Benchmark10kPrincipals: one action evaluated for every principal of a
// 10,000-principal account (two shared managed policies and one inline
// policy each, a boundary on every fifth). One op is the whole sweep.
func Benchmark10kPrincipals(b *testing.B) {
	const n = 10000
	managed := make([]*Policy, 50)
	for i := range managed {
		managed[i] = benchPolicy(b, i)
	}
	boundary := mustParse(b, allowDoc("s3:*", "*"))
	reqs := make([]*Request, n)
	ins := make([]*Input, n)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("user%05d", i)
		reqs[i] = benchRequest(name)
		inline := mustParse(b, fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:111122223333:%s-*"}}`, name))
		in := &Input{Identity: []Source{
			{Type: IdentityPolicy, ARN: "arn:aws:iam::111122223333:policy/a", Policy: managed[i%50]},
			{Type: IdentityPolicy, ARN: "arn:aws:iam::111122223333:policy/b", Policy: managed[(i*7)%50]},
			{Type: IdentityPolicy, Owner: reqs[i].Principal.ID, Name: "inline", Policy: inline},
		}}
		if i%5 == 0 {
			in.Boundary = &Source{Type: BoundaryPolicy, ARN: "arn:aws:iam::111122223333:policy/pb", Policy: boundary}
		}
		ins[i] = in
	}
	b.ReportAllocs()
	b.ResetTimer()
	allowed := 0
	for i := 0; i < b.N; i++ {
		allowed = 0
		for j := 0; j < n; j++ {
			if Evaluate(reqs[j], ins[j]).Decision == Allowed {
				allowed++
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/sweep")
	if allowed == 0 || allowed == n {
		b.Fatalf("sweep should mix allows and denies, got %d of %d allowed", allowed, n)
	}
}
