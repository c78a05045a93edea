package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// Incidents start from IDs: `perms`, `can` and `chains` take a unique ID or
// an access key ID (DESIGN.md §2), and an answer about a key says whose it
// is and its status.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
func TestCommandsTakeIDs(t *testing.T) {
	gaad := filepath.Join("testdata", "gaad", "cli.json")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string // each must appear
		stderr string
	}{
		{"perms of an access key says whose it is and that it is active",
			[]string{"perms", "AKIAR4MALLORYEX00001", "--demo"}, exitOK,
			[]string{"access key AKIAR4MALLORYEX00001 belongs to arn:aws:iam::111122223333:user/mallory: Active, created 2026-11-20T02:16:03Z", "user/mallory  arn:aws:iam::111122223333:user/mallory"}, ""},
		{"perms of an inactive key says AWS refuses it until it is made active",
			[]string{"perms", "AKIAR4CIDEPLOYER0002", "--demo"}, exitOK,
			[]string{"user/automation/ci-deployer: Inactive", "AWS refuses requests signed with a key that is not active"}, ""},
		{"perms of a user's unique ID is the user's", []string{"perms", "AIDAR4CAROLEXAMPLE003", "--demo"}, exitOK,
			[]string{"user/carol  arn:aws:iam::111122223333:user/carol"}, ""},
		{"can from an access key asks as its user", []string{"can", "AKIAR4MALLORYEX00001", "s3:GetObject", "--demo"}, exitDenied,
			[]string{"user/mallory"}, ""},
		{"chains from a role session's principal ID start at its role", []string{"chains", "AROAR4DEPLOYROLEEX01:session-1", "--demo"}, exitOK,
			[]string{"role/DeployRole"}, ""},
		{"an access key not recorded is an input error", []string{"perms", "AKIAR4NOTRECORDED001", "--demo"}, exitError,
			nil, "no access key AKIAR4NOTRECORDED001 among the keys recorded at capture"},
		{"a GAAD file has no access keys, and the error says so", []string{"perms", "AKIAR4MALLORYEX00001", "--snapshot", gaad}, exitError,
			nil, "access key IDs are not in GAAD files; capture with iamx snapshot to record them"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, c.code, errOut)
			}
			for _, want := range c.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if c.stderr != "" && !strings.Contains(errOut, c.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, c.stderr)
			}
		})
	}

	out, errOut, code := runCLI(t, "", "perms", "AKIAR4BOBEXAMPLE0001", "--demo", "--json")
	if code != exitOK {
		t.Fatalf("perms --json: exit %d, stderr %q", code, errOut)
	}
	var ans struct {
		Principal string           `json:"principal"`
		AccessKey *accessKeyAnswer `json:"access_key"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Principal != "arn:aws:iam::111122223333:user/bob" || ans.AccessKey == nil ||
		ans.AccessKey.ID != "AKIAR4BOBEXAMPLE0001" || ans.AccessKey.Status != "Active" || ans.AccessKey.User != ans.Principal {
		t.Errorf("perms --json of bob's key: principal %q access_key %+v", ans.Principal, ans.AccessKey)
	}
}
