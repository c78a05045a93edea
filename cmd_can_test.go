package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// runCLI runs iamx with args and returns stdout, stderr and the exit status.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return out.String(), errb.String(), code
}

func jsonKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The can command's contract: exit 0 allowed, 1 denied, 2 error; JSON with
// principal, action, resource, decision, reasons and missing_context.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestCanCLI(t *testing.T) {
	cases := []struct {
		name        string
		args        []string
		code        int
		decision    string
		conditional bool
		missing     []string
		reasonSid   string // a reason with this Sid (or policy suffix) must be listed
		stderr      string
	}{
		{name: "identity Allow through a group allows", args: []string{"can", "carol", "s3:GetObject", "arn:aws:s3:::acme-web-prod/index.html"},
			code: 0, decision: "allow", reasonSid: "ReadOnlyAccess"},
		{name: "no statement allows: implicit deny", args: []string{"can", "carol", "iam:CreateUser"},
			code: 1, decision: "implicit-deny"},
		{name: "an explicit Deny overrides an Allow", args: []string{"can", "carol", "ssm:GetParameter", "arn:aws:ssm:eu-west-1:111122223333:parameter/db"},
			code: 1, decision: "explicit-deny", reasonSid: "NoSecretValues"},
		{name: "a Deny lifted by MFA is conditional and names the key", args: []string{"can", "alice", "ec2:TerminateInstances"},
			code: 1, decision: "explicit-deny", conditional: true, missing: []string{"aws:MultiFactorAuthPresent"}, reasonSid: "DenyAllExceptMFASetupWithoutMFA"},
		{name: "supplying the key with -c allows", args: []string{"can", "alice", "ec2:TerminateInstances", "-c", "aws:MultiFactorAuthPresent=true"},
			code: 0, decision: "allow", reasonSid: "AdministratorAccess"},
		{name: "the permissions boundary removes what identity grants", args: []string{"can", "bob", "iam:EnableMFADevice", "arn:aws:iam::111122223333:user/bob"},
			code: 1, decision: "implicit-deny", missing: []string{"aws:SourceIp", "aws:ViaAWSService"}},
		{name: "sts:GetCallerIdentity is always allowed", args: []string{"can", "carol", "sts:GetCallerIdentity"},
			code: 0, decision: "allow"},
		{name: "an action missing from the catalogue is evaluated with a warning when allowed", args: []string{"can", "carol", "s3:GetObjekt", "--allow-unknown-action"},
			code: 0, decision: "allow", stderr: "not in the action catalogue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", append(tc.args, "--demo", "--json")...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errOut)
			}
			if tc.stderr != "" && !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tc.stderr)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			for _, k := range []string{"principal", "action", "resource", "decision", "reasons", "missing_context", "conditional", "layer"} {
				if _, ok := m[k]; !ok {
					t.Errorf("JSON lacks %q: keys %v", k, jsonKeys(m))
				}
			}
			if m["decision"] != tc.decision {
				t.Errorf("decision %v, want %s", m["decision"], tc.decision)
			}
			if !strings.HasPrefix(m["principal"].(string), "arn:aws:iam::111122223333:") {
				t.Errorf("principal %v is not an ARN", m["principal"])
			}
			reasons, ok := m["reasons"].([]any)
			if !ok {
				t.Fatalf("reasons is %T, want a list (never null)", m["reasons"])
			}
			missingAny, ok := m["missing_context"].([]any)
			if !ok {
				t.Fatalf("missing_context is %T, want a list (never null)", m["missing_context"])
			}
			var missing []string
			for _, k := range missingAny {
				missing = append(missing, k.(string))
			}
			if !slices.Equal(missing, tc.missing) {
				t.Errorf("missing_context %v, want %v", missing, tc.missing)
			}
			if m["conditional"] != tc.conditional {
				t.Errorf("conditional %v, want %v", m["conditional"], tc.conditional)
			}
			if tc.reasonSid != "" {
				found := false
				for _, r := range reasons {
					rm := r.(map[string]any)
					for _, k := range []string{"policy", "policy_type", "sid", "index", "effect", "via"} {
						if _, ok := rm[k]; !ok {
							t.Errorf("reason lacks %q: %v", k, rm)
						}
					}
					if rm["sid"] == tc.reasonSid || strings.HasSuffix(rm["policy"].(string), tc.reasonSid) {
						found = true
					}
				}
				if !found {
					t.Errorf("reasons %v lack %s", reasons, tc.reasonSid)
				}
			}
		})
	}
}

