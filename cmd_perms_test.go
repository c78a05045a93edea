package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamx/iamx/model/actions"
)

// permsJSON is the contract part of `perms --json`, with the shared
// tables rows refer to.
type permsJSON struct {
	Principal string `json:"principal"`
	Admin     bool   `json:"admin"`
	AdminVia  []string
	Actions   []struct {
		Action      string   `json:"action"`
		AccessLevel string   `json:"access_level"`
		Resources   []string `json:"resources"`
		Conditional bool     `json:"conditional"`
		Detail      *int     `json:"detail"`
	} `json:"actions"`
	Removed []struct {
		Action string `json:"action"`
		Layer  string `json:"layer"`
	} `json:"removed"`
	Details []struct {
		ConditionKeys []string `json:"condition_keys"`
		Sources       []int    `json:"sources"`
	} `json:"details"`
	Statements []struct {
		Policy string `json:"policy"`
		Sid    string `json:"sid"`
		Via    string `json:"via"`
	} `json:"statements"`
}

func permsOf(t *testing.T, args ...string) permsJSON {
	t.Helper()
	out, errOut, code := runCLI(t, "", append(append([]string{"perms"}, args...), "--demo", "--json")...)
	if code != exitOK {
		t.Fatalf("perms %v: exit %d, stderr %q", args, code, errOut)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("perms %v: not JSON: %v", args, err)
	}
	for _, k := range []string{"principal", "admin", "actions"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("perms JSON lacks %q", k)
		}
	}
	var p permsJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Effective permissions from the command line: the JSON contract, sorting,
// filters, and what boundaries and denies subtract.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
func TestPermsCLI(t *testing.T) {
	t.Run("admin-equivalent user lists every action, sorted", func(t *testing.T) {
		p := permsOf(t, "alice")
		if p.Principal != "arn:aws:iam::111122223333:user/alice" || !p.Admin {
			t.Fatalf("principal %q admin %v", p.Principal, p.Admin)
		}
		if len(p.Actions) < 20000 {
			t.Errorf("%d actions, want the whole catalogue", len(p.Actions))
		}
		if !sort.SliceIsSorted(p.Actions, func(i, j int) bool { return p.Actions[i].Action < p.Actions[j].Action }) {
			t.Errorf("actions not sorted by action")
		}
		for _, a := range p.Actions[:50] {
			if a.AccessLevel == "" || a.Resources == nil || a.Detail == nil || *a.Detail >= len(p.Details) {
				t.Fatalf("action entry missing contract fields: %+v", a)
			}
			if d := p.Details[*a.Detail]; d.ConditionKeys == nil || d.Sources == nil {
				t.Fatalf("detail of %s missing condition_keys or sources: %+v", a.Action, d)
			}
		}
	})
	t.Run("service and level filters", func(t *testing.T) {
		p := permsOf(t, "carol", "--service", "s3", "--level", "read")
		if len(p.Actions) == 0 {
			t.Fatal("no s3 Read actions for carol")
		}
		for _, a := range p.Actions {
			if !strings.HasPrefix(a.Action, "s3:") || a.AccessLevel != "Read" {
				t.Errorf("%s (%s) passed --service s3 --level read", a.Action, a.AccessLevel)
			}
		}
	})
	t.Run("boundary subtraction is reported", func(t *testing.T) {
		p := permsOf(t, "bob", "--service", "iam")
		found := false
		for _, r := range p.Removed {
			if r.Action == "iam:EnableMFADevice" && r.Layer == "boundary" {
				found = true
			}
		}
		if !found {
			t.Errorf("iam:EnableMFADevice not reported removed by the boundary: %+v", p.Removed)
		}
		for _, a := range p.Actions {
			if a.Action == "iam:EnableMFADevice" {
				t.Errorf("iam:EnableMFADevice listed as allowed")
			}
			if a.Action == "iam:CreateAccessKey" {
				if len(a.Resources) != 1 || a.Resources[0] != "arn:aws:iam::111122223333:user/bob" {
					t.Errorf("iam:CreateAccessKey resources %v, want bob's own user", a.Resources)
				}
				d := p.Details[*a.Detail]
				if len(d.Sources) == 0 || p.Statements[d.Sources[0]].Via != "Developers" {
					t.Errorf("iam:CreateAccessKey sources %+v, want via Developers", d.Sources)
				}
			}
		}
	})
	t.Run("a role reaching an admin role is admin via chain", func(t *testing.T) {
		p := permsOf(t, "DeployRole", "--service", "s3")
		if p.Admin {
			t.Errorf("DeployRole itself admin")
		}
		var raw struct {
			AdminVia []string `json:"admin_via"`
		}
		out, _, _ := runCLI(t, "", "perms", "DeployRole", "--service", "s3", "--demo", "--json")
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatal(err)
		}
		if len(raw.AdminVia) == 0 || raw.AdminVia[0] != "arn:aws:iam::111122223333:role/ProdAdminRole" {
			t.Errorf("admin_via %v, want ProdAdminRole", raw.AdminVia)
		}
	})
}

