// Package arn parses Amazon Resource Names once, at the edge, into a small
// value type, in the manner of net/netip: parse, then compare and read fields
// without re-splitting strings.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
package arn

import (
	"fmt"
	"strings"
)

// ARN is a parsed Amazon Resource Name:
// arn:partition:service:region:account-id:resource.
type ARN struct {
	Partition string // aws, aws-cn, aws-us-gov
	Service   string // iam, sts, s3 …
	Region    string // empty for global services such as IAM
	Account   string // 12-digit account ID; empty for S3 buckets and AWS-owned resources
	Resource  string // everything after the fifth colon, e.g. "role/path/Name"
}

// Error reports an ARN that could not be parsed, quoting the input.
type Error struct {
	Input string
	Msg   string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid ARN %q: %s", e.Input, e.Msg) }

// Parse parses s as an ARN. The resource part may itself contain colons.
func Parse(s string) (ARN, error) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, &Error{s, `must start with "arn:"`}
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return ARN{}, &Error{s, "expected arn:partition:service:region:account:resource"}
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	if a.Partition == "" {
		return ARN{}, &Error{s, "empty partition"}
	}
	if a.Service == "" {
		return ARN{}, &Error{s, "empty service"}
	}
	return a, nil
}

// String returns the ARN in its canonical text form.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// IsZero reports whether a is the zero ARN.
func (a ARN) IsZero() bool { return a == ARN{} }

// ResourceType returns the resource type prefix: "role" for "role/path/Name",
// "assumed-role" for an STS session, "" when the resource has no type prefix.
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return ""
}

// Name returns the last path segment of an IAM resource: "Name" for
// "role/path/Name". For an assumed-role session it returns the session name.
func (a ARN) Name() string {
	if i := strings.LastIndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[i+1:]
	}
	return a.Resource
}

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Root returns the ARN of an account's root principal, arn:aws:iam::ACCOUNT:root.
func Root(partition, account string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::" + account + ":root"
}

// AccountOf returns the account field of an ARN string, or "" when s is not an ARN.
func AccountOf(s string) string {
	a, err := Parse(s)
	if err != nil {
		return ""
	}
	return a.Account
}
