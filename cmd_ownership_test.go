package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With several --snapshot files, a principal belongs to the file of its own
// account (the account in its ARN): a file claiming another account cannot
// replace it. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
func TestSnapshotCannotImpersonateAnotherAccount(t *testing.T) {
	dir := t.TempDir()
	own := filepath.Join(dir, "acme-prod.json")
	if _, errOut, code := runCLI(t, "", "snapshot", "--demo", "-o", own); code != exitOK {
		t.Fatalf("snapshot: %s", errOut)
	}
	// write saves the demo as account 444455556666, edited by edit.
	write := func(name string, edit func(users []any)) string {
		var d map[string]any
		raw, err := os.ReadFile(own)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		d["account_id"] = "444455556666"
		edit(d["authorization_details"].(map[string]any)["UserDetailList"].([]any))
		out, _ := json.Marshal(d)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	carolAdmin := func(users []any) {
		for _, u := range users {
			if u := u.(map[string]any); u["UserName"] == "carol" {
				u["AttachedManagedPolicies"] = []any{map[string]any{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}}
			}
		}
	}
	impostor := write("impostor.json", carolAdmin)
	copied := write("copy.json", func([]any) {})
	cases := []struct {
		name   string
		files  []string
		code   int
		stderr []string
	}{
		{"a conflicting definition is exit 2 naming both files, impostor first", []string{impostor, own}, exitError,
			[]string{"impostor.json (account 444455556666) defines user arn:aws:iam::111122223333:user/carol", "acme-prod.json"}},
		{"a conflicting definition is exit 2 naming both files, impostor last", []string{own, impostor}, exitError,
			[]string{"impostor.json (account 444455556666) defines user arn:aws:iam::111122223333:user/carol", "acme-prod.json"}},
		{"an identical copy changes nothing", []string{copied, own}, exitDenied, nil},
		{"without the owner's file, its principals are left out with a warning", []string{impostor}, exitError,
			[]string{"left out", "no principal named carol"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"can", "carol", "iam:CreateUser"}
			for _, f := range c.files {
				args = append(args, "--snapshot", f)
			}
			_, errOut, code := runCLI(t, "", args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			for _, w := range c.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
}
