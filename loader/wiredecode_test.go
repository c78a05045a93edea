package loader

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamx/iamx/loader/demo"
)

// agree decodes data with the fast path and with encoding/json, the way
// ParseGAAD picks between them, and fails when the fast path took data and
// the two differ, or took data that encoding/json rejects. It reports
// whether the fast path took it.
func agree(t testing.TB, data []byte) (fast bool) {
	t.Helper()
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return false
	}
	switch trimmed[0] {
	case '{':
		var got wireTop
		if !decodeWireTop(trimmed, &got) {
			return false
		}
		var want wireTop
		if err := json.Unmarshal(trimmed, &want); err != nil {
			t.Fatalf("fast path took input encoding/json rejects (%v): %.200q", err, trimmed)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fast path and encoding/json differ on %.300q:\nfast %+v\njson %+v", trimmed, got, want)
		}
		return true
	case '[':
		got, ok := decodeWirePages(trimmed)
		if !ok {
			return false
		}
		var want []wireGAAD
		if err := json.Unmarshal(trimmed, &want); err != nil {
			t.Fatalf("fast path took input encoding/json rejects (%v): %.200q", err, trimmed)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fast path and encoding/json differ on %.300q:\nfast %+v\njson %+v", trimmed, got, want)
		}
		return true
	}
	return false
}

