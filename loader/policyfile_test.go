package loader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamx/iamx/model/policy"
)

// --scp FILE takes a service control policy as a bare document or as
// `aws organizations describe-policy` prints it (Policy.Content is the
// document as a string).
//
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
func TestReadPolicyFile(t *testing.T) {
	const scp = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeaveOrg","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`
	tests := []struct {
		name    string
		data    *string
		wantSid string
		wantErr string
	}{
		{"bare SCP document", ptr(scp), "DenyLeaveOrg", ""},
		{"describe-policy output", ptr(`{"Policy":{"PolicySummary":{"Name":"x"},"Content":` + quote(scp) + `}}`), "DenyLeaveOrg", ""},
		{"missing file", nil, "", "no such file"},
		{"empty file", ptr(""), "", "empty file"},
		{"not JSON", ptr("Deny everything"), "", "not JSON"},
		{"bad statement names the place", ptr(`{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`), "", `Statement[0].Effect: expected "Allow" or "Deny"`},
		// SCPs support neither Principal nor NotPrincipal, and a statement
		// needs a Resource or NotResource.
		// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
		{"an SCP statement with a Principal is rejected", ptr(`{"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`), "", "Statement[1]: AWS rejects this statement in a service control policy (Principal is not allowed"},
		{"an SCP statement without Resource is rejected", ptr(`{"Statement":[{"Sid":"D","Effect":"Deny","Action":"iam:*"}]}`), "", "Statement[0] (D): AWS rejects this statement in a service control policy (it has neither Resource nor NotResource"},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "scp"+string(rune('a'+i))+".json")
			if tt.data != nil {
				if err := os.WriteFile(path, []byte(*tt.data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			p, err := ReadPolicyFile(path, policy.KindSCP)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q naming the file", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Statements[0].Sid != tt.wantSid {
				t.Errorf("Sid = %q", p.Statements[0].Sid)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
