package policy

import (
	"slices"
	"testing"
)

// Request context pairs: KEY=VALUE split at the first "=", so a value may
// hold "=" (a base64 tag) or be empty (a key present with an empty value);
// a key repeated gets every value, as a multivalued key does in a request.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func TestParseContextPairs(t *testing.T) {
	cases := []struct {
		name    string
		pairs   []string
		key     string
		want    []string
		wantErr bool
	}{
		{"a boolean key", []string{"aws:MultiFactorAuthPresent=true"}, "aws:multifactorauthpresent", []string{"true"}, false},
		{"a value holding = is kept whole", []string{"aws:PrincipalTag/k=YQ=="}, "aws:principaltag/k", []string{"YQ=="}, false},
		{"an empty value is a value", []string{"s3:prefix="}, "s3:prefix", []string{""}, false},
		{"a repeated key is multivalued", []string{"aws:TagKeys=a", "aws:TagKeys=b"}, "aws:tagkeys", []string{"a", "b"}, false},
		{"the key is trimmed", []string{" aws:SourceIp =10.0.0.1"}, "aws:sourceip", []string{"10.0.0.1"}, false},
		{"no = is an error", []string{"aws:SourceIp"}, "", nil, true},
		{"an empty key is an error", []string{"=x"}, "", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, err := ParseContextPairs(tc.pairs)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			got, _ := ctx.Get(tc.key)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s = %q, want %q (context %v)", tc.key, got, tc.want, ctx)
			}
		})
	}
}
