package loader

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
)

const gaadDir = "../testdata/gaad"

// normalise clears what legitimately differs between two loads of the same
// account: where it was loaded from.
func normalise(s *model.Snapshot) *model.Snapshot {
	c := *s
	c.Source = ""
	return &c
}

func mustRead(t *testing.T, path string) *model.Snapshot {
	t.Helper()
	s, err := ReadFile(path)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", path, err)
	}
	return s
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every form a GAAD file comes in must load to the same model as the CLI's.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
// https://awscli.amazonaws.com/v2/documentation/api/latest/reference/iam/get-account-authorization-details.html
func TestGAADFormsLoadToTheSameModel(t *testing.T) {
	want := normalise(mustRead(t, filepath.Join(gaadDir, "cli.json")))
	if len(want.Warnings) != 0 {
		t.Fatalf("cli.json: unexpected warnings %v", want.Warnings)
	}
	cli, err := os.ReadFile(filepath.Join(gaadDir, "cli.json"))
	if err != nil {
		t.Fatal(err)
	}
	// gzip is detected by its magic bytes, not by the file's name.
	gzPath := filepath.Join(t.TempDir(), "gaad.json")
	if err := os.WriteFile(gzPath, gzipBytes(t, cli), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
	}{
		{"raw API form: documents are RFC 3986 URL-encoded strings", filepath.Join(gaadDir, "raw-api.json")},
		{"producers that encode some fields and not others", filepath.Join(gaadDir, "mixed.json")},
		{"pages saved as a JSON array are merged", filepath.Join(gaadDir, "pages.json")},
		{"aws-sdk-go-v2 output marshalled as JSON", filepath.Join(gaadDir, "sdk-go.json")},
		{"gzip detected by magic bytes under a .json name", gzPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustRead(t, tt.path)
			if got.Source != tt.path {
				t.Errorf("Source = %q, want %q", got.Source, tt.path)
			}
			if len(got.Warnings) != 0 {
				t.Errorf("unexpected warnings: %v", got.Warnings)
			}
			if !reflect.DeepEqual(normalise(got), want) {
				t.Errorf("model differs from cli.json's:\n%s", diffSnapshots(normalise(got), want))
			}
		})
	}
}

// The raw API form is RFC 3986 URL-encoding, decoded with PathUnescape: "+"
// is a literal plus, never a space (QueryUnescape would corrupt it).
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestURLEncodedPlusStaysAPlus(t *testing.T) {
	s := mustRead(t, filepath.Join(gaadDir, "raw-api.json"))
	doc := s.Users[0].InlinePolicies[0].Document
	if doc.Policy == nil {
		t.Fatal("jenkins's inline policy did not parse")
	}
	if got := doc.Policy.Statements[0].Resource[0]; got != "arn:aws:s3:::reports+archive/${aws:username}/*" {
		t.Errorf("Resource = %q, want the literal plus kept", got)
	}
	trust := s.Roles[1].TrustPolicy.Policy
	if got := trust.Statements[0].Conditions[0].Values[0]; got != "a+b=c" {
		t.Errorf("sts:ExternalId = %q, want %q (%%2B decodes to +)", got, "a+b=c")
	}
}

