package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The everyday conventions of a command-line tool: --version, COMMAND
// --help (exit 0, that command's usage on stdout), help COMMAND, and flags
// placed before the command.
//
// https://clig.dev/#help
func TestCommandLineConventions(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // must contain
	}{
		{"--version", []string{"--version"}, exitOK, "iamx "},
		{"can --help shows the can usage", []string{"can", "--help"}, exitOK, "iamx can PRINCIPAL ACTION"},
		{"who-can -h", []string{"who-can", "-h"}, exitOK, "iamx who-can ACTION"},
		{"snapshot --help lists -o", []string{"snapshot", "--help"}, exitOK, "-o FILE"},
		{"perms --help", []string{"perms", "--help"}, exitOK, "iamx perms PRINCIPAL"},
		{"chains --help", []string{"chains", "--help"}, exitOK, "iamx chains PRINCIPAL"},
		{"help COMMAND", []string{"help", "chains"}, exitOK, "iamx chains PRINCIPAL"},
		{"--help after other flags", []string{"can", "--demo", "--help"}, exitOK, "iamx can PRINCIPAL ACTION"},
		{"the explorer's --help", []string{"--demo", "--help"}, exitOK, "iamx [SOURCE]"},
		{"SOURCE before the command", []string{"--demo", "can", "carol", "s3:GetObject"}, exitOK, "ALLOWED"},
		{"a valued flag before the command", []string{"--snapshot", "testdata/gaad/cli.json", "who-can", "s3:GetObject", "--json"}, exitOK, `"principals"`},
		{"--json before the command", []string{"--json", "--demo", "who-can", "iam:CreateUser"}, exitOK, `"principals"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) {
				t.Fatalf("exit %d (want %d), stdout lacks %q:\n%s\nstderr: %s", code, tt.code, tt.stdout, out, errOut)
			}
		})
	}
}

// A file named like a command is still a file: hoisting skips flag values.
func TestHoistCommandSkipsFlagValues(t *testing.T) {
	tests := []struct {
		args, want []string
	}{
		{[]string{"--demo", "can", "a", "b"}, []string{"can", "--demo", "a", "b"}},
		{[]string{"--snapshot", "can", "who-can", "x"}, []string{"who-can", "--snapshot", "can", "x"}},
		{[]string{"--snapshot=a.json", "perms", "x"}, []string{"perms", "--snapshot=a.json", "x"}},
		{[]string{"--snapshot", "a.json"}, []string{"--snapshot", "a.json"}},
		{[]string{"can", "--demo"}, []string{"can", "--demo"}},
		{[]string{"--demo", "alice"}, []string{"--demo", "alice"}},
	}
	for _, tt := range tests {
		if got := hoistCommand(slices.Clone(tt.args)); !slices.Equal(got, tt.want) {
			t.Errorf("hoistCommand(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// Completion candidates come from the command's own flags, the snapshot
// named on the line and the action catalogue.
func TestCompleteCandidates(t *testing.T) {
	tests := []struct {
		name    string
		words   []string
		want    []string // each must be a candidate
		notWant []string
	}{
		{"commands", []string{""}, []string{"can", "who-can", "completion"}, nil},
		{"flags of a command", []string{"can", "--j"}, []string{"--json"}, []string{"--demo"}},
		{"principals of the demo account", []string{"can", "--demo", "al"}, []string{"alice"}, []string{"carol"}},
		{"principals with the SOURCE first", []string{"--demo", "perms", ""}, []string{"alice", "DeployRole"}, nil},
		{"roles only after --to", []string{"chains", "--demo", "alice", "--to", ""}, []string{"DeployRole"}, []string{"alice"}},
		{"services before the colon", []string{"who-can", "s3"}, []string{"s3:"}, nil},
		{"actions after the colon", []string{"can", "--demo", "alice", "s3:GetObj"}, []string{"s3:GetObject"}, []string{"s3:PutObject"}},
		{"actions ignore case", []string{"who-can", "S3:getobjecta"}, []string{"s3:GetObjectAcl"}, nil},
		{"files after --snapshot", []string{"can", "--snapshot", ""}, []string{":file"}, nil},
		{"access levels", []string{"perms", "--level", ""}, []string{"Write", "List"}, nil},
		{"no principals without a snapshot (live is never called)", []string{"can", "a"}, nil, []string{"alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, code := runCLI(t, "", append([]string{completeCommand}, tt.words...)...)
			if code != exitOK {
				t.Fatalf("exit %d", code)
			}
			got := strings.Split(strings.TrimSpace(out), "\n")
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("candidates %q lack %q", got, w)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(got, w) {
					t.Errorf("candidates %q include %q", got, w)
				}
			}
		})
	}
}

// iamxOnPath returns a directory holding an "iamx" that runs this test
// binary's main, for a shell's PATH.
func iamxOnPath(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	wrapper := "#!/bin/sh\nIAMX_TEST_MAIN=1 exec " + self + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "iamx"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	return bin
}

// The bash script, sourced into a real bash, completes an action across
// bash's split at ":" and a principal from the snapshot on the line.
func TestBashCompletionScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := iamxOnPath(t)
	script, _, _ := runCLI(t, "", "completion", "bash")
	tests := []struct {
		line  string
		words []string // COMP_WORDS as bash splits them
		want  string   // one of COMPREPLY
	}{
		{"iamx can --demo al", []string{"iamx", "can", "--demo", "al"}, "alice"},
		{"iamx who-can s3:GetObjectAc", []string{"iamx", "who-can", "s3", ":", "GetObjectAc"}, "GetObjectAcl"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			prog := script + `
COMP_LINE='` + tt.line + `'; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(` + quoteWords(tt.words) + `); COMP_CWORD=$((${#COMP_WORDS[@]}-1))
_iamx
printf '%s\n' "${COMPREPLY[@]}"
`
			cmd := exec.Command(bash, "--norc", "-c", prog)
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if !slices.Contains(strings.Split(strings.TrimSpace(string(out)), "\n"), tt.want) {
				t.Errorf("COMPREPLY %q lacks %q", out, tt.want)
			}
		})
	}
}

func quoteWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + w + "'"
	}
	return strings.Join(q, " ")
}

// Every shell's script is printed, and an unknown shell is a usage error.
func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out, _, code := runCLI(t, "", "completion", sh)
		if code != exitOK || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d", sh, code)
		}
		if path, err := exec.LookPath(sh); err == nil {
			cmd := exec.Command(path, "-n")
			cmd.Stdin = strings.NewReader(out)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v: %s", sh, err, msg)
			}
		}
	}
	if _, errOut, code := runCLI(t, "", "completion", "tcsh"); code != exitError || !strings.Contains(errOut, "unknown shell") {
		t.Errorf("completion tcsh: exit %d, %q", code, errOut)
	}
}

// An action the catalogue does not define is a usage error naming the
// nearest ones, unless --allow-unknown-action: "s3:GetObjekt" must not
// quietly answer "denied" or "nobody".
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
func TestUnknownActionIsAUsageError(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"can with a typo", []string{"can", "bob", "s3:GetObjekt", "--demo"}, exitError, "did you mean s3:GetObject?"},
		{"who-can with a typo", []string{"who-can", "s3:GetObjekt", "--demo"}, exitError, "did you mean s3:GetObject?"},
		{"a typo in the service", []string{"who-can", "s4:GetObject", "--demo"}, exitError, "did you mean s3:GetObject?"},
		{"nothing near", []string{"who-can", "zz:Qqqqqqqqqqqqqq", "--demo"}, exitError, "is not in the action catalogue"},
		{"allowed: who-can evaluates it", []string{"who-can", "s3:GetObjekt", "--demo", "--allow-unknown-action"}, exitOK, "evaluating it as written"},
		{"case differs from the catalogue: known", []string{"who-can", "S3:getobject", "--demo"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q lacks %q", code, tt.code, errOut, tt.stderr)
			}
			if strings.Count(errOut, "\n") > 1 {
				t.Errorf("more than one line: %q", errOut)
			}
		})
	}
	out, _, code := runCLI(t, `{"principal":"carol","action":"s3:GetObjekt"}`+"\n"+`{"principal":"carol","action":"s3:GetObject"}`+"\n", "can", "--batch", "-", "--demo")
	if code != exitError || !strings.Contains(out, `did you mean s3:GetObject?`) || !strings.Contains(out, `"decision":"allow"`) {
		t.Errorf("batch with an unknown action: exit %d, %s", code, out)
	}
}

// An error line stays short whatever the input: a name of a million
// characters is cut, on a character boundary, with the count of the rest.
func TestErrorLineIsBounded(t *testing.T) {
	name := strings.Repeat("é", 500000)
	_, errOut, code := runCLI(t, "", "can", name, "s3:GetObject", "--demo")
	if code != exitError || len(errOut) > maxErrorLine+100 || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("exit %d, %d bytes of stderr", code, len(errOut))
	}
	if !strings.Contains(errOut, "more bytes)") || !utf8.ValidString(errOut) {
		t.Errorf("cut line %q", errOut[max(0, len(errOut)-60):])
	}
}

// The fish script, loaded into a real fish, completes principals and
// actions the same way.
func TestFishCompletionScript(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("no fish")
	}
	bin := iamxOnPath(t)
	cmd := exec.Command(fish, "--no-config", "-c", `iamx completion fish | source; complete -C "iamx can --demo al"; complete -C "iamx who-can s3:GetObjectAc"`)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := strings.Fields(string(out))
	for _, want := range []string{"alice", "s3:GetObjectAcl"} {
		if !slices.Contains(got, want) {
			t.Errorf("fish completions %q lack %q", got, want)
		}
	}
}
