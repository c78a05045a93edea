package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamx/iamx/graph/answer"
)

// RESOURCE resolves the same way in can, can --batch and who-can, and a role
// trust policy is always consulted for sts:AssumeRole: a name or a path-less
// ARN is the role itself; one that names nothing in a loaded account is
// exit 2 with the candidates; a role of an account that is not loaded is
// never "allow".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestResourceResolvesAlikeEverywhere(t *testing.T) {
	const acct = "arn:aws:iam::111122223333:"
	cases := []struct {
		name, principal, resource string
		code                      int    // can's exit status
		decision                  string // can's decision; "" for an error
		resolved                  string // the resource answered
		stderr                    string // part of the error
		assumption                string
	}{
		{name: "a path-less role ARN is the role, and its trust policy decides",
			principal: "old-contractor", resource: acct + "role/GitHubActionsDeploy",
			code: exitDenied, decision: "implicit-deny", resolved: acct + "role/ci/GitHubActionsDeploy"},
		{name: "a role name is the role, and its trust policy decides",
			principal: "carol", resource: "VendorAuditRole",
			code: exitDenied, decision: "implicit-deny", resolved: acct + "role/VendorAuditRole"},
		{name: "a wrong path is exit 2 with the candidate",
			principal: "alice", resource: acct + "role/cd/GitHubActionsDeploy",
			code: exitError, stderr: "did you mean " + acct + "role/ci/GitHubActionsDeploy?"},
		{name: "an ARN of the loaded account that names nothing is exit 2",
			principal: "alice", resource: acct + "role/NoSuchRole", code: exitError, stderr: "has no such role"},
		{name: "a role of an account that is not loaded is never allow",
			principal: "old-contractor", resource: "arn:aws:iam::555566667777:role/X",
			code: exitDenied, decision: "implicit-deny", resolved: "arn:aws:iam::555566667777:role/X", assumption: "not in the snapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", "can", c.principal, "sts:AssumeRole", c.resource, "--demo", "--json")
			if code != c.code {
				t.Fatalf("can: exit %d, want %d (stderr %q)", code, c.code, errOut)
			}
			if c.decision == "" {
				if !strings.Contains(errOut, c.stderr) || strings.Count(errOut, "\n") != 1 {
					t.Errorf("can: stderr %q, want one line containing %q", errOut, c.stderr)
				}
			} else {
				var ans answer.Can
				if err := json.Unmarshal([]byte(out), &ans); err != nil {
					t.Fatal(err)
				}
				if ans.Decision != c.decision || ans.Resource != c.resolved {
					t.Errorf("can: %s on %s, want %s on %s", ans.Decision, ans.Resource, c.decision, c.resolved)
				}
				if got := strings.Join(ans.Assumptions, ";"); (c.assumption == "") != (got == "") || !strings.Contains(got, c.assumption) {
					t.Errorf("can: assumptions %q, want %q", got, c.assumption)
				}
			}

			// The same request in a batch.
			line, _ := json.Marshal(map[string]string{"principal": c.principal, "action": "sts:AssumeRole", "resource": c.resource})
			out, _, code = runCLI(t, string(line)+"\n", "can", "--batch", "-", "--demo")
			if code != c.code {
				t.Errorf("batch: exit %d, want %d: %s", code, c.code, out)
			}
			var b map[string]any
			if err := json.Unmarshal([]byte(out), &b); err != nil {
				t.Fatal(err)
			}
			if c.decision == "" {
				if e, _ := b["error"].(string); !strings.Contains(e, c.stderr) {
					t.Errorf("batch: %v, want an error containing %q", b, c.stderr)
				}
			} else if b["decision"] != c.decision || b["resource"] != c.resolved {
				t.Errorf("batch: %v", b)
			}

			// who-can: the same resolution, and the principal listed as
			// able to assume the role directly exactly when can allows.
			out, errOut, code = runCLI(t, "", "who-can", "sts:AssumeRole", c.resource, "--demo", "--json")
			if c.decision == "" {
				if code != exitError || !strings.Contains(errOut, c.stderr) {
					t.Errorf("who-can: exit %d, stderr %q", code, errOut)
				}
				return
			}
			var w answer.WhoCan
			if err := json.Unmarshal([]byte(out), &w); err != nil {
				t.Fatalf("who-can: %v: %s", err, errOut)
			}
			if w.Resource != c.resolved {
				t.Errorf("who-can: resource %s, want %s", w.Resource, c.resolved)
			}
			for _, p := range w.Principals {
				if strings.HasSuffix(p.ARN, "/"+c.principal) && len(p.Via) == 0 {
					t.Errorf("who-can lists %s directly; can says %s", p.ARN, c.decision)
				}
			}
			if (c.assumption == "") != (len(w.Assumptions) == 0) {
				t.Errorf("who-can: assumptions %q", w.Assumptions)
			}
		})
	}
}

// LegacyPartnerRole trusts {"AWS":"*"}: any account reaches it directly, in
// chains, who-can and can alike.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestOpenTrustInTheDemo(t *testing.T) {
	const legacy = "arn:aws:iam::111122223333:role/LegacyPartnerRole"
	out, errOut, code := runCLI(t, "", "who-can", "sts:AssumeRole", "LegacyPartnerRole", "--demo", "--json")
	if code != exitOK {
		t.Fatalf("who-can: exit %d: %s", code, errOut)
	}
	var w answer.WhoCan
	if err := json.Unmarshal([]byte(out), &w); err != nil {
		t.Fatal(err)
	}
	direct := map[string]bool{}
	for _, p := range w.Principals {
		if len(p.Via) == 0 && !p.Conditional {
			direct[p.ARN] = true
		}
	}
	for _, who := range []string{"arn:aws:iam::999988887777:root", "arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:root"} {
		if !direct[who] {
			t.Errorf("who-can does not list %s as assuming LegacyPartnerRole directly", who)
		}
	}
	for _, who := range []string{"arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/someone"} {
		out, errOut, code = runCLI(t, "", "chains", who, "--max-hops", "1", "--demo", "--json")
		if code != exitOK {
			t.Fatalf("chains: exit %d: %s", code, errOut)
		}
		var c answer.Chains
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatal(err)
		}
		if len(c.Paths) != 1 || c.Paths[0].Hops[0].To != legacy || c.Paths[0].Conditional {
			t.Errorf("chains %s: %+v, want one unconditional hop into LegacyPartnerRole", who, c.Paths)
		}
		if _, _, code = runCLI(t, "", "can", who, "sts:AssumeRole", legacy, "--demo"); code != exitOK {
			t.Errorf("can %s: exit %d, want allowed", who, code)
		}
	}
}
