package policy

import (
	"strings"
	"unicode/utf8"

	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/principal"
)

// This file matches the Action, Resource and Principal elements.
//
// Actions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// (case-insensitive, * and ? wildcards).
// Resources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// (case-sensitive; wildcards within each colon-separated ARN segment; a * at
// the end of the last written segment expands past colon boundaries; the
// resource part after the fifth colon is one segment, in which * spans "/" and ":").
// Principals: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html

// patternKind selects a fast path for a compiled pattern.
type patternKind uint8

const (
	patGeneral patternKind = iota // walk pieces
	patAny                        // "*": matches everything
	patLiteral                    // no wildcard, no variable: equality
	patPrefix                     // literal followed by one trailing *: prefix test
)

// pattern is a glob compiled once: literal runs, *, ?, and variables.
type pattern struct {
	kind    patternKind
	fold    bool   // ASCII case-insensitive (actions, …IgnoreCase); text is lower-cased
	text    string // literal or prefix for the fast paths; the source otherwise
	pieces  []piece
	hasVars bool
}

// compilePattern compiles s. wild enables * and ?; vars enables ${…}.
//
// Literal runs are substrings of s, not copies: documents hold thousands of
// patterns, compiled at load. Only a run that takes in a variable standing
// for text (${*}, ${?}, ${$}) is built.
func compilePattern(s string, wild, vars, fold bool) pattern {
	if wild && s == "*" {
		return pattern{kind: patAny, text: s}
	}
	var buf [8]piece
	ps := buf[:0]
	var built []byte // the pending literal's start, when it took in a variable's text
	from := 0        // the pending literal continues with s[from:i]
	hasVars := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		var p piece
		next := i + 1
		switch {
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				continue // not a variable: part of the literal
			}
			v, ok := parseVariable(s[i+2 : i+2+end])
			if !ok {
				continue
			}
			next = i + 3 + end
			if v.kind == pieceLit {
				built = append(append(built, s[from:i]...), v.text...)
				from, i = next, next-1
				continue
			}
			p, hasVars = v, true
		case wild && c == '*':
			p = piece{kind: pieceStar}
		case wild && c == '?':
			p = piece{kind: pieceOne}
		default:
			continue
		}
		// A wildcard or variable ends the pending literal.
		ps = appendLiteral(ps, s, from, i, built, fold)
		built = built[:0]
		if n := len(ps); p.kind != pieceStar || n == 0 || ps[n-1].kind != pieceStar {
			ps = append(ps, p)
		}
		from, i = next, next-1
	}
	ps = appendLiteral(ps, s, from, len(s), built, fold)
	p := pattern{kind: patGeneral, fold: fold, text: s, hasVars: hasVars}
	switch {
	case len(ps) == 0:
		p.kind, p.text = patLiteral, ""
	case len(ps) == 1 && ps[0].kind == pieceLit:
		p.kind, p.text = patLiteral, ps[0].text
	case len(ps) == 1 && ps[0].kind == pieceStar:
		p.kind = patAny
	case len(ps) == 2 && ps[0].kind == pieceLit && ps[1].kind == pieceStar:
		p.kind, p.text = patPrefix, ps[0].text
	default:
		p.pieces = append([]piece(nil), ps...)
	}
	return p
}

// appendLiteral appends the pending literal run (built, then s[from:to]),
// if it is not empty.
func appendLiteral(ps []piece, s string, from, to int, built []byte, fold bool) []piece {
	var t string
	switch {
	case len(built) > 0:
		t = string(append(built, s[from:to]...))
	case from < to:
		t = s[from:to]
	default:
		return ps
	}
	if fold {
		t = asciiLower(t)
	}
	return append(ps, piece{kind: pieceLit, text: t})
}

// match reports whether s matches. unknown is true when the match failed only
// because a variable named a key the request lacks (a request carrying the
// key might match).
func (p *pattern) match(s string, e *evaluator) (ok, unknown bool) {
	switch p.kind {
	case patAny:
		return true, false
	case patLiteral:
		if p.fold {
			return len(s) == len(p.text) && hasPrefixFold(s, p.text), false
		}
		return s == p.text, false
	case patPrefix:
		if p.fold {
			return hasPrefixFold(s, p.text), false
		}
		return strings.HasPrefix(s, p.text), false
	}
	return matchPieces(p.pieces, s, p.fold, e)
}

