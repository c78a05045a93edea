package model

// CredentialReportRow is one row of the IAM credential report, with the CSV's
// column names and its raw values ("true", "false", "N/A", "no_information",
// "not_supported", ISO 8601 times), so nothing is lost in translation.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
type CredentialReportRow struct {
	User                      string `json:"user"`
	ARN                       string `json:"arn"`
	UserCreationTime          string `json:"user_creation_time"`
	PasswordEnabled           string `json:"password_enabled"`
	PasswordLastUsed          string `json:"password_last_used"`
	PasswordLastChanged       string `json:"password_last_changed"`
	PasswordNextRotation      string `json:"password_next_rotation"`
	MFAActive                 string `json:"mfa_active"`
	AccessKey1Active          string `json:"access_key_1_active"`
	AccessKey1LastRotated     string `json:"access_key_1_last_rotated"`
	AccessKey1LastUsedDate    string `json:"access_key_1_last_used_date"`
	AccessKey1LastUsedRegion  string `json:"access_key_1_last_used_region"`
	AccessKey1LastUsedService string `json:"access_key_1_last_used_service"`
	AccessKey2Active          string `json:"access_key_2_active"`
	AccessKey2LastRotated     string `json:"access_key_2_last_rotated"`
	AccessKey2LastUsedDate    string `json:"access_key_2_last_used_date"`
	AccessKey2LastUsedRegion  string `json:"access_key_2_last_used_region"`
	AccessKey2LastUsedService string `json:"access_key_2_last_used_service"`
	Cert1Active               string `json:"cert_1_active"`
	Cert1LastRotated          string `json:"cert_1_last_rotated"`
	Cert2Active               string `json:"cert_2_active"`
	Cert2LastRotated          string `json:"cert_2_last_rotated"`
}

// CredentialReportColumns is the header of the credential report CSV, in order.
var CredentialReportColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}
