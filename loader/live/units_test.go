package live

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamx/iamx/model"
)

// The credential report is CSV with a header row; columns are read by name.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
func TestParseCredentialReport(t *testing.T) {
	header := strings.Join(model.CredentialReportColumns, ",")
	tests := []struct {
		name    string
		csv     string
		want    []model.CredentialReportRow
		wantErr string
	}{
		{
			name: "root account row and a user row",
			csv: header + "\n" +
				"<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
				"alice,arn:aws:iam::123456789012:user/alice,2021-02-03T04:05:06+00:00,true,no_information,2021-02-03T04:05:06+00:00,N/A,false,true,2021-02-03T04:05:06+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
			want: []model.CredentialReportRow{
				{User: "<root_account>", ARN: "arn:aws:iam::123456789012:root", UserCreationTime: "2020-01-01T00:00:00+00:00", PasswordEnabled: "not_supported", PasswordLastUsed: "2024-05-01T10:00:00+00:00", PasswordLastChanged: "not_supported", PasswordNextRotation: "not_supported", MFAActive: "true", AccessKey1Active: "false", AccessKey1LastRotated: "N/A", AccessKey1LastUsedDate: "N/A", AccessKey1LastUsedRegion: "N/A", AccessKey1LastUsedService: "N/A", AccessKey2Active: "false", AccessKey2LastRotated: "N/A", AccessKey2LastUsedDate: "N/A", AccessKey2LastUsedRegion: "N/A", AccessKey2LastUsedService: "N/A", Cert1Active: "false", Cert1LastRotated: "N/A", Cert2Active: "false", Cert2LastRotated: "N/A"},
				{User: "alice", ARN: "arn:aws:iam::123456789012:user/alice", UserCreationTime: "2021-02-03T04:05:06+00:00", PasswordEnabled: "true", PasswordLastUsed: "no_information", PasswordLastChanged: "2021-02-03T04:05:06+00:00", PasswordNextRotation: "N/A", MFAActive: "false", AccessKey1Active: "true", AccessKey1LastRotated: "2021-02-03T04:05:06+00:00", AccessKey1LastUsedDate: "N/A", AccessKey1LastUsedRegion: "N/A", AccessKey1LastUsedService: "N/A", AccessKey2Active: "false", AccessKey2LastRotated: "N/A", AccessKey2LastUsedDate: "N/A", AccessKey2LastUsedRegion: "N/A", AccessKey2LastUsedService: "N/A", Cert1Active: "false", Cert1LastRotated: "N/A", Cert2Active: "false", Cert2LastRotated: "N/A"},
			},
		},
		{
			name: "columns AWS adds later are ignored and missing ones stay empty",
			csv:  "user,arn,mfa_active,some_future_column\nbob,arn:aws:iam::123456789012:user/bob,true,x\n",
			want: []model.CredentialReportRow{{User: "bob", ARN: "arn:aws:iam::123456789012:user/bob", MFAActive: "true"}},
		},
		{
			name: "columns in another order are read by name",
			csv:  "user,arn,access_key_1_active,password_enabled\ncarol,arn:aws:iam::123456789012:user/carol,true,false\n",
			want: []model.CredentialReportRow{{User: "carol", ARN: "arn:aws:iam::123456789012:user/carol", AccessKey1Active: "true", PasswordEnabled: "false"}},
		},
		{name: "empty report has no rows", csv: ""},
		{name: "header only has no rows", csv: header + "\n"},
		{name: "not a credential report", csv: "name,value\na,b\n", wantErr: `header starts ["name" "value"]`},
		{name: "broken quoting names the line", csv: header + "\n\"alice,arn\n", wantErr: "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCredentialReport([]byte(tt.csv))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d rows, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d = %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// RoleSessionName allows [\w+=,.@-] and at most 64 characters.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
func TestDefaultSessionName(t *testing.T) {
	tests := []struct{ name, caller, want string }{
		{"IAM user", "arn:aws:iam::123456789012:user/eng/alice", "iamx-alice"},
		{"SSO session keeps the e-mail", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com", "iamx-alice@example.com"},
		{"root", "arn:aws:iam::123456789012:root", "iamx-root"},
		{"disallowed characters become _", "arn:aws:sts::123456789012:assumed-role/R/who am i", "iamx-who_am_i"},
		{"cut to 64 characters", "arn:aws:iam::123456789012:user/" + strings.Repeat("a", 80), "iamx-" + strings.Repeat("a", 59)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := defaultSessionName(tt.caller); got != tt.want {
				t.Errorf("defaultSessionName(%q) = %q, want %q", tt.caller, got, tt.want)
			}
		})
	}
}

// Only AWS managed policies in use are kept; GAAD's AWSManagedPolicy filter
// returns every one. Customer managed policies are always kept.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestPoliciesInUse(t *testing.T) {
	att := func(arn string) []types.AttachedPolicy { return []types.AttachedPolicy{{PolicyArn: aws.String(arn)}} }
	pol := func(arn string, attached, boundary int32) types.ManagedPolicyDetail {
		return types.ManagedPolicyDetail{Arn: aws.String(arn), AttachmentCount: aws.Int32(attached), PermissionsBoundaryUsageCount: aws.Int32(boundary)}
	}
	doc := gaadDoc{
		UserDetailList: []types.UserDetail{{UserName: aws.String("u"), AttachedManagedPolicies: att("arn:aws:iam::aws:policy/ReadOnlyAccess"),
			PermissionsBoundary: &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}}},
		GroupDetailList: []types.GroupDetail{{GroupName: aws.String("g"), AttachedManagedPolicies: att("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")}},
		Policies: []types.ManagedPolicyDetail{
			pol("arn:aws:iam::aws:policy/ReadOnlyAccess", 0, 0),              // attached to a user
			pol("arn:aws:iam::aws:policy/PowerUserAccess", 0, 0),             // a user's boundary
			pol("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", 0, 0), // attached to a group
			pol("arn:aws:iam::aws:policy/SecurityAudit", 1, 0),               // IAM says attached
			pol("arn:aws:iam::aws:policy/AmazonS3FullAccess", 0, 2),          // IAM says boundary
			pol("arn:aws:iam::aws:policy/AdministratorAccess", 0, 0),         // unused: dropped
			pol("arn:aws:iam::123456789012:policy/unused-customer", 0, 0),    // customer: kept
			pol("arn:aws-cn:iam::aws:policy/AmazonEC2FullAccess", 0, 0),      // unused, other partition: dropped
		},
	}
	var got []string
	for _, p := range policiesInUse(doc) {
		got = append(got, aws.ToString(p.Arn))
	}
	want := []string{
		"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/PowerUserAccess",
		"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit",
		"arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::123456789012:policy/unused-customer",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("policiesInUse kept\n%v\nwant\n%v", got, want)
	}
}

// The progress line shows streams in a fixed order with counts, pages and outcome.
func TestStatusLine(t *testing.T) {
	var s Status
	s.Update(Progress{Stream: StreamCaller, Pages: 1, Items: 1, Done: true})
	s.Update(Progress{Stream: StreamRoles, Pages: 2, Items: 150})
	s.Update(Progress{Stream: StreamUsers, Pages: 1, Items: 40, Done: true})
	s.Update(Progress{Stream: StreamCredentialReport, Pages: 1, Done: true, Warning: "denied"})
	s.Update(Progress{Stream: StreamGroups, Done: true, Err: errors.New("boom")})
	s.Update(Progress{Stream: StreamAliases, Pages: 1, Items: 1, Done: true})
	want := "users 40 · groups 0 failed · roles 150 (2 pages) … · alias ✓ · report denied"
	if got := s.String(); got != want {
		t.Errorf("Status = %q, want %q", got, want)
	}
}
