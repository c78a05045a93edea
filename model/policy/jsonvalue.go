package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
func decodeValue(data []byte) (value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return value{}, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return value{}, fmt.Errorf("unexpected data after the document")
	}
	return v, nil
}

func readValue(dec *json.Decoder, depth int) (value, error) {
	if depth > maxDepth {
		return value{}, fmt.Errorf("nesting deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return value{}, fmt.Errorf("unexpected end of document")
		}
		return value{}, err
	}
	switch t := tok.(type) {
	case nil:
		return value{kind: kindNull}, nil
	case string:
		return value{kind: kindString, str: t}, nil
	case json.Number:
		return value{kind: kindNumber, str: t.String()}, nil
	case bool:
		if t {
			return value{kind: kindBool, str: "true"}, nil
		}
		return value{kind: kindBool, str: "false"}, nil
	case json.Delim:
		switch t {
		case '[':
			v := value{kind: kindArray}
			for dec.More() {
				item, err := readValue(dec, depth+1)
				if err != nil {
					return value{}, err
				}
				v.items = append(v.items, item)
			}
			_, err := dec.Token()
			return v, err
		case '{':
			v := value{kind: kindObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return value{}, err
				}
				key, _ := kt.(string)
				item, err := readValue(dec, depth+1)
				if err != nil {
					return value{}, err
				}
				v.members = append(v.members, member{key, item})
			}
			_, err := dec.Token()
			return v, err
		}
	}
	return value{}, fmt.Errorf("unexpected token %v", tok)
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
