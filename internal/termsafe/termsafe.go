// Package termsafe makes text from a snapshot safe to print on a terminal.
// Names, tags, descriptions, statement IDs and condition values come from
// files other people wrote; printed raw, an escape sequence in them is
// obeyed by the terminal (SGR 8 hides a row, OSC 52 writes the clipboard,
// a newline forges a table row) and a bidi override reorders what the eye
// reads. Escape shows every such character as a visible escape instead, so
// the text is displayed as data, never interpreted.
//
// It is a leaf: the command line's text renderers and the explorer both use
// it at the points where file data enters rendering. JSON output does not:
// it stays exact, and its encoder escapes control characters itself.
package termsafe

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every character a terminal would not simply draw
// written as a visible escape: C0 controls, DEL and C1 controls (`\x1b`,
// `\n`, `\u009b`), bidi overrides and other invisible format characters
// (`\u202e`, `\u200b`, `\ufeff`), line and paragraph separators, spaces
// other than U+0020, and bytes that are not UTF-8 (`\xff`). Text made only
// of characters that are drawn as themselves is returned unchanged, so an
// ordinary name costs one scan and no allocation.
func Escape(s string) string {
	i := unsafeIndex(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHex(&b, `\x`, uint32(s[i]), 2)
		case shown(r):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < utf8.RuneSelf:
			writeHex(&b, `\x`, uint32(r), 2)
		case r <= 0xFFFF:
			writeHex(&b, `\u`, uint32(r), 4)
		default:
			writeHex(&b, `\U`, uint32(r), 8)
		}
		i += size
	}
	return b.String()
}

// Safe reports whether s is printed as it is: Escape(s) == s.
func Safe(s string) bool { return unsafeIndex(s) < 0 }

// unsafeIndex is the byte offset of the first character Escape changes, or
// -1. Printable ASCII, the bulk of every snapshot, is checked a byte at a
// time without decoding.
func unsafeIndex(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !shown(r) {
			return i
		}
		i += size
	}
	return -1
}

// shown reports whether r is drawn as itself: a visible character or the
// ASCII space. unicode.IsPrint excludes controls (Cc), format characters
// (Cf: bidi embeddings, overrides and isolates, zero-width spaces and
// joiners, the byte-order mark, the tag characters), unassigned and
// private-use code points, line and paragraph separators and every space
// but U+0020. The default-ignorable letters (Hangul fillers, U+115F, U+3164)
// are drawn as nothing, so they are escaped too.
func shown(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0x20 && r < 0x7f
	}
	return unicode.IsPrint(r) && !unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

func writeHex(b *strings.Builder, prefix string, v uint32, digits int) {
	b.WriteString(prefix)
	h := strconv.FormatUint(uint64(v), 16)
	for range digits - len(h) {
		b.WriteByte('0')
	}
	b.WriteString(h)
}
