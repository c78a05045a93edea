package loader

// compactJSON appends src without insignificant whitespace to dst, as
// json.Compact does, in one plain pass: json.Compact runs encoding/json's
// byte-at-a-time state machine, and compacting every document was a tenth
// of a load.
//
// validated says src is known to be one valid JSON value (a value its
// decoder has checked); otherwise compactJSON checks it first. ok is false
// when src is not valid JSON or is nested too deeply to check here; the
// caller then leaves the decision and the message to json.Compact. When src
// is already compact it is returned as is (copied is false) and nothing is
// appended.
func compactJSON(dst, src []byte, validated bool) (out []byte, copied, ok bool) {
	if !validated {
		d := wireDecoder{data: src}
		d.skipSpace()
		if !d.skipValue(0) || !d.atEnd() {
			return dst, false, false
		}
	}
	i := 0
	for i < len(src) {
		switch c := src[i]; c {
		case '"':
			i = stringEnd(src, i)
			continue
		case ' ', '\t', '\n', '\r':
		default:
			i++
			continue
		}
		break
	}
	if i == len(src) {
		return src, false, true
	}
	out = append(dst, src[:i]...)
	for i < len(src) {
		switch c := src[i]; c {
		case '"':
			end := stringEnd(src, i)
			out = append(out, src[i:end]...)
			i = end
		case ' ', '\t', '\n', '\r':
			i++
		default:
			out = append(out, c)
			i++
		}
	}
	return out, true, true
}

// stringEnd returns the index just past the string that starts at src[i]
// (a '"'), or len(src) if it does not end.
func stringEnd(src []byte, i int) int {
	for i++; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(src)
}
