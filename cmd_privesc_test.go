package main

import (
	"encoding/json"
	"strings"
	"testing"
)

type privescJSON struct {
	Principals []struct {
		ARN            string   `json:"arn"`
		Admin          bool     `json:"admin"`
		AdminReachable bool     `json:"admin_reachable"`
		Conditional    bool     `json:"conditional"`
		MissingContext []string `json:"missing_context"`
		Path           []struct {
			From        string   `json:"from"`
			To          string   `json:"to"`
			Kind        string   `json:"kind"`
			Actions     []string `json:"actions"`
			Conditional bool     `json:"conditional"`
			Conditions  []any    `json:"conditions"`
			Requires    []string `json:"requires"`
		} `json:"path"`
		Possible []struct {
			Assumption string `json:"assumption"`
			Path       []any  `json:"path"`
		} `json:"possible"`
	} `json:"principals"`
}

// The privesc contract of DESIGN.md section 2 and issue 13's demo story:
// mallory mints a key for ci-deployer, who assumes DeployRole, which
// assumes ProdAdminRole — conditional on the office network.
func TestPrivescCommand(t *testing.T) {
	out, errOut, code := runQuery(t, "privesc", "mallory", "--demo", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ans privescJSON
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	if len(ans.Principals) != 1 {
		t.Fatalf("%d principals", len(ans.Principals))
	}
	p := ans.Principals[0]
	if p.ARN != demoAcct+"user/mallory" || p.Admin || !p.AdminReachable || !p.Conditional || p.Possible == nil {
		t.Fatalf("principal %+v", p)
	}
	var kinds, tos []string
	for _, h := range p.Path {
		kinds = append(kinds, h.Kind)
		tos = append(tos, h.To[strings.LastIndex(h.To, "/")+1:])
		if h.Conditions == nil || h.Actions == nil || h.Requires == nil {
			t.Errorf("hop %s lacks conditions, actions or requires", h.Kind)
		}
	}
	if got := strings.Join(kinds, ",") + " " + strings.Join(tos, ","); got != "iam:CreateAccessKey,sts:AssumeRole,sts:AssumeRole ci-deployer,DeployRole,ProdAdminRole" {
		t.Fatalf("path %s", got)
	}
	if !strings.Contains(strings.Join(p.MissingContext, ","), "aws:SourceIp") {
		t.Errorf("missing_context %v lacks aws:SourceIp", p.MissingContext)
	}

	// Without PRINCIPAL: mallory is listed, carol (read-only) and the admins are not.
	out, errOut, code = runQuery(t, "privesc", "--demo", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ans = privescJSON{}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	listed := map[string]bool{}
	for _, p := range ans.Principals {
		listed[p.ARN[strings.LastIndex(p.ARN, "/")+1:]] = true
		if p.Admin || !p.AdminReachable || len(p.Path) == 0 {
			t.Errorf("%s: admin %v reachable %v path %d", p.ARN, p.Admin, p.AdminReachable, len(p.Path))
		}
	}
	if !listed["mallory"] || listed["carol"] || listed["ProdAdminRole"] || listed["alice"] {
		t.Errorf("listed %v", listed)
	}

	text, _, code := runQuery(t, "privesc", "mallory", "--demo")
	if code != exitOK || !strings.Contains(text, "user/mallory ─iam:CreateAccessKey→ user/ci-deployer") {
		t.Errorf("text (exit %d):\n%s", code, text)
	}
}

func TestPrivescUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"privesc", "mallory", "carol", "--demo"},
		{"privesc", "--max-paths", "0", "--demo"},
		{"privesc", "nobody-here", "--demo"},
		{"privesc", "Developers", "--demo"},
	} {
		_, errOut, code := runQuery(t, args...)
		if code != exitError || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.HasPrefix(errOut, "iamx: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
