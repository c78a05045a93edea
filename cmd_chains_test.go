package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type chainsJSON struct {
	From  *string `json:"from"`
	To    string  `json:"to"`
	Paths []struct {
		Hops []struct {
			From       string `json:"from"`
			To         string `json:"to"`
			Kind       string `json:"kind"`
			Conditions []struct {
				Operator string   `json:"operator"`
				Key      string   `json:"key"`
				Values   []string `json:"values"`
			} `json:"conditions"`
		} `json:"hops"`
		Conditional bool `json:"conditional"`
	} `json:"paths"`
	Truncated       bool   `json:"truncated"`
	TruncatedReason string `json:"truncated_reason"`
	CompleteHops    int    `json:"complete_hops"`
}

// The chains contract of DESIGN.md section 2, on the demo account.
func TestChainsCommand(t *testing.T) {
	out, errOut, code := runQuery(t, "chains", "ci-deployer", "--to", "BreakGlassRole", "--demo", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ans chainsJSON
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	if ans.From == nil || *ans.From != demoAcct+"user/automation/ci-deployer" || ans.To != demoAcct+"role/BreakGlassRole" {
		t.Fatalf("from %v to %q", ans.From, ans.To)
	}
	if len(ans.Paths) == 0 || len(ans.Paths[0].Hops) != 3 {
		t.Fatalf("want a three-hop shortest path, got %+v", ans.Paths)
	}
	p := ans.Paths[0]
	wantTo := []string{"role/DeployRole", "role/ProdAdminRole", "role/BreakGlassRole"}
	for i, h := range p.Hops {
		if h.To != demoAcct+wantTo[i] || h.Kind != "sts:AssumeRole" || h.Conditions == nil {
			t.Errorf("hop %d: %+v", i, h)
		}
		if i > 0 && h.From != p.Hops[i-1].To {
			t.Errorf("hop %d does not continue hop %d", i, i-1)
		}
	}
	mfa := false
	for _, c := range p.Hops[2].Conditions {
		mfa = mfa || (strings.EqualFold(c.Key, "aws:MultiFactorAuthPresent") && c.Operator != "" && len(c.Values) > 0)
	}
	if !mfa || !p.Conditional {
		t.Errorf("break-glass hop: conditions %+v, conditional %v", p.Hops[2].Conditions, p.Conditional)
	}
}

func TestChainsCommandExternalsAndReverse(t *testing.T) {
	cases := []struct {
		name string
		args []string
		from string // "" for null
		hop  string // kind of the first hop of the first path
	}{
		{"GitHub Actions by provider name", []string{"token.actions.githubusercontent.com"}, demoAcct + "oidc-provider/token.actions.githubusercontent.com", "sts:AssumeRoleWithWebIdentity"},
		{"another account by ID", []string{"444455556666"}, "arn:aws:iam::444455556666:root", "sts:AssumeRole"},
		{"a service", []string{"lambda.amazonaws.com"}, "lambda.amazonaws.com", "service"},
		{"who can get into a role", []string{"--to", "ProdAdminRole"}, "", "sts:AssumeRole"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runQuery(t, append(append([]string{"chains"}, c.args...), "--demo", "--json")...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var ans chainsJSON
			if err := json.Unmarshal([]byte(out), &ans); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			if (c.from == "") != (ans.From == nil) || (ans.From != nil && *ans.From != c.from) {
				t.Errorf("from = %v, want %q", ans.From, c.from)
			}
			if len(ans.Paths) == 0 || ans.Paths[0].Hops[0].Kind != c.hop {
				t.Errorf("paths %+v", ans.Paths)
			}
		})
	}
}

func TestChainsCommandText(t *testing.T) {
	out, errOut, code := runQuery(t, "chains", "ci-deployer", "--demo")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"user/ci-deployer\n", "└─ ", "role/ProdAdminRole", "paths."} {
		if !strings.Contains(out, want) {
			t.Errorf("tree lacks %q:\n%s", want, out)
		}
	}
}

func TestChainsCommandErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no principal", []string{"chains", "--demo"}, "expected PRINCIPAL"},
		{"unknown principal", []string{"chains", "nobody", "--demo"}, "no principal named nobody"},
		{"--to not a role", []string{"chains", "alice", "--to", "alice", "--demo"}, "not a role"},
		{"bad --max-hops", []string{"chains", "alice", "--max-hops", "0", "--demo"}, "--max-hops"},
		{"non-numeric --max-hops", []string{"chains", "alice", "--max-hops", "x", "--demo"}, "max-hops"},
		{"--max-hops past the limit", []string{"chains", "alice", "--max-hops", "21", "--demo"}, "between 1 and 20"},
		{"--max-paths past the limit", []string{"chains", "alice", "--max-paths", "10001", "--demo"}, "between 1 and 10000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runQuery(t, c.args...)
			if code != exitError || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line containing %q", code, out, errOut, c.want)
			}
		})
	}
}