func TestCanCLIText(t *testing.T) {
	out, _, code := runCLI(t, "", "can", "alice", "ec2:TerminateInstances", "--demo")
	if code != exitDenied {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"DENIED (explicit deny)", "DenyAllExceptMFASetupWithoutMFA", "via group Admins",
		"try -c aws:MultiFactorAuthPresent=true", "trace"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runCLI(t, "", "can", "bob", "iam:EnableMFADevice", "arn:aws:iam::111122223333:user/bob", "--demo")
	if !strings.Contains(out, "permissions boundary") || !strings.Contains(out, "DeveloperBoundary") {
		t.Errorf("boundary deny does not name the boundary:\n%s", out)
	}
}

func TestCanCLIErrors(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no action", []string{"can", "alice", "--demo"}, "expected PRINCIPAL ACTION"},
		{"too many arguments", []string{"can", "alice", "s3:GetObject", "*", "extra", "--demo"}, "expected PRINCIPAL ACTION"},
		{"action without service prefix", []string{"can", "alice", "GetObject", "--demo"}, "expected SERVICE:ACTION"},
		{"wildcard action", []string{"can", "alice", "s3:Get*", "--demo"}, "not a pattern"},
		{"unknown principal", []string{"can", "nobody", "s3:GetObject", "--demo"}, "no principal named nobody"},
		{"malformed -c", []string{"can", "alice", "s3:GetObject", "-c", "novalue", "--demo"}, "KEY=VALUE"},
		{"batch with positional arguments", []string{"can", "--batch", "x.jsonl", "alice", "--demo"}, "--batch takes no PRINCIPAL"},
		{"batch file missing", []string{"can", "--batch", "/nonexistent/x.jsonl", "--demo"}, "/nonexistent/x.jsonl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", tc.args...)
			if code != exitError {
				t.Fatalf("exit %d, want 2; stdout %q", code, out)
			}
			if !strings.Contains(errOut, tc.stderr) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("stderr %q: want one line containing %q", errOut, tc.stderr)
			}
		})
	}
}

// Batch: one answer per request line, in order; blank lines skipped; a bad
// line answers with its line number and the rest still run.
func TestCanBatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	allowed := write("allowed.jsonl", `{"principal":"carol","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}
{"principal":"alice","action":"ec2:RunInstances","context":{"aws:MultiFactorAuthPresent":"true"}}
`)
	mixed := write("mixed.jsonl", `{"principal":"carol","action":"iam:CreateUser"}

not json
{"principal":"alice","action":"s3:GetObject","context":{"aws:SourceIp":["203.0.113.5","198.51.100.10"]}}
{"principal":"nobody","action":"s3:GetObject"}
{"principal":"carol","action":"s3:GetObject","context":{"k":{"nested":1}}}
{"principal":"carol","action":"sts:GetCallerIdentity"}
`)
	denied := write("denied.jsonl", `{"principal":"carol","action":"iam:CreateUser"}
{"principal":"carol","action":"s3:GetObject"}
`)

	t.Run("all allowed exits 0", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", "can", "--batch", allowed, "--demo")
		if code != exitOK {
			t.Fatalf("exit %d, want 0; stderr %q", code, errOut)
		}
		if n := strings.Count(out, "\n"); n != 2 {
			t.Errorf("%d answer lines, want 2:\n%s", n, out)
		}
	})
	t.Run("any denied exits 1", func(t *testing.T) {
		if _, errOut, code := runCLI(t, "", "can", "--batch", denied, "--demo"); code != exitDenied {
			t.Fatalf("exit %d, want 1; stderr %q", code, errOut)
		}
	})
	t.Run("bad lines answer with their line number, in order, and exit 2", func(t *testing.T) {
		out, _, code := runCLI(t, "", "can", "--batch", mixed, "--demo")
		if code != exitError {
			t.Errorf("exit %d, want 2", code)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		want := []struct {
			line     float64
			decision string // "" for an error line
		}{{1, "implicit-deny"}, {3, ""}, {4, "explicit-deny"}, {5, ""}, {6, ""}, {7, "allow"}}
		if len(lines) != len(want) {
			t.Fatalf("%d answers, want %d:\n%s", len(lines), len(want), out)
		}
		for i, w := range want {
			var m map[string]any
			if err := json.Unmarshal([]byte(lines[i]), &m); err != nil {
				t.Fatalf("answer %d is not JSON: %v: %s", i, err, lines[i])
			}
			if m["line"] != w.line {
				t.Errorf("answer %d: line %v, want %v", i, m["line"], w.line)
			}
			if w.decision == "" {
				msg, _ := m["error"].(string)
				if !strings.HasPrefix(msg, "line ") {
					t.Errorf("answer %d: error %q does not name its line", i, msg)
				}
				continue
			}
			if m["decision"] != w.decision {
				t.Errorf("answer %d: decision %v, want %s", i, m["decision"], w.decision)
			}
			if _, ok := m["missing_context"].([]any); !ok {
				t.Errorf("answer %d: missing_context is not a list: %v", i, m["missing_context"])
			}
		}
	})
	t.Run("stdin with -", func(t *testing.T) {
		out, _, code := runCLI(t, `{"principal":"carol","action":"s3:GetObject"}`+"\n", "can", "--batch", "-", "--demo")
		if code != exitOK || !strings.Contains(out, `"decision":"allow"`) {
			t.Errorf("exit %d, out %q", code, out)
		}
	})
}

