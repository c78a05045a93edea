package model

import "testing"

// AWS managed policies live in the pseudo-account "aws":
// arn:PARTITION:iam::aws:policy/NAME.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
func TestIsAWSManaged(t *testing.T) {
	cases := []struct {
		arn  string
		want bool
	}{
		{"arn:aws:iam::aws:policy/AdministratorAccess", true},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", true},
		{"arn:aws-cn:iam::aws:policy/ReadOnlyAccess", true},
		{"arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess", true},
		{"arn:aws:iam::111122223333:policy/aws", false},
		{"arn:aws:iam::111122223333:policy/DeveloperAccess", false},
		{"arn:aws:iam::aws:role/x", false},
		{"arn:aws:iam::aws:policy", false},
		{"", false},
	}
	for _, tc := range cases {
		p := &ManagedPolicy{ARN: tc.arn}
		if got := p.IsAWSManaged(); got != tc.want {
			t.Errorf("IsAWSManaged(%q) = %v, want %v", tc.arn, got, tc.want)
		}
	}
}

func TestDefaultVersion(t *testing.T) {
	p := &ManagedPolicy{DefaultVersionID: "v2", Versions: []PolicyVersion{{VersionID: "v1"}, {VersionID: "v2"}, {VersionID: "v3"}}}
	if v := p.DefaultVersion(); v == nil || v.VersionID != "v2" {
		t.Fatalf("by DefaultVersionId: got %+v, want v2", v)
	}
	p.Versions[2].IsDefaultVersion = true
	if v := p.DefaultVersion(); v == nil || v.VersionID != "v3" {
		t.Fatalf("IsDefaultVersion wins: got %+v, want v3", v)
	}
	if v := (&ManagedPolicy{DefaultVersionID: "v9"}).DefaultVersion(); v != nil {
		t.Fatalf("missing version: got %+v, want nil", v)
	}
}
