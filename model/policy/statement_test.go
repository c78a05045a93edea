package policy

import (
	"slices"
	"testing"
)

// Substitute puts the values a request context holds into a pattern's
// variables, by the rules evaluation follows, and leaves the others as
// written.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestSubstitute(t *testing.T) {
	ctx := Context{}
	ctx.Set("aws:username", "alice")
	ctx.Set("aws:PrincipalTag/team", "red")
	ctx.Set("aws:TagKeys", "a", "b")
	tests := []struct{ name, in, want string }{
		{"a known key is replaced by its value", "arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/alice/*"},
		{"key names are case-insensitive", "home/${AWS:UserName}", "home/alice"},
		{"a tag key", "teams/${aws:PrincipalTag/team}/*", "teams/red/*"},
		{"an unknown key stays, to be reported missing", "logs/${aws:SourceVpc}/*", "logs/${aws:SourceVpc}/*"},
		{"a multi-valued key cannot be substituted", "t/${aws:TagKeys}", "t/${aws:TagKeys}"},
		{"the default of an unknown key", "home/${aws:userid, 'shared'}/x", "home/shared/x"},
		{"the default is not used when the key is known", "home/${aws:username,'shared'}", "home/alice"},
		{"${*}, ${?} and ${$} are their characters", "b/${*}${?}${$}", "b/*?$"},
		{"a malformed variable is literal text", "b/${aws:user name}", "b/${aws:user name}"},
		{"an unterminated variable is literal text", "b/${aws:username", "b/${aws:username"},
		{"text without variables is returned as is", "arn:aws:s3:::b/*", "arn:aws:s3:::b/*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Substitute(tt.in, ctx); got != tt.want {
				t.Errorf("Substitute(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// ContextKeys are the keys a statement reads: condition keys, and the keys
// of the variables in its resources and condition values.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestContextKeys(t *testing.T) {
	tests := []struct {
		name, statement string
		want            []string
	}{
		{"no condition and no variable reads nothing", `"Resource":"*"`, nil},
		{"condition keys, lower-cased", `"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"StringEquals":{"aws:PrincipalTag/Team":"x"}}`,
			[]string{"aws:multifactorauthpresent", "aws:principaltag/team"}},
		{"a variable in Resource", `"Resource":"arn:aws:s3:::home/${aws:username}/*"`, []string{"aws:username"}},
		{"a variable in NotResource", `"NotResource":"arn:aws:s3:::home/${aws:userid}/*"`, []string{"aws:userid"}},
		{"a variable with a default still reads its key", `"Resource":"arn:aws:s3:::home/${aws:username, 'x'}/*"`, []string{"aws:username"}},
		{"a variable in a condition value", `"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`,
			[]string{"aws:principaltag/team", "aws:resourcetag/team"}},
		{"${*} reads no key", `"Resource":"arn:aws:s3:::b/${*}"`, nil},
		{"each key once", `"Resource":["a/${aws:username}","b/${AWS:UserName}"],"Condition":{"StringEquals":{"aws:username":"x"}}`, []string{"aws:username"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",`+tt.statement+`}]}`)
			if got := p.Statements[0].ContextKeys(); !slices.Equal(got, tt.want) {
				t.Errorf("ContextKeys = %q, want %q", got, tt.want)
			}
			// Uncompiled, the same.
			hand := p.Statements[0]
			hand.compiled = nil
			if got := hand.ContextKeys(); !slices.Equal(got, tt.want) {
				t.Errorf("uncompiled ContextKeys = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatementLabel(t *testing.T) {
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
	if got := StatementLabel("AllowRead", 3); got != "AllowRead" {
		t.Errorf("with a Sid: %q", got)
	}
	if got := (Reason{Index: 2}).Label(); got != "#2" {
		t.Errorf("without a Sid: %q", got)
	}
}

// MayMatchResource says no only where evaluation would: checked against
// Evaluate of the same statement on the same resource, with no context (a
// variable then counts as a possible match, which evaluation cannot say).
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestMayMatchResource(t *testing.T) {
	tests := []struct {
		name, resource, request string
		want                    bool
	}{
		{"an exact ARN", `"Resource":"arn:aws:s3:::b/k"`, "arn:aws:s3:::b/k", true},
		{"another ARN", `"Resource":"arn:aws:s3:::b/k"`, "arn:aws:s3:::b/j", false},
		{"a wildcard", `"Resource":"arn:aws:s3:::b/*"`, "arn:aws:s3:::b/k", true},
		{"resource ARNs are case-sensitive", `"Resource":"arn:aws:s3:::B/*"`, "arn:aws:s3:::b/k", false},
		{"a * in the region does not reach the account", `"Resource":"arn:aws:sqs:*:111122223333:q"`, "arn:aws:sqs:us-east-1:444455556666:q", false},
		{"one of several", `"Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]`, "arn:aws:s3:::b/k", true},
		{"a variable may match", `"Resource":"arn:aws:s3:::home/${aws:username}/*"`, "arn:aws:s3:::home/alice/x", true},
		{"NotResource may match", `"NotResource":"arn:aws:s3:::b/*"`, "arn:aws:s3:::c/k", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",` + tt.resource + `}]}`
			p := mustParse(t, doc)
			got := p.Statements[0].MayMatchResource(tt.request)
			if got != tt.want {
				t.Errorf("MayMatchResource = %v, want %v", got, tt.want)
			}
			if !got {
				req := &Request{Principal: mustPrincipal(t, alice()), Action: "s3:GetObject", Resource: tt.request, Context: Context{}}
				if Evaluate(req, &Input{Identity: srcs(t, IdentityPolicy, doc)}).Decision == Allowed {
					t.Error("said no where evaluation allows")
				}
			}
		})
	}
}