// matchPieces is glob matching with backtracking to the last star, which is
// exact for patterns of *, ? and literal runs. Variables are resolved as they
// are reached and compared as literal text.
func matchPieces(ps []piece, s string, fold bool, e *evaluator) (ok, unknown bool) {
	pi, si := 0, 0
	starPi, starSi := -1, 0
	for {
		if pi < len(ps) {
			p := &ps[pi]
			switch p.kind {
			case pieceStar:
				starPi, starSi = pi, si
				pi++
				continue
			case pieceOne:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					pi++
					continue
				}
			case pieceLit:
				if prefixMatch(s[si:], p.text, fold) {
					si += len(p.text)
					pi++
					continue
				}
			case pieceVar:
				text, resolved, unk := e.resolveVar(p)
				if !resolved {
					return false, unk
				}
				if prefixMatch(s[si:], text, fold) {
					si += len(text)
					pi++
					continue
				}
			}
		} else if si == len(s) {
			return true, false
		}
		if starPi >= 0 && starSi < len(s) {
			_, n := utf8.DecodeRuneInString(s[starSi:])
			starSi += n
			si = starSi
			pi = starPi + 1
			continue
		}
		return false, false
	}
}

func prefixMatch(s, prefix string, fold bool) bool {
	if fold {
		return hasPrefixFold(s, prefix)
	}
	return strings.HasPrefix(s, prefix)
}

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII case.
// prefix may be in any case; both sides are folded byte by byte.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		a, b := s[i], prefix[i]
		if a == b {
			continue
		}
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// arnPattern matches ARNs segment by segment: each of the colon-separated
// segments of the pattern is matched against the same segment of the ARN,
// except the last segment written, which matches the rest of the ARN
// (colons included). For a full six-segment pattern that last segment is the
// resource part; for a shorter one such as "arn:aws:s3:*" it is the documented
// rule that a trailing * expands beyond colon boundaries.
type arnPattern struct {
	any  bool
	segs []pattern
}

func compileARNPattern(s string, vars bool) arnPattern {
	if s == "*" {
		return arnPattern{any: true}
	}
	parts := splitARNPattern(s, vars)
	ap := arnPattern{segs: make([]pattern, len(parts))}
	for i, part := range parts {
		ap.segs[i] = compilePattern(part, true, vars, false)
	}
	return ap
}

// ResourcePattern is a Resource (or NotResource) entry compiled as the
// evaluator matches it: segment by segment, ${…} read literally (callers
// that know a variable's value substitute it first). It lets other packages
// pre-sort requests with exactly the evaluator's rule.
type ResourcePattern struct{ ap arnPattern }

// CompileResource compiles a Resource entry.
func CompileResource(pattern string) ResourcePattern {
	return ResourcePattern{compileARNPattern(pattern, false)}
}

// Match reports whether resource matches the pattern.
func (p ResourcePattern) Match(resource string) bool {
	ok, _ := p.ap.match(resource, nil) // no variables: no evaluator needed
	return ok
}

