package loader

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// compactOptions make jsontext's formatter do what json.Compact does: drop
// insignificant whitespace and change nothing else (strings keep their
// escapes and bytes, numbers their text, repeated names stay), so a written
// snapshot reads back byte for byte.
var compactOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsontext.PreserveRawStrings(true),
)

// compactJSON appends src, one JSON value, without insignificant whitespace
// to dst; an error means src is not one valid JSON value.
func compactJSON(dst, src []byte) ([]byte, error) {
	return jsontext.AppendFormat(dst, src, compactOptions)
}
