package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamx/iamx/testdata/gen"
)

// An organization loaded with --snapshot DIR answers across accounts: the
// CI runner's chains reach the deploy role of every workload account (its
// identity policy allows sts:AssumeRole on role/deploy in any account, and
// each deploy role's trust names it), and who-can finds, among the principals that may assume
// a workload account's audit role directly, only the security account's.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestOrganizationDirectoryAnswersAcrossAccounts(t *testing.T) {
	const workloads = 4
	dir := t.TempDir()
	org, err := gen.Org(gen.OrgOptions{Accounts: workloads, Account: gen.Options{Users: 15, Roles: 15, Groups: 2, Policies: 4, Seed: 11}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range org {
		if err := os.WriteFile(filepath.Join(dir, a.ID+".json"), a.GAAD, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runner := "arn:aws:iam::" + gen.CIAccount + ":role/" + gen.CIRunnerRole
	out, stderr, code := runQuery(t, "chains", runner, "--max-hops", "1", "--snapshot", dir, "--json")
	if code != 0 {
		t.Fatalf("chains: exit %d: %s", code, stderr)
	}
	var chains struct {
		Paths []struct {
			Hops []struct{ To string } `json:"hops"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(out), &chains); err != nil {
		t.Fatal(err)
	}
	var reached []string
	for _, p := range chains.Paths {
		reached = append(reached, p.Hops[len(p.Hops)-1].To)
	}
	for k := range workloads {
		want := "arn:aws:iam::" + gen.WorkloadAccount(k) + ":role/" + gen.DeployRole
		if !slices.Contains(reached, want) {
			t.Errorf("chains from the CI runner do not reach %s; reached %v", want, reached)
		}
	}

	out, stderr, code = runQuery(t, "who-can", "sts:AssumeRole", "arn:aws:iam::"+gen.WorkloadAccount(workloads-1)+":role/"+gen.AuditRole, "--snapshot", dir, "--json")
	if code != 0 {
		t.Fatalf("who-can: exit %d: %s", code, stderr)
	}
	var wc whoCanJSON
	if err := json.Unmarshal([]byte(out), &wc); err != nil {
		t.Fatal(err)
	}
	auditor := "arn:aws:iam::" + gen.SecurityAccount + ":role/" + gen.AuditRole
	found := false
	for _, p := range wc.Principals {
		if len(p.Via) > 0 {
			continue // reached through roles: any account's principal may be
		}
		found = found || p.ARN == auditor
		if !strings.HasPrefix(p.ARN, "arn:aws:iam::"+gen.SecurityAccount+":") {
			t.Errorf("%s may assume the audit role directly, but its trust policy names only the security account", p.ARN)
		}
	}
	if !found {
		t.Errorf("who-can does not list %s", auditor)
	}
}
