package graph

import (
	"slices"
	"testing"

	"github.com/iamx/iamx/model"
)

// A resource policy exposes its resource to the public when an Allow
// statement names anyone with no condition fixing the caller (S3's
// definition), unless Block Public Access's RestrictPublicBuckets cuts it;
// to other accounts when it names them; to services when it names service
// principals. A key policy delegates to IAM when it names its own
// account's root or ID.
//
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
func TestResourceExposure(t *testing.T) {
	const own, other = "123456789012", "999988887777"
	stmt := func(principal, extra string) string {
		return `{"Sid":"S","Effect":"Allow","Principal":` + principal + `,"Action":"*","Resource":"*"` + extra + `}`
	}
	key := "arn:aws:kms:us-east-1:" + own + ":key/k"
	cases := []struct {
		name, arn, typ, stmts string
		restrict              bool
		marks                 []string
		accounts              []string
		delegates             bool // for keys
	}{
		{name: "a wildcard principal with no condition is public", arn: "arn:aws:s3:::open", typ: model.TypeS3Bucket,
			stmts: stmt(`"*"`, ""), marks: []string{"PUBLIC"}},
		{name: "a wildcard principal fixed by aws:SourceAccount is not public", arn: "arn:aws:s3:::fixed", typ: model.TypeS3Bucket,
			stmts: stmt(`"*"`, `,"Condition":{"StringEquals":{"aws:SourceAccount":"`+own+`"}}`)},
		{name: "RestrictPublicBuckets cuts a public policy", arn: "arn:aws:s3:::cut", typ: model.TypeS3Bucket,
			stmts: stmt(`"*"`, ""), restrict: true},
		{name: "naming another account's root is cross-account", arn: "arn:aws:sqs:us-east-1:" + own + ":q", typ: model.TypeSQSQueue,
			stmts: stmt(`{"AWS":"arn:aws:iam::`+other+`:root"}`, ""), marks: []string{"CROSS-ACCOUNT"}, accounts: []string{other}},
		{name: "naming the own account is neither", arn: "arn:aws:sqs:us-east-1:" + own + ":mine", typ: model.TypeSQSQueue,
			stmts: stmt(`{"AWS":"`+own+`"}`, "")},
		{name: "a service principal is SERVICE", arn: "arn:aws:sns:us-east-1:" + own + ":t", typ: model.TypeSNSTopic,
			stmts: stmt(`{"Service":"events.amazonaws.com"}`, ""), marks: []string{"SERVICE"}},
		{name: "a key naming its account delegates; another account's role is cross-account", arn: key, typ: model.TypeKMSKey,
			stmts: stmt(`{"AWS":"arn:aws:iam::`+own+`:root"}`, "") + "," + stmt(`{"AWS":"arn:aws:iam::`+other+`:role/r"}`, ""),
			marks: []string{"CROSS-ACCOUNT"}, accounts: []string{other}, delegates: true},
		{name: "a key naming only a role does not delegate", arn: key + "2", typ: model.TypeKMSKey,
			stmts: stmt(`{"AWS":"arn:aws:iam::`+own+`:role/admin"}`, "")},
	}
	var res []*model.Resource
	for _, tc := range cases {
		d := fxDoc(t, `{"Version":"2012-10-17","Statement":[`+tc.stmts+`]}`)
		r := &model.Resource{ARN: tc.arn, Type: tc.typ, Account: own, Policy: &d}
		if tc.restrict {
			r.S3 = &model.S3Attributes{BlockPublicAccess: &model.PublicAccessBlock{RestrictPublicBuckets: true}}
		}
		res = append(res, r)
	}
	g, err := Build([]*model.Snapshot{{AccountID: own, Partition: "aws"}}, Options{Resources: res})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(g.LoadedResources()); got != len(cases) {
		t.Fatalf("%d loaded resources, want %d", got, len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, ok := g.ResourceExposure(tc.arn)
			if !ok {
				t.Fatal("not loaded")
			}
			if m := x.Marks(); !slices.Equal(m, tc.marks) {
				t.Errorf("marks %v, want %v", m, tc.marks)
			}
			if !slices.Equal(x.Accounts, tc.accounts) {
				t.Errorf("accounts %v, want %v", x.Accounts, tc.accounts)
			}
			if x.PublicRestricted != tc.restrict {
				t.Errorf("restricted %v, want %v", x.PublicRestricted, tc.restrict)
			}
			if len(tc.marks) > 0 && len(x.Statements) == 0 {
				t.Error("no statement named")
			}
			if tc.typ == model.TypeKMSKey {
				if d, known := g.KeyDelegates(tc.arn); !known || d != tc.delegates {
					t.Errorf("delegates %v (known %v), want %v", d, known, tc.delegates)
				}
			}
		})
	}
	if _, known := g.KeyDelegates("arn:aws:kms:us-east-1:" + own + ":key/absent"); known {
		t.Error("an absent key's delegation is known")
	}
}
