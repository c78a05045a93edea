package graph

import (
	"fmt"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// benchResources are 1,000 buckets, 500 keys and 500 queues of the
// reference account (123456789012), each with a policy naming an outside
// account and one of the account's roles; "bucket" is the one
// BenchmarkWhoCan asks about.
func benchResources(b *testing.B, g *Graph) []*model.Resource {
	b.Helper()
	role := g.Roles()[0].ARN
	doc := func(action, res string) *model.Document {
		text := `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"` + action + `","Resource":"` + res + `"},` +
			`{"Sid":"App","Effect":"Allow","Principal":{"AWS":"` + role + `"},"Action":"` + action + `","Resource":"` + res + `"}]}`
		p, err := policy.Parse([]byte(text))
		if err != nil {
			b.Fatal(err)
		}
		return &model.Document{JSON: []byte(text), Policy: p}
	}
	var out []*model.Resource
	for i := range 1000 {
		name := fmt.Sprintf("arn:aws:s3:::bucket-%d", i)
		if i == 0 {
			name = "arn:aws:s3:::bucket"
		}
		out = append(out, &model.Resource{ARN: name, Type: model.TypeS3Bucket, Account: "123456789012", Policy: doc("s3:GetObject", name+"/*"),
			S3: &model.S3Attributes{AccountBlockPublicAccess: &model.PublicAccessBlock{RestrictPublicBuckets: true}}})
	}
	for i := range 500 {
		k := fmt.Sprintf("arn:aws:kms:us-east-1:123456789012:key/k-%d", i)
		out = append(out, &model.Resource{ARN: k, Type: model.TypeKMSKey, Account: "123456789012", Policy: doc("kms:*", "*")})
		q := fmt.Sprintf("arn:aws:sqs:us-east-1:123456789012:q-%d", i)
		out = append(out, &model.Resource{ARN: q, Type: model.TypeSQSQueue, Account: "123456789012", Policy: doc("sqs:*", q)})
	}
	return out
}

// BenchmarkWhoCanResources is BenchmarkWhoCan with the resource policies
// loaded: the s3 case asks about a bucket whose policy names an outside
// account and a role; the kms case a key whose policy is mandatory.
func BenchmarkWhoCanResources(b *testing.B) {
	snap, g0 := benchReference(b)
	g, err := Build([]*model.Snapshot{snap}, Options{Resources: benchResources(b, g0)})
	if err != nil {
		b.Fatal(err)
	}
	g.EdgeCount() // as warm as the shared reference graph
	for _, c := range []struct{ name, action, resource string }{
		{"s3-GetObject", "s3:GetObject", "arn:aws:s3:::bucket/key"},
		{"iam-CreateUser", "iam:CreateUser", "*"},
		{"kms-Decrypt", "kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k-7"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = len(g.WhoCan(c.action, c.resource, nil))
			}
			b.ReportMetric(float64(n), "principals")
		})
	}
}