// Every batch line is answered: one longer than any request (here 17 MiB,
// generated) gets its error and the lines after it still run, also a last
// line without a newline.
func TestCanBatchOverlongLine(t *testing.T) {
	ok := `{"principal":"carol","action":"s3:GetObject"}`
	long := `{"principal":"` + strings.Repeat("x", 17<<20) + `","action":"s3:GetObject"}`
	in := ok + "\n" + long + "\n" + ok + "\r\n" + ok
	out, _, code := runCLI(t, in, "can", "--batch", "-", "--demo")
	if code != exitError {
		t.Errorf("exit %d, want 2 (a line was in error)", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d answers, want 4", len(lines))
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		if m["line"] != float64(i+1) {
			t.Errorf("answer %d: line %v, want %d", i, m["line"], i+1)
		}
		if i == 1 {
			if msg, _ := m["error"].(string); msg != "line 2: longer than 16 MiB; no request is that long" {
				t.Errorf("over-long line: %q", msg)
			}
		} else if m["decision"] != "allow" {
			t.Errorf("answer %d: %v", i, l)
		}
	}
}

// A can answer carries the load warnings of what it rests on — the
// principal, its groups, its managed policies and boundary — as data with
// the entity's ARN, and none of another entity's: a document that did not
// parse is left out of evaluation, so the answer may miss what it said.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestCanCarriesLoadWarnings(t *testing.T) {
	const acct = "arn:aws:iam::123456789012:"
	file := filepath.Join("testdata", "gaad", "bad-docs.json")
	cases := []struct {
		name, principal string
		want            []string // entities of load_warnings: the principal, its policies, its groups
	}{
		{"a user's own, its group's and its managed policy's (attached and boundary)", "jenkins",
			[]string{acct + "user/dev/jenkins", acct + "policy/LogReader", acct + "policy/LogReader", acct + "group/ops"}},
		{"a user with clean documents has none", "root-like", nil},
		{"a role's attached managed policy", "role/web", []string{acct + "policy/LogReader", acct + "policy/LogReader"}},
		{"a role's own trust policy", "role/jenkins-deploy", []string{acct + "role/jenkins-deploy"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, _ := runCLI(t, "", "can", tc.principal, "s3:GetObject", "--snapshot", file, "--json")
			var ans struct {
				LoadWarnings []struct{ Entity, Path, Message string } `json:"load_warnings"`
			}
			if err := json.Unmarshal([]byte(stdout), &ans); err != nil {
				t.Fatalf("%v\n%s%s", err, stdout, stderr)
			}
			var got []string
			for _, w := range ans.LoadWarnings {
				got = append(got, w.Entity)
				if w.Path == "" || w.Message == "" || !strings.Contains(stderr, w.Path+": "+w.Message) {
					t.Errorf("warning %+v: want path and message, said on stderr too:\n%s", w, stderr)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("load_warnings entities %q, want %q", got, tc.want)
			}
		})
	}
}