func TestPermsCLIText(t *testing.T) {
	out, _, code := runCLI(t, "", "perms", "ProdAdminRole", "--demo")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "admin-equivalent: * on * via AdministratorAccess") {
		t.Errorf("admin summary is not first:\n%s", strings.Join(lines[:min(5, len(lines))], "\n"))
	}
	if strings.Contains(out, "    s3:GetObject ") {
		t.Errorf("an admin's full list printed without --all")
	}
	out, _, _ = runCLI(t, "", "perms", "ProdAdminRole", "--service", "s3", "--demo")
	if !strings.Contains(out, "s3:GetObject") {
		t.Errorf("--service s3 does not list s3:GetObject")
	}
	out, _, _ = runCLI(t, "", "perms", "bob", "--demo")
	for _, want := range []string{"SERVICE", "conditional", "Removed", "iam:EnableMFADevice", "permissions boundary", "Restrictions"} {
		if !strings.Contains(out, want) {
			t.Errorf("bob's perms text lacks %q", want)
		}
	}
}

func TestPermsCLIErrors(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no principal", []string{"perms", "--demo"}, "expected one PRINCIPAL"},
		{"unknown level", []string{"perms", "alice", "--level", "admin", "--demo"}, "unknown access level"},
		{"unknown service", []string{"perms", "alice", "--service", "nosuch", "--demo"}, "no such service prefix"},
		{"action instead of a service", []string{"perms", "alice", "--service", "s3:GetObject", "--demo"}, "expected a service prefix"},
		{"unknown principal", []string{"perms", "nobody", "--demo"}, "no principal named nobody"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", tc.args...)
			if code != exitError || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d stderr %q, want 2 and %q", code, errOut, tc.stderr)
			}
		})
	}
}

// capped is a writer that keeps at most limit bytes and counts the rest, so
// a regression to output that multiplies fails the test instead of
// exhausting memory.
type capped struct {
	buf   bytes.Buffer
	limit int
	total int
}

