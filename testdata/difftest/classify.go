package main

import (
	"fmt"

	"github.com/iamx/iamx/model/policy"
	"regexp"
	"strings"
)

// Verdicts on the kinds of disagreement seen so far, each decided by the AWS
// documentation (or, where the documentation is silent, by DESIGN.md §4).
// classify recognises them on a minimised scenario, where little besides
// the cause is left. A disagreement that matches none is UNEXPLAINED and
// makes the run exit 1.
const (
	verdictVarNegated = "peer wrong: a negated operator (StringNotEquals, StringNotLike …) matches a policy variable with no value; " +
		"\"Inverted condition operators like StringNotEquals or StringNotLike do match against a null value\" " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value"
	verdictVarNotResource = "peer wrong: a NotResource entry holding a variable with no value \"will not match any resource\", so the " +
		"resource is outside the NotResource list and the statement applies; the peer drops the whole statement " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value"
	verdictNotPrincipal = "peer wrong: NotPrincipal must list both the account and the user or role (AWS checks the account, then the " +
		"user or role, then the session); listing only one of them does not exempt the caller " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
	verdictForAnyIfExists = "peer wrong: …IfExists makes a condition on an absent key true, ForAnyValue: included; " +
		"\"If the key is not present, evaluate the condition element as true\" " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists"
	verdictEpochDate = "peer wrong: Date operators accept epoch (UNIX) time as well as ISO 8601, and compare instants; " +
		"\"You must specify date/time values with one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time\" " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date"
	verdictMappedIP = "rule kept (docs silent): an IPv4-mapped IPv6 request address (::ffff:a.b.c.d) is the IPv4 address a.b.c.d " +
		"(RFC 4291 §2.5.5.2) and matches IPv4 CIDR blocks; the peer compares it as IPv6 " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress"
	verdictV2008 = "peer wrong: without Version 2012-10-17 \"${…}\" is literal text, not a policy variable " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"
	verdictFederatingUser = "OPEN (needs data we lack): a resource policy naming the IAM user who called GetFederationToken applies to " +
		"the federated-user session (limited by the boundary); the federated-user ARN carries only the Name passed to " +
		"GetFederationToken, which need not be the user's name, so the peer's name match is a guess and ours never matches " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html"
	verdictMultiBare = "OPEN (undocumented): operator without ForAllValues/ForAnyValue on a multivalued key; AWS documents only that " +
		"\"Multivalued context keys require a condition set operator\"; the peer never matches (even a one-element set), " +
		"ours matches per value " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"
	verdictBPADenyKind = "OPEN (docs silent on the kind of deny; both deny): RestrictPublicBuckets restricts a bucket with a public policy " +
		"\"to only AWS service principals and authorized users within the bucket owner's account\"; AWS does not say whether that is an " +
		"explicit deny; ours ignores the policy's allows for the outside caller (implicit deny), the peer reports an explicit deny " +
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
	verdictWildcardBoundary = "rule kept (DESIGN.md §4, docs silent on \"*\"): only a resource policy naming the user or session ARN " +
		"passes an implicit deny in the permissions boundary; the peer also lets Principal \"*\" through " +
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"
)

var varRef = regexp.MustCompile(`\$\{([^}]*)\}`)

// unresolvedVar reports whether s holds a policy variable that the context
// cannot resolve: its key is absent or multivalued, and it has no default.
func unresolvedVar(s string, ctx map[string]any) bool {
	for _, m := range varRef.FindAllStringSubmatch(s, -1) {
		inner := m[1]
		switch inner {
		case "*", "?", "$":
			continue
		}
		if strings.Contains(inner, ",") {
			continue // ${key, 'default'}
		}
		v, ok := ctxGet(ctx, strings.TrimSpace(inner))
		if !ok {
			return true
		}
		if list, multi := v.([]any); multi && len(list) != 1 {
			return true
		}
	}
	return false
}

