package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/tui"
)

// Without a terminal the explorer cannot run; it still names a broken
// snapshot first, in one line with exit status 2, as the command-line
// contract asks of every input error.
func TestExplorerWithoutTerminal(t *testing.T) {
	if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		tty.Close()
		t.Skip("a terminal is attached: this test needs to run without one (as in CI)")
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing snapshot names the file", []string{"--snapshot", "/nonexistent/acct.json"}, "/nonexistent/acct.json: no such file"},
		{"missing SCP file names the file", []string{"--demo", "--scp", "/nonexistent/scp.json"}, "/nonexistent/scp.json: no such file"},
		{"good source says a terminal is needed", []string{"--demo"}, "the explorer needs a terminal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}, tc.args)
			if code != exitError || !strings.Contains(stderr.String(), tc.want) || strings.Count(stderr.String(), "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line containing %q", code, stderr.String(), tc.want)
			}
		})
	}
}

// The query commands and the explorer load through one pipeline: for the
// same SOURCE flags they get the same graph with the same load warnings,
// or the same error; the commands summarise the warnings on stderr, the
// explorer's progress view sees each step (reading, indexing) end, with
// the error when one fails. Usage errors come before any file is read.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestOneLoadPipeline(t *testing.T) {
	bad := filepath.Join("testdata", "gaad", "bad-docs.json")
	cases := []struct {
		name     string
		args     []string
		err      string // "" when the load succeeds
		warnings int    // load warnings of the graph
	}{
		{"the demo loads cleanly", []string{"--demo"}, "", 0},
		{"a snapshot with malformed documents loads with its warnings", []string{"--snapshot", bad}, "", 5},
		{"a missing snapshot names the file", []string{"--snapshot", "/nonexistent/acct.json"}, "/nonexistent/acct.json", 0},
		{"a missing SCP file is found before the snapshot is read", []string{"--snapshot", "/nonexistent/acct.json", "--scp", "/nonexistent/scp.json"}, "/nonexistent/scp.json", 0},
		{"two kinds of source are a usage error before any file", []string{"--demo", "--snapshot", bad, "--scp", "/nonexistent/scp.json"}, "--demo and --snapshot cannot be combined", 0},
		{"live-only flags with a file are a usage error", []string{"--snapshot", bad, "--services", "s3"}, "--services and --regions are for live capture", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			flags := func() *sourceFlags {
				var src sourceFlags
				fs := newFlagSet("test")
				src.register(fs)
				if _, err := parseArgs(fs, tc.args); err != nil {
					t.Fatal(err)
				}
				return &src
			}
			var stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr}
			gc, errc := sourceGraph(context.Background(), e, flags())
			var steps []tui.Progress
			ge, erre := exploreLoad(context.Background(), e, flags(), func(p tui.Progress) { steps = append(steps, p) })

			if tc.err != "" {
				if errc == nil || erre == nil || errc.Error() != erre.Error() || !strings.Contains(errc.Error(), tc.err) {
					t.Fatalf("errors: commands %v, explorer %v; want the same, naming %q", errc, erre, tc.err)
				}
				for _, s := range steps {
					if s.Err != nil && s.Err.Error() != erre.Error() {
						t.Errorf("step %q failed with %v, the load with %v", s.Stream, s.Err, erre)
					}
				}
				return
			}
			if errc != nil || erre != nil {
				t.Fatalf("errors: commands %v, explorer %v", errc, erre)
			}
			wc, we := answer.WarningsOf(gc).All, answer.WarningsOf(ge).All
			if !reflect.DeepEqual(wc, we) || len(wc) != tc.warnings {
				t.Errorf("warnings: commands %v, explorer %v; want the same %d", wc, we, tc.warnings)
			}
			if len(gc.Nodes()) != len(ge.Nodes()) || len(gc.Nodes()) == 0 {
				t.Errorf("nodes: commands %d, explorer %d", len(gc.Nodes()), len(ge.Nodes()))
			}
			if got := strings.Count(stderr.String(), "iamx: warning: "); (got > 0) != (tc.warnings > 0) {
				t.Errorf("the commands' stderr has %d warning lines for %d warnings:\n%s", got, tc.warnings, stderr.String())
			}
			done := map[string]bool{}
			for _, s := range steps {
				if s.Done {
					done[s.Stream] = true
				}
			}
			if !done["indexing"] || len(done) != 2 {
				t.Errorf("explorer saw these steps end: %v; want reading and indexing", done)
			}
		})
	}
}