// meshGAAD writes the hostile account of issue 16 as GAAD: n roles that all
// trust the account root, and a user, each allowed sts:AssumeRole on "*".
func meshGAAD(t *testing.T, n int) string {
	t.Helper()
	hop := `[{"PolicyName":"hop","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}}]`
	var roles []string
	for i := range n {
		roles = append(roles, fmt.Sprintf(`{"Path":"/","RoleName":"R%d","RoleId":"AROA%016d","Arn":"arn:aws:iam::111122223333:role/R%d",`+
			`"AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]},`+
			`"RolePolicyList":%s}`, i, i, i, hop))
	}
	doc := `{"UserDetailList":[{"Path":"/","UserName":"u","UserId":"AIDA0000000000000001","Arn":"arn:aws:iam::111122223333:user/u","UserPolicyList":` + hop + `}],` +
		`"GroupDetailList":[],"RoleDetailList":[` + strings.Join(roles, ",") + `],"Policies":[]}`
	p := filepath.Join(t.TempDir(), "mesh.json")
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Roles that all trust each other: every chains query answers, shortest
// first, and says that (and why) it stopped, in JSON and in text.
func TestChainsCommandDenseAccount(t *testing.T) {
	file := meshGAAD(t, 300)
	cases := []struct {
		name string
		args []string
	}{
		{"forward", []string{"u"}},
		{"forward to a role", []string{"u", "--to", "R5"}},
		{"reverse", []string{"--to", "R5"}},
		{"forward, deepest", []string{"u", "--max-hops", "20"}},
		{"forward to a role, deepest", []string{"u", "--to", "R5", "--max-hops", "20"}},
		{"reverse, deepest", []string{"--to", "R5", "--max-hops", "20"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"chains"}, c.args...)
			args = append(args, "--snapshot", file)
			out, errOut, code := runQuery(t, append(args, "--json")...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var ans chainsJSON
			if err := json.Unmarshal([]byte(out), &ans); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			if !ans.Truncated || ans.TruncatedReason == "" || len(ans.Paths) == 0 || ans.CompleteHops < 1 {
				t.Errorf("truncated %v (%q), %d paths, complete to %d hops", ans.Truncated, ans.TruncatedReason, len(ans.Paths), ans.CompleteHops)
			}
			text, _, _ := runQuery(t, args...)
			if !strings.Contains(text, "Stopped at") || !strings.Contains(text, "is listed") {
				t.Errorf("text does not say it stopped:\n%s", text[max(0, len(text)-300):])
			}
		})
	}
}

// Escalation hops in chains carry their method as kind; --assume-only keeps
// the trust edges alone (issue 13: mallory mints a key for ci-deployer).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html
func TestChainsEscalationAndAssumeOnly(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		escalation bool // a path through iam:CreateAccessKey into ci-deployer, then ProdAdminRole
	}{
		{"escalation hops are shown with their method", nil, true},
		{"--assume-only drops escalation hops", []string{"--assume-only"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runQuery(t, append([]string{"chains", "mallory", "--demo", "--json"}, c.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var ans chainsJSON
			if err := json.Unmarshal([]byte(out), &ans); err != nil {
				t.Fatalf("JSON: %v\n%s", err, out)
			}
			minted, admin := false, false
			for _, p := range ans.Paths {
				for i, h := range p.Hops {
					if !strings.HasPrefix(h.Kind, "sts:") && h.Kind != "service" {
						if !c.escalation {
							t.Errorf("--assume-only: hop %s ─%s→ %s", h.From, h.Kind, h.To)
						}
						if i == 0 && h.Kind == "iam:CreateAccessKey" && h.To == demoAcct+"user/automation/ci-deployer" {
							minted = true
						}
					}
				}
				last := p.Hops[len(p.Hops)-1]
				if last.To == demoAcct+"role/ProdAdminRole" && p.Hops[0].Kind == "iam:CreateAccessKey" {
					admin = p.Conditional
				}
			}
			if minted != c.escalation || admin != c.escalation {
				t.Errorf("CreateAccessKey into ci-deployer %v, conditional way to ProdAdminRole %v; want %v", minted, admin, c.escalation)
			}
		})
	}
}
