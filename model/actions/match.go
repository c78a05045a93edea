package actions

import (
	"sort"
	"strings"
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
// Every IAM action name is ASCII, so case folding is ASCII folding: A-Z
// equal a-z, and any other character, multi-byte ones included, must be
// equal. "?" still stands for one whole (UTF-8) character.

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
// When many patterns meet one request, resolve the request's action to an ID
// once (Lookup) and use MatchID; keep Match for names the catalogue lacks.
// The zero Matcher matches nothing. A Matcher is one pointer: cheap to copy,
// immutable, safe to share between goroutines.
type Matcher struct{ m *matcher }

type matcher struct {
	pattern string // as given
	lower   string // lower-cased pattern
	kind    matchKind
	lit     string // literal: whole pattern; prefix: before "*"; suffix: after "*"
	id      int    // literal: the action's ID, or -1 when not in the catalogue
	lo, hi  int    // IDs of the actions that start with the pattern's literal prefix
	cat     *Catalogue

	// kindGlob: the pattern split at its "*"s, for matching lower-case ASCII
	// with strings.Index instead of backtracking.
	segs             []string
	anchorL, anchorR bool // pattern does not start / end with "*"
}

// Compile compiles pattern against the embedded catalogue (see Load).
func Compile(pattern string) Matcher { return Load().Compile(pattern) }

// Compile compiles pattern against c; MatchID then takes c's IDs.
func (c *Catalogue) Compile(pattern string) Matcher { return Matcher{c.compile(pattern)} }

func (c *Catalogue) compile(pattern string) *matcher {
	lp := lowerASCII(pattern)
	m := &matcher{pattern: pattern, lower: lp, id: -1, cat: c}
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
		m.anchorL, m.anchorR = lp[0] != '*', lp[len(lp)-1] != '*'
		for _, seg := range strings.Split(lp, "*") {
			if seg != "" {
				m.segs = append(m.segs, seg)
			}
		}
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
func (m Matcher) Pattern() string {
	if m.m == nil {
		return ""
	}
	return m.m.pattern
}

// Match reports whether the action name (any string, typically
// "service:Action" from a request) matches the pattern.
func (m Matcher) Match(action string) bool {
	if m.m == nil {
		return false
	}
	return m.m.match(action)
}

func (m *matcher) match(action string) bool {
	if m.kind == kindAll {
		return true
	}
	switch m.kind {
	case kindGlob:
		// The segment matcher counts "?" as one byte and does not fold:
		// lower-case ASCII input only. Anything else backtracks, which beats
		// lower-casing a copy (an allocation) on names of typical length.
		if isLowerASCII(action) {
			return m.matchSegments(action)
		}
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
	p := m.m
	if p == nil {
		return false
	}
	switch p.kind {
	case kindAll:
		return id >= 0 && id < len(p.cat.actions)
	case kindLiteral, kindPrefix:
		return id >= p.lo && id < p.hi
	}
	return id >= p.lo && id < p.hi && p.matchLower(p.cat.lower[id])
}

// matchLower matches an already lower-cased catalogue name.
func (m *matcher) matchLower(name string) bool {
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
		return m.matchSegments(name)
	}
	return false
}

// matchSegments matches lower-case ASCII s against a kindGlob pattern. The
// segments between "*"s must appear in order; taking each at its leftmost
// position is always safe, because a "*" can absorb whatever is skipped.
// "?" inside a segment is one byte, which is one character in ASCII.
func (m *matcher) matchSegments(s string) bool {
	segs := m.segs
	if m.anchorL {
		first := segs[0]
		if len(s) < len(first) || !equalQ(s[:len(first)], first) {
			return false
		}
		s, segs = s[len(first):], segs[1:]
		if len(segs) == 0 {
			// No "*" at all ("iam:pass?ole"), or only a trailing one.
			return !m.anchorR || s == ""
		}
	}
	if m.anchorR {
		last := segs[len(segs)-1]
		if len(s) < len(last) || !equalQ(s[len(s)-len(last):], last) {
			return false
		}
		s, segs = s[:len(s)-len(last)], segs[:len(segs)-1]
	}
	for _, seg := range segs {
		i := indexQ(s, seg)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return true
}

// equalQ compares s with seg, where "?" in seg matches any byte.
func equalQ(s, seg string) bool {
	for i := 0; i < len(seg); i++ {
		if seg[i] != '?' && seg[i] != s[i] {
			return false
		}
	}
	return true
}

// indexQ finds the leftmost place seg (which may hold "?") occurs in s.
func indexQ(s, seg string) int {
	q := strings.IndexByte(seg, '?')
	if q < 0 {
		return strings.Index(s, seg)
	}
	// Search for the longest "?"-free run, then check the rest around it.
	lo, hi := longestRun(seg)
	if hi == lo {
		if len(s) < len(seg) {
			return -1
		}
		return 0 // only "?"s: any position with room will do
	}
	run := seg[lo:hi]
	for from := lo; from+len(seg)-lo <= len(s); {
		j := strings.Index(s[from:], run)
		if j < 0 {
			return -1
		}
		start := from + j - lo
		if start+len(seg) > len(s) {
			return -1
		}
		if equalQ(s[start:start+len(seg)], seg) {
			return start
		}
		from += j + 1
	}
	return -1
}

// longestRun returns the bounds of the longest "?"-free run of seg.
func longestRun(seg string) (lo, hi int) {
	start := 0
	for i := 0; i <= len(seg); i++ {
		if i == len(seg) || seg[i] == '?' {
			if i-start > hi-lo {
				lo, hi = start, i
			}
			start = i + 1
		}
	}
	return lo, hi
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases A-Z only, allocating only when s has upper case.
func lowerASCII(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if 'A' <= b[i] && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

// AddTo sets in b the ID of every catalogue action the pattern matches.
func (m Matcher) AddTo(b *Bitset) {
	if m.m != nil {
		m.m.addTo(b)
	}
}

func (m *matcher) addTo(b *Bitset) {
	switch m.kind {
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
		c.compile(p).addTo(&b)
	}
	return b
}

// globFold matches s against pattern p, which is already lower-cased,
// folding s's ASCII letters as it goes. It is the classic linear-backtracking
// wildcard match: on a mismatch, retry from the last "*" one character
// further on, so the cost stays O(len(p)·len(s)) at worst and about linear
// in practice. It serves input with upper case or non-ASCII characters.
func globFold(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch pc, sc := p[pi], s[si]; {
			case pc == '*':
				starP, starS = pi, si
				pi++
				continue
			case pc == '?':
				pi++
				si += runeLen(s, si)
				continue
			default:
				if 'A' <= sc && sc <= 'Z' {
					sc += 'a' - 'A'
				}
				if sc == pc {
					pi++
					si++
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
