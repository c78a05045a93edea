package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/iamx/iamx/model/policy"
)

// Every file the loader reads is decoded with json v2
// (github.com/go-json-experiment/json, the design Go ships as
// encoding/json/v2; switch the import when it leaves GOEXPERIMENT). Its
// errors carry a JSON Pointer to the faulty value, so a message names the
// place without a second scan of the file.

// decodeOptions keep what encoding/json accepted, so that every file that
// loaded before still loads the same: GAAD names matched case-insensitively
// as strings.EqualFold does (the exact name preferred; json v2 alone would
// also ignore '_' and '-', and take "AccountID" for "account_id"), a
// repeated name taken in order (the last wins), and invalid UTF-8 in a
// string replaced with U+FFFD.
var decodeOptions = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// unmarshal decodes one JSON value (the whole of data) into v.
func unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v, decodeOptions)
}

// appendString appends the value of raw, a JSON string, to dst.
func appendString(dst, raw []byte) ([]byte, error) {
	out, err := jsontext.AppendUnquote(dst, raw)
	if err != nil {
		// Invalid UTF-8 is an error to AppendUnquote; the decoder
		// replaces it with U+FFFD, as encoding/json did.
		var s string
		if err := unmarshal(raw, &s); err != nil {
			return dst, err
		}
		return append(dst, s...), nil
	}
	return out, nil
}

// syntaxFirst returns the first syntax error in data, if any. json v2
// decodes as it reads, so a wrong type early in a file is found before a
// cut-off end or absurd nesting later; like encoding/json, a file that is
// not JSON at all is told as such before any type is judged.
func syntaxFirst(data []byte, err error) error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return err
	}
	if !jsontext.Value(data).IsValid(decodeOptions) {
		dec := jsontext.NewDecoder(bytes.NewReader(data), decodeOptions)
		_, verr := dec.ReadValue()
		if verr == nil {
			_, verr = dec.ReadToken()
		}
		if errors.As(verr, &se) {
			return se
		}
	}
	return err
}

// decodeErr turns a json v2 error into one line with the JSON path of the
// faulty value, e.g. "UserDetailList[3].UserName: expected string, found
// number".
func decodeErr(name string, data []byte, err error) error {
	err = syntaxFirst(data, err)
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return syntaxErr(name, data, se)
	}
	var me *json.SemanticError
	if errors.As(err, &me) {
		path := policy.JSONPath(me.JSONPointer)
		if path == "" {
			return fileErr(name, "wrong top-level shape: expected an object, found %s", kindWord(me))
		}
		return fileErr(name, "%s: expected %s, found %s", path, goTypeJSON(me.GoType), kindWord(me))
	}
	return fileErr(name, "%v", err)
}

// sectionErr is decodeErr for a part of a file: section names it (a
// snapshot's "resources", a --resources file's "line 3").
func sectionErr(name, section string, data []byte, err error) error {
	err = syntaxFirst(data, err)
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return fileErr(name, "%s: not valid JSON at byte %d%s: %s", section, se.ByteOffset, inPath(se.JSONPointer), syntaxWords(se))
	}
	var me *json.SemanticError
	if errors.As(err, &me) {
		path := policy.JSONPath(me.JSONPointer)
		if path != "" && path[0] != '[' && section != "" {
			path = "." + path
		}
		return fileErr(name, "%s%s: expected %s, found %s", section, path, goTypeJSON(me.GoType), kindWord(me))
	}
	return fileErr(name, "%s: %v", section, err)
}

// syntaxErr says whether the file was cut short or is not JSON at all.
// json v2 refuses nesting deeper than 10,000 levels as it reads, so hostile
// depth never reaches a recursive decoder (policy.Parse bounds documents far
// lower).
func syntaxErr(name string, data []byte, se *jsontext.SyntacticError) error {
	switch {
	case se.Err != nil && se.Err.Error() == "exceeded max depth": // not exported by jsontext
		return fileErr(name, "absurd nesting depth at byte %d (more than 10000 levels; not a snapshot)", se.ByteOffset)
	case errors.Is(se.Err, io.ErrUnexpectedEOF) || se.ByteOffset >= int64(len(data)):
		return fileErr(name, "truncated: the JSON ends after %d bytes, in the middle of a value%s", len(data), inPath(se.JSONPointer))
	case se.ByteOffset == 0:
		return fileErr(name, "not JSON: %s", syntaxWords(se))
	}
	return fileErr(name, "not valid JSON at byte %d%s: %s", se.ByteOffset, inPath(se.JSONPointer), syntaxWords(se))
}

// syntaxWords is the fault without jsontext's prefix and position, which
// the messages give in their own words.
func syntaxWords(se *jsontext.SyntacticError) string {
	if se.Err == nil {
		return "syntax error"
	}
	return clip(se.Err.Error(), 80)
}

// inPath is " (in UserDetailList[3])" for a fault inside a value, or "".
func inPath(p jsontext.Pointer) string {
	if path := policy.JSONPath(p); path != "" {
		return " (in " + path + ")"
	}
	return ""
}

// clip cuts s to about n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(c byte) bool { return c&0xc0 != 0x80 }

// goTypeJSON names the JSON type a Go destination expects.
func goTypeJSON(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "object"
	}
	return t.String()
}

// kindWord names the JSON value a semantic error found: "number",
// "number 2147483648 (out of range)", "array".
func kindWord(me *json.SemanticError) string {
	var w string
	switch me.JSONKind {
	case '"':
		w = "string"
	case '0':
		w = "number"
	case 't', 'f':
		w = "boolean"
	case 'n':
		w = "null"
	case '{':
		w = "object"
	case '[':
		w = "array"
	default:
		w = "a value it cannot hold"
	}
	if me.JSONKind == '0' && len(me.JSONValue) > 0 {
		// A number of a million digits must not become a
		// million-character message.
		if v := string(me.JSONValue); len(v) > 40 {
			w = fmt.Sprintf("number of %d characters (%s…)", len(v), v[:20])
		} else {
			w += " " + v
		}
	}
	switch {
	case errors.Is(me.Err, strconv.ErrRange):
		w += " (out of range)"
	case errors.Is(me.Err, strconv.ErrSyntax):
		// a fraction or an exponent for an integer: "found number 1.5" says it
	case me.Err != nil:
		w += " (" + clip(me.Err.Error(), 60) + ")"
	}
	return w
}
