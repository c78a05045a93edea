package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// --resources and --org on the command line: who-can lists the outside
// account a bucket policy names (the bucket record needs no account with one
// account loaded), can names the bucket-policy statement, and an SCP from
// the organization file binds the member account.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestResourcesAndOrgFlags(t *testing.T) {
	res := writeFile(t, "r.jsonl", `{"arn":"arn:aws:s3:::reports","type":"AWS::S3::Bucket","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Partner\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999999999999:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports/*\"},{\"Sid\":\"Deployer\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/automation/ci-deployer\"},\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::reports/*\"}]}"}
{"arn":"arn:aws:kms:us-east-1:111122223333:key/k","error":"AccessDeniedException"}
`)
	out, errOut, code := runQuery(t, "who-can", "s3:GetObject", "arn:aws:s3:::reports/q1.csv", "--demo", "--resources", res, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ans struct {
		Principals []struct {
			ARN, Kind, Note string
		} `json:"principals"`
		Assumptions []string `json:"assumptions"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range ans.Principals {
		if p.ARN == "arn:aws:iam::999999999999:root" && p.Kind == "account" && strings.Contains(p.Note, "whose own policies allow it") {
			found = true
		}
	}
	if !found {
		t.Errorf("the partner account is not listed: %s", out)
	}

	out, _, code = runQuery(t, "can", "ci-deployer", "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv", "--demo", "--resources", res, "--json")
	var can struct {
		Decision string `json:"decision"`
		Reasons  []struct {
			Policy, Sid string
		} `json:"reasons"`
	}
	if err := json.Unmarshal([]byte(out), &can); err != nil {
		t.Fatal(err)
	}
	if code != exitOK || can.Decision != "allow" || len(can.Reasons) == 0 || can.Reasons[0].Sid != "Deployer" || can.Reasons[0].Policy != "arn:aws:s3:::reports#bucket policy" {
		t.Errorf("can through the bucket policy: exit %d %s", code, out)
	}

	out, _, _ = runQuery(t, "can", "alice", "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", "--demo", "--resources", res, "--json")
	if !strings.Contains(out, `"assumptions"`) || !strings.Contains(out, "could not be read (AccessDeniedException)") {
		t.Errorf("an unreadable key policy is not said: %s", out)
	}

	org := writeFile(t, "org.json", `{"Organization":{"Id":"o-1","MasterAccountId":"123456789012"},"Roots":[{"Id":"r-1"}],
	"Accounts":[{"Id":"111122223333","ParentId":"r-1"}],
	"Policies":[{"PolicySummary":{"Id":"p-1","Name":"NoIAM","Type":"SERVICE_CONTROL_POLICY"},"Content":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Sid\":\"NoIAM\",\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\"}]}","Targets":[{"TargetId":"r-1"},{"TargetId":"111122223333"}]}]}`)
	out, errOut, code = runQuery(t, "can", "role/ProdAdminRole", "iam:CreateUser", "--demo", "--org", org, "--json")
	if code != exitDenied || !strings.Contains(out, `"explicit-deny"`) || !strings.Contains(out, "NoIAM") {
		t.Errorf("the organization's SCP does not bind: exit %d %s %s", code, out, errOut)
	}

	bad := writeFile(t, "bad.jsonl", `{"arn":"arn:aws:s3:::b"}`)
	_, errOut, code = runQuery(t, "who-can", "s3:GetObject", "--demo", "--resources", bad)
	if code != exitError || !strings.Contains(errOut, "bad.jsonl: line 1.policy: missing") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("a bad resources file: exit %d %q", code, errOut)
	}
}
