package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
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

// decodeValue decodes exactly one JSON value from data into the ordered
// tree. It reads tokens with jsontext.Decoder, whose Token is a struct (no
// allocation per token) and whose errors carry a JSON Pointer: a document
// that is not JSON is reported at its place ("Statement[0]: not valid JSON:
// …"), like a document that is not a policy. As encoding/json did, a
// repeated member name is kept (the parser takes the first) and invalid
// UTF-8 in a string becomes U+FFFD.
//
// As it reads, it writes the document's compact form (json.Compact's
// output: whitespace dropped, every token as written), so that a loader
// storing documents compacted needs no second pass; compact is nil when
// data is not one JSON value. FuzzDecodeValue checks both against
// encoding/json.
func decodeValue(data []byte) (v value, compact []byte, err error) {
	d := decoders.Get().(*docDecoder)
	defer d.release()
	d.buf = *bytes.NewBuffer(data)
	d.dec.Reset(&d.buf, decodeOptions...)
	d.out = d.out[:0]
	v, err = d.value(0)
	if err == nil {
		// A decoder reads a stream of values; a document is one.
		end := d.dec.InputOffset()
		if _, err = d.dec.ReadToken(); err == io.EOF {
			// Its own allocation, of its exact length: a text stored in
			// a snapshot cannot be grown into a neighbour's bytes.
			compact = make([]byte, len(d.out))
			copy(compact, d.out)
			return v, compact, nil
		} else if err == nil {
			return value{}, nil, &ParseError{Msg: fmt.Sprintf("not valid JSON: unexpected data after the document at offset %d", end)}
		}
	}
	return value{}, nil, jsonError(err)
}

var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// docDecoder is a reusable jsontext.Decoder reading a document in place:
// documents are decoded on every core at once, tens of thousands a load.
type docDecoder struct {
	buf bytes.Buffer
	dec jsontext.Decoder
	out []byte // the compact form so far

	// Members and items of the open objects and arrays, gathered here
	// and copied once into a slice of their exact length when each
	// closes, instead of growing a slice per object element by element.
	members []member
	items   []value
}

var decoders = sync.Pool{New: func() any { return new(docDecoder) }}

// release returns d to the pool without keeping the document alive.
func (d *docDecoder) release() {
	if cap(d.out) > 1<<20 {
		d.out = nil // a huge document's buffer is not kept for the next
	}
	clear(d.members[:cap(d.members)]) // nor its strings
	clear(d.items[:cap(d.items)])
	d.members, d.items = d.members[:0], d.items[:0]
	d.buf = bytes.Buffer{}
	d.dec.Reset(&d.buf)
	decoders.Put(d)
}

func (d *docDecoder) value(depth int) (value, error) {
	if d.dec.PeekKind() == '"' {
		s, err := d.string()
		return value{kind: kindString, str: s}, err
	}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return value{}, err
	}
	switch tok.Kind() {
	case 'n':
		d.out = append(d.out, "null"...)
		return value{kind: kindNull}, nil
	case 't':
		d.out = append(d.out, "true"...)
		return value{kind: kindBool, str: "true"}, nil
	case 'f':
		d.out = append(d.out, "false"...)
		return value{kind: kindBool, str: "false"}, nil
	case '0':
		n := tok.String() // its JSON text
		d.out = append(d.out, n...)
		return value{kind: kindNumber, str: n}, nil
	case '{':
		if depth >= maxDepth {
			return value{}, errTooDeep{d.dec.StackPointer()}
		}
		v := value{kind: kindObject}
		d.out = append(d.out, '{')
		base := len(d.members)
		defer func() { d.members = d.members[:base] }()
		for d.dec.PeekKind() == '"' {
			if len(d.members) > base {
				d.out = append(d.out, ',')
			}
			key, err := d.string()
			if err != nil {
				return value{}, err
			}
			d.out = append(d.out, ':')
			item, err := d.value(depth + 1)
			if err != nil {
				return value{}, err
			}
			d.members = append(d.members, member{key, item})
		}
		_, err := d.dec.ReadToken() // '}', or the fault
		d.out = append(d.out, '}')
		if len(d.members) > base {
			v.members = slices.Clone(d.members[base:])
		}
		return v, err
	case '[':
		if depth >= maxDepth {
			return value{}, errTooDeep{d.dec.StackPointer()}
		}
		v := value{kind: kindArray}
		d.out = append(d.out, '[')
		base := len(d.items)
		defer func() { d.items = d.items[:base] }()
		for d.dec.PeekKind() != ']' {
			if len(d.items) > base {
				d.out = append(d.out, ',')
			}
			item, err := d.value(depth + 1)
			if err != nil {
				return value{}, err
			}
			d.items = append(d.items, item)
		}
		_, err := d.dec.ReadToken() // ']'
		d.out = append(d.out, ']')
		if len(d.items) > base {
			v.items = slices.Clone(d.items[base:])
		}
		return v, err
	}
	return value{}, fmt.Errorf("unexpected token %v", tok.Kind()) // jsontext returns no other kind
}

