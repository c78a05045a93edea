package termsafe

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Fprintf is fmt.Fprintf for text output that quotes data: the format is
// the program's own (its newlines and spacing are kept), and every operand
// that can carry text is escaped as Escape does before it is padded. A name
// holding "\n" or "\x1b[8m" therefore stays on its own line, visibly.
// Numbers and booleans are formatted as fmt would.
func Fprintf(w io.Writer, format string, args ...any) (int, error) {
	return fmt.Fprintf(w, format, wrap(args)...)
}

// Sprintf is Fprintf into a string.
func Sprintf(format string, args ...any) string {
	return fmt.Sprintf(format, wrap(args)...)
}

func wrap(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if needsEscape(a) {
			out[i] = operand{a}
		} else {
			out[i] = a
		}
	}
	return out
}

// needsEscape reports whether a formatted a could carry text: anything but
// nil, numbers and booleans (whose fmt output is digits, signs and letters).
func needsEscape(a any) bool {
	if a == nil {
		return false
	}
	switch a.(type) {
	case fmt.Formatter, fmt.Stringer, error:
		return true
	}
	switch reflect.TypeOf(a).Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	}
	return true
}

// operand formats its value with the verb, flags and precision it was
// given, escapes the result, and only then pads it to the width, so the
// columns of a line stay aligned when a value needed escaping.
type operand struct{ v any }

func (o operand) Format(f fmt.State, verb rune) {
	var spec strings.Builder
	spec.WriteByte('%')
	for _, flag := range "+# " {
		if f.Flag(int(flag)) {
			spec.WriteRune(flag)
		}
	}
	if p, ok := f.Precision(); ok {
		fmt.Fprintf(&spec, ".%d", p)
	}
	spec.WriteRune(verb)
	s := Escape(fmt.Sprintf(spec.String(), o.v))
	width, ok := f.Width()
	pad := ""
	if n := utf8.RuneCountInString(s); ok && n < width {
		pad = strings.Repeat(" ", width-n)
	}
	if f.Flag('-') {
		io.WriteString(f, s+pad)
	} else {
		io.WriteString(f, pad+s)
	}
}
