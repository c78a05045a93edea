package live

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// gaadDoc is get-account-authorization-details in the AWS CLI's JSON shape,
// built from the SDK's pages so that live captures and GAAD files go through
// the same decoder (loader.ParseGAAD): one place handles URL-encoded
// documents, document warnings and field quirks. Documents are passed on as
// the API returned them (RFC 3986 URL-encoded, or plain JSON where an
// emulator skips the encoding); times are RFC 3339.
type gaadDoc struct {
	UserDetailList  []gaadUser   `json:"UserDetailList"`
	GroupDetailList []gaadGroup  `json:"GroupDetailList"`
	RoleDetailList  []gaadRole   `json:"RoleDetailList"`
	Policies        []gaadPolicy `json:"Policies"`
}

type gaadInline struct {
	PolicyName     string `json:"PolicyName"`
	PolicyDocument string `json:"PolicyDocument"`
}

type gaadAttached struct {
	PolicyName string `json:"PolicyName,omitempty"`
	PolicyArn  string `json:"PolicyArn"`
}

type gaadBoundary struct {
	PermissionsBoundaryType string `json:"PermissionsBoundaryType,omitempty"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

type gaadTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type gaadUser struct {
	Path                    string         `json:"Path,omitempty"`
	UserName                string         `json:"UserName"`
	UserID                  string         `json:"UserId,omitempty"`
	Arn                     string         `json:"Arn"`
	CreateDate              string         `json:"CreateDate,omitempty"`
	UserPolicyList          []gaadInline   `json:"UserPolicyList"`
	GroupList               []string       `json:"GroupList"`
	AttachedManagedPolicies []gaadAttached `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *gaadBoundary  `json:"PermissionsBoundary,omitempty"`
	Tags                    []gaadTag      `json:"Tags,omitempty"`
}

type gaadGroup struct {
	Path                    string         `json:"Path,omitempty"`
	GroupName               string         `json:"GroupName"`
	GroupID                 string         `json:"GroupId,omitempty"`
	Arn                     string         `json:"Arn"`
	CreateDate              string         `json:"CreateDate,omitempty"`
	GroupPolicyList         []gaadInline   `json:"GroupPolicyList"`
	AttachedManagedPolicies []gaadAttached `json:"AttachedManagedPolicies"`
}

type gaadInstanceProfileRole struct {
	Path       string `json:"Path,omitempty"`
	RoleName   string `json:"RoleName"`
	RoleID     string `json:"RoleId,omitempty"`
	Arn        string `json:"Arn"`
	CreateDate string `json:"CreateDate,omitempty"`
}

type gaadInstanceProfile struct {
	Path                string                    `json:"Path,omitempty"`
	InstanceProfileName string                    `json:"InstanceProfileName"`
	InstanceProfileID   string                    `json:"InstanceProfileId,omitempty"`
	Arn                 string                    `json:"Arn"`
	CreateDate          string                    `json:"CreateDate,omitempty"`
	Roles               []gaadInstanceProfileRole `json:"Roles"`
	Tags                []gaadTag                 `json:"Tags,omitempty"`
}

type gaadRoleLastUsed struct {
	LastUsedDate string `json:"LastUsedDate,omitempty"`
	Region       string `json:"Region,omitempty"`
}

type gaadRole struct {
	Path                     string                `json:"Path,omitempty"`
	RoleName                 string                `json:"RoleName"`
	RoleID                   string                `json:"RoleId,omitempty"`
	Arn                      string                `json:"Arn"`
	CreateDate               string                `json:"CreateDate,omitempty"`
	AssumeRolePolicyDocument string                `json:"AssumeRolePolicyDocument"`
	InstanceProfileList      []gaadInstanceProfile `json:"InstanceProfileList"`
	RolePolicyList           []gaadInline          `json:"RolePolicyList"`
	AttachedManagedPolicies  []gaadAttached        `json:"AttachedManagedPolicies"`
	PermissionsBoundary      *gaadBoundary         `json:"PermissionsBoundary,omitempty"`
	Tags                     []gaadTag             `json:"Tags,omitempty"`
	RoleLastUsed             *gaadRoleLastUsed     `json:"RoleLastUsed,omitempty"`
}

