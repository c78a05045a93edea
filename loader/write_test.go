package loader

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
)

// Load → write → load gives an equal model, for every fixture, plain and
// gzipped, including documents that could not be parsed (nothing is lost).
func TestRoundTrip(t *testing.T) {
	sources := map[string]func() (*model.Snapshot, error){
		"demo": Demo,
	}
	for _, f := range []string{"cli.json", "raw-api.json", "mixed.json", "pages.json", "sdk-go.json", "bad-docs.json"} {
		path := filepath.Join(gaadDir, f)
		sources[f] = func() (*model.Snapshot, error) { return ReadFile(path) }
	}
	dir := t.TempDir()
	for name, load := range sources {
		for _, ext := range []string{".json", ".json.gz"} {
			t.Run(name+ext, func(t *testing.T) {
				first, err := load()
				if err != nil {
					t.Fatal(err)
				}
				out := filepath.Join(dir, strings.TrimSuffix(name, ".json")+ext)
				if err := WriteFile(out, first); err != nil {
					t.Fatal(err)
				}
				second := mustRead(t, out)
				if second.Source != out {
					t.Errorf("Source = %q, want %q", second.Source, out)
				}
				if !reflect.DeepEqual(normalise(first), normalise(second)) {
					t.Errorf("round trip changed the model: %s", diffSnapshots(normalise(first), normalise(second)))
				}
				// Writing the reloaded snapshot gives the same bytes: the form is canonical.
				var a, b bytes.Buffer
				if err := Encode(&a, first); err != nil {
					t.Fatal(err)
				}
				if err := Encode(&b, second); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Error("encoding the reloaded snapshot gives different bytes")
				}
			})
		}
	}
}

// The written file is an iamx snapshot whose authorization_details is GAAD
// in the CLI's form, so other GAAD tools can read it (DESIGN.md §3).
func TestEncodeShape(t *testing.T) {
	s := mustRead(t, filepath.Join(gaadDir, "raw-api.json"))
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`"format": "iamx-snapshot"`, `"version": 1`, `"account_id": "123456789012"`,
		`"authorization_details": {`, `"UserDetailList": [`, `"PolicyDocument": {`,
		`"AssumeRolePolicyDocument": {`, `"Resource": "arn:aws:s3:::reports+archive/${aws:username}/*"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("encoded snapshot lacks %s", want)
		}
	}
	if strings.Contains(out, "%7B") {
		t.Error("valid documents must be written decoded, as JSON objects")
	}
	if strings.Contains(out, `\u0026`) || strings.Contains(out, `\u003c`) {
		t.Error("documents must not be HTML-escaped")
	}
}

// Snapshots are sensitive: mode 0600, also when replacing an existing file,
// and written atomically (no temporary file left behind).
func TestWriteFileMode(t *testing.T) {
	s, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		name     string
		existing bool
		file     string
	}{
		{"new file", false, "new.json"},
		{"replaces a world-readable file", true, "old.json"},
		{"gzip", false, "new.json.gz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if tt.existing {
				if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFile(path, s); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", st.Mode().Perm())
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			gz := len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b
			if gz != strings.HasSuffix(tt.file, ".gz") {
				t.Errorf("gzip = %v for %s", gz, tt.file)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestWriteFileErrorNamesTheFile(t *testing.T) {
	s, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "no-such-dir", "x.json")
	err = WriteFile(path, s)
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("WriteFile into a missing directory: %v", err)
	}
}
