package loader

import (
	"bytes"
	"encoding/json"

	"github.com/iamx/iamx/model"
)

// The wire types mirror get-account-authorization-details field for field, so
// that one set of structs reads the CLI's output, the raw API form, the SDK's
// marshalled output and the authorization_details inside an iamx snapshot.
// Model types carry no JSON tags; these are the only place file names live.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html

// snapshotFormat and snapshotVersion identify an iamx snapshot file.
const (
	snapshotFormat  = "iamx-snapshot"
	snapshotVersion = 1
)

// wireTop is every top-level field either kind of file may carry, decoded in
// one pass so the kind can be told from what is present.
type wireTop struct {
	// iamx snapshot
	Format               string                      `json:"format,omitempty"`
	Version              *int                        `json:"version,omitempty"`
	AccountID            string                      `json:"account_id,omitempty"`
	AccountAlias         string                      `json:"account_alias,omitempty"`
	Partition            string                      `json:"partition,omitempty"`
	CapturedAt           wireTime                    `json:"captured_at,omitzero"`
	CapturedBy           string                      `json:"captured_by,omitempty"`
	AuthorizationDetails *wireGAAD                   `json:"authorization_details,omitempty"`
	CredentialReport     []model.CredentialReportRow `json:"credential_report,omitempty"`
	Warnings             []wireWarning               `json:"warnings,omitempty"`

	// bare get-account-authorization-details output
	wireGAAD
}

type wireWarning struct {
	Where   string `json:"where,omitempty"`
	Message string `json:"message"`
}

// wireGAAD is one GetAccountAuthorizationDetails response (or the CLI's
// merged pages). IsTruncated and Marker are read so that a lone page of a
// truncated listing can be reported.
type wireGAAD struct {
	UserDetailList  []wireUser   `json:"UserDetailList,omitempty"`
	GroupDetailList []wireGroup  `json:"GroupDetailList,omitempty"`
	RoleDetailList  []wireRole   `json:"RoleDetailList,omitempty"`
	Policies        []wirePolicy `json:"Policies,omitempty"`
	IsTruncated     bool         `json:"IsTruncated,omitempty"`
	Marker          string       `json:"Marker,omitempty"`
}

func (g *wireGAAD) present() bool {
	return g.UserDetailList != nil || g.GroupDetailList != nil || g.RoleDetailList != nil || g.Policies != nil
}