func TestDecodeDocumentString(t *testing.T) {
	// https://datatracker.ietf.org/doc/html/rfc3986#section-2.1 (percent-encoding)
	tests := []struct{ name, in, want string }{
		{"fully encoded", "%7B%22a%22%3A%22b%20c%22%7D", `{"a":"b c"}`},
		{"plus is literal", "%7B%22a%22%3A%22b+c%22%7D", `{"a":"b+c"}`},
		{"plain JSON text is taken as is", `{"a":"100%"}`, `{"a":"100%"}`},
		{"plain JSON text after leading whitespace", "\n  {\"a\":\"%7B\"}", "\n  {\"a\":\"%7B\"}"},
		{"invalid escape keeps the text", "%7B%ZZ", "%7B%ZZ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeDocumentString(tt.in); got != tt.want {
				t.Errorf("decodeDocumentString(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAccountAndPartitionFromARNs(t *testing.T) {
	s := mustRead(t, filepath.Join(gaadDir, "cli.json"))
	if s.AccountID != "123456789012" || s.Partition != "aws" {
		t.Errorf("account %q partition %q, want 123456789012 aws", s.AccountID, s.Partition)
	}
	if !s.CapturedAt.IsZero() {
		t.Errorf("CapturedAt = %v, want zero (GAAD output does not say)", s.CapturedAt)
	}
	// Fields that only the CLI shape has, read into the model.
	web := s.Roles[0]
	if len(web.InstanceProfiles) != 1 || !reflect.DeepEqual(web.InstanceProfiles[0].Roles, []string{"web"}) {
		t.Errorf("web instance profiles = %+v", web.InstanceProfiles)
	}
	if web.LastUsed != nil {
		t.Errorf("RoleLastUsed {} should mean never used, got %+v", web.LastUsed)
	}
	if s.Users[0].PermissionsBoundary != "arn:aws:iam::123456789012:policy/LogReader" {
		t.Errorf("boundary = %q", s.Users[0].PermissionsBoundary)
	}
	lr := s.Policies[0]
	if lr.DefaultVersion() == nil || lr.DefaultVersion().VersionID != "v2" || len(lr.Versions) != 2 {
		t.Errorf("LogReader versions = %+v", lr.Versions)
	}
}

// A malformed document is a warning naming the entity and the place in the
// document; the text is kept and the rest of the account loads.
func TestBadDocumentsBecomeWarnings(t *testing.T) {
	s := mustRead(t, filepath.Join(gaadDir, "bad-docs.json"))
	want := []model.Warning{
		{Entity: "arn:aws:iam::123456789012:user/dev/jenkins", Where: "users[0] (jenkins).UserPolicyList[1] (bad-principal-in-identity).PolicyDocument.Statement[0].Condition.StringEqualz", Message: `unknown condition operator "StringEqualz"`},
		{Entity: "arn:aws:iam::123456789012:group/ops", Where: "groups[0] (ops).GroupPolicyList[0] (describe).PolicyDocument.Statement", Message: "not valid JSON: unexpected end of JSON input"},
		{Entity: "arn:aws:iam::123456789012:role/jenkins-deploy", Where: "roles[1] (jenkins-deploy).AssumeRolePolicyDocument.Statement[0].Principal", Message: `expected "*" or an object, found string "arn:aws:iam::123456789012:root"`},
		{Entity: "arn:aws:iam::123456789012:policy/LogReader", Where: "policies[0] (LogReader).CreateDate", Message: `expected an ISO 8601 time, found "last tuesday"`},
		{Entity: "arn:aws:iam::123456789012:policy/LogReader", Where: "policies[0] (LogReader).PolicyVersionList[1] (v1).Document", Message: "neither JSON nor URL-encoded JSON (a malformed %-escape)"},
	}
	// The entity is the ARN the converter was reading, found again when a
	// written snapshot brings its warnings back (some, like a time that
	// did not parse, are not found again in the written file's data).
	written := filepath.Join(t.TempDir(), "bad-docs.json")
	if err := WriteFile(written, s); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*model.Snapshot{"read": s, "written and read again": mustRead(t, written)} {
		if len(s.Warnings) != len(want) {
			t.Fatalf("%s: got %d warnings, want %d:\n%v", name, len(s.Warnings), len(want), s.Warnings)
		}
		for i, w := range want {
			got := s.Warnings[i]
			if got.Entity != w.Entity || got.Where != w.Where || (w.Message != "" && got.Message != w.Message) || got.Message == "" {
				t.Errorf("%s: warning %d = %+v, want %+v", name, i, got, w)
			}
		}
	}
	if len(s.Users) != 2 || len(s.Groups) != 1 || len(s.Roles) != 2 || len(s.Policies) != 2 {
		t.Errorf("counts %d/%d/%d/%d, want the whole account", len(s.Users), len(s.Groups), len(s.Roles), len(s.Policies))
	}
	// Nothing lost: the faulty texts are kept as found (decoded).
	if got := string(s.Groups[0].InlinePolicies[0].Document.JSON); got != `{"Version":"2012-10-17","Statement":[` {
		t.Errorf("kept text = %q", got)
	}
	if got := string(s.Policies[0].Versions[1].Document.JSON); got != "%ZZnot-url-encoding" {
		t.Errorf("kept text = %q", got)
	}
	if s.Roles[1].TrustPolicy.Policy != nil || len(s.Roles[1].TrustPolicy.JSON) == 0 {
		t.Errorf("bad trust policy: Policy should be nil and text kept")
	}
	// Good documents next to bad ones still parse.
	if s.Users[0].InlinePolicies[0].Document.Policy == nil || s.Roles[1].InlinePolicies[0].Document.Policy == nil {
		t.Error("good documents beside bad ones did not parse")
	}
}

// Whole-file faults fail the load with one line naming the file and the
// fault: exit status 2 in the command-line contract (DESIGN.md §2).
func TestWholeFileFaults(t *testing.T) {
	dir := t.TempDir()
	cli, err := os.ReadFile(filepath.Join(gaadDir, "cli.json"))
	if err != nil {
		t.Fatal(err)
	}
	gz := gzipBytes(t, cli)
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-6] ^= 0xff // CRC-32 in the trailer
	tests := []struct {
		name  string
		data  []byte // nil: the file does not exist
		fault string // expected in the message
	}{
		{"missing file", nil, "no such file"},
		{"empty file", []byte{}, "empty file"},
		{"only whitespace", []byte(" \n\t "), "empty file"},
		{"truncated JSON", cli[:len(cli)/2], "truncated"},
		{"not JSON", []byte("UserName,Arn\nalice,arn:aws:iam::1:user/alice\n"), "not JSON"},
		{"binary garbage", []byte{0x00, 0x01, 0x02, 0xfe}, "not JSON"},
		{"trailing garbage", append(bytes.Clone(cli), []byte("}}")...), "not valid JSON"},
		{"top-level string", []byte(`"UserDetailList"`), "wrong top-level shape"},
		{"top-level number", []byte(`42`), "wrong top-level shape"},
		{"array of numbers", []byte(`[1,2,3]`), "wrong top-level shape"},
		{"empty array", []byte(`[]`), "wrong top-level shape"},
		{"object without GAAD or snapshot fields", []byte(`{"Users":[]}`), "wrong top-level shape"},
		{"list where an object is expected", []byte(`{"UserDetailList":{"UserName":"a"}}`), "UserDetailList: expected array, found object"},
		{"type error names the JSON path", []byte(`{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a"},{"UserName":"b"},{"UserName":"c"},{"UserName":7}]}`), "UserDetailList[3].UserName: expected string, found number"},
		{"nested type error", []byte(`{"RoleDetailList":[{"RoleName":"r","RolePolicyList":[{"PolicyName":"a"},{"PolicyName":["x"]}]}]}`), "RoleDetailList[0].RolePolicyList[1].PolicyName: expected string, found array"},
		{"a syntax fault names the value it is in", []byte(`{"UserDetailList":[{"UserName":"a",}]}`), "not valid JSON at byte 34 (in UserDetailList[0])"},
		{"an integer out of range", []byte(`{"Policies":[{"AttachmentCount":2147483648}]}`), "Policies[0].AttachmentCount: expected integer, found number 2147483648 (out of range)"},
		{"a cut-off file is truncated, not a wrong type", []byte(`{"UserDetailList":{"UserName":"a"`), "truncated"},
		{"a member name with a newline is quoted", []byte(`{"a\nb":[1,}`), `(in ["a\nb"])`},
		{"absurd nesting depth", []byte(strings.Repeat("[", 100000)), "absurd nesting depth"},
		{"absurd nesting depth inside an object", []byte(`{"UserDetailList":` + strings.Repeat(`{"a":`, 20000)), "absurd nesting depth"},
		{"broken gzip checksum", badCRC, "broken gzip"},
		{"truncated gzip", gz[:len(gz)/2], "truncated gzip"},
		{"gzip header only", gz[:10], "truncated gzip"},
		{"gzip of nothing", gzipBytes(t, nil), "empty"},
		{"future snapshot version", []byte(`{"format":"iamx-snapshot","version":3,"authorization_details":{}}`), "version 3 is newer"},
		{"snapshot without version", []byte(`{"format":"iamx-snapshot","authorization_details":{}}`), "without a version"},
		{"other format", []byte(`{"format":"prowler","version":1}`), `format "prowler"`},
		{"snapshot without authorization_details", []byte(`{"format":"iamx-snapshot","version":1}`), "without authorization_details"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "case"+string(rune('a'+i))+".json")
			if tt.data != nil {
				if err := os.WriteFile(path, tt.data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s, err := ReadFile(path)
			if err == nil {
				t.Fatalf("loaded %d users; want an error", len(s.Users))
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FileError", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": ") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			if !strings.Contains(msg, tt.fault) {
				t.Errorf("error %q does not say %q", msg, tt.fault)
			}
			if strings.ContainsAny(msg, "\n\r") || len(msg) > 400 {
				t.Errorf("error is not one short line: %q", msg)
			}
		})
	}
}

func TestReadDirectoryIsAnError(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadFile(dir)
	if err == nil || !strings.HasPrefix(err.Error(), dir+": ") {
		t.Errorf("ReadFile(dir) = %v", err)
	}
}

// A snapshot duplicating an entity (pages saved twice) keeps the first and
// says so, rather than showing every principal twice.
func TestDuplicateEntitiesAreReported(t *testing.T) {
	data := []byte(`[{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::123456789012:user/a"}]},
		{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::123456789012:user/a"}]}]`)
	s, err := ParseGAAD(data, "pages")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Users) != 1 || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0].Message, "duplicate of users[0] (a)") ||
		s.Warnings[0].Entity != "arn:aws:iam::123456789012:user/a" {
		t.Errorf("users %d, warnings %v", len(s.Users), s.Warnings)
	}
}

