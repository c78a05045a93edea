package graph

import (
	"strings"

	"github.com/iamx/iamx/model/actions"
)

// Resource types: an action applies only to the resource types the Service
// Authorization Reference lists for it, each with an ARN format. A policy
// that allows iam:* on arn:aws:iam::111122223333:role/app-* lets its holder
// pass or tag those roles, but not create users (user ARNs never match the
// pattern) nor list users or read the account summary (actions that take no
// resource type, which a statement allows only with "Resource": "*").
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html

// ActionTakes reports whether a resource pattern (as a policy's Resource
// writes it, or a concrete ARN) can name a resource the action applies to:
// some resource of one of the action's types matches it, by the evaluator's
// segment-by-segment rule. An action with no resource type takes only a
// pattern covering every resource ("*"). An action the catalogue does not
// know takes any pattern: nothing is assumed about it.
func ActionTakes(a *actions.Action, pattern string) bool {
	if a == nil {
		return true
	}
	if len(a.Resources) == 0 {
		return coversAll(pattern)
	}
	if coversAll(pattern) {
		return true
	}
	for i := range a.Resources {
		if patternFitsFormat(pattern, a.Resources[i].ARN) {
			return true
		}
	}
	return false
}

// coversAll reports whether a pattern matches every resource: "*", "**" ….
func coversAll(pattern string) bool {
	return pattern != "" && strings.Trim(pattern, "*") == ""
}

// patternFitsFormat reports whether some ARN of the catalogue's format
// ("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}") matches the
// policy pattern. A format that is not a six-part ARN is taken to fit: the
// catalogue is then not precise enough to refute a grant.
func patternFitsFormat(pattern, format string) bool {
	_, ok := fitWitness(pattern, format)
	return ok
}

// fitWitness returns an ARN of the format that the pattern matches, if
// there is one. The matching mirrors policy.CompileResource: the pattern's
// first five colons split it into segments, each matched against the same
// segment of the ARN, and its last segment matches the rest of the ARN
// (colons included). In the format, a ${Variable} is any text without a
// colon before the resource part, and any text within it.
func fitWitness(pattern, format string) (string, bool) {
	fsegs := strings.SplitN(format, ":", 6)
	if len(fsegs) != 6 {
		return "", true
	}
	psegs := strings.SplitN(pattern, ":", 6)
	// Most misses differ in a literal segment (the service, mostly): refute
	// those without building automata.
	for i := 0; i < len(psegs)-1; i++ {
		if !strings.ContainsAny(psegs[i], "*?") && !strings.Contains(fsegs[i], "${") && psegs[i] != fsegs[i] {
			return "", false
		}
	}
	var out strings.Builder
	for i, p := range psegs {
		var f []token
		if i == len(psegs)-1 {
			for j := i; j < 6; j++ {
				if j > i {
					f = append(f, token{kind: tokLit, c: ':'})
				}
				f = appendFormat(f, fsegs[j], j == 5)
			}
		} else {
			f = appendFormat(nil, fsegs[i], false)
		}
		w, ok := intersect(patternTokens(p), f)
		if !ok {
			return "", false
		}
		if i > 0 {
			out.WriteByte(':')
		}
		out.WriteString(w)
	}
	return out.String(), true
}

type tokKind uint8

const (
	tokLit     tokKind = iota // the byte c
	tokOne                    // any one character (?)
	tokAny                    // any run of characters (*)
	tokNoColon                // any run of characters without ':' (a format variable before the resource part)
	tokName                   // any run of characters without ':' or '/' (an S3 bucket name)
)

type token struct {
	kind tokKind
	c    byte
}

func (t token) star() bool { return t.kind == tokAny || t.kind == tokNoColon || t.kind == tokName }

// accepts reports whether t can consume c.
func (t token) accepts(c byte) bool {
	switch t.kind {
	case tokLit:
		return t.c == c
	case tokNoColon:
		return c != ':'
	case tokName:
		return c != ':' && c != '/'
	}
	return true
}

// patternTokens reads a policy pattern segment: * and ? are wildcards, the
// rest literal (the evaluator reads ${…} literally once the variables the
// snapshot knows are substituted).
func patternTokens(p string) []token {
	out := make([]token, 0, len(p))
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*':
			if n := len(out); n == 0 || out[n-1].kind != tokAny {
				out = append(out, token{kind: tokAny})
			}
		case '?':
			out = append(out, token{kind: tokOne})
		default:
			out = append(out, token{kind: tokLit, c: p[i]})
		}
	}
	return out
}

