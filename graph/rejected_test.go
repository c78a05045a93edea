package graph

import (
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// Statements AWS refuses take no part in any answer, loaded from a file:
// an Allow without Resource does not make its user admin, a Deny without
// Resource blocks nothing, a trust statement with NotPrincipal admits
// nobody.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestRejectedStatementsTakeNoPart(t *testing.T) {
	const gaad = `{
  "UserDetailList": [
    {"UserName": "eve", "Arn": "arn:aws:iam::111122223333:user/eve", "UserPolicyList": [
      {"PolicyName": "admin-without-resource", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*"}}}]},
    {"UserName": "dan", "Arn": "arn:aws:iam::111122223333:user/dan", "UserPolicyList": [
      {"PolicyName": "s3", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteBucket"}]}}]}],
  "RoleDetailList": [
    {"RoleName": "Open", "Arn": "arn:aws:iam::111122223333:role/Open", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement":
      {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/nobody"}, "Action": "sts:AssumeRole"}}}]}`
	s, err := loader.ParseGAAD([]byte(gaad), "rejected.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 3 {
		t.Fatalf("want a warning per refused statement, got %v", s.Warnings)
	}
	g, err := Build([]*model.Snapshot{s}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	eve, dan := fxNode(t, g, "eve"), fxNode(t, g, "dan")
	if g.IsAdmin(eve) {
		t.Error("an Allow without Resource made its user admin")
	}
	if r := g.Can(eve, "iam:CreateUser", "*", nil, false); r.Decision != policy.ImplicitDeny {
		t.Errorf("eve iam:CreateUser: %s, want implicit deny", r.Decision)
	}
	if r := g.Can(dan, "s3:DeleteBucket", "arn:aws:s3:::b", nil, false); r.Decision != policy.Allowed {
		t.Errorf("dan s3:DeleteBucket: %s, want allowed (the refused Deny is not in force)", r.Decision)
	}
	if r := g.Can(dan, "sts:AssumeRole", "arn:aws:iam::111122223333:role/Open", nil, false); r.Decision == policy.Allowed {
		t.Error("a trust statement with NotPrincipal let dan assume the role")
	}
	if open := fxNode(t, g, "role/Open"); len(open.assumedBy) != 0 {
		t.Errorf("role/Open has %d can-assume edges", len(open.assumedBy))
	}
}
