package main

import (
	"encoding/json"
	"io"
)

// writeJSON writes v as json.Encoder does with SetIndent("", "  "): indented
// by two spaces, HTML-escaped, one trailing newline. encoding/json indents
// through its validating scanner, a byte at a time, which costs twenty
// times the encoding itself on a large answer (who-can over a big account
// prints 11 MB); v is encoded compact and re-indented here instead, in one
// pass that can trust its input.
func writeJSON(w io.Writer, v any) error {
	compact, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// The indented text goes out in pieces as it is laid out: an
	// organization's who-can answer is hundreds of megabytes, and a second
	// copy of it would be the command's peak.
	var werr error
	flush := func(b []byte) []byte {
		if werr == nil {
			_, werr = w.Write(b)
		}
		return b[:0]
	}
	out := indentJSON(make([]byte, 0, min(len(compact)+len(compact)/2, jsonChunk+jsonChunk/2)), compact, "  ", flush)
	flush(append(out, '\n'))
	return werr
}

// jsonChunk is how much indented text writeJSON gathers before writing it.
const jsonChunk = 1 << 20

// indentJSON appends src, compact JSON as json.Marshal writes it, to dst
// laid out as json.Indent(dst, src, "", indent) would: each element and
// member on its own line, ": " after a name, empty objects and arrays kept
// as {} and []. When flush is not nil, it hands dst to flush whenever it
// holds jsonChunk bytes or more, and goes on with what flush returns.
func indentJSON(dst, src []byte, indent string, flush func([]byte) []byte) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			// Copy the string through its closing quote; a backslash
			// escapes the next byte, whatever it is.
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			dst = append(dst, src[i:min(j+1, len(src))]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, src[i+1])
				i++
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
			if flush != nil && len(dst) >= jsonChunk {
				dst = flush(dst)
			}
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
