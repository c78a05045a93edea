package graph

import (
	"slices"

	"github.com/iamx/iamx/model/policy"
)

// The prefilter lets who-can and trust-edge building skip principals that no
// statement could allow, before asking the evaluator. It may only err on the
// side of "maybe": the evaluator decides every case the prefilter lets
// through, so a loose prefilter costs time, never correctness.

// mayAllow reports whether any Allow statement of p could match action on
// resource (resource "" skips the resource test).
func mayAllow(p *policy.Policy, action, resource string) bool {
	if p == nil {
		return false
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != policy.Allow || !st.MatchesAction(action) {
			continue
		}
		if resource == "" || st.MayMatchResource(resource) {
			return true
		}
	}
	return false
}

// deniesEverywhere reports whether a Deny statement of src refuses action on
// every resource and in every context: no Condition, "*" among its
// Resource patterns, and its Action / NotAction matching the action.
func deniesEverywhere(src *policy.Source, action string) bool {
	if src == nil || src.Policy == nil {
		return false
	}
	for i := range src.Policy.Statements {
		st := &src.Policy.Statements[i]
		if st.Effect == policy.Deny && len(st.Conditions) == 0 && st.NotResource == nil &&
			slices.Contains(st.Resource, "*") && st.MatchesAction(action) {
			return true
		}
	}
	return false
}

// globMatch matches s against a pattern where * is any run of characters
// and ? any one byte; fold makes it case-insensitive (ASCII). It is a flat
// glob, not the evaluator's rule (policy.Statement.MatchesAction and
// MayMatchResource are): it stays for comparing patterns with patterns
// (perms) and for the escalation search's resource classes.
func globMatch(pattern, s string, fold bool) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || sameByte(pattern[p], s[i], fold)):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func sameByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// memo is a per-query cache of one yes/no answer per distinct policy document.
type memo []uint8 // 0 unknown, 1 yes, 2 no

func (m memo) get(i int32, f func() bool) bool {
	switch m[i] {
	case 1:
		return true
	case 2:
		return false
	}
	if f() {
		m[i] = 1
		return true
	}
	m[i] = 2
	return false
}
