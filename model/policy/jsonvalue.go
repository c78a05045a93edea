package policy

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting while decoding a document. Real policies nest four
// levels deep (Statement → Condition → operator → key); anything near this is
// hostile input.
const maxDepth = 64

// value is a decoded JSON value that keeps object members in document order,
// so traces and errors can follow the order a person wrote.
type value struct {
	kind    valueKind
	str     string // string, number (its JSON text) or bool ("true"/"false")
	items   []value
	members []member
}

type member struct {
	key string
	val value
}

type valueKind uint8

const (
	kindNull valueKind = iota
	kindString
	kindNumber
	kindBool
	kindArray
	kindObject
)

func (k valueKind) String() string {
	return [...]string{"null", "string", "number", "boolean", "array", "object"}[k]
}

// decodeValue decodes exactly one JSON value from data.
//
// It is a small recursive-descent scanner rather than encoding/json's token
// decoder: loading a large account parses tens of thousands of documents, and
// the token API's per-token interface allocations made parsing half of the
// load time. FuzzDecodeValue checks it against encoding/json.
func decodeValue(data []byte) (value, error) {
	sc := scanner{data: data}
	sc.skipSpace()
	v, err := sc.value(0)
	if err != nil {
		return value{}, err
	}
	sc.skipSpace()
	if sc.pos != len(sc.data) {
		return value{}, fmt.Errorf("unexpected data after the document at offset %d", sc.pos)
	}
	return v, nil
}

type scanner struct {
	data []byte
	pos  int
}

func (sc *scanner) skipSpace() {
	for sc.pos < len(sc.data) {
		switch sc.data[sc.pos] {
		case ' ', '\t', '\n', '\r':
			sc.pos++
		default:
			return
		}
	}
}

func (sc *scanner) errorf(format string, a ...any) error {
	if sc.pos >= len(sc.data) {
		return fmt.Errorf("unexpected end of document")
	}
	return fmt.Errorf("%s at offset %d", fmt.Sprintf(format, a...), sc.pos)
}

func (sc *scanner) value(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, fmt.Errorf("nesting deeper than %d levels", maxDepth)
	}
	if sc.pos >= len(sc.data) {
		return value{}, sc.errorf("expected a value")
	}
	switch c := sc.data[sc.pos]; {
	case c == '{':
		return sc.object(depth)
	case c == '[':
		return sc.array(depth)
	case c == '"':
		s, err := sc.string()
		return value{kind: kindString, str: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		return sc.number()
	case c == 't':
		return sc.literal("true", value{kind: kindBool, str: "true"})
	case c == 'f':
		return sc.literal("false", value{kind: kindBool, str: "false"})
	case c == 'n':
		return sc.literal("null", value{kind: kindNull})
	}
	return value{}, sc.errorf("invalid character %q looking for a value", sc.data[sc.pos])
}

func (sc *scanner) literal(word string, v value) (value, error) {
	if !bytes.HasPrefix(sc.data[sc.pos:], []byte(word)) {
		return value{}, sc.errorf("invalid literal, expected %s", word)
	}
	sc.pos += len(word)
	return v, nil
}

func (sc *scanner) object(depth int) (value, error) {
	sc.pos++ // '{'
	v := value{kind: kindObject}
	sc.skipSpace()
	if sc.pos < len(sc.data) && sc.data[sc.pos] == '}' {
		sc.pos++
		return v, nil
	}
	for {
		sc.skipSpace()
		if sc.pos >= len(sc.data) || sc.data[sc.pos] != '"' {
			return value{}, sc.errorf("expected a string object key")
		}
		key, err := sc.string()
		if err != nil {
			return value{}, err
		}
		sc.skipSpace()
		if sc.pos >= len(sc.data) || sc.data[sc.pos] != ':' {
			return value{}, sc.errorf("expected ':' after object key")
		}
		sc.pos++
		sc.skipSpace()
		item, err := sc.value(depth + 1)
		if err != nil {
			return value{}, err
		}
		v.members = append(v.members, member{key, item})
		sc.skipSpace()
		if sc.pos >= len(sc.data) {
			return value{}, sc.errorf("")
		}
		switch sc.data[sc.pos] {
		case ',':
			sc.pos++
		case '}':
			sc.pos++
			return v, nil
		default:
			return value{}, sc.errorf("expected ',' or '}' after object value")
		}
	}
}

func (sc *scanner) array(depth int) (value, error) {
	sc.pos++ // '['
	v := value{kind: kindArray}
	sc.skipSpace()
	if sc.pos < len(sc.data) && sc.data[sc.pos] == ']' {
		sc.pos++
		return v, nil
	}
	for {
		sc.skipSpace()
		item, err := sc.value(depth + 1)
		if err != nil {
			return value{}, err
		}
		v.items = append(v.items, item)
		sc.skipSpace()
		if sc.pos >= len(sc.data) {
			return value{}, sc.errorf("")
		}
		switch sc.data[sc.pos] {
		case ',':
			sc.pos++
		case ']':
			sc.pos++
			return v, nil
		default:
			return value{}, sc.errorf("expected ',' or ']' after array element")
		}
	}
}

// number scans a JSON number and keeps its text.
func (sc *scanner) number() (value, error) {
	start := sc.pos
	d := sc.data
	i := sc.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		sc.pos = i
		return value{}, sc.errorf("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			sc.pos = i
			return value{}, sc.errorf("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			sc.pos = i
			return value{}, sc.errorf("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	sc.pos = i
	return value{kind: kindNumber, str: string(d[start:i])}, nil
}

// string scans a JSON string. The common case — no escapes, valid UTF-8 — is
// one slice conversion; otherwise it decodes escapes and, like encoding/json,
// replaces each invalid UTF-8 byte with U+FFFD.
func (sc *scanner) string() (string, error) {
	sc.pos++ // opening quote
	start := sc.pos
	d := sc.data
	plain := true
	for i := start; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			if plain {
				sc.pos = i + 1
				return string(d[start:i]), nil
			}
			s, err := unescape(d[start:i])
			if err != nil {
				sc.pos = start
				return "", sc.errorf("%v in string", err)
			}
			sc.pos = i + 1
			return s, nil
		case c == '\\':
			plain = false
			i++ // skip the escaped character; unescape validates it
		case c < 0x20:
			sc.pos = i
			return "", sc.errorf("invalid control character in string")
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	sc.pos = len(d)
	return "", sc.errorf("")
}

func unescape(b []byte) (string, error) {
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(b[i:])
			out.WriteRune(r) // utf8.RuneError for an invalid byte, as encoding/json does
			i += size
			continue
		}
		if c != '\\' {
			out.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", errors.New("invalid escape")
		}
		switch b[i+1] {
		case '"', '\\', '/':
			out.WriteByte(b[i+1])
		case 'b':
			out.WriteByte('\b')
		case 'f':
			out.WriteByte('\f')
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 't':
			out.WriteByte('\t')
		case 'u':
			r, ok := hex4(b, i+2)
			if !ok {
				return "", errors.New("invalid \\u escape")
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(b, i+2); ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						out.WriteRune(dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out.WriteRune(r)
			continue
		default:
			return "", fmt.Errorf("invalid escape \\%c", b[i+1])
		}
		i += 2
	}
	return out.String(), nil
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// get returns the first member named key.
func (v *value) get(key string) (value, bool) {
	for _, m := range v.members {
		if m.key == key {
			return m.val, true
		}
	}
	return value{}, false
}
