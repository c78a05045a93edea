package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamx/iamx/loader"
)

func runSnapshotCmd(args ...string) (stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(context.Background(), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, append([]string{"snapshot"}, args...))
	return errb.String(), code
}

// iamx snapshot [SOURCE] -o FILE (DESIGN.md §2, §3): writes an iamx
// snapshot, gzip for .gz, mode 0600, that loads to the same account.
func TestSnapshotCommandWrites(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		out     string
		summary string
	}{
		{"demo", []string{"--demo", "-o"}, "demo.json", "account 111122223333 (acme-prod), 6 users, 3 groups, 9 roles"},
		{"demo with --output, gzipped", []string{"--demo", "--output"}, "demo.json.gz", "6 users"},
		{"flags after -o", []string{"-o"}, "late.json", "6 users"},
		{"GAAD converted", []string{"--snapshot", "testdata/gaad/raw-api.json", "-o"}, "gaad.json", "account 123456789012, 2 users, 1 group, 2 roles, 2 managed policies, 0 credential report rows, 0 warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.out)
			args := append(append([]string{}, tt.args...), out)
			if tt.name == "flags after -o" {
				args = append(args, "--demo")
			}
			stderr, code := runSnapshotCmd(args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "wrote "+out) || !strings.Contains(stderr, tt.summary) {
				t.Errorf("summary %q lacks %q", stderr, tt.summary)
			}
			st, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", st.Mode().Perm())
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if gz := data[0] == 0x1f && data[1] == 0x8b; gz != strings.HasSuffix(out, ".gz") {
				t.Errorf("gzip = %v", gz)
			}
			written, err := loader.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			orig, err := loader.Demo()
			if i := indexOf(tt.args, "--snapshot"); i >= 0 {
				orig, err = loader.ReadFile(tt.args[i+1])
			}
			if err != nil {
				t.Fatal(err)
			}
			orig.Source, written.Source = "", ""
			if !reflect.DeepEqual(orig, written) {
				t.Error("the written snapshot does not load to the source's account")
			}
		})
	}
}

// Load warnings are printed and kept in the written file; a malformed
// document does not stop the conversion.
func TestSnapshotCommandKeepsWarnings(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bad.json")
	stderr, code := runSnapshotCmd("--snapshot", "testdata/gaad/bad-docs.json", "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: roles[1] (jenkins-deploy).AssumeRolePolicyDocument.Statement[0].Principal") || !strings.Contains(stderr, "5 warnings") {
		t.Errorf("stderr = %q", stderr)
	}
	s, err := loader.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 5 {
		t.Errorf("written file has %d warnings, want 5", len(s.Warnings))
	}
}

// Usage and input errors exit 2 with one line naming the fault, and write
// nothing (DESIGN.md §2).
func TestSnapshotCommandErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing -o", []string{"--demo"}, "-o FILE is required"},
		{"-o without a value", []string{"--demo", "-o"}, "flag needs an argument"},
		{"unexpected argument", []string{"--demo", "extra", "-o", out}, `unexpected argument "extra"`},
		{"unknown flag", []string{"--demo", "--bogus", "-o", out}, "bogus"},
		{"two sources", []string{"--demo", "--snapshot", "testdata/gaad/cli.json", "-o", out}, "cannot be combined"},
		{"two snapshot files", []string{"--snapshot", "testdata/gaad/cli.json", "--snapshot", "testdata/gaad/raw-api.json", "-o", out}, "one account per snapshot file"},
		{"missing input names the file", []string{"--snapshot", filepath.Join(dir, "nope.json"), "-o", out}, filepath.Join(dir, "nope.json") + ": no such file"},
		{"unwritable output names the file", []string{"--demo", "-o", filepath.Join(dir, "no-dir", "x.json")}, filepath.Join(dir, "no-dir", "x.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stderr, code := runSnapshotCmd(tt.args...)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
			if strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "goroutine") {
				t.Errorf("stderr is not one line: %q", stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a file was written despite the error")
			}
		})
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// snapshot -o - writes the snapshot to standard output, and --snapshot -
// reads one from standard input (DESIGN.md §2): the two make a pipe.
func TestSnapshotThroughStandardStreams(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, []string{"snapshot", "--demo", "-o", "-"})
	if code != exitOK {
		t.Fatalf("snapshot -o -: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "wrote standard output") {
		t.Errorf("summary %q", errb.String())
	}
	var out2, errb2 bytes.Buffer
	code = run(context.Background(), &env{stdin: bytes.NewReader(out.Bytes()), stdout: &out2, stderr: &errb2}, []string{"who-can", "iam:CreateUser", "--snapshot", "-", "--json"})
	if code != exitOK {
		t.Fatalf("who-can --snapshot -: exit %d: %s", code, errb2.String())
	}
	if !strings.Contains(out2.String(), `"principals"`) {
		t.Errorf("who-can from standard input: %s", out2.String())
	}
	var errb3 bytes.Buffer
	code = run(context.Background(), &env{stdin: strings.NewReader("\x00\x00"), stdout: &bytes.Buffer{}, stderr: &errb3}, []string{"who-can", "iam:CreateUser", "--snapshot", "-"})
	if code != exitError || !strings.HasPrefix(errb3.String(), "iamx: standard input: not JSON") {
		t.Errorf("garbage on standard input: exit %d, %q", code, errb3.String())
	}
}

// -o DIR is an error that says so, and leaves the directory alone.
func TestSnapshotOutputIsADirectory(t *testing.T) {
	dir := t.TempDir()
	stderr, code := runSnapshotCmd("--demo", "-o", dir)
	if code != exitError || stderr != "iamx: write "+dir+": is a directory\n" {
		t.Fatalf("exit %d, %q", code, stderr)
	}
}
