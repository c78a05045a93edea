package policy

import "strings"

// Policy variables are placeholders such as ${aws:username} in Resource,
// NotResource and string / ARN condition values. They exist only in policies
// of Version 2012-10-17; in older documents "${…}" is literal text.
//
// Rules implemented here (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
//   - ${key} is replaced by the single value of the condition key "key"
//     (key names are case-insensitive). A key that is absent, empty or
//     multi-valued cannot be resolved, and the resource or condition value
//     holding it does not match.
//   - ${key, 'default'} uses the default text when the key cannot be resolved.
//   - ${*}, ${?} and ${$} are the literal characters *, ? and $: a way to
//     write them where they would otherwise be wildcards or start a variable.
//   - Substituted text is literal: a "*" in a tag value is not a wildcard.

// pieceKind is one unit of a compiled pattern.
type pieceKind uint8

const (
	pieceLit  pieceKind = iota // literal text (lower-cased when the pattern folds case)
	pieceStar                  // * : any run of characters, including none
	pieceOne                   // ? : exactly one character
	pieceVar                   // ${key} or ${key, 'default'}
)

type piece struct {
	kind   pieceKind
	text   string // literal text, or the lower-cased key of a variable
	name   string // a variable's key as written
	def    string // default text of a variable
	hasDef bool
}

// parseVariable reads the inside of "${…}". It returns a literal piece for
// ${*}, ${?} and ${$}, a variable piece otherwise, and ok=false when the text
// is not a well-formed variable (the caller then keeps it as literal text).
func parseVariable(inner string) (piece, bool) {
	switch inner {
	case "*", "?", "$":
		return piece{kind: pieceLit, text: inner}, true
	}
	key, rest, hasComma := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " '{}$") {
		return piece{}, false
	}
	p := piece{kind: pieceVar, text: strings.ToLower(key), name: key}
	if hasComma {
		rest = strings.TrimSpace(rest)
		if len(rest) < 2 || rest[0] != '\'' || rest[len(rest)-1] != '\'' {
			return piece{}, false
		}
		p.def, p.hasDef = rest[1:len(rest)-1], true
	}
	return p, true
}

// resolveVar returns the text a variable stands for. unknown reports that the
// key was absent from a request that might carry it (so another request could
// resolve it); the key is then recorded as missing context.
func (e *evaluator) resolveVar(p *piece) (text string, ok, unknown bool) {
	vals, present := e.ctx[p.text]
	if present && len(vals) == 1 {
		return vals[0], true, false
	}
	if p.hasDef {
		return p.def, true, false
	}
	if !present && !e.isKnown(p.text) {
		e.noteMissing(p.text, p.name)
		return "", false, true
	}
	return "", false, false
}

// ExpandVariables rewrites each ${…} of pattern p with what sub returns for
// its inner text, keeping the text around it; ok is false when a variable
// is unterminated or sub refuses one. It is the one reader of the variable
// syntax for callers outside this package that substitute by their own rule
// (a prefilter that resolves some keys and widens the rest).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func ExpandVariables(p string, sub func(inner string) (string, bool)) (string, bool) {
	var b strings.Builder
	for {
		i := strings.Index(p, "${")
		if i < 0 {
			b.WriteString(p)
			return b.String(), true
		}
		end := strings.IndexByte(p[i+2:], '}')
		if end < 0 {
			return "", false
		}
		b.WriteString(p[:i])
		text, ok := sub(p[i+2 : i+2+end])
		if !ok {
			return "", false
		}
		b.WriteString(text)
		p = p[i+3+end:]
	}
}