type wireUser struct {
	Path                    string         `json:"Path,omitempty"`
	UserName                string         `json:"UserName"`
	UserID                  string         `json:"UserId,omitempty"`
	Arn                     string         `json:"Arn"`
	CreateDate              wireTime       `json:"CreateDate,omitzero"`
	UserPolicyList          []wireInline   `json:"UserPolicyList"`
	GroupList               []string       `json:"GroupList"`
	AttachedManagedPolicies []wireAttached `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *wireBoundary  `json:"PermissionsBoundary,omitempty"`
	Tags                    []wireTag      `json:"Tags,omitempty"`
	// Not in GAAD: iam:ListAccessKeys per user, in a live capture. Absent
	// or null means not listed; [] means the user has no keys.
	AccessKeys []wireAccessKey `json:"AccessKeys,omitzero"`
}

// wireAccessKey is ListAccessKeys' AccessKeyMetadata without the user name
// (the key sits in its user). It never holds a secret.
type wireAccessKey struct {
	AccessKeyID string   `json:"AccessKeyId"`
	Status      string   `json:"Status,omitempty"`
	CreateDate  wireTime `json:"CreateDate,omitzero"`
}

type wireGroup struct {
	Path                    string         `json:"Path,omitempty"`
	GroupName               string         `json:"GroupName"`
	GroupID                 string         `json:"GroupId,omitempty"`
	Arn                     string         `json:"Arn"`
	CreateDate              wireTime       `json:"CreateDate,omitzero"`
	GroupPolicyList         []wireInline   `json:"GroupPolicyList"`
	AttachedManagedPolicies []wireAttached `json:"AttachedManagedPolicies"`
}

type wireRole struct {
	Path                     string                `json:"Path,omitempty"`
	RoleName                 string                `json:"RoleName"`
	RoleID                   string                `json:"RoleId,omitempty"`
	Arn                      string                `json:"Arn"`
	CreateDate               wireTime              `json:"CreateDate,omitzero"`
	AssumeRolePolicyDocument json.RawMessage       `json:"AssumeRolePolicyDocument,omitempty"`
	InstanceProfileList      []wireInstanceProfile `json:"InstanceProfileList"`
	RolePolicyList           []wireInline          `json:"RolePolicyList"`
	AttachedManagedPolicies  []wireAttached        `json:"AttachedManagedPolicies"`
	PermissionsBoundary      *wireBoundary         `json:"PermissionsBoundary,omitempty"`
	Tags                     []wireTag             `json:"Tags,omitempty"`
	RoleLastUsed             *wireRoleLastUsed     `json:"RoleLastUsed,omitempty"`
	// Not in GAAD (GetRole has them); iamx keeps them when it knows them.
	Description        string `json:"Description,omitempty"`
	MaxSessionDuration int32  `json:"MaxSessionDuration,omitempty"`
}

type wireInstanceProfile struct {
	Path                string            `json:"Path,omitempty"`
	InstanceProfileName string            `json:"InstanceProfileName"`
	InstanceProfileID   string            `json:"InstanceProfileId,omitempty"`
	Arn                 string            `json:"Arn"`
	CreateDate          wireTime          `json:"CreateDate,omitzero"`
	Roles               []wireProfileRole `json:"Roles"`
	Tags                []wireTag         `json:"Tags,omitempty"`
}

// wireProfileRole is a role inside an instance profile. GAAD repeats the
// whole role there; only its name matters, the role itself is in
// RoleDetailList.
type wireProfileRole struct {
	RoleName string `json:"RoleName"`
	Arn      string `json:"Arn,omitempty"`
}

type wireRoleLastUsed struct {
	LastUsedDate wireTime `json:"LastUsedDate,omitzero"`
	Region       string   `json:"Region,omitempty"`
}

type wireInline struct {
	PolicyName     string          `json:"PolicyName"`
	PolicyDocument json.RawMessage `json:"PolicyDocument,omitempty"`
}

type wireAttached struct {
	PolicyName string `json:"PolicyName,omitempty"`
	PolicyArn  string `json:"PolicyArn"`
}

type wireBoundary struct {
	PermissionsBoundaryType string `json:"PermissionsBoundaryType,omitempty"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

type wireTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type wirePolicy struct {
	PolicyName                    string        `json:"PolicyName"`
	PolicyID                      string        `json:"PolicyId,omitempty"`
	Arn                           string        `json:"Arn"`
	Path                          string        `json:"Path,omitempty"`
	DefaultVersionID              string        `json:"DefaultVersionId,omitempty"`
	AttachmentCount               int32         `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount int32         `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool          `json:"IsAttachable"`
	Description                   string        `json:"Description,omitempty"`
	CreateDate                    wireTime      `json:"CreateDate,omitzero"`
	UpdateDate                    wireTime      `json:"UpdateDate,omitzero"`
	PolicyVersionList             []wireVersion `json:"PolicyVersionList"`
	Tags                          []wireTag     `json:"Tags,omitempty"` // not in GAAD; kept when known
}

type wireVersion struct {
	Document         json.RawMessage `json:"Document,omitempty"`
	VersionID        string          `json:"VersionId"`
	IsDefaultVersion bool            `json:"IsDefaultVersion"`
	CreateDate       wireTime        `json:"CreateDate,omitzero"`
}

// wireTime keeps a time field's JSON as written. Producers disagree (the CLI
// writes "2019-01-01T00:00:00+00:00", the SDK RFC 3339 with nanoseconds, some
// tools epoch seconds), and a bad date should be a warning, not a failed
// load, so it is interpreted after decoding, where the entity is known.
type wireTime struct{ raw json.RawMessage }

func (t *wireTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.raw = nil
		return nil
	}
	t.raw = append(t.raw[:0], b...)
	return nil
}

func (t wireTime) MarshalJSON() ([]byte, error) {
	if t.raw == nil {
		return []byte("null"), nil
	}
	return t.raw, nil
}

func (t wireTime) IsZero() bool { return t.raw == nil }
