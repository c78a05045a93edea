package actions

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Action patterns follow the Action element of IAM policies:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
//
//   - matching ignores case ("S3:getobject" is s3:GetObject);
//   - "*" matches any run of characters, including none and including ":",
//     so "*", "s3*" and "*:Get*" are all valid;
//   - "?" matches exactly one character;
//   - there is no escape: every other character stands for itself.
//
// Case is compared in Unicode lower case (strings.ToLower); catalogue names
// are ASCII, so in practice this is ASCII folding.

type matchKind uint8

const (
	kindNone    matchKind = iota // zero Matcher: matches nothing
	kindLiteral                  // no wildcard
	kindAll                      // only "*"s
	kindPrefix                   // "abc*"
	kindSuffix                   // "*abc"
	kindGlob                     // anything else
)

// Matcher is a compiled action pattern for hot loops: the pattern is
// lower-cased and classified once, and MatchID answers from the catalogue's
// dense IDs, for literals and "prefix*" patterns with an integer comparison.
// The zero Matcher matches nothing. Matchers are values, safe to copy and to
// share between goroutines.
type Matcher struct {
	pattern string // as given
	lower   string // lower-cased pattern
	kind    matchKind
	lit     string // literal: whole pattern; prefix: before "*"; suffix: after "*"
	id      int    // literal: the action's ID, or -1 when not in the catalogue
	lo, hi  int    // IDs of the actions that start with the pattern's literal prefix
	cat     *Catalogue
}

// Compile compiles pattern against the embedded catalogue (see Load).
func Compile(pattern string) Matcher { return Load().Compile(pattern) }

// Compile compiles pattern against c; MatchID then takes c's IDs.
func (c *Catalogue) Compile(pattern string) Matcher {
	lp := strings.ToLower(pattern)
	m := Matcher{pattern: pattern, lower: lp, id: -1, cat: c}
	wild := strings.IndexAny(lp, "*?")
	if wild < 0 {
		m.kind, m.lit = kindLiteral, lp
		if m.id = c.find(lp); m.id >= 0 {
			m.lo, m.hi = m.id, m.id+1
		}
		return m
	}
	m.lo, m.hi = c.prefixRange(lp[:wild])
	// A pattern needing more characters than the longest catalogue name can
	// only match request strings, never an ID: empty the range so Expand does
	// not glob thousands of names against a pathological pattern.
	if len(lp)-strings.Count(lp, "*") > c.maxName {
		m.lo, m.hi = 0, 0
	}
	tail := lp[wild:]
	switch {
	case strings.Trim(tail, "*") == "" && wild == 0:
		m.kind = kindAll
	case strings.Trim(tail, "*") == "":
		m.kind, m.lit = kindPrefix, lp[:wild]
	case wild == 0 && tail[0] == '*' && !strings.ContainsAny(strings.TrimLeft(tail, "*"), "*?"):
		m.kind, m.lit = kindSuffix, strings.TrimLeft(tail, "*")
	default:
		m.kind = kindGlob
	}
	return m
}

// prefixRange returns the IDs [lo, hi) whose lower-cased full names start
// with prefix; IDs are ordered by that name, so they are contiguous.
func (c *Catalogue) prefixRange(prefix string) (lo, hi int) {
	lo = sort.SearchStrings(c.lower, prefix)
	hi = lo + sort.Search(len(c.lower)-lo, func(i int) bool {
		return !strings.HasPrefix(c.lower[lo+i], prefix)
	})
	return lo, hi
}

// Pattern returns the pattern as given to Compile.
func (m Matcher) Pattern() string { return m.pattern }

// Match reports whether the action name (any string, typically
// "service:Action" from a request) matches the pattern.
func (m Matcher) Match(action string) bool {
	if m.kind == kindNone {
		return false
	}
	if m.kind == kindAll {
		return true
	}
	if !isASCII(action) {
		return globFold(m.lower, action)
	}
	switch m.kind {
	case kindLiteral:
		return len(action) == len(m.lit) && compareFold(m.lit, action) == 0
	case kindPrefix:
		return len(action) >= len(m.lit) && compareFold(m.lit, action[:len(m.lit)]) == 0
	case kindSuffix:
		return len(action) >= len(m.lit) && compareFold(m.lit, action[len(action)-len(m.lit):]) == 0
	}
	return globFold(m.lower, action)
}

// MatchID reports whether the catalogue action with this ID matches. It is
// the loop body for computing effective permissions: constant time for
// literals, "*" and "prefix*", a glob over the pre-lowered name otherwise.
func (m Matcher) MatchID(id int) bool {
	switch m.kind {
	case kindNone:
		return false
	case kindAll:
		return id >= 0 && id < len(m.cat.actions)
	case kindLiteral, kindPrefix:
		return id >= m.lo && id < m.hi
	}
	return id >= m.lo && id < m.hi && m.matchLower(m.cat.lower[id])
}

// matchLower matches an already lower-cased catalogue name.
func (m Matcher) matchLower(name string) bool {
	switch m.kind {
	case kindAll:
		return true
	case kindLiteral:
		return name == m.lit
	case kindPrefix:
		return strings.HasPrefix(name, m.lit)
	case kindSuffix:
		return strings.HasSuffix(name, m.lit)
	case kindGlob:
		return globFold(m.lower, name)
	}
	return false
}

// AddTo sets in b the ID of every catalogue action the pattern matches.
func (m Matcher) AddTo(b *Bitset) {
	switch m.kind {
	case kindNone:
	case kindAll, kindLiteral, kindPrefix:
		b.setRange(m.lo, m.hi)
	default:
		for id := m.lo; id < m.hi; id++ {
			if m.matchLower(m.cat.lower[id]) {
				b.Set(id)
			}
		}
	}
}

// ExpandSet returns the set of IDs of the embedded catalogue's actions that
// any of the patterns matches.
func ExpandSet(patterns []string) Bitset { return Load().ExpandSet(patterns) }

// ExpandSet returns the set of IDs of the actions that any of the patterns
// matches, sized for c.
func (c *Catalogue) ExpandSet(patterns []string) Bitset {
	b := NewBitset(c.Len())
	for _, p := range patterns {
		c.Compile(p).AddTo(&b)
	}
	return b
}

// globFold matches s against pattern p, which is already lower-cased,
// folding s to lower case as it goes. It is the classic linear-backtracking
// wildcard match: on a mismatch, retry from the last "*" one character
// further on, so the cost stays O(len(p)·len(s)) at worst and about
// linear in practice.
func globFold(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch pc := p[pi]; {
			case pc == '*':
				starP, starS = pi, si
				pi++
				continue
			case pc == '?':
				pi++
				si += runeLen(s, si)
				continue
			case pc < utf8.RuneSelf && s[si] < utf8.RuneSelf:
				sc := s[si]
				if 'A' <= sc && sc <= 'Z' {
					sc += 'a' - 'A'
				}
				if sc == pc {
					pi++
					si++
					continue
				}
			default:
				pr, pn := utf8.DecodeRuneInString(p[pi:])
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if pr == unicode.ToLower(sr) {
					pi += pn
					si += sn
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		pi = starP + 1
		starS += runeLen(s, starS)
		si = starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}
