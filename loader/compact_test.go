package loader

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// compactJSON must give json.Compact's output, and take exactly the text
// json.Compact takes: the stored text of a document is its compact form, a
// written snapshot reads back byte for byte, and a snapshot written before
// the switch to json v2 keeps its documents' bytes.
//
// https://pkg.go.dev/encoding/json#Compact
func checkCompact(t *testing.T, src []byte) (taken bool) {
	t.Helper()
	var want bytes.Buffer
	werr := json.Compact(&want, src)
	got, err := compactJSON(nil, src)
	if (err == nil) != (werr == nil) {
		if werr != nil && strings.Contains(werr.Error(), "exceeded max depth") {
			return err == nil // the two count the 10,000 levels one apart
		}
		t.Fatalf("compactJSON(%q) err=%v, json.Compact err=%v", src, err, werr)
	}
	if err != nil {
		return false
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("compactJSON(%q) = %q, json.Compact gives %q", src, got, want.Bytes())
	}
	return true
}

func TestCompactJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		fast bool
	}{
		{"already compact text is its own compact form", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`, true},
		{"indentation is dropped", "{\n  \"Statement\": [\n    {\"Effect\" : \"Allow\"}\t]\r\n}", true},
		{"leading and trailing whitespace is dropped", " \n{\"a\":1} \n", true},
		{"whitespace inside strings is kept", `{"a b": " c\t d "}`, true},
		{"escaped quotes do not end a string", `{"a": "x\" y \\", "b" : 1}`, true},
		{"scalars", ` [ true , false , null , -1.5e+3 , "" ] `, true},
		{"cut short", `{"Statement":[`, false},
		{"two values", `{} {}`, false},
		{"a bad escape", `{"a":"\q"}`, false},
		{"empty", ``, false},
		{"deep nesting", strings.Repeat("[", 1500) + strings.Repeat("]", 1500), true},
		{"invalid UTF-8 is kept as it is", "{\"a\": \"\xff\"}", true},
		{"a repeated name is kept", `{"a": 1, "a": 2}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkCompact(t, []byte(tt.in)); got != tt.fast {
				t.Errorf("compactJSON took it: %v, want %v", got, tt.fast)
			}
		})
	}
}

func FuzzCompactJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.5, "x y"]}`, "{\n \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\"}\n}", `"\u00e9\""`, `[`, ` 1 `} {
		f.Add([]byte(s))
	}
	for _, data := range seedFiles(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkCompact(t, src)
	})
}
