package termsafe

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// What a terminal obeys instead of drawing: C0 and C1 controls and the
// escape sequences they start (CSI, OSC — OSC 52 writes the clipboard, SGR 8
// conceals text):
// https://invisible-island.net/xterm/ctlseqs/ctlseqs.html
// What reorders or hides text without being seen: bidi embeddings,
// overrides and isolates, and the other format characters (Trojan Source,
// CVE-2021-42574):
// https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters
// https://trojansource.codes/
func TestEscape(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"a plain IAM name is unchanged", "Deploy-Role_1+=,.@", "Deploy-Role_1+=,.@"},
		{"an ARN is unchanged", "arn:aws:iam::111122223333:role/path/Deploy", "arn:aws:iam::111122223333:role/path/Deploy"},
		{"non-ASCII letters are drawn as themselves", "zoë → 東京 ✓", "zoë → 東京 ✓"},
		{"a backslash is data, not an escape", `a\x1b`, `a\x1b`},
		{"ESC starting an SGR 8 conceal is shown", "admin\x1b[8m hidden", `admin\x1b[8m hidden`},
		{"an OSC 52 clipboard write is shown", "x\x1b]52;c;Y3VybCBldmlsCg==\a", `x\x1b]52;c;Y3VybCBldmlsCg==\x07`},
		{"a C1 CSI (U+009B) is shown", "a\u009b31mb", `a\u009b31mb`},
		{"a lone 0x9b byte (8-bit CSI, not UTF-8) is shown", "a\x9b31mb", `a\x9b31mb`},
		{"DEL is shown", "a\x7fb", `a\x7fb`},
		{"NUL is shown", "a\x00b", `a\x00b`},
		{"a newline cannot start a new row", "alice\nbob  admin", `alice\nbob  admin`},
		{"carriage return and tab are shown", "a\rb\tc", `a\rb\tc`},
		{"a right-to-left override is shown", "user/\u202eevil", `user/\u202eevil`},
		{"bidi isolates are shown", "\u2066a\u2069", `\u2066a\u2069`},
		{"a zero-width space is shown", "ad\u200bmin", `ad\u200bmin`},
		{"a byte-order mark is shown", "\ufeffname", `\ufeffname`},
		{"a line separator is shown", "a\u2028b", `a\u2028b`},
		{"a no-break space is shown", "a\u00a0b", `a\u00a0b`},
		{"a Hangul filler (drawn as nothing) is shown", "a\u3164b", `a\u3164b`},
		{"a tag character beyond the BMP is shown", "a\U000e0041b", `a\U000e0041b`},
		{"invalid UTF-8 is shown byte by byte", "a\xff\xfeb", `a\xff\xfeb`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Escape(c.in); got != c.want {
				t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
			}
			if Safe(c.in) != (c.in == c.want) {
				t.Errorf("Safe(%q) = %v, want %v", c.in, Safe(c.in), c.in == c.want)
			}
		})
	}
}

// FuzzEscape checks the two properties the renderers rely on: nothing Escape
// returns is a character a terminal would obey or hide, and text that has
// no such character comes back unchanged (so escaping twice is escaping
// once). The slow, obvious definition is written out here rune by rune.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "alice", "a\x1b[8mb", "\x1b]52;c;eA==\x07", "\u202e", "a\u009b", "\xff", "\n", "東京", `\u202e`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Escape(%q) = %q is not UTF-8", s, out)
		}
		for _, r := range out {
			if !drawn(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, out, r)
			}
		}
		if printable(s) != (out == s) {
			t.Fatalf("Escape(%q) = %q: printable input must come back unchanged, and only it", s, out)
		}
		if Escape(out) != out {
			t.Fatalf("Escape is not idempotent on %q", s)
		}
		if Safe(s) != (out == s) {
			t.Fatalf("Safe(%q) = %v disagrees with Escape", s, Safe(s))
		}
	})
}

// drawn is the obvious definition: a graphic character, not a space other
// than U+0020, not a format or control character, not default-ignorable.
func drawn(r rune) bool {
	switch {
	case r == ' ':
		return true
	case r == utf8.RuneError:
		return true // U+FFFD itself is a visible replacement character
	case unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Zs, unicode.Co):
		return false
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
		return false
	}
	return unicode.IsGraphic(r)
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !drawn(r) {
			return false
		}
	}
	return true
}

// The text renderers' operands: the format's own newlines and padding are
// kept, the operands' control characters are not.
func TestFprintf(t *testing.T) {
	type effect string
	cases := []struct {
		name   string
		format string
		args   []any
		want   string
	}{
		{"the format's newline is kept, the operand's is escaped", "%s\n", []any{"a\nb"}, "a\\nb\n"},
		{"padding counts the escaped text", "[%-6s]", []any{"a\x1b"}, `[a\x1b ]`},
		{"right padding", "[%6s]", []any{"\x7f"}, `[  \x7f]`},
		{"a string type is escaped", "%s", []any{effect("Allow\x1b[8m")}, `Allow\x1b[8m`},
		{"an error is escaped", "%v", []any{errString("bad\u202e")}, `bad\u202e`},
		{"a slice of names is escaped", "%v", []any{[]string{"a\nb"}}, `[a\nb]`},
		{"numbers keep their flags", "%05d|%-3d|%x", []any{42, 7, 255}, "00042|7  |ff"},
		{"%q quotes as before", "%q", []any{"a\x1b"}, `"a\x1b"`},
		{"precision cuts before escaping", "%.2s", []any{"ab\x1b"}, "ab"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			Fprintf(&b, c.format, c.args...)
			if b.String() != c.want {
				t.Errorf("Fprintf(%q) = %q, want %q", c.format, b.String(), c.want)
			}
			if s := Sprintf(c.format, c.args...); s != c.want {
				t.Errorf("Sprintf(%q) = %q, want %q", c.format, s, c.want)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func BenchmarkEscapeASCII(b *testing.B) {
	s := strings.Repeat("arn:aws:iam::111122223333:role/Deploy ", 4)
	for b.Loop() {
		Escape(s)
	}
}
