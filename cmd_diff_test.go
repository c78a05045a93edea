package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden/")

// diffPair writes the demo account and a changed copy of it: a new admin
// user (eve), a new broad customer policy attached to bob, old-contractor
// removed, and VendorAuditRole's trust without its sts:ExternalId and with
// one more account. alice is unchanged and must not appear.
func diffPair(t *testing.T) (dir, oldPath, newPath string) {
	t.Helper()
	dir = t.TempDir()
	old, err := loader.Demo()
	if err != nil {
		t.Fatal(err)
	}
	oldPath = filepath.Join(dir, "old.json")
	if err := loader.WriteFile(oldPath, old); err != nil {
		t.Fatal(err)
	}
	cur, err := loader.Demo()
	if err != nil {
		t.Fatal(err)
	}
	cur.CapturedAt = cur.CapturedAt.Add(24 * 3600e9)
	doc := func(text string) model.Document {
		p, err := policy.Parse([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return model.Document{JSON: []byte(text), Policy: p}
	}
	acct := "arn:aws:iam::111122223333:"
	cur.Users = append(cur.Users, &model.User{Path: "/", Name: "eve", ID: "AIDAR4EVEEXAMPLE0007", ARN: acct + "user/eve",
		CreateDate:       cur.CapturedAt.Add(-3600e9),
		AttachedPolicies: []model.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}})
	cur.Policies = append(cur.Policies, &model.ManagedPolicy{Name: "BroadAccess", ID: "ANPAR4BROADACCESS008", ARN: acct + "policy/BroadAccess", Path: "/",
		DefaultVersionID: "v1", AttachmentCount: 1, IsAttachable: true,
		Versions: []model.PolicyVersion{{VersionID: "v1", IsDefaultVersion: true,
			Document: doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Broad","Effect":"Allow","Action":["s3:*","iam:PassRole"],"Resource":"*"}]}`)}}})
	var users []*model.User
	for _, u := range cur.Users {
		switch u.Name {
		case "old-contractor":
			continue
		case "bob":
			u.AttachedPolicies = append(u.AttachedPolicies, model.AttachedPolicy{Name: "BroadAccess", ARN: acct + "policy/BroadAccess"})
		}
		users = append(users, u)
	}
	cur.Users = users
	var rows []model.CredentialReportRow
	for _, r := range cur.CredentialReport {
		if r.User != "old-contractor" {
			rows = append(rows, r)
		}
	}
	cur.CredentialReport = rows
	for _, r := range cur.Roles {
		if r.Name == "VendorAuditRole" {
			r.TrustPolicy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999988887777:root","arn:aws:iam::777766665555:root"]},"Action":"sts:AssumeRole"}]}`)
		}
	}
	newPath = filepath.Join(dir, "new.json")
	if err := loader.WriteFile(newPath, cur); err != nil {
		t.Fatal(err)
	}
	return dir, oldPath, newPath
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", name, got)
	}
}

func TestDiffGolden(t *testing.T) {
	dir, oldPath, newPath := diffPair(t)
	text, stderr, code := runCLI(t, "", "diff", oldPath, newPath)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	js, stderr, code := runCLI(t, "", "diff", oldPath, newPath, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "diff.txt", strings.ReplaceAll(text, dir, "TMP"))
	golden(t, "diff.json", strings.ReplaceAll(js, dir, "TMP"))
}

// The story of the pair, read from the JSON answer rather than the golden
// file, so that a wrong golden cannot hide it.
func TestDiffDemoPair(t *testing.T) {
	_, oldPath, newPath := diffPair(t)
	out, stderr, code := runCLI(t, "", "diff", oldPath, newPath, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var d struct {
		Old, New struct {
			Account    string `json:"account"`
			CapturedAt string `json:"captured_at"`
			File       string `json:"file"`
		}
		Changes []struct {
			Change, Kind, ARN string
			Details           []string
		}
		Effects []struct {
			Effect, Principal, Severity, Detail string
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Old.Account != "111122223333" || d.New.File != newPath || d.Old.CapturedAt == d.New.CapturedAt {
		t.Fatalf("old/new = %+v / %+v", d.Old, d.New)
	}
	changes := map[string]string{}
	for _, c := range d.Changes {
		changes[c.Change+" "+c.Kind+" "+c.ARN] = strings.Join(c.Details, "; ")
	}
	acct := "arn:aws:iam::111122223333:"
	for _, want := range []string{
		"added user " + acct + "user/eve",
		"added policy " + acct + "policy/BroadAccess",
		"modified user " + acct + "user/bob",
		"removed user " + acct + "user/contractors/old-contractor",
		"modified role " + acct + "role/VendorAuditRole",
	} {
		if _, ok := changes[want]; !ok {
			t.Errorf("no change %q in %v", want, changes)
		}
	}
	if len(changes) != 5 {
		t.Errorf("%d changes, want 5: %v", len(changes), changes)
	}
	if s := changes["modified user "+acct+"user/bob"]; !strings.Contains(s, "attached policy "+acct+"policy/BroadAccess") {
		t.Errorf("bob's change = %q", s)
	}
	if s := changes["modified role "+acct+"role/VendorAuditRole"]; !strings.Contains(s, "trust policy: - ") || !strings.Contains(s, "sts:ExternalId") {
		t.Errorf("VendorAuditRole's change = %q", s)
	}
	effects := map[string]string{}
	for _, e := range d.Effects {
		effects[e.Effect+" "+e.Principal] = e.Severity
		if strings.HasSuffix(e.Principal, "user/alice") {
			t.Errorf("alice is unchanged, yet: %+v", e)
		}
	}
	for want, sev := range map[string]string{
		"new-admin " + acct + "user/eve":                             "critical",
		"permissions-gained " + acct + "user/bob":                    "",
		"external-id-dropped " + acct + "role/VendorAuditRole":       "high",
		"trust-new-outside-account " + acct + "role/VendorAuditRole": "high",
	} {
		got, ok := effects[want]
		if !ok || sev != "" && got != sev {
			t.Errorf("effect %q = %q (present %v), want %q", want, got, ok, sev)
		}
	}
	if d.Effects[0].Severity != "critical" {
		t.Errorf("first effect %+v: most severe first", d.Effects[0])
	}
}

func TestDiffCommandErrors(t *testing.T) {
	_, oldPath, _ := diffPair(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"one argument", []string{"diff", oldPath}, "expected OLD and NEW"},
		{"a missing file", []string{"diff", oldPath, oldPath + ".missing"}, ".missing"},
		{"both from standard input", []string{"diff", "-", "-"}, "standard input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", tc.args...)
			if code != exitError || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want 2 and one line naming %q", code, stderr, tc.want)
			}
		})
	}
}
