package tui

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// :resources, :buckets, :keys and :queues list the loaded resources with
// the exposure graph.ResourceExposure decides: a bucket policy naming "*"
// with no condition is PUBLIC, a key policy naming another account is
// CROSS-ACCOUNT. Enter shows the policy; w asks who can use the resource.
//
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
func TestResourcesList(t *testing.T) {
	allow := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":` + principal + `,"Action":"*","Resource":"*"}]}`
	}
	bucketDoc, keyDoc := doc(t, allow(`"*"`)), doc(t, allow(`{"AWS":"arn:aws:iam::999988887777:root"}`))
	key := "arn:aws:kms:us-east-1:" + testAccount + ":key/shared-key"
	res := []*model.Resource{
		{ARN: "arn:aws:s3:::open-bucket", Type: model.TypeS3Bucket, Account: testAccount, Policy: &bucketDoc},
		{ARN: key, Type: model.TypeKMSKey, Account: testAccount, Policy: &keyDoc},
	}
	g, err := graph.Build([]*model.Snapshot{testSnapshot(t)}, graph.Options{Resources: res})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, command, want, absent string
	}{
		{"a bucket open to * is PUBLIC", "resources", "PUBLIC", ""},
		{"a key naming another account is CROSS-ACCOUNT", "keys", "CROSS-ACCOUNT", "open-bucket"},
		{":buckets lists buckets only", "buckets", "open-bucket", "shared-key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestModel(t, g, 160, 30)
			h.keys(":", tc.command, "enter")
			sc := h.screen()
			if !strings.Contains(sc, tc.want) {
				t.Fatalf("screen lacks %q:\n%s", tc.want, sc)
			}
			if tc.absent != "" && strings.Contains(sc, tc.absent) {
				t.Fatalf("screen shows %q:\n%s", tc.absent, sc)
			}
		})
	}
	t.Run("enter shows the key policy, w who can decrypt", func(t *testing.T) {
		h := newTestModel(t, g, 160, 30)
		h.keys(":", "keys", "enter", "enter")
		sc := h.screen()
		if !strings.Contains(sc, `"Sid": "Open"`) && !strings.Contains(sc, `"Sid":"Open"`) {
			t.Fatalf("detail lacks the policy:\n%s", sc)
		}
		if !strings.Contains(sc, "999988887777") {
			t.Fatalf("detail lacks the outside account:\n%s", sc)
		}
		h.keys("w")
		if c := h.crumbs(); !strings.Contains(c, "whocan kms:Decrypt") {
			t.Fatalf("w did not ask who can decrypt: breadcrumbs %q\n%s", c, h.screen())
		}
	})
}
