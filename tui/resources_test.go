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
	t.Run("account:ID keeps the resources of that account", func(t *testing.T) {
		other := &model.Resource{ARN: "arn:aws:s3:::elsewhere-bucket", Type: model.TypeS3Bucket, Account: "999988887777"}
		g2, err := graph.Build([]*model.Snapshot{testSnapshot(t)}, graph.Options{Resources: append(res[:len(res):len(res)], other)})
		if err != nil {
			t.Fatal(err)
		}
		h := newTestModel(t, g2, 160, 30)
		h.keys(":", "resources", "enter", "/", "account:9999", "enter")
		sc := h.screen()
		if !strings.Contains(sc, "elsewhere-bucket") || strings.Contains(sc, "open-bucket") {
			t.Fatalf("account:9999 on the resources list:\n%s", sc)
		}
	})
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

// The resource detail shows the organization levels root → OU → account of
// the resource's account with the RCPs and SCPs at each, and whether RCPs
// bind the resource (not for a service the RCP page does not list); a
// principal's Policies tab lists the resource policies naming it, and enter
// opens the resource. Both come from graph/answer (Controls, GrantsOf).
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestResourceOrganizationAndGrants(t *testing.T) {
	full := doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
	org := &model.Organization{ManagementAccountID: "999900001111",
		Roots:    []model.OrgUnit{{ID: "r-1", Name: "Root"}},
		OUs:      []model.OrgUnit{{ID: "ou-1", Name: "Prod", ParentID: "r-1"}},
		Accounts: []model.OrgAccount{{ID: testAccount, ParentID: "ou-1"}},
		Policies: []model.OrgPolicy{
			{ID: "p-rf", Name: "RCPFullAWSAccess", Type: model.RCPType, Document: full, Targets: []string{"r-1", "ou-1", testAccount}},
			{ID: "p-perim", Name: "DataPerimeter", Type: model.RCPType, Document: full, Targets: []string{"ou-1"}},
		}}
	bucketDoc := doc(t, `{"Version":"2012-10-17","Statement":[{"Sid":"CiRead","Effect":"Allow","Principal":{"AWS":"`+testARN("user", "ci-bot")+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::builds/*"}]}`)
	topicDoc := doc(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Account","Effect":"Allow","Principal":{"AWS":"`+testAccount+`"},"Action":"sns:Publish","Resource":"*"}]}`)
	topic := "arn:aws:sns:us-east-1:" + testAccount + ":alerts"
	res := []*model.Resource{
		{ARN: "arn:aws:s3:::builds", Type: model.TypeS3Bucket, Account: testAccount, Policy: &bucketDoc},
		{ARN: topic, Type: model.TypeSNSTopic, Account: testAccount, Policy: &topicDoc},
		{ARN: "arn:aws:sqs:us-east-1:" + testAccount + ":secret-queue", Type: model.TypeSQSQueue, Account: testAccount, Error: "AccessDenied"},
	}
	g, err := graph.Build([]*model.Snapshot{testSnapshot(t)}, graph.Options{Resources: res, Organization: org})
	if err != nil {
		t.Fatal(err)
	}
	c := &Common{Graph: g, Styles: NewStyles(true), Keys: DefaultKeyMap()}
	flat := func(p Page) string { return strings.Join(strings.Fields(p.View()), " ") }
	t.Run("a member's bucket: its levels and their RCPs, which bind it", func(t *testing.T) {
		v := flat(detailSized(NewResourcePage(c, g.LoadedResource("arn:aws:s3:::builds")), 160, 60))
		for _, want := range []string{"root r-1 (Root)", "ou ou-1 (Prod)", "account " + testAccount, "RCPFullAWSAccess, DataPerimeter", "bind this resource"} {
			if !strings.Contains(v, want) {
				t.Errorf("detail lacks %q:\n%s", want, v)
			}
		}
	})
	t.Run("a topic: RCPs do not cover SNS", func(t *testing.T) {
		v := flat(detailSized(NewResourcePage(c, g.LoadedResource(topic)), 160, 60))
		if !strings.Contains(v, "do not bind it: RCPs do not cover sns") {
			t.Errorf("detail does not say RCPs skip SNS:\n%s", v)
		}
	})
	t.Run("the Policies tab lists what names the principal, by ARN and by account", func(t *testing.T) {
		p := detailSized(NewPrincipalPage(c, g.Node(testARN("user", "ci-bot"))), 160, 60)
		p, _ = detailPress(p, "2")
		v := flat(p)
		for _, want := range []string{"Granted by resource policies", "arn:aws:s3:::builds CiRead names it: s3:GetObject",
			topic + " Account names its account", "1 loaded resources' policies could not be read", "secret-queue"} {
			if !strings.Contains(v, want) {
				t.Errorf("Policies tab lacks %q:\n%s", want, v)
			}
		}
	})
	t.Run("enter on a grant opens the resource", func(t *testing.T) {
		h := newTestModel(t, g, 160, 40)
		h.keys(":", "users", "enter")
		h.keys("/", "ci-bot", "enter", "enter", "2")
		// The cursor starts on the inline policy; the first grant is next.
		h.keys("down", "enter")
		if !strings.Contains(h.crumbs(), "builds") {
			t.Fatalf("enter on the grant did not open the bucket: breadcrumbs %q\n%s", h.crumbs(), h.screen())
		}
	})
}
