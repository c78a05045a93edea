package arn

import "testing"

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func TestParse(t *testing.T) {
	cases := []struct {
		in                   string
		ok                   bool
		account, rtype, name string
	}{
		{"arn:aws:iam::111122223333:role/path/to/Deploy", true, "111122223333", "role", "Deploy"},
		{"arn:aws:sts::111122223333:assumed-role/Deploy/session-1", true, "111122223333", "assumed-role", "session-1"},
		{"arn:aws:s3:::bucket/key:with:colons", true, "", "bucket", "with:colons"},
		{"arn:aws:iam::111122223333:root", true, "111122223333", "", "root"},
		{"arn:aws-cn:iam::aws:policy/ReadOnlyAccess", true, "aws", "policy", "ReadOnlyAccess"},
		{"arn:aws:iam", false, "", "", ""},
		{"aws:iam::1:user/x", false, "", "", ""},
		{"arn::iam::1:user/x", false, "", "", ""},
		{"arn:aws:::1:x", false, "", "", ""},
	}
	for _, tc := range cases {
		a, err := Parse(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) err = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		if a.String() != tc.in {
			t.Errorf("Parse(%q).String() = %q", tc.in, a.String())
		}
		if a.Account != tc.account || a.ResourceType() != tc.rtype {
			t.Errorf("Parse(%q) = account %q type %q, want %q %q", tc.in, a.Account, a.ResourceType(), tc.account, tc.rtype)
		}
	}
}

func TestIsAccountID(t *testing.T) {
	for in, want := range map[string]bool{"111122223333": true, "11112222333": false, "1111222233334": false, "11112222333x": false, "": false} {
		if got := IsAccountID(in); got != want {
			t.Errorf("IsAccountID(%q) = %v, want %v", in, got, want)
		}
	}
}