// A lone truncated page is loaded but flagged: the account is incomplete.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
// ("IsTruncated … there are more items to return")
func TestTruncatedPageIsAWarning(t *testing.T) {
	s, err := ParseGAAD([]byte(`{"UserDetailList":[],"IsTruncated":true,"Marker":"x"}`), "page1")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0].Message, "IsTruncated") {
		t.Errorf("warnings = %v", s.Warnings)
	}
}

func TestTimeLayouts(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"CLI offset form", `"2019-01-02T03:04:05+00:00"`, "2019-01-02T03:04:05Z"},
		{"SDK RFC 3339 with fraction", `"2019-01-02T03:04:05.123Z"`, "2019-01-02T03:04:05.123Z"},
		{"non-UTC offset kept as instant", `"2019-01-02T05:04:05+02:00"`, "2019-01-02T03:04:05Z"},
		{"space separated", `"2019-01-02 03:04:05+00:00"`, "2019-01-02T03:04:05Z"},
		{"epoch seconds", `1546398245`, "2019-01-02T03:04:05Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTime([]byte(tt.raw))
			if err != nil || got.Format("2006-01-02T15:04:05.999Z07:00") != tt.want {
				t.Errorf("parseTime(%s) = %v, %v; want %s", tt.raw, got, err, tt.want)
			}
		})
	}
}

