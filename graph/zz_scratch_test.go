package graph

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

func scratchDoc(text string) model.Document {
	p, err := policy.Parse([]byte(text))
	if err != nil {
		panic(err)
	}
	return model.Document{JSON: []byte(text), Policy: p}
}

func scratchSnap() *model.Snapshot {
	r := rand.New(rand.NewSource(1))
	acct := "111122223333"
	s := &model.Snapshot{AccountID: acct, Partition: "aws"}
	svcs := []string{"s3", "ec2", "dynamodb", "lambda", "sqs", "sns", "kms", "logs", "cloudwatch", "iam"}
	for i := 0; i < 1500; i++ {
		a := fmt.Sprintf("arn:aws:iam::%s:policy/p%d", acct, i)
		var doc string
		switch {
		case i%20 == 0:
			doc = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::%s:role/team%d-*"}]}`, acct, i%50)
		case i%50 == 1:
			doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
		default:
			sv := svcs[r.Intn(len(svcs))]
			doc = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["%s:Get*","%s:List*","%s:Describe*"],"Resource":"*"},{"Effect":"Allow","Action":"%s:Put*","Resource":"arn:aws:%s:::bucket%d/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"t%d"}}},{"Effect":"Deny","Action":"%s:Delete*","Resource":"*"}]}`, sv, sv, sv, sv, sv, i, i%50, sv)
		}
		s.Policies = append(s.Policies, &model.ManagedPolicy{Name: fmt.Sprintf("p%d", i), ARN: a, DefaultVersionID: "v1",
			Versions: []model.PolicyVersion{{VersionID: "v1", IsDefaultVersion: true, Document: scratchDoc(doc)}}})
	}
	att := func(n int) []model.AttachedPolicy {
		var out []model.AttachedPolicy
		for j := 0; j < n; j++ {
			k := r.Intn(1500)
			out = append(out, model.AttachedPolicy{Name: fmt.Sprintf("p%d", k), ARN: s.Policies[k].ARN})
		}
		return out
	}
	for i := 0; i < 300; i++ {
		s.Groups = append(s.Groups, &model.Group{Name: fmt.Sprintf("g%d", i), ARN: fmt.Sprintf("arn:aws:iam::%s:group/g%d", acct, i), AttachedPolicies: att(3)})
	}
	for i := 0; i < 5000; i++ {
		s.Users = append(s.Users, &model.User{Name: fmt.Sprintf("u%d", i), ARN: fmt.Sprintf("arn:aws:iam::%s:user/u%d", acct, i),
			Groups: []string{fmt.Sprintf("g%d", r.Intn(300)), fmt.Sprintf("g%d", r.Intn(300))}, AttachedPolicies: att(1),
			Tags: []model.Tag{{Key: "team", Value: fmt.Sprintf("t%d", i%50)}}})
	}
	for i := 0; i < 5000; i++ {
		var trust string
		switch i % 10 {
		case 0:
			trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, acct)
		case 1:
			trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:user/u%d"},"Action":"sts:AssumeRole"}]}`, acct, r.Intn(5000))
		case 2:
			trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:role/team%d-%d"},"Action":"sts:AssumeRole"}]}`, acct, r.Intn(50), r.Intn(5000))
		case 3, 4, 5, 6, 7, 8:
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		default:
			trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, acct)
		}
		name := fmt.Sprintf("team%d-%d", i%50, i)
		s.Roles = append(s.Roles, &model.Role{Name: name, ARN: fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, name), TrustPolicy: scratchDoc(trust), AttachedPolicies: att(2)})
	}
	return s
}

func BenchmarkScratchBuild(b *testing.B) {
	s := scratchSnap()
	b.ReportAllocs()
	for b.Loop() {
		g, _ := Build([]*model.Snapshot{s}, Options{})
		_ = g
	}
}

func BenchmarkScratchWhoCan(b *testing.B) {
	s := scratchSnap()
	g, _ := Build([]*model.Snapshot{s}, Options{})
	b.Logf("edges %d", g.EdgeCount())
	b.ReportAllocs()
	for b.Loop() {
		l := g.WhoCan("s3:GetObject", "arn:aws:s3:::bucket1/x", nil)
		_ = l
	}
}
