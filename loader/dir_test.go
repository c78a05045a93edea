package loader_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

// writeOrg writes a small generated organization into dir, one GAAD file
// per account, and returns the account IDs in file-name order.
func writeOrg(t *testing.T, dir string, accounts int) []string {
	t.Helper()
	org, err := gen.Org(gen.OrgOptions{Accounts: accounts, Account: gen.Options{Users: 10, Roles: 10, Groups: 2, Policies: 4, Seed: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range org {
		if err := os.WriteFile(filepath.Join(dir, a.ID+".json"), a.GAAD, 0o600); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

func TestReadDirLoadsEverySnapshotFile(t *testing.T) {
	dir := t.TempDir()
	ids := writeOrg(t, dir, 3)
	// A gzipped snapshot is loaded too; other files and subdirectories are not.
	var gz bytes.Buffer
	data, err := os.ReadFile(filepath.Join(dir, ids[4]+".json"))
	if err != nil {
		t.Fatal(err)
	}
	w := gzip.NewWriter(&gz)
	w.Write(data)
	w.Close()
	os.Remove(filepath.Join(dir, ids[4]+".json"))
	os.WriteFile(filepath.Join(dir, ids[4]+".json.gz"), gz.Bytes(), 0o600)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("not a snapshot"), 0o600)
	os.WriteFile(filepath.Join(dir, "capture.log"), []byte("{"), 0o600)
	os.Mkdir(filepath.Join(dir, "old.json"), 0o700)

	var calls []int
	snaps, err := loader.ReadDir(dir, func(done, total int) {
		if total != len(ids) {
			t.Errorf("progress total %d, want %d", total, len(ids))
		}
		calls = append(calls, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range snaps {
		got = append(got, s.AccountID)
	}
	if strings.Join(got, " ") != strings.Join(ids, " ") {
		t.Errorf("loaded %v, want %v in file-name order", got, ids)
	}
	for i, n := range calls {
		if n != i+1 {
			t.Errorf("progress calls %v, want 1..%d in order", calls, len(ids))
			break
		}
	}
	if len(calls) != len(ids) {
		t.Errorf("%d progress calls, want %d", len(calls), len(ids))
	}
}

func TestReadDirErrorsNameWhatFailed(t *testing.T) {
	cases := []struct {
		name  string
		setup func(dir string) // makes the directory faulty
		want  string           // in the error, after the directory path
	}{
		{"an empty directory is an error, not an empty organization",
			func(dir string) {}, "no snapshot files in this directory (*.json, *.json.gz)"},
		{"only other files is an error",
			func(dir string) { os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600) }, "no snapshot files"},
		{"a snapshot file that does not load fails the load and is named",
			func(dir string) {
				writeOrg(t, dir, 1)
				os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"UserDetailList": [`), 0o600)
			}, "broken.json"},
		{"a gzip file that is not gzip is named",
			func(dir string) {
				writeOrg(t, dir, 1)
				os.WriteFile(filepath.Join(dir, "zzz.json.gz"), []byte("plain"), 0o600)
			}, "zzz.json.gz"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.setup(dir)
			_, err := loader.ReadDir(dir, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s and %q", msg, dir, c.want)
			}
		})
	}
	if _, err := loader.ReadDir(filepath.Join(t.TempDir(), "missing"), nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing directory: error %v, want one naming it", err)
	}
}

// Accounts of an organization share their AWS managed policies: loading a
// directory parses each once for all, and the graph sees one document.
func TestReadDirSharesIdenticalDocumentsAcrossAccounts(t *testing.T) {
	dir := t.TempDir()
	writeOrg(t, dir, 3)
	snaps, err := loader.ReadDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:iam::aws:policy/SecurityAudit"
	var first *policy.Policy
	for _, s := range snaps[2:] { // the workload accounts all attach it
		var p *policy.Policy
		for i := range s.Policies {
			if s.Policies[i].ARN == arn {
				p = s.Policies[i].DefaultVersion().Document.Policy
			}
		}
		if p == nil {
			t.Fatalf("%s: no %s", s.AccountID, arn)
		}
		if first == nil {
			first = p
		} else if p != first {
			t.Errorf("%s has its own parsed %s", s.AccountID, arn)
		}
	}
}
