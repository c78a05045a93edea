package policy

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Condition operators, compiled once per statement.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//
// Rules:
//   - Several values under one key are ORed; several keys and operators are ANDed.
//   - Key names ignore case; values are case-sensitive unless …IgnoreCase.
//   - A key absent from the request makes the condition false, except:
//     negated operators (StringNotEquals …, NotIpAddress) are true, …IfExists
//     is true, ForAllValues is true (also on an empty set), Null tests presence.
//     ForAnyValue on an absent or empty key is false.
//   - Without a set qualifier a multi-valued request key matches when any of
//     its values matches; a negated operator then means "matches none".
//   - ForAllValues: every request value passes the per-value test;
//     ForAnyValue: at least one does. For a negated operator the per-value
//     test is "matches none of the policy values".

type opKind uint8

const (
	opStringEquals opKind = iota
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike // ArnEquals and ArnLike behave the same: per-segment wildcards
	opNull
)

// baseOps maps each base operator to its positive kind and negation.
var baseOps = map[string]struct {
	kind    opKind
	negated bool
}{
	"StringEquals": {opStringEquals, false}, "StringNotEquals": {opStringEquals, true},
	"StringEqualsIgnoreCase": {opStringEqualsIgnoreCase, false}, "StringNotEqualsIgnoreCase": {opStringEqualsIgnoreCase, true},
	"StringLike": {opStringLike, false}, "StringNotLike": {opStringLike, true},
	"NumericEquals": {opNumericEquals, false}, "NumericNotEquals": {opNumericEquals, true},
	"NumericLessThan": {opNumericLessThan, false}, "NumericLessThanEquals": {opNumericLessThanEquals, false},
	"NumericGreaterThan": {opNumericGreaterThan, false}, "NumericGreaterThanEquals": {opNumericGreaterThanEquals, false},
	"DateEquals": {opDateEquals, false}, "DateNotEquals": {opDateEquals, true},
	"DateLessThan": {opDateLessThan, false}, "DateLessThanEquals": {opDateLessThanEquals, false},
	"DateGreaterThan": {opDateGreaterThan, false}, "DateGreaterThanEquals": {opDateGreaterThanEquals, false},
	"Bool": {opBool, false}, "BinaryEquals": {opBinaryEquals, false},
	"IpAddress": {opIPAddress, false}, "NotIpAddress": {opIPAddress, true},
	"ArnEquals": {opArnLike, false}, "ArnNotEquals": {opArnLike, true},
	"ArnLike": {opArnLike, false}, "ArnNotLike": {opArnLike, true},
	"Null": {opNull, false},
}

// condValue is one policy value, pre-parsed for its operator. valid is false
// when the text cannot be read as the operator's type: such a value matches
// nothing.
type condValue struct {
	raw    string
	valid  bool
	pat    pattern    // String*
	arn    arnPattern // Arn*
	num    float64
	when   time.Time
	prefix netip.Prefix
	bin    []byte
	flag   bool // Bool, Null
}

type compiledCondition struct {
	key       string // lower-cased, for lookups in the request context
	name      string // as written in the policy, for people (missing_context)
	kind      opKind
	negated   bool
	ifExists  bool
	qualifier SetQualifier
	values    []condValue
	unknown   bool // an operator AWS does not have (only in hand-built conditions): never true
}

func compileCondition(c *Condition, vars bool) compiledCondition {
	op, known := baseOps[c.Base]
	cc := compiledCondition{
		key: strings.ToLower(c.Key), name: c.Key, kind: op.kind, negated: op.negated, unknown: !known,
		ifExists: c.IfExists, qualifier: c.Qualifier,
		values: make([]condValue, len(c.Values)),
	}
	for i, raw := range c.Values {
		v := condValue{raw: raw, valid: true}
		switch op.kind {
		case opStringEquals:
			v.pat = compilePattern(raw, false, vars, false)
		case opStringEqualsIgnoreCase:
			v.pat = compilePattern(raw, false, vars, true)
		case opStringLike:
			v.pat = compilePattern(raw, true, vars, false)
		case opArnLike:
			v.arn = compileARNPattern(raw, vars)
		case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
			v.num, v.valid = parseNumber(raw)
		case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
			v.when, v.valid = parseDate(raw)
		case opBool, opNull:
			v.flag, v.valid = parseBool(raw)
		case opBinaryEquals:
			v.bin, v.valid = parseBinary(raw)
		case opIPAddress:
			v.prefix, v.valid = parsePrefix(raw)
		}
		cc.values[i] = v
	}
	return cc
}

// condOutcome is a three-valued result: the answer for the request as given
// (absent keys treated as AWS treats them), and whether some value of a key
// the request lacks could make it true or false.
type condOutcome struct {
	given, canTrue, canFalse bool
}

func definite(b bool) condOutcome { return condOutcome{given: b, canTrue: b, canFalse: !b} }

