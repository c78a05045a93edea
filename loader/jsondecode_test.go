package loader

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/iamx/iamx/loader/demo"
)

// agree decodes data as ParseGAAD does (json v2 with decodeOptions) and as
// encoding/json did before the switch, and fails when one takes data the
// other refuses, or when both take it and the wire values differ. Input
// that repeats a member name is exempt from the value check: there the two
// disagree by design (encoding/json merges a repeated object or list into
// the first and lets null keep an earlier scalar; json v2 takes the last
// value as it is). It reports whether json v2 took data.
func agree(t testing.TB, data []byte) (took bool) {
	t.Helper()
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return false
	}
	var got, want any
	switch trimmed[0] {
	case '{':
		got, want = new(wireTop), new(wireTop)
	case '[':
		got, want = new([]wireGAAD), new([]wireGAAD)
	default:
		return false
	}
	err := unmarshal(trimmed, got)
	stdErr := json.Unmarshal(trimmed, want)
	if (err == nil) != (stdErr == nil) {
		if stdErr != nil && strings.Contains(stdErr.Error(), "exceeded max depth") {
			return err == nil // encoding/json counts depth from the top, json v2 too, but one level apart
		}
		t.Fatalf("json v2 err=%v, encoding/json err=%v for %.300q", err, stdErr, trimmed)
	}
	if err != nil || repeatsNames(trimmed) {
		return err == nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("json v2 and encoding/json differ on %.300q:\nv2   %+v\njson %+v", trimmed, got, want)
	}
	return true
}

// repeatsNames reports whether an object in data repeats a member name,
// compared as the decoders match names to fields (case ignored).
func repeatsNames(data []byte) bool {
	dec := jsontext.NewDecoder(bytes.NewReader(data), decodeOptions)
	var seen []map[string]bool
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return false
		}
		switch tok.Kind() {
		case '{':
			seen = append(seen, map[string]bool{})
		case '[':
			seen = append(seen, nil)
		case '}', ']':
			seen = seen[:len(seen)-1]
		case '"':
			if kind, n := dec.StackIndex(dec.StackDepth()); kind == '{' && n%2 == 1 { // a name
				name := strings.ToLower(tok.String())
				if seen[len(seen)-1][name] {
					return true
				}
				seen[len(seen)-1][name] = true
			}
		}
	}
}

// What encoding/json did with the wire structs is the contract json v2
// (with decodeOptions) keeps, so that every file that loaded before the
// switch loads the same; each case is one of its rules.
//
// https://pkg.go.dev/encoding/json#Unmarshal
// https://pkg.go.dev/github.com/go-json-experiment/json#hdr-Migrating_to_v2
func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		took bool
	}{
		{"unknown fields are ignored, whatever their shape", `{"Nope":{"a":[1,2.5e3,true,null,"x"]},"UserDetailList":[{"UserName":"a","Extra":[[]]}]}`, true},
		{"names match case-insensitively", `{"userdetaillist":[{"username":"a","ARN":"x","groupLIST":["g"]}]}`, true},
		{"the exact name wins over a case-insensitive one", `{"RoleDetailList":[{"rolename":"folded","RoleName":"exact"}]}`, true},
		{"the exact name wins even when it comes first", `{"RoleDetailList":[{"RoleName":"exact","ROLENAME":"folded"}]}`, true},
		{"a repeated scalar key: the last wins", `{"Marker":"a","Marker":"b","UserDetailList":[]}`, true},
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
		{"pages", `[{"UserDetailList":[]},null,{"Policies":[{"PolicyVersionList":[{"Document":{},"VersionId":"v1","IsDefaultVersion":true}]}]}]`, true},
		{"a key with an escape", `{"User\u0044etailList":[{"UserName":"a"}]}`, true},
		{"a key that folds by Unicode rules", "{\"Mar\u212aer\":\"x\",\"UserDetailList\":[]}", true},
		{"'_' is part of a name: authorizationdetails is not authorization_details", `{"AuthoriZAtiondetAils":[],"UserDetailList":[]}`, true},
		{"version 2 sections are kept raw", `{"format":"iamx-snapshot","version":2,"authorization_details":{},"resources":[{"arn":"a","policy":null}],"organization":{"Roots":[]},"coverage":[]}`, true},
		{"null sections keep null", `{"resources":null,"organization":null,"coverage":null,"UserDetailList":[]}`, true},
		{"section names fold", `{"Resources":[1],"ORGANIZATION":{},"UserDetailList":[]}`, true},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := agree(t, []byte(tt.in)); got != tt.took {
				t.Errorf("json v2 took it: %v, want %v", got, tt.took)
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

// Every fixture decodes, and as encoding/json decoded it.
func TestDecodeTakesEveryFixture(t *testing.T) {
	for i, data := range seedFiles(t) {
		if !agree(t, data) {
			t.Errorf("seed %d (%.60q…): not decoded", i, data)
		}
	}
}

// FuzzDecodeWire checks json v2 against encoding/json on arbitrary input:
// both take it or both refuse it, and what both take decodes alike.
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
