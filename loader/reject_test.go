package loader

import (
	"bytes"
	"strings"
	"testing"
)

// Statements AWS refuses where the document is used become load warnings
// naming the entity, the policy and the statement, and the loaded policy
// leaves them out: they grant nothing and deny nothing.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestStatementsAWSRejectsBecomeWarnings(t *testing.T) {
	const gaad = `{
  "UserDetailList": [{"UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001", "Arn": "arn:aws:iam::111122223333:user/alice", "Path": "/",
    "UserPolicyList": [
      {"PolicyName": "no-resource", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Ok", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Admin", "Effect": "Allow", "Action": "*"}]}},
      {"PolicyName": "principal", "PolicyDocument": {"Version": "2012-10-17", "Statement":
        {"Effect": "Allow", "Principal": "*", "Action": "iam:*", "Resource": "*"}}},
      {"PolicyName": "deny-no-resource", "PolicyDocument": {"Version": "2012-10-17", "Statement":
        {"Effect": "Deny", "Action": "s3:DeleteBucket"}}}]}],
  "RoleDetailList": [{"RoleName": "Deploy", "RoleId": "AROAEXAMPLEDEPLOY001", "Arn": "arn:aws:iam::111122223333:role/Deploy", "Path": "/",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"},
      {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sts:AssumeRole"},
      {"Sid": "Nobody", "Effect": "Allow", "Action": "sts:AssumeRole"}]}}],
  "GroupDetailList": [], "Policies": []}`
	s, err := ParseGAAD([]byte(gaad), "rejects.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ where, msg string }{
		{"users[0] (alice).UserPolicyList[0] (no-resource).PolicyDocument.Statement[1] (Admin)", "neither Resource nor NotResource"},
		{"users[0] (alice).UserPolicyList[1] (principal).PolicyDocument.Statement[0]", "Principal is not allowed in an identity-based policy"},
		{"users[0] (alice).UserPolicyList[2] (deny-no-resource).PolicyDocument.Statement[0]", "this Deny is not in force and iamx does NOT apply it"},
		{"roles[0] (Deploy).AssumeRolePolicyDocument.Statement[1]", "NotPrincipal is not allowed in a role trust policy"},
		{"roles[0] (Deploy).AssumeRolePolicyDocument.Statement[2] (Nobody)", "must name a Principal"},
	}
	if len(s.Warnings) != len(want) {
		t.Fatalf("got %d warnings, want %d:\n%v", len(s.Warnings), len(want), s.Warnings)
	}
	for i, w := range want {
		if got := s.Warnings[i]; got.Where != w.where || !strings.Contains(got.Message, w.msg) {
			t.Errorf("warning %d = %q, want %s: …%s…", i, got, w.where, w.msg)
		}
	}
	u := s.Users[0]
	if got := len(u.InlinePolicies[0].Document.Policy.Statements); got != 1 || u.InlinePolicies[0].Document.Policy.Statements[0].Sid != "Ok" {
		t.Errorf("no-resource keeps %d statements, want only Ok", got)
	}
	for _, i := range []int{1, 2} {
		if n := len(u.InlinePolicies[i].Document.Policy.Statements); n != 0 {
			t.Errorf("%s keeps %d statements, want none", u.InlinePolicies[i].Name, n)
		}
	}
	if tp := s.Roles[0].TrustPolicy.Policy; len(tp.Statements) != 1 || tp.Statements[0].Index != 0 {
		t.Errorf("trust policy keeps %+v, want statement 0 only", tp.Statements)
	}
	// The text is kept as found, so a written snapshot reports the same
	// faults when read again.
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	again, err := Read(&buf, "again.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Warnings) != len(s.Warnings) {
		t.Fatalf("read again: %d warnings, want %d: %v", len(again.Warnings), len(s.Warnings), again.Warnings)
	}
	for i := range s.Warnings {
		if again.Warnings[i] != s.Warnings[i] {
			t.Errorf("read again: warning %d = %q, want %q", i, again.Warnings[i], s.Warnings[i])
		}
	}
}
