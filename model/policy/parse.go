package policy

import (
	"fmt"
	"strings"
)

// ParseError reports where in a document parsing failed, as a field path in
// the style of encoding/json: "Statement[0].Principal: expected …".
type ParseError struct {
	Path string
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Parse parses a policy document in any shape AWS accepts: Statement as one
// object or a list; Action, NotAction, Resource and NotResource as a string or
// a list; Principal and NotPrincipal as "*" or a map of string-or-list;
// condition values as strings, numbers, booleans or lists of them.
func Parse(data []byte) (*Policy, error) {
	p, _, err := ParseCompact(data)
	return p, err
}

// ParseCompact is Parse that also returns data's compact form, as
// json.Compact gives it (whitespace dropped, every token as written), for a
// caller that stores documents compacted. compact is nil when data is not
// one JSON value, or nests too deeply to be a policy; it is set when data is
// JSON but not a valid policy.
func ParseCompact(data []byte) (p *Policy, compact []byte, err error) {
	v, compact, err := decodeValue(data)
	if err != nil {
		return nil, nil, err
	}
	p, err = parsePolicy(v)
	return p, compact, err
}

func parsePolicy(v value) (*Policy, error) {
	if v.kind != kindObject {
		return nil, &ParseError{Msg: "expected a policy object, found " + v.kind.String()}
	}
	p := &Policy{}
	if ver, ok := v.get("Version"); ok {
		if ver.kind != kindString {
			return nil, &ParseError{"Version", "expected string, found " + ver.kind.String()}
		}
		switch ver.str {
		case "2012-10-17", "2008-10-17":
			p.Version = ver.str
		default:
			return nil, &ParseError{"Version", fmt.Sprintf("unknown version %q (expected 2012-10-17 or 2008-10-17)", ver.str)}
		}
	}
	if id, ok := v.get("Id"); ok && id.kind == kindString {
		p.ID = id.str
	}
	st, ok := v.get("Statement")
	if !ok {
		return nil, &ParseError{Msg: "missing Statement"}
	}
	switch st.kind {
	case kindObject:
		s, err := parseStatement(st, 0, "Statement")
		if err != nil {
			return nil, err
		}
		p.Statements = []Statement{s}
	case kindArray:
		p.Statements = make([]Statement, 0, len(st.items))
		for i, item := range st.items {
			s, err := parseStatement(item, i, fmt.Sprintf("Statement[%d]", i))
			if err != nil {
				return nil, err
			}
			p.Statements = append(p.Statements, s)
		}
	default:
		return nil, &ParseError{"Statement", "expected object or array, found " + st.kind.String()}
	}
	p.Compile()
	return p, nil
}

func parseStatement(v value, index int, path string) (Statement, error) {
	s := Statement{Index: index}
	if v.kind != kindObject {
		return s, &ParseError{path, "expected object, found " + v.kind.String()}
	}
	for _, m := range v.members {
		p := path + "." + m.key
		var err error
		switch m.key {
		case "Sid":
			if m.val.kind != kindString {
				return s, &ParseError{p, "expected string, found " + m.val.kind.String()}
			}
			s.Sid = m.val.str
		case "Effect":
			switch {
			case m.val.kind == kindString && m.val.str == "Allow":
				s.Effect = Allow
			case m.val.kind == kindString && m.val.str == "Deny":
				s.Effect = Deny
			default:
				return s, &ParseError{p, fmt.Sprintf("expected \"Allow\" or \"Deny\", found %s", describe(m.val))}
			}
		case "Action":
			s.Action, err = stringList(m.val, p)
		case "NotAction":
			s.NotAction, err = stringList(m.val, p)
		case "Resource":
			s.Resource, err = stringList(m.val, p)
		case "NotResource":
			s.NotResource, err = stringList(m.val, p)
		case "Principal":
			s.Principal, err = parsePrincipals(m.val, p)
		case "NotPrincipal":
			s.NotPrincipal, err = parsePrincipals(m.val, p)
		case "Condition":
			s.Conditions, err = parseConditions(m.val, p)
		}
		if err != nil {
			return s, err
		}
	}
	if _, ok := v.get("Effect"); !ok {
		return s, &ParseError{path, "missing Effect"}
	}
	switch {
	case s.Action == nil && s.NotAction == nil:
		return s, &ParseError{path, "missing Action or NotAction"}
	case s.Action != nil && s.NotAction != nil:
		return s, &ParseError{path, "has both Action and NotAction"}
	case s.Resource != nil && s.NotResource != nil:
		return s, &ParseError{path, "has both Resource and NotResource"}
	case s.Principal != nil && s.NotPrincipal != nil:
		return s, &ParseError{path, "has both Principal and NotPrincipal"}
	}
	return s, nil
}

// stringList reads a string or a non-empty list of strings. The result is
// never nil on success, so callers can tell "absent" from "present".
func stringList(v value, path string) ([]string, error) {
	switch v.kind {
	case kindString:
		return []string{v.str}, nil
	case kindArray:
		out := make([]string, 0, len(v.items))
		for i, item := range v.items {
			if item.kind != kindString {
				return nil, &ParseError{fmt.Sprintf("%s[%d]", path, i), "expected string, found " + item.kind.String()}
			}
			out = append(out, item.str)
		}
		if len(out) == 0 {
			return nil, &ParseError{path, "empty list"}
		}
		return out, nil
	}
	return nil, &ParseError{path, "expected string or array of strings, found " + v.kind.String()}
}

func parsePrincipals(v value, path string) (*Principals, error) {
	switch v.kind {
	case kindString:
		if v.str != "*" {
			return nil, &ParseError{path, fmt.Sprintf("expected \"*\" or an object, found string %q", v.str)}
		}
		return &Principals{Wildcard: true}, nil
	case kindObject:
		p := &Principals{}
		for _, m := range v.members {
			list, err := stringList(m.val, path+"."+m.key)
			if err != nil {
				return nil, err
			}
			switch m.key {
			case "AWS":
				p.AWS = append(p.AWS, list...)
			case "Service":
				p.Service = append(p.Service, list...)
			case "Federated":
				p.Federated = append(p.Federated, list...)
			case "CanonicalUser":
				p.CanonicalUser = append(p.CanonicalUser, list...)
			default:
				return nil, &ParseError{path + "." + m.key, "unknown principal type (expected AWS, Service, Federated or CanonicalUser)"}
			}
		}
		return p, nil
	}
	return nil, &ParseError{path, "expected \"*\" or an object, found " + v.kind.String()}
}

func parseConditions(v value, path string) ([]Condition, error) {
	if v.kind != kindObject {
		return nil, &ParseError{path, "expected object, found " + v.kind.String()}
	}
	out := []Condition{}
	for _, op := range v.members {
		opPath := path + "." + op.key
		base, ifExists, q, err := ParseOperator(op.key)
		if err != nil {
			return nil, &ParseError{opPath, err.Error()}
		}
		if op.val.kind != kindObject {
			return nil, &ParseError{opPath, "expected object of condition keys, found " + op.val.kind.String()}
		}
		for _, k := range op.val.members {
			values, err := conditionValues(k.val, opPath+"."+k.key)
			if err != nil {
				return nil, err
			}
			out = append(out, Condition{Operator: op.key, Base: base, IfExists: ifExists, Qualifier: q, Key: k.key, Values: values})
		}
	}
	return out, nil
}

// conditionValues reads a condition's value: a string, number or boolean, or
// a list of them. Numbers and booleans keep their JSON text.
func conditionValues(v value, path string) ([]string, error) {
	switch v.kind {
	case kindString, kindNumber, kindBool:
		return []string{v.str}, nil
	case kindArray:
		out := make([]string, 0, len(v.items))
		for i, item := range v.items {
			switch item.kind {
			case kindString, kindNumber, kindBool:
				out = append(out, item.str)
			default:
				return nil, &ParseError{fmt.Sprintf("%s[%d]", path, i), "expected string, number or boolean, found " + item.kind.String()}
			}
		}
		return out, nil
	}
	return nil, &ParseError{path, "expected string, number, boolean or array, found " + v.kind.String()}
}

// ParseOperator splits a condition operator as written into its base
// operator, IfExists suffix and set qualifier. Operator names are matched
// case-sensitively, as AWS does.
func ParseOperator(op string) (base string, ifExists bool, q SetQualifier, err error) {
	rest := op
	switch {
	case strings.HasPrefix(rest, "ForAllValues:"):
		q, rest = ForAllValues, strings.TrimPrefix(rest, "ForAllValues:")
	case strings.HasPrefix(rest, "ForAnyValue:"):
		q, rest = ForAnyValue, strings.TrimPrefix(rest, "ForAnyValue:")
	}
	if strings.HasSuffix(rest, "IfExists") {
		ifExists, rest = true, strings.TrimSuffix(rest, "IfExists")
	}
	if _, known := baseOps[rest]; known {
		if rest == "Null" && ifExists {
			return "", false, 0, fmt.Errorf("unknown condition operator %q (Null has no IfExists form)", op)
		}
		return rest, ifExists, q, nil
	}
	return "", false, 0, fmt.Errorf("unknown condition operator %q", op)
}

func describe(v value) string {
	if v.kind == kindString {
		return fmt.Sprintf("%q", v.str)
	}
	return v.kind.String()
}
