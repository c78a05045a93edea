package loader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// pathAtOffset returns the JSON path ("UserDetailList[3].UserName") of the
// value that encoding/json was reading when it stopped at byte offset off.
// It runs only after a decode failed, so a second scan costs nothing in the
// normal case and keeps the fast path a single json.Unmarshal.
func pathAtOffset(data []byte, off int64) string {
	type frame struct {
		array bool
		index int    // next element index, for arrays
		key   string // current member name, for objects
	}
	var stack []frame
	render := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.array {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return render()
		}
		if expectKey {
			if k, ok := tok.(string); ok {
				stack[len(stack)-1].key = k
				expectKey = false
				continue
			}
		}
		// tok is a value (or the end of a container).
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if dec.InputOffset() >= off {
					return render()
				}
				stack = append(stack, frame{array: t == '['})
				expectKey = t == '{'
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		default:
			if dec.InputOffset() >= off {
				return render()
			}
		}
		// A value ended: move to the next element or member.
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				expectKey = true
			}
		}
	}
}

// goTypeJSON names the JSON type a Go destination expects.
func goTypeJSON(e *json.UnmarshalTypeError) string {
	if e.Type == nil {
		return "another type"
	}
	switch e.Type.Kind() {
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
	return e.Type.String()
}

// jsonValueWord turns encoding/json's description of a value ("number 5",
// "string", "array", "bool") into words for messages.
func jsonValueWord(v string) string {
	if v == "bool" {
		return "boolean"
	}
	// encoding/json quotes a number it could not store whole: a number of
	// a million digits must not become a million-character message.
	if kind, num, ok := strings.Cut(v, " "); ok && len(num) > 40 {
		return fmt.Sprintf("%s of %d characters (%s…)", kind, len(num), num[:20])
	}
	return v
}