func (c *capped) Write(p []byte) (int, error) {
	c.total += len(p)
	if room := c.limit - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// hostilePermsFile writes a GAAD file of about 110 KB whose one user holds
// what multiplied perms output: an Allow of * on * that depends on 2,500
// condition keys (every action of the catalogue conditional on all of
// them), 200 Deny statements that each restrict every action and name long
// Sids, and a resource list of 300 patterns.
func hostilePermsFile(t *testing.T) (path string, size int) {
	t.Helper()
	conds := map[string]string{}
	for i := range 2500 {
		conds[fmt.Sprintf("aws:RequestTag/k%04d", i)] = "v"
	}
	stmts := []map[string]any{{"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*",
		"Condition": map[string]any{"StringEquals": conds}}}
	var res []string
	for i := range 300 {
		res = append(res, fmt.Sprintf("arn:aws:s3:::bucket-%03d/*", i))
	}
	stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": res})
	for i := range 200 {
		stmts = append(stmts, map[string]any{"Sid": fmt.Sprintf("Deny%03d%s", i, strings.Repeat("x", 60)), "Effect": "Deny", "Action": "*",
			"Resource": fmt.Sprintf("arn:aws:s3:::d%03d", i), "Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}}})
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": stmts}
	gaad := map[string]any{"UserDetailList": []any{map[string]any{
		"Path": "/", "UserName": "hostile", "UserId": "AIDAHOSTILE000000001", "Arn": "arn:aws:iam::123456789012:user/hostile",
		"UserPolicyList": []any{map[string]any{"PolicyName": "many", "PolicyDocument": doc}},
	}}}
	data, err := json.Marshal(gaad)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, len(data)
}

// Hostile input: perms output grows with what is allowed — one line or
// row per allowed action plus each shared condition list, statement and
// restriction once — not with actions times condition keys or statements.
func TestPermsOutputGrowsWithWhatIsAllowed(t *testing.T) {
	path, size := hostilePermsFile(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"text, every action listed", []string{"perms", "hostile", "--all", "--snapshot", path}},
		{"JSON", []string{"perms", "hostile", "--json", "--snapshot", path}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// 22,000 actions at a bounded line each, plus the file's own
			// text a few times over.
			limit := 200*actions.Load().Len() + 4*size
			out := &capped{limit: limit + 1}
			var errb bytes.Buffer
			code := run(context.Background(), &env{stdin: strings.NewReader(""), stdout: out, stderr: &errb}, tc.args)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if out.total > limit {
				t.Fatalf("%d bytes of output for a %d-byte file (limit %d): it multiplies", out.total, size, limit)
			}
			if !strings.Contains(out.buf.String(), "s3:GetObject") {
				t.Errorf("output does not list s3:GetObject")
			}
		})
	}
}

// perms says "admin" the way privesc does: admin_via lists the end of an
// escalation path too, with the path in admin_paths (each hop's kind its
// method); --reach lists the blast radius, each row reached through
// another principal naming its holder and way.
func TestPermsEscalationAndReach(t *testing.T) {
	type permsJSON struct {
		AdminVia   []string `json:"admin_via"`
		AdminPaths []struct {
			Hops []struct {
				Kind string `json:"kind"`
				To   string `json:"to"`
			} `json:"hops"`
			Conditional bool `json:"conditional"`
		} `json:"admin_paths"`
		Actions []struct {
			Action string   `json:"action"`
			Holder string   `json:"holder"`
			Way    *int     `json:"way"`
			Via    []string `json:"via"`
		} `json:"actions"`
		Reach *struct {
			AdminReachable bool `json:"admin_reachable"`
			Ways           []struct {
				To   string `json:"to"`
				Hops []struct {
					Kind string `json:"kind"`
				} `json:"hops"`
			} `json:"ways"`
		} `json:"reach"`
	}
	prodAdmin := demoAcct + "role/ProdAdminRole"
	cases := []struct {
		name  string
		args  []string
		check func(t *testing.T, ans permsJSON)
	}{
		{"admin_via lists the escalation path's end, admin_paths the path", nil, func(t *testing.T, ans permsJSON) {
			if !slices.Contains(ans.AdminVia, prodAdmin) || len(ans.AdminPaths) == 0 {
				t.Fatalf("admin_via %v, %d admin paths", ans.AdminVia, len(ans.AdminPaths))
			}
			p := ans.AdminPaths[0]
			var kinds []string
			for _, h := range p.Hops {
				kinds = append(kinds, h.Kind)
			}
			if strings.Join(kinds, ",") != "iam:CreateAccessKey,sts:AssumeRole,sts:AssumeRole" || !p.Conditional || p.Hops[len(p.Hops)-1].To != prodAdmin {
				t.Errorf("admin path %+v", p)
			}
			if ans.Reach != nil {
				t.Error("reach without --reach")
			}
		}},
		{"--reach: the blast radius with each row's holder and way", []string{"--reach", "--service", "ec2"}, func(t *testing.T, ans permsJSON) {
			if ans.Reach == nil || !ans.Reach.AdminReachable {
				t.Fatalf("reach %+v: ProdAdminRole is within reach", ans.Reach)
			}
			reached := 0
			for _, a := range ans.Actions {
				if a.Way == nil {
					continue
				}
				reached++
				w := ans.Reach.Ways[*a.Way]
				if w.To != a.Holder || len(a.Via) != len(w.Hops) || a.Via[len(a.Via)-1] != a.Holder {
					t.Errorf("%s: holder %s, way to %s, via %v", a.Action, a.Holder, w.To, a.Via)
				}
			}
			if reached == 0 {
				t.Error("no row reached through another principal")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runQuery(t, append([]string{"perms", "mallory", "--demo", "--json"}, c.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var ans permsJSON
			if err := json.Unmarshal([]byte(out), &ans); err != nil {
				t.Fatal(err)
			}
			c.check(t, ans)
		})
	}
}
