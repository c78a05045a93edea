package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/iamx/iamx/graph/answer"
)

// indentJSON must lay out json.Marshal's output exactly as json.Indent
// does, so that --json answers keep their bytes.
func TestAppendIndented(t *testing.T) {
	cases := []struct {
		name string
		v    any
	}{
		{"empty object", map[string]any{}},
		{"empty array", []any{}},
		{"nested empties", map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{[]any{}, map[string]any{}}}},
		{"scalars", []any{1, 2.5, true, false, nil, "s"}},
		{"strings with structure characters", map[string]any{"k{,}": `a"b\c:[1,2]{x}`, "u": "\u2028<&>\x01é"}},
		{"deep", map[string]any{"a": map[string]any{"b": []any{map[string]any{"c": []any{1, []any{2, 3}}}}}}},
		{"longer than one written piece (jsonChunk)", longAnswer()},
		{"who-can row", answer.WhoCanRow{ARN: "arn:aws:iam::111122223333:role/x", Kind: "role", Via: []string{}, Hops: []answer.ChainHop{}, Reasons: []answer.Reason{}, MissingContext: []string{"aws:MultiFactorAuthPresent"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkIndented(t, c.v)
		})
	}
}

// longAnswer is an answer whose indented text is several times jsonChunk.
func longAnswer() any {
	rows := make([]map[string]any, 0, 40000)
	for i := range cap(rows) {
		rows = append(rows, map[string]any{"arn": fmt.Sprintf("arn:aws:iam::111122223333:user/u%06d", i), "via": []string{}})
	}
	return map[string]any{"principals": rows}
}

// A failed write is writeJSON's error, whichever piece it was.
func TestWriteJSONReportsAFailedWrite(t *testing.T) {
	for _, okPieces := range []int{0, 1, 2} {
		w := &failingWriter{ok: okPieces}
		if err := writeJSON(w, longAnswer()); !errors.Is(err, errWrite) {
			t.Errorf("after %d pieces written: err = %v, want %v", okPieces, err, errWrite)
		}
	}
}

var errWrite = errors.New("disk full")

// failingWriter accepts ok writes, then fails.
type failingWriter struct{ ok int }

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.ok == 0 {
		return 0, errWrite
	}
	w.ok--
	return len(b), nil
}

func checkIndented(t *testing.T, v any) {
	t.Helper()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writeJSON(&got, v); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("writeJSON differs from json.Encoder with SetIndent:\ngot  %q\nwant %q", got.Bytes(), want.Bytes())
	}
}

// FuzzAppendIndented feeds any valid JSON through json.Marshal's compact
// form and compares the layout with json.Indent.
func FuzzAppendIndented(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,{"b":"c\"d"}],"e":{}}`, `"x\\"`, `[[],[{}],"]["]`, `{"\u003c":"\u2028"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		checkIndented(t, v)
	})
}