// eval evaluates the condition against the request context.
func (c *compiledCondition) eval(e *evaluator) condOutcome {
	if c.unknown {
		return definite(false)
	}
	vals, present := e.ctx[c.key]
	if present && len(vals) == 0 && c.qualifier == Single {
		present = false // an empty set carries no value to compare
	}
	unknownKey := !present && !e.isKnown(c.key)
	if unknownKey {
		e.noteMissing(c.key, c.name)
	}
	var given bool
	switch {
	case c.kind == opNull:
		// Null: true tests that the key is absent, false that it is present.
		for i := range c.values {
			if c.values[i].valid && c.values[i].flag == !present {
				given = true
			}
		}
	case !present || (len(vals) == 0 && c.qualifier != Single):
		switch {
		case c.ifExists:
			given = true
		case c.qualifier == ForAllValues:
			given = true
		case c.qualifier == ForAnyValue:
			given = false
		default:
			given = c.negated
		}
	default:
		var unknownVar bool
		given, unknownVar = c.evalPresent(vals, e)
		if unknownVar {
			return condOutcome{given: given, canTrue: true, canFalse: true}
		}
	}
	if unknownKey {
		return condOutcome{given: given, canTrue: true, canFalse: true}
	}
	return definite(given)
}

func (c *compiledCondition) evalPresent(vals []string, e *evaluator) (bool, bool) {
	unknownVar := false
	pass := func(rv string) bool {
		m, unk := c.matchAny(rv, e)
		unknownVar = unknownVar || unk
		if c.negated {
			return !m
		}
		return m
	}
	switch c.qualifier {
	case ForAllValues:
		for _, rv := range vals {
			if !pass(rv) {
				return false, unknownVar
			}
		}
		return true, unknownVar
	case ForAnyValue:
		for _, rv := range vals {
			if pass(rv) {
				return true, unknownVar
			}
		}
		return false, unknownVar
	}
	// Single-valued operator: positive means some request value matches some
	// policy value; negated means no request value matches any.
	any := false
	for _, rv := range vals {
		if m, unk := c.matchAny(rv, e); m {
			any = true
			break
		} else if unk {
			unknownVar = true
		}
	}
	if c.negated {
		return !any, unknownVar
	}
	return any, unknownVar
}

// matchAny reports whether request value rv matches any policy value (the
// positive form of the operator). unknown: a policy value held a variable
// naming a key the request lacks.
func (c *compiledCondition) matchAny(rv string, e *evaluator) (matched, unknown bool) {
	switch c.kind {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike:
		for i := range c.values {
			ok, unk := c.values[i].pat.match(rv, e)
			if ok {
				return true, false
			}
			unknown = unknown || unk
		}
		return false, unknown
	case opArnLike:
		for i := range c.values {
			ok, unk := c.values[i].arn.match(rv, e)
			if ok {
				return true, false
			}
			unknown = unknown || unk
		}
		return false, unknown
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		n, ok := parseNumber(rv)
		if !ok {
			return false, false
		}
		for i := range c.values {
			v := &c.values[i]
			if v.valid && compareNumbers(c.kind, n, v.num) {
				return true, false
			}
		}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(rv)
		if !ok {
			return false, false
		}
		for i := range c.values {
			v := &c.values[i]
			if v.valid && compareDates(c.kind, t, v.when) {
				return true, false
			}
		}
	case opBool:
		b, ok := parseBool(rv)
		if !ok {
			return false, false
		}
		for i := range c.values {
			if c.values[i].valid && c.values[i].flag == b {
				return true, false
			}
		}
	case opBinaryEquals:
		rb, ok := parseBinary(rv)
		for i := range c.values {
			v := &c.values[i]
			if (ok && v.valid && bytes.Equal(rb, v.bin)) || rv == v.raw {
				return true, false
			}
		}
	case opIPAddress:
		addr, ok := parseAddr(rv)
		if !ok {
			return false, false
		}
		for i := range c.values {
			v := &c.values[i]
			if v.valid && v.prefix.Contains(addr) {
				return true, false
			}
		}
	}
	return false, false
}

func compareNumbers(k opKind, req, pol float64) bool {
	switch k {
	case opNumericEquals:
		return req == pol
	case opNumericLessThan:
		return req < pol
	case opNumericLessThanEquals:
		return req <= pol
	case opNumericGreaterThan:
		return req > pol
	}
	return req >= pol
}

func compareDates(k opKind, req, pol time.Time) bool {
	switch k {
	case opDateEquals:
		return req.Equal(pol)
	case opDateLessThan:
		return req.Before(pol)
	case opDateLessThanEquals:
		return !req.After(pol)
	case opDateGreaterThan:
		return req.After(pol)
	}
	return !req.Before(pol)
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions, besides
// epoch seconds.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if isInteger(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isInteger(s string) bool {
	if s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

func parseBinary(s string) ([]byte, bool) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	return nil, false
}

// parsePrefix reads a policy's IpAddress value: a CIDR block, or a single
// address meaning /32 (/128).
func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		if p.Addr().Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				return netip.Prefix{}, false
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), bits)
		}
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// parseAddr reads a request's address (aws:SourceIp); IPv4-mapped IPv6
// addresses compare as IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// ConditionOutcome evaluates condition i of st, a statement of p, against
// req's context alone, exactly as Evaluate does within that request: given
// is the outcome for the context as it is; canTrue and canFalse say whether
// values of keys the request lacks (and does not know to be absent) could
// make it true or false. The graph uses it to tell principals apart by what
// a condition makes of their keys rather than by the keys' raw values:
// "team-*" cannot tell "team-a" from "team-b".
func (p *Policy) ConditionOutcome(st *Statement, i int, req *Request) (given, canTrue, canFalse bool) {
	cs := st.compiledFor(p)
	if i < 0 || i >= len(cs.conditions) {
		return false, false, false
	}
	e := evaluator{req: req, ctx: req.Context}
	o := cs.conditions[i].eval(&e)
	return o.given, o.canTrue, o.canFalse
}