func ctxGet(ctx map[string]any, key string) (any, bool) {
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

func isNegated(base string) bool {
	switch base {
	case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
		"DateNotEquals", "ArnNotEquals", "ArnNotLike", "NotIpAddress":
		return true
	}
	return false
}

// statements lists every statement of the scenario with the layer it is in.
func statements(s scenario) (out []struct {
	layer string
	st    map[string]any
}) {
	add := func(layer string, doc any) {
		d, _ := doc.(map[string]any)
		list, _ := d["Statement"].([]any)
		if d["Version"] != "2012-10-17" {
			layer += "/v2008"
		}
		for _, st := range list {
			if m, ok := st.(map[string]any); ok {
				out = append(out, struct {
					layer string
					st    map[string]any
				}{layer, m})
			}
		}
	}
	for _, ip := range asList(s["identityPolicies"]) {
		add("identity", ip.(map[string]any)["policy"])
	}
	for _, pb := range asList(s["permissionBoundaryPolicies"]) {
		add("boundary", pb.(map[string]any)["policy"])
	}
	add("resource", s["resourcePolicy"])
	for _, lvl := range asList(s["serviceControlPolicies"]) {
		for _, sp := range asList(lvl.(map[string]any)["policies"]) {
			add("scp", sp.(map[string]any)["policy"])
		}
	}
	return out
}

func asList(v any) []any { l, _ := v.([]any); return l }

// classify names the known kind of a minimised disagreement o, or "".
func classify(s scenario, o outcome) string {
	req := s["request"].(map[string]any)
	ctx, _ := req["contextVariables"].(map[string]any)
	prin := principalOf(req)
	account := ""
	if parts := strings.Split(prin, ":"); len(parts) > 4 {
		account = parts[4]
	}
	sameAccount := req["resource"].(map[string]any)["accountId"] == account
	hasBoundary := len(asList(s["permissionBoundaryPolicies"])) > 0

	var found []string
	for _, ls := range statements(s) {
		st := ls.st
		if strings.HasSuffix(ls.layer, "/v2008") && strings.Contains(fmt.Sprint(st), "${") {
			found = append(found, verdictV2008)
		}
		if cond, ok := st["Condition"].(map[string]any); ok {
			for op, block := range cond {
				qual, base := "", op
				if q, rest, ok := strings.Cut(op, ":"); ok {
					qual, base = q, rest
				}
				ifExists := strings.HasSuffix(base, "IfExists")
				base = strings.TrimSuffix(base, "IfExists")
				for key, vals := range block.(map[string]any) {
					v, present := ctxGet(ctx, key)
					_, multi := v.([]any)
					if present && isNegated(base) {
						for _, pv := range strs(vals) {
							if unresolvedVar(pv, ctx) {
								found = append(found, verdictVarNegated)
							}
						}
					}
					if !present && ifExists && strings.EqualFold(qual, "ForAnyValue") {
						found = append(found, verdictForAnyIfExists)
					}
					if present && strings.HasPrefix(base, "Date") {
						for _, pv := range strs(vals) {
							if isDigits(pv) {
								found = append(found, verdictEpochDate)
							}
						}
					}
					if present && strings.HasSuffix(base, "IpAddress") && strings.Contains(fmt.Sprint(v), "::ffff:") {
						found = append(found, verdictMappedIP)
					}
					if present && multi && qual == "" && base != "Null" {
						found = append(found, verdictMultiBare)
					}
				}
			}
		}
		if nr, ok := st["NotResource"]; ok {
			for _, r := range strs(nr) {
				if unresolvedVar(r, ctx) {
					found = append(found, verdictVarNotResource)
				}
			}
		}
		if np, ok := st["NotPrincipal"].(map[string]any); ok && st["Effect"] == "Deny" && !hasBoundary {
			ids := strs(np["AWS"])
			listsAccount, listsSelf := false, false
			for _, id := range ids {
				if id == account || id == "arn:aws:iam::"+account+":root" {
					listsAccount = true
				}
				if id == prin || (strings.Contains(prin, ":assumed-role/") && strings.Contains(id, ":role/")) {
					listsSelf = true
				}
			}
			if listsAccount != listsSelf {
				found = append(found, verdictNotPrincipal)
			}
		}
		if strings.Contains(prin, ":federated-user/") && strings.HasPrefix(ls.layer, "resource") {
			name := prin[strings.LastIndex(prin, "/")+1:]
			for _, id := range strs(principalAWS(st["Principal"])) {
				if strings.HasPrefix(id, "arn:aws:iam::") && strings.HasSuffix(id, ":user/"+name) {
					found = append(found, verdictFederatingUser)
				}
			}
		}
		if strings.HasPrefix(ls.layer, "resource") && st["Effect"] == "Allow" && hasBoundary && sameAccount {
			if p := st["Principal"]; p == "*" || fmt.Sprint(p) == "map[AWS:*]" {
				found = append(found, verdictWildcardBoundary)
			}
		}
	}
	bothDeny := o.ours == policy.ImplicitDeny && o.peer == policy.ExplicitDeny
	if bpa, _ := s["additionalSettings"].(map[string]any); bothDeny && bpa != nil && !sameAccount && !strings.HasSuffix(prin, ".amazonaws.com") {
		if s3, _ := bpa["s3"].(map[string]any); s3 != nil && s3["blockPublicAccess"] == true {
			found = append(found, verdictBPADenyKind)
		}
	}
	if len(found) == 0 {
		return ""
	}
	// Several known causes left in one minimised scenario: report them all.
	uniq := found[:0]
	seen := map[string]bool{}
	for _, f := range found {
		if !seen[f] {
			seen[f] = true
			uniq = append(uniq, f)
		}
	}
	return strings.Join(uniq, "\n    AND ")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func principalAWS(p any) any {
	if m, ok := p.(map[string]any); ok {
		return m["AWS"]
	}
	return nil
}