// diffSnapshots names the first differing entity, to make failures readable.
func diffSnapshots(a, b *model.Snapshot) string {
	var out []string
	cmp := func(what string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			out = append(out, what)
		}
	}
	cmp("header", [5]any{a.AccountID, a.AccountAlias, a.Partition, a.CapturedAt, a.CapturedBy}, [5]any{b.AccountID, b.AccountAlias, b.Partition, b.CapturedAt, b.CapturedBy})
	for i := 0; i < len(a.Users) && i < len(b.Users); i++ {
		cmp("users["+a.Users[i].Name+"]", a.Users[i], b.Users[i])
	}
	for i := 0; i < len(a.Groups) && i < len(b.Groups); i++ {
		cmp("groups["+a.Groups[i].Name+"]", a.Groups[i], b.Groups[i])
	}
	for i := 0; i < len(a.Roles) && i < len(b.Roles); i++ {
		cmp("roles["+a.Roles[i].Name+"]", a.Roles[i], b.Roles[i])
	}
	for i := 0; i < len(a.Policies) && i < len(b.Policies); i++ {
		cmp("policies["+a.Policies[i].Name+"]", a.Policies[i], b.Policies[i])
	}
	cmp("counts", [4]int{len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies)}, [4]int{len(b.Users), len(b.Groups), len(b.Roles), len(b.Policies)})
	cmp("credential report", a.CredentialReport, b.CredentialReport)
	cmp("warnings", a.Warnings, b.Warnings)
	return strings.Join(out, ", ")
}

