package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// runQuery runs iamx with args and returns its output and exit status.
func runQuery(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
	return out.String(), errb.String(), code
}

type whoCanJSON struct {
	Action     string `json:"action"`
	Resource   string `json:"resource"`
	Principals []struct {
		ARN            string   `json:"arn"`
		Decision       string   `json:"decision"`
		Conditional    bool     `json:"conditional"`
		Via            []string `json:"via"`
		MissingContext []string `json:"missing_context"`
		Admin          bool     `json:"admin"`
	} `json:"principals"`
}

const demoAcct = "arn:aws:iam::111122223333:"

// The who-can contract of DESIGN.md section 2, on the demo account.
func TestWhoCanCommand(t *testing.T) {
	cases := []struct {
		name        string
		args        []string
		arn         string
		conditional bool
		via         []string
	}{
		{"direct admin role", []string{"iam:CreateUser"}, demoAcct + "role/ProdAdminRole", false, []string{}},
		{"through two roles", []string{"iam:CreateUser", "*"}, demoAcct + "user/automation/ci-deployer", false,
			[]string{demoAcct + "role/DeployRole", demoAcct + "role/ProdAdminRole"}},
		{"only with MFA", []string{"iam:CreateUser"}, demoAcct + "user/alice", true, []string{}},
		{"MFA supplied with -c", []string{"iam:CreateUser", "-c", "aws:MultiFactorAuthPresent=true"}, demoAcct + "user/alice", false, []string{}},
		{"another account through its access role", []string{"iam:CreateUser"}, "arn:aws:iam::444455556666:root", false,
			[]string{demoAcct + "role/OrganizationAccountAccessRole"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runQuery(t, append(append([]string{"who-can"}, c.args...), "--demo", "--json")...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var ans whoCanJSON
			if err := json.Unmarshal([]byte(out), &ans); err != nil {
				t.Fatalf("JSON: %v\n%s", err, out)
			}
			if ans.Action != c.args[0] || ans.Resource != "*" {
				t.Errorf("action %q resource %q", ans.Action, ans.Resource)
			}
			for _, p := range ans.Principals {
				if p.Via == nil {
					t.Errorf("%s: via is null, want []", p.ARN)
				}
				if p.Decision != "allow" {
					t.Errorf("%s: decision %q", p.ARN, p.Decision)
				}
				if p.ARN != c.arn {
					continue
				}
				if p.Conditional != c.conditional || strings.Join(p.Via, " ") != strings.Join(c.via, " ") {
					t.Errorf("got conditional=%v via=%v, want %v %v", p.Conditional, p.Via, c.conditional, c.via)
				}
				return
			}
			t.Errorf("%s not listed", c.arn)
		})
	}
	// The raw output keeps "via": [] for direct access.
	out, _, _ := runQuery(t, "who-can", "iam:CreateUser", "--demo", "--json")
	if !strings.Contains(out, `"via": []`) {
		t.Errorf("no empty via list in output")
	}
}

func TestWhoCanCommandText(t *testing.T) {
	out, errOut, code := runQuery(t, "who-can", "iam:CreateUser", "--demo")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"PRINCIPAL", "user/ci-deployer", "role/DeployRole → role/ProdAdminRole", "aws:multifactorauthpresent"} {
		if !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runQuery(t, "who-can", "ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-none", "--demo")
	if code != exitOK || out == "" {
		t.Errorf("exit %d, output %q", code, out)
	}
}

// Usage and input errors exit 2 with one line on stderr.
func TestWhoCanCommandErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no action", []string{"who-can", "--demo"}, "expected ACTION [RESOURCE]"},
		{"too many arguments", []string{"who-can", "s3:GetObject", "a", "b", "--demo"}, "expected ACTION [RESOURCE]"},
		{"not an action", []string{"who-can", "GetObject", "--demo"}, "expected SERVICE:ACTION"},
		{"bad context", []string{"who-can", "s3:GetObject", "-c", "novalue", "--demo"}, "KEY=VALUE"},
		{"missing snapshot", []string{"who-can", "s3:GetObject", "--snapshot", "/nonexistent/acct.json"}, "nonexistent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runQuery(t, c.args...)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("stdout %q, stderr %q; want one line containing %q", out, errOut, c.want)
			}
		})
	}
}

// Who may assume a role: the trust policy decides, and a role may be named
// instead of its ARN.
func TestWhoCanCommandAssumeRole(t *testing.T) {
	out, errOut, code := runQuery(t, "who-can", "sts:AssumeRole", "VendorAuditRole", "--demo", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ans whoCanJSON
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Resource != demoAcct+"role/VendorAuditRole" || len(ans.Principals) != 1 ||
		ans.Principals[0].ARN != "arn:aws:iam::999988887777:root" || !ans.Principals[0].Conditional ||
		!strings.EqualFold(strings.Join(ans.Principals[0].MissingContext, ","), "sts:ExternalId") {
		t.Errorf("got %+v", ans)
	}
	_, errOut, code = runQuery(t, "who-can", "sts:AssumeRole", "NoSuchRole", "--demo")
	if code != exitError || !strings.Contains(errOut, "no user, group, role or managed policy has that name") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// who-can lists principals that reach the permission through escalation,
// with via holding the way and each hop's kind its method; --assume-only
// leaves them out. The demo's mallory: CreateAccessKey → ci-deployer →
// DeployRole → ProdAdminRole, conditional on the office network.
func TestWhoCanEscalationDemo(t *testing.T) {
	type row struct {
		ARN            string   `json:"arn"`
		Conditional    bool     `json:"conditional"`
		MissingContext []string `json:"missing_context"`
		Via            []string `json:"via"`
		Hops           []struct {
			Kind string `json:"kind"`
		} `json:"hops"`
		Escalation bool `json:"escalation"`
	}
	cases := []struct {
		name   string
		args   []string
		listed bool
	}{
		{"an admin-only action lists mallory through escalation", nil, true},
		{"--assume-only does not", []string{"--assume-only"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runQuery(t, append([]string{"who-can", "iam:CreateUser", "*", "--demo", "--json"}, c.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var ans struct {
				Principals []row `json:"principals"`
			}
			if err := json.Unmarshal([]byte(out), &ans); err != nil {
				t.Fatal(err)
			}
			var m *row
			for i := range ans.Principals {
				if ans.Principals[i].ARN == demoAcct+"user/mallory" {
					m = &ans.Principals[i]
				}
			}
			if (m != nil) != c.listed {
				t.Fatalf("mallory listed %v, want %v", m != nil, c.listed)
			}
			if m == nil {
				return
			}
			var kinds []string
			for _, h := range m.Hops {
				kinds = append(kinds, h.Kind)
			}
			wantVia := []string{demoAcct + "user/automation/ci-deployer", demoAcct + "role/DeployRole", demoAcct + "role/ProdAdminRole"}
			if strings.Join(kinds, ",") != "iam:CreateAccessKey,sts:AssumeRole,sts:AssumeRole" || strings.Join(m.Via, ",") != strings.Join(wantVia, ",") || !m.Escalation {
				t.Errorf("hops %v via %v escalation %v", kinds, m.Via, m.Escalation)
			}
			if !m.Conditional || !slices.Contains(m.MissingContext, "aws:SourceIp") {
				t.Errorf("conditional %v on %v; want conditional on aws:SourceIp", m.Conditional, m.MissingContext)
			}
		})
	}
}
