package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// --fail-on gates CI: exit 1 when a finding is at or above the level, 0
// otherwise; a bad level is a usage error (2). The demo has critical
// findings (mallory's escalation) and nothing below low.
func TestFindingsFailOn(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"no gate: findings alone never fail", []string{"findings", "--demo"}, exitOK},
		{"a critical finding fails a critical gate", []string{"findings", "--demo", "--fail-on", "critical"}, exitDenied},
		{"a critical finding fails a lower gate", []string{"findings", "--demo", "--fail-on", "LOW"}, exitDenied},
		{"the gate counts findings hidden by --severity", []string{"findings", "--demo", "--severity", "critical", "--fail-on", "low", "--json"}, exitDenied},
		{"an unknown level is a usage error", []string{"findings", "--demo", "--fail-on", "severe"}, exitError},
		{"an unknown --severity is a usage error", []string{"findings", "--demo", "--severity", "x"}, exitError},
		{"a positional argument is a usage error", []string{"findings", "alice", "--demo"}, exitError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if code == exitError && (stderr == "" || strings.Count(stderr, "\n") != 1) {
				t.Fatalf("want one line on stderr, got %q", stderr)
			}
		})
	}
}

func TestFindingsCommandJSON(t *testing.T) {
	out, stderr, code := runCLI(t, "", "findings", "--demo", "--json", "--severity", "high")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ans struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range ans.Findings {
		for _, k := range []string{"id", "severity", "title", "detail", "evidence"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding %v lacks %q", f["id"], k)
			}
		}
		if f["severity"] != "critical" && f["severity"] != "high" {
			t.Errorf("--severity high listed %v", f["severity"])
		}
		subject, _ := f["principal"].(string)
		if subject == "" {
			subject, _ = f["resource"].(string)
		}
		seen[f["id"].(string)+" "+subject] = true
	}
	for _, want := range []string{
		"escalation-to-admin arn:aws:iam::111122223333:user/mallory",
		"trust-open-to-anyone arn:aws:iam::111122223333:role/LegacyPartnerRole",
		"trust-outside-account arn:aws:iam::111122223333:role/OrganizationAccountAccessRole",
	} {
		if !seen[want] {
			t.Errorf("missing %s", want)
		}
	}
	if seen["escalation-to-admin arn:aws:iam::111122223333:user/carol"] {
		t.Error("carol (read-only) has an escalation finding")
	}
}
