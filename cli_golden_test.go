package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command-line contract of DESIGN §2, pinned: every command's text and
// --json output on the demo account, with its standard error and exit
// status, is a golden file under testdata/golden/cli/ (NAME.txt for the text
// answer, NAME.json.txt for the JSON one). go test -run TestCLIGolden -update
// rewrites them; read the diff before committing it, since scripts rely on
// every line. The behaviour behind each case is tested on its own in the
// command's test file; a golden only says that nothing else changed.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestCLIGolden(t *testing.T) {
	dir := t.TempDir()
	batch := filepath.Join(dir, "requests.jsonl")
	if err := os.WriteFile(batch, []byte(strings.Join([]string{
		`{"principal":"carol","action":"s3:GetObject","resource":"arn:aws:s3:::acme-web-prod/index.html"}`,
		`{"principal":"alice","action":"ec2:TerminateInstances"}`,
		`{"principal":"alice","action":"ec2:TerminateInstances","context":{"aws:MultiFactorAuthPresent":"true"}}`,
		`{"principal":"nobody","action":"s3:GetObject"}`,
		`not json`,
	}, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		// json also runs the command with --json into NAME.json.txt.
		json bool
	}{
		// can: each decision the evaluator can reach, and the trust side it cannot see.
		{"can-allowed", []string{"can", "carol", "s3:GetObject", "arn:aws:s3:::acme-web-prod/index.html", "--demo"}, true},
		{"can-implicit-deny", []string{"can", "carol", "iam:CreateUser", "--demo"}, true},
		{"can-explicit-deny", []string{"can", "carol", "ssm:GetParameter", "arn:aws:ssm:eu-west-1:111122223333:parameter/db", "--demo"}, true},
		{"can-conditional", []string{"can", "alice", "ec2:TerminateInstances", "--demo"}, true},
		{"can-with-context", []string{"can", "alice", "ec2:TerminateInstances", "-c", "aws:MultiFactorAuthPresent=true", "--demo"}, true},
		{"can-boundary", []string{"can", "bob", "iam:EnableMFADevice", "arn:aws:iam::111122223333:user/bob", "--demo"}, true},
		{"can-external-account-unknown-side", []string{"can", "999988887777", "sts:AssumeRole", "role/VendorAuditRole", "--demo"}, true},
		{"can-external-account-with-external-id", []string{"can", "999988887777", "sts:AssumeRole", "role/VendorAuditRole", "-c", "sts:ExternalId=acme-7f3d2c9e4b", "--demo"}, true},
		{"can-service-not-trusted", []string{"can", "lambda.amazonaws.com", "sts:AssumeRole", "role/DeployRole", "--demo"}, true},
		{"can-access-key", []string{"can", "AKIAR4CIDEPLOYER0001", "sts:AssumeRole", "role/DeployRole", "--demo"}, true},
		{"can-batch", []string{"can", "--batch", batch, "--demo"}, false},
		// who-can
		{"whocan-action", []string{"who-can", "iam:CreateAccessKey", "--demo"}, true},
		{"whocan-resource", []string{"who-can", "s3:GetObject", "arn:aws:s3:::acme-web-prod/index.html", "--demo"}, true},
		{"whocan-with-context", []string{"who-can", "ec2:TerminateInstances", "-c", "aws:MultiFactorAuthPresent=true", "--demo"}, true},
		// perms (one service each: a whole account's catalogue is megabytes)
		{"perms-user", []string{"perms", "carol", "--service", "ssm", "--demo"}, true},
		{"perms-admin", []string{"perms", "alice", "--service", "sts", "--demo"}, true},
		{"perms-service", []string{"perms", "bob", "--service", "s3", "--demo"}, true},
		{"perms-access-key", []string{"perms", "AKIAR4BOBEXAMPLE0001", "--service", "iam", "--demo"}, true},
		// chains
		{"chains-forward", []string{"chains", "ci-deployer", "--demo"}, true},
		{"chains-to", []string{"chains", "ci-deployer", "--to", "ProdAdminRole", "--demo"}, true},
		{"chains-reverse", []string{"chains", "--to", "ProdAdminRole", "--demo"}, true},
		// privesc and findings
		{"privesc-all", []string{"privesc", "--demo"}, true},
		{"privesc-one", []string{"privesc", "mallory", "--demo"}, true},
		{"findings", []string{"findings", "--demo"}, true},
		{"findings-fail-on", []string{"findings", "--demo", "--severity", "high", "--fail-on", "high"}, true},
		// snapshot's messages
		{"snapshot-written", []string{"snapshot", "--demo", "-o", filepath.Join(dir, "demo.json")}, false},
		// usage and input errors: one line, exit 2
		{"error-no-command-args", []string{"can"}, false},
		{"error-unknown-command", []string{"frobnicate"}, false},
		{"error-unknown-flag", []string{"who-can", "s3:GetObject", "--demo", "--bogus"}, false},
		{"error-unknown-principal", []string{"can", "nosuch", "s3:GetObject", "--demo"}, true},
		{"error-unknown-action", []string{"can", "carol", "s3:GetObjekt", "--demo"}, false},
		{"error-bad-context", []string{"can", "carol", "s3:GetObject", "-c", "novalue", "--demo"}, false},
		{"error-missing-snapshot", []string{"perms", "carol", "--snapshot", filepath.Join(dir, "absent.json")}, false},
		{"error-bad-level", []string{"perms", "carol", "--level", "Bogus", "--demo"}, false},
		{"error-bad-severity", []string{"findings", "--demo", "--fail-on", "bogus"}, false},
		{"error-diff-one-file", []string{"diff", filepath.Join(dir, "demo.json")}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, filepath.Join("cli", tc.name+".txt"), transcript(t, dir, tc.args))
			if tc.json {
				golden(t, filepath.Join("cli", tc.name+".json.txt"), transcript(t, dir, append(tc.args, "--json")))
			}
		})
	}
}

// transcript runs iamx with args and writes down what a shell would see:
// the command, its exit status, standard output and standard error, with
// the test's temporary directory spelled TMP.
func transcript(t *testing.T, dir string, args []string) string {
	t.Helper()
	stdout, stderr, code := runCLI(t, "", args...)
	var b strings.Builder
	fmt.Fprintf(&b, "$ iamx %s\nexit %d\n-- stdout --\n%s-- stderr --\n%s", strings.Join(args, " "), code, stdout, stderr)
	return strings.ReplaceAll(b.String(), dir, "TMP")
}
