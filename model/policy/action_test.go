package policy

import (
	"errors"
	"testing"
)

// A request carries one action, "service:Name"; policies hold patterns.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestCheckAction(t *testing.T) {
	cases := []struct {
		name, action string
		ok, pattern  bool
	}{
		{"service and action", "s3:GetObject", true, false},
		{"any case", "S3:getobject", true, false},
		{"unknown to the catalogue is still a request", "s3:NoSuchThing", true, false},
		{"no service prefix", "GetObject", false, false},
		{"empty service", ":GetObject", false, false},
		{"empty action name", "s3:", false, false},
		{"two colons", "s3:Get:Object", false, false},
		{"star pattern", "s3:Get*", false, true},
		{"question-mark pattern", "s3:GetObjec?", false, true},
		{"everything", "*", false, false},
		{"whitespace", "s3:Get Object", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckAction(c.action)
			if (err == nil) != c.ok {
				t.Fatalf("CheckAction(%q) = %v, want ok=%v", c.action, err, c.ok)
			}
			if errors.Is(err, ErrActionPattern) != c.pattern {
				t.Errorf("CheckAction(%q) = %v: pattern error %v, want %v", c.action, err, !c.pattern, c.pattern)
			}
		})
	}
}
