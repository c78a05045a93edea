package policy

import "testing"

// CompileResource matches as the evaluator's Resource element does: case
// sensitive, wildcards within each colon-separated segment, the resource
// part one segment in which * spans "/" and ":"; ${…} read literally.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestResourcePattern(t *testing.T) {
	cases := []struct {
		name, pattern, resource string
		want                    bool
	}{
		{"everything", "*", "arn:aws:iam::111122223333:role/Deploy", true},
		{"exact role", "arn:aws:iam::111122223333:role/Deploy", "arn:aws:iam::111122223333:role/Deploy", true},
		{"case sensitive", "arn:aws:iam::111122223333:role/deploy", "arn:aws:iam::111122223333:role/Deploy", false},
		{"wildcard account segment", "arn:aws:iam::*:role/Deploy", "arn:aws:iam::111122223333:role/Deploy", true},
		{"wildcard does not span a segment boundary", "arn:aws:*:role/Deploy", "arn:aws:iam::111122223333:role/Deploy", false},
		{"resource part spans slashes", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/path/Deploy", true},
		{"question mark is one character", "arn:aws:iam::111122223333:role/Deplo?", "arn:aws:iam::111122223333:role/Deploy", true},
		{"variables are literal text", "arn:aws:iam::111122223333:role/${aws:username}", "arn:aws:iam::111122223333:role/Deploy", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CompileResource(c.pattern).Match(c.resource); got != c.want {
				t.Errorf("CompileResource(%q).Match(%q) = %v, want %v", c.pattern, c.resource, got, c.want)
			}
		})
	}
}
