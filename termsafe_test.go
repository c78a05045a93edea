package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/testdata/hostile"
)

// Every text answer over a file whose names, tags, Sids, condition values,
// alias and warnings carry escape sequences (SGR 8, OSC 52), C1 controls,
// DEL, bidi overrides and newlines prints them escaped, on stdout and on
// stderr alike; --json stays exact.
//
// https://invisible-island.net/xterm/ctlseqs/ctlseqs.html
// https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters
func TestTextOutputEscapesFileData(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hostile.json")
	if err := loader.WriteFile(file, hostile.Snapshot()); err != nil {
		t.Fatal(err)
	}
	user := hostile.ARN("user", hostile.User)
	role := hostile.ARN("role", hostile.Role)
	bucket := "arn:aws:s3:::bucket" + hostile.Payload + "/x"
	cases := []struct {
		name string
		args []string
	}{
		{"can: allowed, with the deciding Sid and the trace", []string{"can", user, "s3:GetObject", bucket}},
		{"can: conditional on a tag key from the file", []string{"can", user, "s3:GetObject", bucket, "-c", "aws:PrincipalTag/team" + hostile.Payload + "=x"}},
		{"can: the role's trust policy decides", []string{"can", user, "sts:AssumeRole", role}},
		{"can: denied", []string{"can", role, "sts:AssumeRole", user}},
		{"can: an unknown principal quoted in the error", []string{"can", "nobody" + hostile.Payload, "s3:GetObject"}},
		{"can: an unknown action quoted in the warning", []string{"can", user, "s3:GetObjekt" + hostile.Payload}},
		{"who-can: every principal", []string{"who-can", "s3:GetObject", bucket}},
		{"who-can: assume the role", []string{"who-can", "sts:AssumeRole", role}},
		{"perms of the user", []string{"perms", user}},
		{"perms of the user, every action", []string{"perms", user, "--all", "--service", "s3"}},
		{"perms of the role", []string{"perms", role}},
		{"chains from the user", []string{"chains", user}},
		{"chains into the role", []string{"chains", "--to", role}},
		{"chains from the user to the role", []string{"chains", user, "--to", role}},
		{"snapshot: warnings and the summary", []string{"snapshot", "-o", filepath.Join(dir, "out.json")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", append(c.args, "--snapshot", file)...)
			if out == "" && errOut == "" {
				t.Fatalf("no output (exit %d)", code)
			}
			for stream, text := range map[string]string{"stdout": out, "stderr": errOut} {
				for i, line := range strings.Split(text, "\n") {
					if !termsafe.Safe(line) {
						t.Errorf("%s line %d reaches the terminal raw: %q", stream, i, line)
					}
					if strings.HasPrefix(strings.TrimLeft(line, " │├└─"), hostile.Forged) {
						t.Errorf("%s line %d was forged by a newline in a name: %q", stream, i, line)
					}
				}
			}
		})
	}
	t.Run("--json keeps the names exact", func(t *testing.T) {
		out, errOut, _ := runCLI(t, "", "can", user, "s3:GetObject", bucket, "--json", "--snapshot", file)
		var ans struct {
			Principal string `json:"principal"`
			Reasons   []struct {
				Sid string `json:"sid"`
			} `json:"reasons"`
		}
		if err := json.Unmarshal([]byte(out), &ans); err != nil {
			t.Fatalf("not JSON: %v\n%s%s", err, out, errOut)
		}
		// encoding/json writes C0 controls (ESC, BEL, newline) as \u escapes;
		// C1, DEL and bidi characters are valid JSON text and stay as they
		// are: JSON is for programs, and its values must be the file's.
		for i := 0; i < len(out); i++ {
			if c := out[i]; c < 0x20 && c != '\n' {
				t.Fatalf("raw control byte %#x in JSON output at %d", c, i)
			}
		}
		if ans.Principal != user || len(ans.Reasons) == 0 || ans.Reasons[0].Sid != hostile.Sid {
			t.Errorf("JSON changed the file's strings: principal %q, reasons %+v", ans.Principal, ans.Reasons)
		}
	})
}