type gaadVersion struct {
	Document         string `json:"Document"`
	VersionID        string `json:"VersionId"`
	IsDefaultVersion bool   `json:"IsDefaultVersion"`
	CreateDate       string `json:"CreateDate,omitempty"`
}

type gaadPolicy struct {
	PolicyName                    string        `json:"PolicyName"`
	PolicyID                      string        `json:"PolicyId,omitempty"`
	Arn                           string        `json:"Arn"`
	Path                          string        `json:"Path,omitempty"`
	DefaultVersionID              string        `json:"DefaultVersionId,omitempty"`
	AttachmentCount               int32         `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount int32         `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool          `json:"IsAttachable"`
	Description                   string        `json:"Description,omitempty"`
	CreateDate                    string        `json:"CreateDate,omitempty"`
	UpdateDate                    string        `json:"UpdateDate,omitempty"`
	PolicyVersionList             []gaadVersion `json:"PolicyVersionList"`
}

func rfc3339(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// nameFromARN returns the last path segment of an ARN's resource: the
// policy name of "arn:aws:iam::aws:policy/service-role/X" is "X".
func nameFromARN(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return ""
}

func inlines(in []types.PolicyDetail) []gaadInline {
	out := make([]gaadInline, 0, len(in))
	for _, p := range in {
		out = append(out, gaadInline{PolicyName: aws.ToString(p.PolicyName), PolicyDocument: aws.ToString(p.PolicyDocument)})
	}
	return out
}

func attached(in []types.AttachedPolicy) []gaadAttached {
	out := make([]gaadAttached, 0, len(in))
	for _, p := range in {
		name, arn := aws.ToString(p.PolicyName), aws.ToString(p.PolicyArn)
		if name == "" {
			// moto leaves PolicyName out of AttachedManagedPolicies in GAAD;
			// a managed policy's name is the last segment of its ARN.
			name = nameFromARN(arn)
		}
		out = append(out, gaadAttached{PolicyName: name, PolicyArn: arn})
	}
	return out
}

func boundary(in *types.AttachedPermissionsBoundary) *gaadBoundary {
	if in == nil || aws.ToString(in.PermissionsBoundaryArn) == "" {
		return nil
	}
	return &gaadBoundary{PermissionsBoundaryType: string(in.PermissionsBoundaryType), PermissionsBoundaryArn: aws.ToString(in.PermissionsBoundaryArn)}
}

func tags(in []types.Tag) []gaadTag {
	if len(in) == 0 {
		return nil
	}
	out := make([]gaadTag, 0, len(in))
	for _, t := range in {
		out = append(out, gaadTag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return out
}

func fromUser(u types.UserDetail) gaadUser {
	groups := u.GroupList
	if groups == nil {
		groups = []string{}
	}
	return gaadUser{
		Path:                    aws.ToString(u.Path),
		UserName:                aws.ToString(u.UserName),
		UserID:                  aws.ToString(u.UserId),
		Arn:                     aws.ToString(u.Arn),
		CreateDate:              rfc3339(u.CreateDate),
		UserPolicyList:          inlines(u.UserPolicyList),
		GroupList:               groups,
		AttachedManagedPolicies: attached(u.AttachedManagedPolicies),
		PermissionsBoundary:     boundary(u.PermissionsBoundary),
		Tags:                    tags(u.Tags),
	}
}

func fromGroup(g types.GroupDetail) gaadGroup {
	return gaadGroup{
		Path:                    aws.ToString(g.Path),
		GroupName:               aws.ToString(g.GroupName),
		GroupID:                 aws.ToString(g.GroupId),
		Arn:                     aws.ToString(g.Arn),
		CreateDate:              rfc3339(g.CreateDate),
		GroupPolicyList:         inlines(g.GroupPolicyList),
		AttachedManagedPolicies: attached(g.AttachedManagedPolicies),
	}
}

func fromRole(r types.RoleDetail) gaadRole {
	out := gaadRole{
		Path:                     aws.ToString(r.Path),
		RoleName:                 aws.ToString(r.RoleName),
		RoleID:                   aws.ToString(r.RoleId),
		Arn:                      aws.ToString(r.Arn),
		CreateDate:               rfc3339(r.CreateDate),
		AssumeRolePolicyDocument: aws.ToString(r.AssumeRolePolicyDocument),
		InstanceProfileList:      make([]gaadInstanceProfile, 0, len(r.InstanceProfileList)),
		RolePolicyList:           inlines(r.RolePolicyList),
		AttachedManagedPolicies:  attached(r.AttachedManagedPolicies),
		PermissionsBoundary:      boundary(r.PermissionsBoundary),
		Tags:                     tags(r.Tags),
	}
	for _, ip := range r.InstanceProfileList {
		p := gaadInstanceProfile{
			Path:                aws.ToString(ip.Path),
			InstanceProfileName: aws.ToString(ip.InstanceProfileName),
			InstanceProfileID:   aws.ToString(ip.InstanceProfileId),
			Arn:                 aws.ToString(ip.Arn),
			CreateDate:          rfc3339(ip.CreateDate),
			Roles:               make([]gaadInstanceProfileRole, 0, len(ip.Roles)),
			Tags:                tags(ip.Tags),
		}
		for _, pr := range ip.Roles {
			p.Roles = append(p.Roles, gaadInstanceProfileRole{
				Path:       aws.ToString(pr.Path),
				RoleName:   aws.ToString(pr.RoleName),
				RoleID:     aws.ToString(pr.RoleId),
				Arn:        aws.ToString(pr.Arn),
				CreateDate: rfc3339(pr.CreateDate),
			})
		}
		out.InstanceProfileList = append(out.InstanceProfileList, p)
	}
	if lu := r.RoleLastUsed; lu != nil && (lu.LastUsedDate != nil || aws.ToString(lu.Region) != "") {
		out.RoleLastUsed = &gaadRoleLastUsed{LastUsedDate: rfc3339(lu.LastUsedDate), Region: aws.ToString(lu.Region)}
	}
	return out
}

func fromPolicy(p types.ManagedPolicyDetail) gaadPolicy {
	out := gaadPolicy{
		PolicyName:                    aws.ToString(p.PolicyName),
		PolicyID:                      aws.ToString(p.PolicyId),
		Arn:                           aws.ToString(p.Arn),
		Path:                          aws.ToString(p.Path),
		DefaultVersionID:              aws.ToString(p.DefaultVersionId),
		AttachmentCount:               aws.ToInt32(p.AttachmentCount),
		PermissionsBoundaryUsageCount: aws.ToInt32(p.PermissionsBoundaryUsageCount),
		IsAttachable:                  p.IsAttachable,
		Description:                   aws.ToString(p.Description),
		CreateDate:                    rfc3339(p.CreateDate),
		UpdateDate:                    rfc3339(p.UpdateDate),
		PolicyVersionList:             make([]gaadVersion, 0, len(p.PolicyVersionList)),
	}
	if out.PolicyName == "" {
		out.PolicyName = nameFromARN(out.Arn)
	}
	for _, v := range p.PolicyVersionList {
		out.PolicyVersionList = append(out.PolicyVersionList, gaadVersion{
			Document:         aws.ToString(v.Document),
			VersionID:        aws.ToString(v.VersionId),
			IsDefaultVersion: v.IsDefaultVersion,
			CreateDate:       rfc3339(v.CreateDate),
		})
	}
	return out
}
