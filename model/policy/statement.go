package policy

import (
	"sort"
	"strconv"
	"strings"
)

// StatementLabel names a statement for people: its Sid, or "#index" when
// it has none. Everything that shows a statement (reasons, evidence,
// traces) spells it this way.
func StatementLabel(sid string, index int) string {
	if sid != "" {
		return sid
	}
	return "#" + strconv.Itoa(index)
}

// Label names the statement that decided, as StatementLabel does.
func (r Reason) Label() string { return StatementLabel(r.Sid, r.Index) }

// UsesVariables reports whether the policy substitutes ${…} variables:
// only Version 2012-10-17 does; in older or unversioned documents "${…}"
// is literal text.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
func (p *Policy) UsesVariables() bool { return usesVariables(p.Version) }

// ContextKeys returns the request context keys the statement reads,
// lower-cased, sorted, each once: its condition keys and the keys of the
// ${…} variables in its Resource, NotResource and condition values. The
// variables are counted whatever the policy's Version, so the list never
// misses a key. Worked out when the policy is compiled; read-only.
func (s *Statement) ContextKeys() []string {
	return s.compiledFor(nil).contextKeys
}

// contextKeys lists what s reads (see ContextKeys).
func contextKeys(s *Statement) []string {
	if len(s.Conditions) == 0 && !anyVariable(s.Resource) && !anyVariable(s.NotResource) {
		return nil // most statements: nothing to collect
	}
	seen := map[string]bool{}
	for i := range s.Conditions {
		c := &s.Conditions[i]
		seen[strings.ToLower(c.Key)] = true
		for _, v := range c.Values {
			variableKeys(v, seen)
		}
	}
	for _, r := range s.Resource {
		variableKeys(r, seen)
	}
	for _, r := range s.NotResource {
		variableKeys(r, seen)
	}
	if len(seen) == 0 {
		return nil
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// VariableKeys adds to keys the lower-cased keys of the ${…} variables of
// s (not ${*}, ${?} or ${$}, which are literal characters).
func VariableKeys(s string, keys map[string]bool) { variableKeys(s, keys) }

func variableKeys(s string, keys map[string]bool) {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return
		}
		if p, ok := parseVariable(s[:j]); ok && p.kind == pieceVar {
			keys[p.text] = true
		}
		s = s[j+1:]
	}
}

// Substitute replaces the variables of s whose key ctx holds with one
// value (or that have a default), as evaluation does, and ${*}, ${?}, ${$}
// with their characters; the others stay as written, so that evaluating
// the result reports their keys as missing context. It is for patterns of
// a policy that UsesVariables.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func Substitute(s string, ctx Context) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		inner, whole := s[i+2:i+2+end], s[i:i+3+end]
		s = s[i+3+end:]
		p, ok := parseVariable(inner)
		switch {
		case !ok:
			b.WriteString(whole)
		case p.kind == pieceLit:
			b.WriteString(p.text)
		default:
			if vals, ok := ctx[p.text]; ok && len(vals) == 1 {
				b.WriteString(vals[0])
			} else if p.hasDef {
				b.WriteString(p.def)
			} else {
				b.WriteString(whole)
			}
		}
	}
}

func anyVariable(list []string) bool {
	for _, x := range list {
		if strings.Contains(x, "${") {
			return true
		}
	}
	return false
}

// MayMatchResource reports whether the statement may apply to a request on
// resource, by its Resource element as the evaluator matches it: a pattern
// holding a ${…} variable counts as a possible match (its value comes with
// the request), and so does a statement with NotResource or without
// Resource (a trust policy's). A caller may skip the statements it says no
// to and leave the others to evaluation.
func (s *Statement) MayMatchResource(resource string) bool {
	c := s.compiledFor(nil)
	if !c.hasResource || c.notResource {
		return true
	}
	for i, r := range s.Resource {
		if strings.Contains(r, "${") {
			return true
		}
		if ok, _ := c.resources[i].match(resource, nil); ok {
			return true
		}
	}
	return false
}
