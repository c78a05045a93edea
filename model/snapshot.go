// Package model is IAM's vocabulary as plain data: a snapshot of one
// account's users, groups, roles and managed policies with their documents
// parsed once. It does no I/O; loader fills it and graph indexes it.
package model

import (
	"time"

	"github.com/iamx/iamx/model/policy"
)

// Snapshot is one account's IAM configuration at a point in time: the
// contents of get-account-authorization-details plus what iamx adds (account
// alias, credential report, who captured it, and load warnings).
type Snapshot struct {
	AccountID    string
	AccountAlias string
	Partition    string // "aws" unless the ARNs say otherwise
	CapturedAt   time.Time
	CapturedBy   string // ARN of the caller that captured it, when live
	Source       string // where it was loaded from, for display: "demo", a file path, "live"; not stored in files

	Users    []*User
	Groups   []*Group
	Roles    []*Role
	Policies []*ManagedPolicy // customer managed and the AWS managed policies in use

	CredentialReport []CredentialReportRow
	Warnings         []Warning

	// Format version 2: resource-based policies, the organization and what
	// the capture covered. Nil in version 1 files and GAAD output.
	Resources    []*Resource
	Organization *Organization
	Coverage     []Coverage
}

// Warning is a fault that did not stop a load: a malformed policy document, a
// denied optional call. Entity is the ARN of the user, group, role, managed
// policy or resource it is about (empty when it is about the account or a
// file as a whole), so that readers find an entity's warnings by ARN, never
// by reading Where back. Where is the place in the input, for people.
type Warning struct {
	Entity  string `json:"entity"`
	Where   string `json:"path"` // e.g. "roles[12] (Deploy).AssumeRolePolicyDocument.Statement[0].Principal"
	Message string `json:"message"`
}

func (w Warning) String() string {
	if w.Where == "" {
		return w.Message
	}
	return w.Where + ": " + w.Message
}

// Tag is a key/value tag on a user, role or policy.
type Tag struct {
	Key   string
	Value string
}

// Document is a policy document as loaded: its JSON text (decoded, never
// URL-encoded) and the parsed policy. Policy is nil when the text could not be
// parsed; a Warning in the snapshot says why, and the text is kept so that
// nothing is lost when the snapshot is written again.
type Document struct {
	JSON   []byte
	Policy *policy.Policy
}

// InlinePolicy is a policy embedded in a user, group or role.
type InlinePolicy struct {
	Name     string
	Document Document
}

// AttachedPolicy is a reference to a managed policy, as in
// AttachedManagedPolicies and PermissionsBoundary.
type AttachedPolicy struct {
	Name string
	ARN  string
}

// User is an IAM user.
type User struct {
	Path             string
	Name             string
	ID               string
	ARN              string
	CreateDate       time.Time
	Groups           []string // group names
	InlinePolicies   []InlinePolicy
	AttachedPolicies []AttachedPolicy
	// PermissionsBoundary is the ARN of the boundary policy; empty when none.
	PermissionsBoundary string
	Tags                []Tag
	// AccessKeys are the user's access keys as iam:ListAccessKeys reports
	// them. GAAD has no keys: AccessKeysListed says whether they were
	// listed at all (a live capture does), so that "no keys" is told
	// apart from "not known".
	AccessKeys       []AccessKey
	AccessKeysListed bool
}

// AccessKey is one of a user's access keys: its ID, status and creation
// time, never its secret.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyMetadata.html
type AccessKey struct {
	ID         string // AKIA…
	Status     string // "Active" or "Inactive" (IAM also has "Expired" for some credential types)
	CreateDate time.Time
}

// Group is an IAM group.
type Group struct {
	Path             string
	Name             string
	ID               string
	ARN              string
	CreateDate       time.Time
	InlinePolicies   []InlinePolicy
	AttachedPolicies []AttachedPolicy
}

// Role is an IAM role.
type Role struct {
	Path                string
	Name                string
	ID                  string
	ARN                 string
	CreateDate          time.Time
	Description         string
	MaxSessionDuration  int32
	TrustPolicy         Document // AssumeRolePolicyDocument
	InlinePolicies      []InlinePolicy
	AttachedPolicies    []AttachedPolicy
	PermissionsBoundary string
	InstanceProfiles    []InstanceProfile
	Tags                []Tag
	LastUsed            *RoleLastUsed // nil when never used or unknown
}

// InstanceProfile is an EC2 instance profile that carries a role.
type InstanceProfile struct {
	Path       string
	Name       string
	ID         string
	ARN        string
	CreateDate time.Time
	Roles      []string // role names
	Tags       []Tag
}

// RoleLastUsed says when and where a role was last used.
type RoleLastUsed struct {
	LastUsedDate time.Time
	Region       string
}

// ManagedPolicy is a customer or AWS managed policy with all its versions.
type ManagedPolicy struct {
	Name                          string
	ID                            string
	ARN                           string
	Path                          string
	DefaultVersionID              string
	AttachmentCount               int32
	PermissionsBoundaryUsageCount int32
	IsAttachable                  bool
	Description                   string
	CreateDate                    time.Time
	UpdateDate                    time.Time
	Versions                      []PolicyVersion
	Tags                          []Tag
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID        string
	IsDefaultVersion bool
	CreateDate       time.Time
	Document         Document
}

// DefaultVersion returns the version in force: the one marked default, or
// the one named by DefaultVersionID. It returns nil when neither is present.
func (p *ManagedPolicy) DefaultVersion() *PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].IsDefaultVersion {
			return &p.Versions[i]
		}
	}
	for i := range p.Versions {
		if p.Versions[i].VersionID == p.DefaultVersionID {
			return &p.Versions[i]
		}
	}
	return nil
}

// IsAWSManaged reports whether the policy is owned by AWS (arn:aws:iam::aws:policy/…).
func (p *ManagedPolicy) IsAWSManaged() bool { return IsAWSManagedARN(p.ARN) }

// IsAWSManagedARN reports whether a policy ARN names an AWS managed policy:
// arn:PARTITION:iam::aws:policy/….
func IsAWSManagedARN(s string) bool {
	// arn:PARTITION:iam::aws:policy/…
	for i, colons := 0, 0; i < len(s); i++ {
		if s[i] == ':' {
			colons++
			if colons == 5 { // the colon that ends the account field
				return len(s) > i+7 && s[i-3:i] == "aws" && s[i-4] == ':' && s[i+1:i+8] == "policy/"
			}
		}
	}
	return false
}
