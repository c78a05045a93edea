package loader

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

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

// snapshot -o never replaces what is not a regular file: a symbolic link is
// followed and its target replaced atomically (the link stays), a FIFO or a
// device is written as a stream, and a directory is an error.
func TestWriteFileTargets(t *testing.T) {
	s, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a symbolic link's target is replaced, the link stays", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "real.json")
		if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink("real.json", link); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(link, s); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
		}
		st, err := os.Stat(target)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("target: %v, %v; want mode 0600", st.Mode(), err)
		}
		if _, err := ReadFile(target); err != nil {
			t.Fatalf("target does not load: %v", err)
		}
	})
	t.Run("a dangling link gets its target created", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink(filepath.Join(dir, "later.json"), link); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(link, s); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadFile(filepath.Join(dir, "later.json")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a loop of links is an error", func(t *testing.T) {
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.Symlink(b, a)
		os.Symlink(a, b)
		if err := WriteFile(a, s); err == nil || !strings.Contains(err.Error(), "symbolic links") {
			t.Fatalf("WriteFile(loop) = %v", err)
		}
	})
	t.Run("a directory is an error", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteFile(dir, s); err == nil || err.Error() != "write "+dir+": is a directory" {
			t.Fatalf("WriteFile(dir) = %v", err)
		}
	})
	t.Run("a FIFO is written as a stream and stays a FIFO", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "pipe.json.gz")
		if err := mkfifo(fifo); err != nil {
			t.Skip(err)
		}
		got := make(chan []byte, 1)
		go func() {
			data, _ := os.ReadFile(fifo)
			got <- data
		}()
		if err := WriteFile(fifo, s); err != nil {
			t.Fatal(err)
		}
		data := <-got
		back, err := Read(bytes.NewReader(data), "pipe")
		if err != nil || len(back.Users) != len(s.Users) {
			t.Fatalf("read back from the FIFO: %v", err)
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Fatalf("the FIFO was replaced: %v %v", fi.Mode(), err)
		}
	})
	t.Run("/dev/null stays the device", func(t *testing.T) {
		if _, err := os.Stat(os.DevNull); err != nil {
			t.Skip(err)
		}
		if err := WriteFile(os.DevNull, s); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(os.DevNull); err != nil || fi.Mode()&os.ModeDevice == 0 {
			t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
		}
	})
}

// A cancelled write leaves the old file as it was and no temporary file; a
// FIFO nobody reads does not hold the write past its cancellation.
func TestWriteFileCancelled(t *testing.T) {
	s, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "acct.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteFileContext(ctx, path, s); !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteFileContext(cancelled) = %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("old file changed: %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}

	fifo := filepath.Join(dir, "pipe")
	if err := mkfifo(fifo); err != nil {
		t.Skip(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- WriteFileContext(ctx, fifo, s) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("WriteFileContext(FIFO, cancelled) = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting for the FIFO's reader 10 s after cancellation")
	}
}

// /dev/fd/N (and /dev/stdout, /proc/self/fd/N) name a descriptor the process
// has open: the snapshot goes into it, a pipe or a file opened for appending,
// and nothing replaces the file behind it.
func TestWriteFileToADescriptor(t *testing.T) {
	s, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	dir := "/dev/fd/"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no /dev/fd here")
	}
	t.Run("a pipe", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan []byte, 1)
		go func() {
			data, _ := io.ReadAll(r)
			got <- data
		}()
		if err := WriteFile(dir+strconv.Itoa(int(w.Fd())), s); err != nil {
			t.Fatal(err)
		}
		w.Close()
		if back, err := Read(bytes.NewReader(<-got), "pipe"); err != nil || len(back.Roles) != len(s.Roles) {
			t.Fatalf("read back: %v", err)
		}
	})
	t.Run("a file opened for appending keeps what it had", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "log")
		if err := os.WriteFile(path, []byte("before\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := WriteFile(dir+strconv.Itoa(int(f.Fd())), s); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		if !bytes.HasPrefix(data, []byte("before\n{")) {
			t.Fatalf("file starts %q", data[:min(len(data), 20)])
		}
	})
	// The caller's descriptor is the caller's: writing through its name
	// must not leave a file whose finalizer closes it at the next garbage
	// collection (it used to, and closed whatever reused the number).
	t.Run("the descriptor stays open after a garbage collection", func(t *testing.T) {
		f, err := os.OpenFile(filepath.Join(t.TempDir(), "out"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := WriteFile(dir+strconv.Itoa(int(f.Fd())), s); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			runtime.GC()
			time.Sleep(10 * time.Millisecond) // finalizers run on their own goroutine
		}
		if _, err := f.Write([]byte("\n")); err != nil {
			t.Fatalf("the caller's descriptor was closed: %v", err)
		}
	})
}
