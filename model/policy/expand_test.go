package policy

import "testing"

// ExpandVariables walks ${…} the way the policy grammar spells it, leaving
// what lies between variables as written.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestExpandVariables(t *testing.T) {
	sub := func(inner string) (string, bool) {
		switch inner {
		case "aws:username":
			return "alice", true
		case "*":
			return "*", true
		}
		return "", false
	}
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"no variable is the text itself", "arn:aws:s3:::b/home/*", "arn:aws:s3:::b/home/*", true},
		{"a variable is replaced in place", "arn:aws:s3:::b/home/${aws:username}/*", "arn:aws:s3:::b/home/alice/*", true},
		{"several variables", "${aws:username}-${*}", "alice-*", true},
		{"a refused variable refuses the pattern", "b/${aws:userid}", "", false},
		{"an unterminated variable refuses the pattern", "b/${aws:username", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ExpandVariables(tt.in, sub)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ExpandVariables(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
