package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A request carries only the condition keys the Service Authorization
// Reference lists for its action (plus global aws: keys), and applies to the
// action's resource types: can, can --batch and who-can ignore a -c key the
// action never carries, and say so, each the same way.
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func TestContextAndResourceWarnings(t *testing.T) {
	batch := filepath.Join(t.TempDir(), "b.jsonl")
	line := `{"principal":"carol","action":"s3:GetObject","resource":"arn:aws:s3:::acme-config/x","context":{"s3:prefix":"x"}}` + "\n"
	if err := os.WriteFile(batch, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string // in stderr and in the JSON warnings
	}{
		{"can: a service key the action never carries is ignored", []string{"can", "carol", "s3:GetObject", "arn:aws:s3:::acme-config/x", "-c", "s3:prefix=x"}, "-c s3:prefix: s3:GetObject never carries this key"},
		{"who-can: the same key is ignored the same way", []string{"who-can", "s3:GetObject", "arn:aws:s3:::acme-config/x", "-c", "s3:prefix=x"}, "-c s3:prefix: s3:GetObject never carries this key"},
		{"can --batch: the same key is ignored per line", []string{"can", "--batch", batch}, "s3:GetObject never carries this key"},
		{"an action with no resource type is authorized on *", []string{"can", "alice", "iam:ListUsers", "arn:aws:iam::111122223333:role/DeployRole"}, "iam:ListUsers takes no resource type"},
		{"a resource of another type", []string{"who-can", "iam:CreateUser", "arn:aws:iam::111122223333:role/DeployRole"}, "is not a resource iam:CreateUser applies to"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, _ := runCLI(t, "", append(tc.args, "--demo", "--json")...)
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q lacks %q", errOut, tc.want)
			}
			var ans struct {
				Warnings []string `json:"warnings"`
			}
			// The first answer (a batch writes one per line).
			if err := json.NewDecoder(strings.NewReader(out)).Decode(&ans); err != nil {
				t.Fatalf("not JSON: %v: %q", err, out)
			}
			if !strings.Contains(strings.Join(ans.Warnings, "\n"), tc.want) {
				t.Errorf("JSON warnings %q lack %q", ans.Warnings, tc.want)
			}
		})
	}
	t.Run("keys the action carries bring no warning", func(t *testing.T) {
		_, errOut, _ := runCLI(t, "", "can", "carol", "s3:ListBucket", "arn:aws:s3:::acme-config", "-c", "s3:prefix=x", "-c", "aws:SourceIp=192.0.2.1", "--demo")
		if strings.Contains(errOut, "never carries") {
			t.Errorf("warned about a key s3:ListBucket carries: %q", errOut)
		}
	})
}
