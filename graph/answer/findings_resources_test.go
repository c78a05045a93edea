package answer

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// Findings on resource policies:
//   - a policy naming anyone with no condition fixing the caller is public,
//     unless RestrictPublicBuckets cuts it
//     (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status);
//   - a key policy naming other accounts lets them use the key
//     (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html);
//   - a key policy that names no root or ID of its account leaves IAM
//     policies without effect on the key
//     (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
func TestFindingsOnResourcePolicies(t *testing.T) {
	const own, other = "111122223333", "999988887777"
	allow := func(principal, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Sid":"Grant","Effect":"Allow","Principal":` + principal + `,"Action":"*","Resource":"*"` + c + `}`
	}
	root := `{"AWS":"arn:aws:iam::` + own + `:root"}`
	key := func(id string) string { return "arn:aws:kms:us-east-1:" + own + ":key/" + id }
	queue := "arn:aws:sqs:us-east-1:" + own + ":jobs"
	cases := []struct {
		name, arn, typ string
		stmts          []string
		restrict       bool
		awsManaged     bool
		id             string
		severity       Severity // "" when the finding must be absent
	}{
		{name: "a bucket open to * is public", arn: "arn:aws:s3:::open", typ: model.TypeS3Bucket,
			stmts: []string{allow(`"*"`, "")}, id: "resource-public", severity: High},
		{name: "RestrictPublicBuckets cuts a public bucket policy", arn: "arn:aws:s3:::cut", typ: model.TypeS3Bucket,
			stmts: []string{allow(`"*"`, "")}, restrict: true, id: "resource-public"},
		{name: "a queue open to * is public", arn: queue, typ: model.TypeSQSQueue,
			stmts: []string{allow(`{"AWS":"*"}`, "")}, id: "resource-public", severity: High},
		{name: "a queue open to * within the organization is not public", arn: queue + "-org", typ: model.TypeSQSQueue,
			stmts: []string{allow(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`)}, id: "resource-public"},
		{name: "a key naming another account is open to it", arn: key("shared"), typ: model.TypeKMSKey,
			stmts: []string{allow(root, ""), allow(`{"AWS":"arn:aws:iam::`+other+`:root"}`, "")}, id: "kms-key-other-accounts", severity: Medium},
		{name: "a key naming only its account is not open to others", arn: key("own"), typ: model.TypeKMSKey,
			stmts: []string{allow(root, "")}, id: "kms-key-other-accounts"},
		{name: "a key naming only a role does not delegate", arn: key("role-only"), typ: model.TypeKMSKey,
			stmts: []string{allow(`{"AWS":"arn:aws:iam::`+own+`:role/KeyAdmin"}`, "")}, id: "kms-key-no-delegation", severity: Low},
		{name: "a key naming the account ID delegates", arn: key("by-id"), typ: model.TypeKMSKey,
			stmts: []string{allow(`{"AWS":"`+own+`"}`, "")}, id: "kms-key-no-delegation"},
		{name: "an AWS managed key is AWS's to manage", arn: key("aws-managed"), typ: model.TypeKMSKey,
			stmts: []string{allow(`{"AWS":"*"}`, `{"StringEquals":{"kms:CallerAccount":"`+own+`"}}`)}, awsManaged: true, id: "kms-key-no-delegation"},
	}
	s := demoSnapshot(t)
	var res []*model.Resource
	for _, tc := range cases {
		d := doc(t, `{"Version":"2012-10-17","Statement":[`+strings.Join(tc.stmts, ",")+`]}`)
		r := &model.Resource{ARN: tc.arn, Type: tc.typ, Account: own, Policy: &d}
		if tc.restrict {
			r.S3 = &model.S3Attributes{AccountBlockPublicAccess: &model.PublicAccessBlock{RestrictPublicBuckets: true}}
		}
		if tc.awsManaged {
			r.KMS = &model.KMSAttributes{KeyManager: "AWS"}
		}
		res = append(res, r)
	}
	g, err := graph.Build([]*model.Snapshot{s}, graph.Options{Resources: res})
	if err != nil {
		t.Fatal(err)
	}
	fs := FindingsOf(g, g.Privesc())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got *Finding
			for i := range fs.Findings {
				if f := &fs.Findings[i]; f.ID == tc.id && f.Resource == tc.arn {
					got = f
				}
			}
			switch {
			case tc.severity == "" && got != nil:
				t.Fatalf("unexpected finding %+v", got)
			case tc.severity == "":
			case got == nil:
				t.Fatalf("no %s finding on %s", tc.id, tc.arn)
			case got.Severity != tc.severity:
				t.Errorf("severity %s, want %s", got.Severity, tc.severity)
			case got.Reference == "" || len(got.Evidence) == 0:
				t.Errorf("finding without reference or evidence: %+v", got)
			}
		})
	}
}