// string reads a string (a value or a member name). Policies repeat a few
// words (the grammar's names, "Allow", the version) in every statement;
// those share one copy instead of allocating their text each time.
func (d *docDecoder) string() (string, error) {
	raw, err := d.dec.ReadValue() // validated, still quoted
	if err != nil {
		return "", err
	}
	d.out = append(d.out, raw...)
	if text := raw[1 : len(raw)-1]; bytes.IndexByte(text, '\\') < 0 && utf8.Valid(text) {
		return policyWord(text), nil
	}
	// Escapes, or invalid UTF-8 that becomes U+FFFD (the error says so; the
	// decoder has accepted it).
	b, _ := jsontext.AppendUnquote(nil, raw)
	return string(b), nil
}

// policyWord returns text as a string, without a copy for the words every
// policy repeats.
func policyWord(text []byte) string {
	switch string(text) { // compared in place: no allocation
	case "Version":
		return "Version"
	case "2012-10-17":
		return "2012-10-17"
	case "Statement":
		return "Statement"
	case "Sid":
		return "Sid"
	case "Effect":
		return "Effect"
	case "Allow":
		return "Allow"
	case "Deny":
		return "Deny"
	case "Principal":
		return "Principal"
	case "AWS":
		return "AWS"
	case "Service":
		return "Service"
	case "Action":
		return "Action"
	case "NotAction":
		return "NotAction"
	case "Resource":
		return "Resource"
	case "NotResource":
		return "NotResource"
	case "Condition":
		return "Condition"
	case "*":
		return "*"
	case "sts:AssumeRole":
		return "sts:AssumeRole"
	}
	return string(text)
}

type errTooDeep struct{ at jsontext.Pointer }

func (e errTooDeep) Error() string { return fmt.Sprintf("nesting deeper than %d levels", maxDepth) }

// jsonError turns a decoding fault into a ParseError naming its place.
func jsonError(err error) error {
	var deep errTooDeep
	if errors.As(err, &deep) {
		return &ParseError{Path: JSONPath(deep.at), Msg: deep.Error()}
	}
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return &ParseError{Msg: "not valid JSON: " + err.Error()}
	}
	msg := "not valid JSON: unexpected end of JSON input"
	if !errors.Is(se.Err, io.ErrUnexpectedEOF) {
		msg = fmt.Sprintf("not valid JSON at offset %d: %v", se.ByteOffset, se.Err)
	}
	return &ParseError{Path: JSONPath(se.JSONPointer), Msg: msg}
}

// JSONPath renders a JSON Pointer ("/Statement/0/Principal") as the path
// messages use ("Statement[0].Principal"). A token of digits is an array
// index (neither policies nor the files that hold them name members so); a
// name that is not a plain word is quoted, so that no name can break a
// message's line, and a path of hostile length is cut.
func JSONPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if b.Len() > 200 {
			b.WriteString("…")
			break
		}
		switch {
		case tok != "" && strings.Trim(tok, "0123456789") == "":
			b.WriteString("[" + tok + "]")
		case plainName(tok):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
		default:
			if len(tok) > 40 {
				tok = strings.ToValidUTF8(tok[:40], "") + "…"
			}
			b.WriteString("[" + strconv.QuoteToASCII(tok) + "]")
		}
	}
	return b.String()
}

func plainName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == ':') {
			return false
		}
	}
	return true
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
