package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/policy"
)

// outcome is one scenario's pair of decisions.
type outcome struct {
	ours, peer policy.Decision
}

// judge runs both evaluators. ok is false when either side rejects the
// scenario (the minimiser then discards that candidate).
func judge(p *peer, s scenario) (outcome, bool, error) {
	a, err := p.ask(0, s)
	if err != nil {
		return outcome{}, false, err
	}
	pd, ok := peerDecision(a.Result)
	if a.Error != "" || !ok {
		return outcome{}, false, nil
	}
	od, err := ours(s, a.Ignored)
	if err != nil {
		return outcome{}, false, nil
	}
	return outcome{ours: od, peer: pd}, true, nil
}

// minimise deletes parts of s (policies, statements, list entries,
// conditions, context keys) while the two evaluators still disagree in the
// same way, until no single deletion keeps the disagreement.
func minimise(p *peer, s scenario, want outcome) (scenario, error) {
	for {
		progress := false
		for _, path := range deletablePaths(s, nil) {
			c := clone(s)
			if !deleteAt(c, path) {
				continue
			}
			got, ok, err := judge(p, c)
			if err != nil {
				return nil, err
			}
			if ok && got == want {
				s, progress = c, true
				break
			}
		}
		if !progress {
			return s, nil
		}
	}
}

// deletablePaths lists, deepest first, every array element and every
// optional object member of the tree. The request itself is kept, except
// its context keys.
func deletablePaths(v any, path []any) [][]any {
	var out [][]any
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := append(slices.Clone(path), k)
			if len(path) == 0 && k == "request" {
				if ctx, ok := t[k].(map[string]any)["contextVariables"].(map[string]any); ok {
					out = append(out, deletablePaths(ctx, []any{"request", "contextVariables"})...)
					for ck := range ctx {
						out = append(out, []any{"request", "contextVariables", ck})
					}
				}
				continue
			}
			out = append(out, deletablePaths(t[k], p)...)
			if optionalMember(path, k) {
				out = append(out, p)
			}
		}
	case []any:
		for i := range t {
			p := append(slices.Clone(path), i)
			out = append(out, deletablePaths(t[i], p)...)
		}
		// Condition values and context values keep at least one element:
		// an empty list is a different question (and not a valid policy).
		if len(t) == 1 && valueList(path) {
			break
		}
		for i := range t {
			out = append(out, append(slices.Clone(path), i))
		}
	}
	return out
}

// valueList reports whether the array at path holds the values of a
// condition key or of a context key.
func valueList(path []any) bool {
	n := len(path)
	return (n >= 2 && path[n-2] == "contextVariables") || (n >= 3 && path[n-3] == "Condition")
}

// optionalMember reports whether the member k of the object at path may be
// deleted without making the document invalid by construction.
func optionalMember(path []any, k string) bool {
	switch k {
	case "resourcePolicy", "permissionBoundaryPolicies", "Condition", "Sid", "additionalSettings":
		return true
	}
	// Inside a Condition block: operators and their keys.
	for i := len(path) - 1; i >= 0 && i >= len(path)-2; i-- {
		if path[i] == "Condition" {
			return true
		}
	}
	return false
}

// deleteAt removes the member or element at path.
func deleteAt(root scenario, path []any) bool {
	var parent any = root
	for _, seg := range path[:len(path)-1] {
		switch t := parent.(type) {
		case map[string]any:
			parent = t[seg.(string)]
		case []any:
			parent = t[seg.(int)]
		default:
			return false
		}
	}
	last := path[len(path)-1]
	switch t := parent.(type) {
	case map[string]any:
		delete(t, last.(string))
		return true
	case []any:
		i := last.(int)
		shrunk := slices.Delete(slices.Clone(t), i, i+1)
		return setAt(root, path[:len(path)-1], shrunk)
	}
	return false
}