// What json.Unmarshal does with a struct is the contract the fast path
// keeps; each case is one of its rules, and says whether the fast path must
// take the input (true) or give it to encoding/json (false).
//
// https://pkg.go.dev/encoding/json#Unmarshal
func TestWireDecoderAgreesWithEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		fast bool
	}{
		{"unknown fields are ignored, whatever their shape", `{"Nope":{"a":[1,2.5e3,true,null,"x"]},"UserDetailList":[{"UserName":"a","Extra":[[]]}]}`, true},
		{"names match case-insensitively", `{"userdetaillist":[{"username":"a","ARN":"x","groupLIST":["g"]}]}`, true},
		{"the exact name wins over a case-insensitive one", `{"RoleDetailList":[{"rolename":"folded","RoleName":"exact"}]}`, true},
		{"the exact name wins even when it comes first", `{"RoleDetailList":[{"RoleName":"exact","ROLENAME":"folded"}]}`, true},
		{"a repeated scalar key: the last wins", `{"Marker":"a","Marker":"b","UserDetailList":[]}`, true},
		{"null leaves a string as it was", `{"Marker":"a","Marker":null,"UserDetailList":[]}`, true},
		{"null leaves numbers and booleans alone", `{"Policies":[{"AttachmentCount":3,"AttachmentCount":null,"IsAttachable":true,"IsAttachable":null}]}`, true},
		{"null clears slices and pointers", `{"UserDetailList":null,"RoleDetailList":[{"PermissionsBoundary":null,"RoleLastUsed":null,"Tags":null}]}`, true},
		{"null in a list of structs is a zero struct", `{"UserDetailList":[null,{"UserName":"b"}]}`, true},
		{"null in a list of strings is an empty string", `{"UserDetailList":[{"GroupList":["a",null]}]}`, true},
		{"an empty array is an empty slice, not nil", `{"UserDetailList":[],"Policies":[{"PolicyVersionList":[],"Tags":[]}]}`, true},
		{"RawMessage keeps null and the value's exact bytes", `{"RoleDetailList":[{"AssumeRolePolicyDocument":null},{"AssumeRolePolicyDocument": { "a" : [ 1 , 2 ] } }]}`, true},
		{"a string document is kept raw with its escapes", `{"RoleDetailList":[{"AssumeRolePolicyDocument":"%7B\u0022\"\/"}]}`, true},
		{"a time keeps its bytes; null clears it", `{"captured_at":"2020-01-01T00:00:00Z","UserDetailList":[{"CreateDate":1546398245},{"CreateDate":null},{"CreateDate":{"odd":1}}]}`, true},
		{"string escapes", `{"Marker":"\"\\\/\b\f\n\r\t\u00e9\u20ac","UserDetailList":[]}`, true},
		{"a surrogate pair is one rune", `{"Marker":"\ud83d\ude00","UserDetailList":[]}`, true},
		{"a lone high surrogate is U+FFFD", `{"Marker":"\ud83dx","UserDetailList":[]}`, true},
		{"a high surrogate before another escape", `{"Marker":"\ud83d\u0041","UserDetailList":[]}`, true},
		{"a lone low surrogate is U+FFFD", `{"Marker":"\ude00","UserDetailList":[]}`, true},
		{"two high surrogates", `{"Marker":"\ud83d\ud83d\ude00","UserDetailList":[]}`, true},
		{"invalid UTF-8 becomes U+FFFD per byte", "{\"Marker\":\"a\xffb\xed\xa0\x80c\xe2\x82\",\"UserDetailList\":[]}", true},
		{"valid UTF-8 is kept", `{"Marker":"naïve ☃","UserDetailList":[]}`, true},
		{"numbers into int32 and *int", `{"version":-0,"Policies":[{"AttachmentCount":2147483647,"PermissionsBoundaryUsageCount":-2147483648}]}`, true},
		{"a snapshot with a report and warnings", `{"format":"iamx-snapshot","version":1,"authorization_details":{"UserDetailList":[]},"credential_report":[{"user":"a","mfa_active":"false","cert_2_last_rotated":"N/A"}],"warnings":[{"where":"x","message":"y"},null]}`, true},
		{"a user's access keys; [] is listed with none, null is not listed", `{"UserDetailList":[{"UserName":"a","AccessKeys":[{"AccessKeyId":"AKIAEXAMPLE","Status":"Active","CreateDate":"2024-01-02T03:04:05Z"},null]},{"UserName":"b","AccessKeys":[]},{"UserName":"c","AccessKeys":null}]}`, true},
		{"a repeated access key list merges in encoding/json", `{"UserDetailList":[{"AccessKeys":[{"AccessKeyId":"A"}],"AccessKeys":[{"Status":"Inactive"}]}]}`, false},
		{"pages", `[{"UserDetailList":[]},null,{"Policies":[{"PolicyVersionList":[{"Document":{},"VersionId":"v1","IsDefaultVersion":true}]}]}]`, true},
		{"a key with an escape", `{"User\u0044etailList":[{"UserName":"a"}]}`, true},
		{"a key that folds by Unicode rules goes to encoding/json", "{\"Mar\u212aer\":\"x\",\"UserDetailList\":[]}", false},
		{"a repeated list merges in encoding/json", `{"UserDetailList":[{"UserName":"a","Arn":"x"}],"UserDetailList":[{"UserName":"b"}]}`, false},
		{"a repeated pointer merges in encoding/json", `{"UserDetailList":[{"PermissionsBoundary":{"PermissionsBoundaryArn":"a"},"PermissionsBoundary":{"PermissionsBoundaryType":"t"}}]}`, false},
		{"int32 overflow is a type error", `{"Policies":[{"AttachmentCount":2147483648}]}`, false},
		{"a fraction into an integer is a type error", `{"Policies":[{"AttachmentCount":1.0}]}`, false},
		{"an exponent into an integer is a type error", `{"version":1e0}`, false},
		{"a number into a string is a type error", `{"UserDetailList":[{"UserName":7}]}`, false},
		{"a string into a bool is a type error", `{"IsTruncated":"true"}`, false},
		{"an object into a list is a type error", `{"UserDetailList":{"UserName":"a"}}`, false},
		{"a syntax error", `{"UserDetailList":[{"UserName":"a",}]}`, false},
		{"a bad escape", `{"Marker":"\x"}`, false},
		{"a single-quote escape is not JSON", `{"Marker":"\'"}`, false},
		{"a control character in a string", "{\"Marker\":\"a\tb\"}", false},
		{"a bad number in a skipped value", `{"Nope":01}`, false},
		{"a bad literal in a document", `{"RoleDetailList":[{"AssumeRolePolicyDocument":{"a":nul}}]}`, false},
		{"trailing data", `{"UserDetailList":[]} {}`, false},
		{"truncated", `{"UserDetailList":[`, false},
		{"absurd nesting in a document", `{"RoleDetailList":[{"AssumeRolePolicyDocument":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := agree(t, []byte(tt.in)); got != tt.fast {
				t.Errorf("fast path took it: %v, want %v", got, tt.fast)
			}
		})
	}
}

// seedFiles are the real-shaped inputs: every GAAD fixture and the demo
// snapshot.
func seedFiles(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(gaadDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return append(out, demo.Bytes())
}

// Every fixture goes through the fast path (else it would not be fast) and
// decodes as encoding/json decodes it.
func TestWireDecoderTakesEveryFixture(t *testing.T) {
	for i, data := range seedFiles(t) {
		if !agree(t, data) {
			t.Errorf("seed %d (%.60q…): the fast path gave up", i, data)
		}
	}
}

// FuzzDecodeWire checks the fast path against encoding/json on arbitrary
// input: whenever it takes an input, the wire values must be the same.
func FuzzDecodeWire(f *testing.F) {
	for _, data := range seedFiles(f) {
		f.Add(data)
	}
	for _, s := range []string{
		`{"format":"iamx-snapshot","version":1,"authorization_details":{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::123456789012:role/r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%7D%7D"}]},"warnings":[{"where":"x","message":"y"}]}`,
		`[{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a","CreateDate":1546398245}]},{"Policies":[]}]`,
		`{"UserDetailList":[{"UserName":7}]}`,
		`{"RoleDetailList":[{"RoleName":"r","RolePolicyList":[{"PolicyName":"a"},{"PolicyName":["x"]}]}]}`,
		`{"format":"iamx-snapshot","version":1,"future_field":{"x":[1,2]},"authorization_details":{"UserDetailList":[{"UserName":"a","NewField":true,"UserPolicyList":[],"GroupList":[]}]}}`,
		`{"UserDetailList":[],"IsTruncated":true,"Marker":"x"}`,
		`{"format":"iamx-snapshot","version":1,"authorization_details":{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a","AccessKeys":[{"AccessKeyId":"AKIA1","Status":"Active","CreateDate":"2024-01-02T03:04:05Z"}]},{"UserName":"b","AccessKeys":[]}]}}`,
		`{"Marker":"\ud83d\ude00\ud83dx\u00e9","userdetaillist":null,"Policies":[{"AttachmentCount":-1,"IsAttachable":false}]}`,
		"{\"Marker\":\"a\xffb\",\"UserDetailList\":[{\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}]}",
		`[[[[[[[[[[`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agree(t, data)
	})
}

// unquote decodes a string that scanString validated, but a mapped file that
// another process rewrites during the load (`aws iam … > acct.json` run
// again) can change the bytes between the two reads. unquote must still
// return: parseMapped turns only memory faults into errors, and any other
// panic would crash iamx with a stack trace.
func TestUnquoteSurvivesBytesChangedAfterValidation(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"a backslash as the last byte", `abc\`, "abc\uFFFD"},
		{"a \\u escape cut short", `ab\u00`, "ab\uFFFD"},
		{"a \\u escape cut to nothing", `\u`, "\uFFFD"},
		{"a \\u escape with a byte that is not hex", `\u00zz!`, "\uFFFD!"},
		{"a high surrogate whose partner escape is cut short", `\ud83d\ude`, "\uFFFD\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("unquote(%q) panicked: %v", tt.content, r)
				}
			}()
			if got := string(unquote([]byte(tt.content))); got != tt.want {
				t.Errorf("unquote(%q) = %q, want %q", tt.content, got, tt.want)
			}
		})
	}
}
