package policy

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// toAny converts a decoded value to what encoding/json produces with
// UseNumber, so the two decoders can be compared. Duplicate keys: last wins,
// as in encoding/json.
func toAny(v value) any {
	switch v.kind {
	case kindString:
		return v.str
	case kindNumber:
		return json.Number(v.str)
	case kindBool:
		return v.str == "true"
	case kindArray:
		out := make([]any, 0, len(v.items))
		for _, it := range v.items {
			out = append(out, toAny(it))
		}
		return out
	case kindObject:
		out := make(map[string]any, len(v.members))
		for _, m := range v.members {
			out[m.key] = toAny(m.val)
		}
		return out
	}
	return nil
}

func stdDecode(data []byte) (any, error) {
	if !json.Valid(data) {
		return nil, errInvalid
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	err := dec.Decode(&out)
	return out, err
}

var errInvalid = &ParseError{Msg: "invalid JSON"}

func FuzzDecodeValue(f *testing.F) {
	for _, seed := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		`{"a":1.5e-3,"b":[true,false,null],"c":"\u00e9\ud83d\ude00\n\"x\""}`,
		`{"k":"\ud800x"}`, `[1,2,]`, `{"a":}`, `-0.0`, `"\u12"`, "\"\xff\"", `{"a":1}{"b":2}`,
		`  {"dup":1,"dup":2}  `, `[[[[[]]]]]`, `01`, `1.`, `"tab	in"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, compact, err := decodeValue(data)
		want, stdErr := stdDecode(data)
		if err != nil && strings.Contains(err.Error(), "nesting deeper") {
			return // encoding/json allows 10,000 levels; we stop much earlier on purpose
		}
		if (err == nil) != (stdErr == nil) {
			t.Fatalf("decodeValue err=%v, encoding/json err=%v for %q", err, stdErr, data)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(toAny(got), want) {
			t.Fatalf("decodeValue=%#v, encoding/json=%#v for %q", toAny(got), want, data)
		}
		// The compact form is json.Compact's, byte for byte.
		var wantCompact bytes.Buffer
		if err := json.Compact(&wantCompact, data); err != nil || !bytes.Equal(compact, wantCompact.Bytes()) {
			t.Fatalf("compact form %q, json.Compact gives %q (%v) for %q", compact, wantCompact.Bytes(), err, data)
		}
	})
}

// A document that is not JSON is reported at its place, as a document that
// is not a policy is, so a warning names the statement to fix.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestNotJSONNamesThePlace(t *testing.T) {
	tests := []struct {
		name, doc, path, msg string
	}{
		{"cut off inside a statement", `{"Statement":[{"Effect":"Allow"`, "Statement[0]", "not valid JSON: unexpected end of JSON input"},
		{"a bare word as a value", `{"Statement":[{"Effect":"Allow","Resource":*}]}`, "Statement[0].Resource", "not valid JSON at offset 43: invalid character '*' at start of value"},
		{"a condition key with a bad escape", `{"Statement":{"Condition":{"StringEquals":{"aws:x":"\q"}}}}`, "Statement.Condition.StringEquals.aws:x", "not valid JSON at offset 52: invalid escape sequence `\\q` in string"},
		{"two documents", `{"Statement":[]} {}`, "", "not valid JSON: unexpected data after the document at offset 16"},
		{"nesting past the bound", strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70), "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a", "nesting deeper than 64 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			pe, ok := err.(*ParseError)
			if !ok || pe.Path != tt.path || pe.Msg != tt.msg {
				t.Errorf("Parse(%q) = %v, want %s: %s", tt.doc, err, tt.path, tt.msg)
			}
		})
	}
}

func BenchmarkDecodeValue(b *testing.B) {
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadBuckets","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::acme-data","arn:aws:s3:::acme-data/${aws:username}/*"],"Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"},"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := decodeValue(doc); err != nil {
			b.Fatal(err)
		}
	}
}