// appendFormat appends a format segment: ${…} is a run of characters (any
// in the resource part, no colon elsewhere), the rest literal. A bucket name
// never holds a slash or a colon (S3's naming rules), so an object pattern
// ("arn:aws:s3:::safe/*") names no bucket.
//
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
func appendFormat(out []token, f string, resourcePart bool) []token {
	star := token{kind: tokNoColon}
	if resourcePart {
		star.kind = tokAny
	}
	for i := 0; i < len(f); i++ {
		if f[i] == '$' && i+1 < len(f) && f[i+1] == '{' {
			if end := strings.IndexByte(f[i:], '}'); end > 0 {
				v := star
				if f[i:i+end+1] == "${BucketName}" {
					v = token{kind: tokName}
				}
				out = append(out, v)
				i += end
				continue
			}
		}
		out = append(out, token{kind: tokLit, c: f[i]})
	}
	return out
}

// intersect finds a string matched by both token lists: a search of the
// product of their automata, which is exact for *, ? and literal runs.
// Work is bounded by len(a)·len(b) states.
func intersect(a, b []token) (string, bool) {
	w := len(b) + 1
	type step struct {
		from int32
		c    byte
		char bool
	}
	prev := make([]step, (len(a)+1)*w)
	seen := make([]bool, len(prev))
	queue := []int{0}
	seen[0] = true
	prev[0].from = -1
	visit := func(to, from int, c byte, char bool) {
		if !seen[to] {
			seen[to] = true
			prev[to] = step{from: int32(from), c: c, char: char}
			queue = append(queue, to)
		}
	}
	goal := len(a)*w + len(b)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == goal {
			break
		}
		i, j := s/w, s%w
		// A star may match nothing.
		if i < len(a) && a[i].star() {
			visit(s+w, s, 0, false)
		}
		if j < len(b) && b[j].star() {
			visit(s+1, s, 0, false)
		}
		if i == len(a) || j == len(b) {
			continue
		}
		// Consume one character on both sides: a star stays, anything else
		// moves on. Both staying changes nothing.
		ti, tj := a[i], b[j]
		c, ok := common(ti, tj)
		if !ok {
			continue
		}
		ni, nj := i+1, j+1
		if ti.star() {
			ni = i
		}
		if tj.star() {
			nj = j
		}
		if ni != i || nj != j {
			visit(ni*w+nj, s, c, true)
		}
	}
	if !seen[goal] {
		return "", false
	}
	var rev []byte
	for s := goal; prev[s].from >= 0; s = int(prev[s].from) {
		if prev[s].char {
			rev = append(rev, prev[s].c)
		}
	}
	for l, r := 0, len(rev)-1; l < r; l, r = l+1, r-1 {
		rev[l], rev[r] = rev[r], rev[l]
	}
	return string(rev), true
}

// common returns a character both tokens accept.
func common(a, b token) (byte, bool) {
	switch {
	case a.kind == tokLit:
		return a.c, b.accepts(a.c)
	case b.kind == tokLit:
		return b.c, a.accepts(b.c)
	}
	return 'x', true
}

// fitMemo answers which candidate patterns each ARN format fits, from the
// graph's memo: the actions of a service share a handful of formats, and
// principals share the patterns of the policies they share.
type fitMemo struct{ c *permCache }

// takes is ActionTakes with the memo.
func (m fitMemo) takes(a *actions.Action, pattern string) bool {
	if len(a.Resources) == 0 || coversAll(pattern) {
		return coversAll(pattern)
	}
	for i := range a.Resources {
		if m.c.fits(a.Resources[i].ARN, pattern) {
			return true
		}
	}
	return false
}

// takeGroup is the actions of a class that take the same candidates.
type takeGroup struct {
	ids  []int
	take []bool // per candidate; nil: every candidate
}

// groups splits ids by which of cands their resource types take. When every
// candidate covers all resources, every action takes them all: one group,
// no per-action work.
func (m fitMemo) groups(cat *actions.Catalogue, ids []int, cands []string) []takeGroup {
	narrow := false
	for _, c := range cands {
		narrow = narrow || !coversAll(c)
	}
	if !narrow {
		return []takeGroup{{ids: ids}}
	}
	var out []takeGroup
	index := map[string]int{}
	mask := make([]byte, len(cands))
	for _, id := range ids {
		a := cat.Action(id)
		for i, c := range cands {
			mask[i] = 0
			if m.takes(a, c) {
				mask[i] = 1
			}
		}
		j, ok := index[string(mask)]
		if !ok {
			j = len(out)
			index[string(mask)] = j
			take := make([]bool, len(cands))
			for i := range mask {
				take[i] = mask[i] == 1
			}
			out = append(out, takeGroup{take: take})
		}
		out[j].ids = append(out[j].ids, id)
	}
	return out
}
