package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
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