func setAt(root scenario, path []any, v any) bool {
	if len(path) == 0 {
		return false
	}
	var parent any = root
	for _, seg := range path[:len(path)-1] {
		switch t := parent.(type) {
		case map[string]any:
			parent = t[seg.(string)]
		case []any:
			parent = t[seg.(int)]
		}
	}
	switch t := parent.(type) {
	case map[string]any:
		t[path[len(path)-1].(string)] = v
		return true
	case []any:
		t[path[len(path)-1].(int)] = v
		return true
	}
	return false
}

// signature describes a minimised disagreement in a few words so that
// disagreements of the same kind group together.
func signature(s scenario, o outcome) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("ours=%s peer=%s", o.ours, o.peer))
	req := s["request"].(map[string]any)
	ctx, _ := req["contextVariables"].(map[string]any)
	prin := principalOf(req)
	kind := "user"
	switch {
	case !strings.HasPrefix(prin, "arn:"):
		kind = "service"
	case strings.Contains(prin, ":federated-user/"):
		kind = "federated-user"
	case strings.Contains(prin, ":role/"):
		kind = "role"
	case strings.Contains(prin, ":assumed-role/"):
		kind = "session"
	}
	res := req["resource"].(map[string]any)
	cross := ""
	if parts := strings.Split(prin, ":"); len(parts) > 4 && res["accountId"] != parts[4] {
		cross = " cross-account"
	}
	parts = append(parts, fmt.Sprintf("%s %s%s", kind, req["action"], cross))
	walk := func(layer string, doc any) {
		d, ok := doc.(map[string]any)
		if !ok {
			return
		}
		stmts, _ := d["Statement"].([]any)
		if d["Version"] != "2012-10-17" {
			layer += "(v2008)"
		}
		for _, st := range stmts {
			m := st.(map[string]any)
			f := []string{layer, m["Effect"].(string)}
			for _, k := range []string{"Principal", "NotPrincipal", "NotAction", "NotResource"} {
				if _, ok := m[k]; ok {
					f = append(f, k)
				}
			}
			if pr, ok := m["Principal"]; ok {
				f = append(f, "P="+principalForm(pr, prin))
			}
			if pr, ok := m["NotPrincipal"]; ok {
				f = append(f, "NP="+principalForm(pr, prin))
			}
			if r, ok := m["Resource"]; ok && strings.Contains(fmt.Sprint(r), "${") {
				f = append(f, "ResourceVar")
			}
			if c, ok := m["Condition"].(map[string]any); ok {
				for op, block := range c {
					for key, vals := range block.(map[string]any) {
						state := "absent"
						if v, ok := ctx[key]; ok {
							state = "present"
							if _, multi := v.([]any); multi {
								state = "multi"
							}
						}
						if strings.Contains(fmt.Sprint(vals), "${") {
							state += ",var"
						}
						f = append(f, fmt.Sprintf("%s(%s:%s)", op, key, state))
					}
				}
			}
			parts = append(parts, strings.Join(f, " "))
		}
	}
	for _, ip := range s["identityPolicies"].([]any) {
		walk("identity", ip.(map[string]any)["policy"])
	}
	if pbs, ok := s["permissionBoundaryPolicies"].([]any); ok {
		for _, pb := range pbs {
			walk("boundary", pb.(map[string]any)["policy"])
		}
	}
	walk("resource", s["resourcePolicy"])
	for _, lvl := range s["serviceControlPolicies"].([]any) {
		for _, sp := range lvl.(map[string]any)["policies"].([]any) {
			walk("scp", sp.(map[string]any)["policy"])
		}
	}
	sort.Strings(parts[2:])
	return strings.Join(parts, " | ")
}

// principalForm names the shape of a Principal element relative to the requester.
func principalForm(v any, requester string) string {
	s := fmt.Sprint(v)
	s = strings.ReplaceAll(s, requester, "SELF")
	s = strings.ReplaceAll(s, "arn:aws:iam::"+acctA+":root", "ROOT-A")
	s = strings.ReplaceAll(s, "arn:aws:iam::"+acctB+":root", "ROOT-B")
	return strings.ReplaceAll(s, " ", "")
}