// DESIGN.md §3: unknown fields are ignored (newer AWS fields, newer iamx
// header fields) and a missing account ID is taken from the ARNs.
func TestUnknownFieldsAreIgnored(t *testing.T) {
	data := []byte(`{"format":"iamx-snapshot","version":1,"future_field":{"x":[1,2]},
		"authorization_details":{"UserDetailList":[{"UserName":"a","Arn":"arn:aws-cn:iam::123456789012:user/a","NewField":true,"UserPolicyList":[],"GroupList":[]}]}}`)
	s, err := ParseGAAD(data, "future.json")
	if err != nil {
		t.Fatal(err)
	}
	if s.AccountID != "123456789012" || s.Partition != "aws-cn" || len(s.Users) != 1 || len(s.Warnings) != 0 {
		t.Errorf("account %q partition %q users %d warnings %v", s.AccountID, s.Partition, len(s.Users), s.Warnings)
	}
}

// Nesting that is deep but not absurd, inside one document, spoils that
// document only.
func TestDeepDocumentIsAWarning(t *testing.T) {
	doc := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}}}]}`
	data := []byte(`{"RoleDetailList":[{"RoleName":"deep","Arn":"arn:aws:iam::123456789012:role/deep","AssumeRolePolicyDocument":` + doc + `}]}`)
	s, err := ParseGAAD(data, "deep.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Roles) != 1 || len(s.Warnings) != 1 || !strings.HasPrefix(s.Warnings[0].Where, "roles[0] (deep).AssumeRolePolicyDocument") {
		t.Errorf("roles %d, warnings %v", len(s.Roles), s.Warnings)
	}
}

// moto leaves PolicyName out of GAAD's Policies list and of
// AttachedManagedPolicies; a managed policy's name is the last segment of its
// ARN, whatever its path.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
func TestPolicyNameFromARNWhenMissing(t *testing.T) {
	doc := `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u",
		"AttachedManagedPolicies":[{"PolicyArn":"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}]}],
		"Policies":[{"Arn":"arn:aws:iam::123456789012:policy/app/deploy","DefaultVersionId":"v1",
		"PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Version":"2012-10-17","Statement":[]}}]}]}`
	s, err := ParseGAAD([]byte(doc), "moto.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Users[0].AttachedPolicies[0].Name; got != "AWSLambdaBasicExecutionRole" {
		t.Errorf("attached policy name = %q, want AWSLambdaBasicExecutionRole", got)
	}
	if got := s.Policies[0].Name; got != "deploy" {
		t.Errorf("managed policy name = %q, want deploy", got)
	}
}
