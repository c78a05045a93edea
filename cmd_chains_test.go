package main

import (
	"encoding/json"
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
	Truncated bool `json:"truncated"`
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