// splitARNPattern splits at the first five colons that are not inside ${…}.
func splitARNPattern(s string, vars bool) []string {
	var parts []string
	start, depth := 0, 0
	for i := 0; i < len(s) && len(parts) < 5; i++ {
		switch {
		case vars && s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == ':' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// match matches an ARN (or any string: a non-ARN simply has one segment).
func (a *arnPattern) match(s string, e *evaluator) (ok, unknown bool) {
	if a.any {
		return true, false
	}
	rest := s
	for i := range a.segs {
		p := &a.segs[i]
		if i == len(a.segs)-1 {
			return p.match(rest, e)
		}
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return false, false
		}
		ok, unk := p.match(rest[:j], e)
		if !ok {
			return false, unk
		}
		rest = rest[j+1:]
	}
	return false, false
}

// principalMatch is how a Principal element names the requester, which
// decides what else must allow the request.
type principalMatch uint8

const (
	principalNone principalMatch = iota
	// principalAccount: the element names the requester's account (account ID
	// or root ARN). The account delegates to its identity policies, which
	// must allow too.
	principalAccount
	// principalNamed: the element names the requester through its role (role
	// ARN for a session of that role), "*", a service, a federated provider
	// or a canonical user. Enough on its own in the same account, but still
	// limited by a permissions boundary.
	principalNamed
	// principalDirect: the element names the requester's own ARN (IAM user,
	// role session, federated user) or, for the root user, its account. Not
	// limited by an implicit deny in identity policies or the boundary.
	principalDirect
)

func (m principalMatch) String() string {
	return [...]string{"no", "account", "named", "direct"}[m]
}

// matchPrincipals finds the strongest way in which ps names p.
//
// Decisions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
//   - "*" and {"AWS": "*"} match every principal, anonymous included.
//   - An account ID or arn:aws:iam::ACCOUNT:root names every principal of
//     that account ("the account"), which then needs an identity allow.
//   - A role ARN matches sessions of that role (Kind Role stands for "a
//     session of the role"; an AssumedRole session matches its role's ARN by
//     account and role name, as the session ARN carries no role path).
//     Such grants stay limited by the role's permissions boundary.
//   - A user ARN or an exact assumed-role session ARN names the principal
//     directly.
//   - Service, Federated and CanonicalUser entries match those principals by
//     identifier (service names ignore case, as DNS names do).
func matchPrincipals(ps *Principals, p *principal.Principal) principalMatch {
	if ps.Wildcard {
		return principalNamed
	}
	best := principalNone
	for _, id := range ps.AWS {
		if m := matchAWSPrincipal(id, p); m > best {
			best = m
		}
	}
	switch p.Kind {
	case principal.Service:
		for _, id := range ps.Service {
			if strings.EqualFold(id, p.ID) {
				best = max(best, principalNamed)
			}
		}
	case principal.Federated:
		for _, id := range ps.Federated {
			if id == p.ID || (p.Name != "" && id == p.Name) {
				best = max(best, principalNamed)
			}
		}
	case principal.CanonicalUser:
		for _, id := range ps.CanonicalUser {
			if id == p.ID {
				best = max(best, principalNamed)
			}
		}
	}
	return best
}

func matchAWSPrincipal(id string, p *principal.Principal) principalMatch {
	if id == "*" {
		return principalNamed
	}
	if acct, ok := accountOf(id); ok {
		if p.Account == "" || acct != p.Account {
			return principalNone
		}
		switch p.Kind {
		case principal.Account:
			return principalDirect // the root user is the account
		case principal.User, principal.Role, principal.AssumedRole, principal.FederatedUser:
			return principalAccount
		}
		return principalNone
	}
	switch p.Kind {
	case principal.User, principal.AssumedRole, principal.FederatedUser:
		if id == p.ID {
			return principalDirect
		}
		if p.Kind == principal.AssumedRole && sessionOfRole(p, id) {
			return principalNamed
		}
	case principal.Role:
		if id == p.ID {
			return principalNamed
		}
	}
	return principalNone
}

// accountOf recognises the two ways to write "an account": the 12-digit ID
// and the root user ARN.
func accountOf(id string) (string, bool) {
	if arn.IsAccountID(id) {
		return id, true
	}
	if strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, ":root") {
		if a, err := arn.Parse(id); err == nil && a.Service == "iam" && a.Resource == "root" {
			return a.Account, true
		}
	}
	return "", false
}

// sessionOfRole reports whether roleARN is the role whose session p is:
// arn:aws:sts::ACCT:assumed-role/NAME/SESSION belongs to
// arn:aws:iam::ACCT:role/[path/]NAME.
func sessionOfRole(p *principal.Principal, roleARN string) bool {
	const marker = ":assumed-role/"
	i := strings.Index(p.ID, marker)
	if i < 0 {
		return false
	}
	roleName, _, ok := strings.Cut(p.ID[i+len(marker):], "/")
	if !ok {
		return false
	}
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || a.Account != p.Account || a.ResourceType() != "role" {
		return false
	}
	return a.Name() == roleName
}

// excludedByNotPrincipal reports whether ps lists every identity AWS checks
// for p, so that a NotPrincipal statement does not apply to p. AWS checks
// the account, then the user or role, then the role session; NotPrincipal
// must list each level (the docs advise listing the account ARN alongside the
// user, or the role ARN and its account), or the statement applies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func excludedByNotPrincipal(ps *Principals, p *principal.Principal) bool {
	if ps.Wildcard {
		return true
	}
	for _, id := range ps.AWS {
		if id == "*" {
			return true
		}
	}
	switch p.Kind {
	case principal.User, principal.Role, principal.AssumedRole, principal.FederatedUser, principal.Account:
		if !listsAccount(ps, p.Account) {
			return false
		}
		if p.Kind == principal.Account {
			return true
		}
		for _, id := range ps.AWS {
			if id == p.ID || (p.Kind == principal.AssumedRole && sessionOfRole(p, id)) {
				return true
			}
		}
		return false
	case principal.Service, principal.Federated, principal.CanonicalUser:
		return matchPrincipals(&Principals{Service: ps.Service, Federated: ps.Federated, CanonicalUser: ps.CanonicalUser}, p) != principalNone
	}
	return false
}

func listsAccount(ps *Principals, account string) bool {
	if account == "" {
		return false
	}
	for _, id := range ps.AWS {
		if a, ok := accountOf(id); ok && a == account {
			return true
		}
	}
	return false
}
