package loader

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamx/iamx/model/policy"
)

// endless repeats b forever, counting what was read from it.
type endless struct {
	b    []byte
	off  int
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.b[e.off:])
		n += c
		e.off = (e.off + c) % len(e.b)
	}
	e.read += int64(n)
	return n, nil
}

// Size limits hold while the file streams in: a hostile stream is refused
// after reading about as much as the limit allows (or less, when its first
// bytes already give it away), never after reading all of it.
func TestStreamsStopAtTheLimit(t *testing.T) {
	const limit = 8 << 20
	// A gzip member that inflates 1 MiB of "A": repeated, the members make a
	// multi-member gzip stream of any inflated size for 1 KiB each.
	member := gzipBytes(t, bytes.Repeat([]byte("A"), 1<<20))
	tests := []struct {
		name    string
		head    []byte // read first, then tail forever
		tail    []byte
		maxRead int64 // of the endless tail's bytes, compressed or not
		fault   string
	}{
		{"endless zeros (/dev/zero) stop at the first read: JSON text holds no NUL",
			nil, []byte{0}, 1 << 20, "not JSON: control byte 0x00 at byte 0"},
		{"an endless JSON-looking stream stops at the limit",
			[]byte(`{"a":"`), []byte("A"), limit + 1<<20, "larger than 8 MiB"},
		{"a gzip bomb of zeros stops at its first inflated bytes",
			nil, gzipBytes(t, make([]byte, 1<<20)), 1 << 20, "not JSON: control byte 0x00"},
		{"a gzip stream that inflates past the limit stops at the limit",
			gzipBytes(t, []byte(`{"a":"`)), member, 1 << 20, "larger than 8 MiB"},
		{"an endless compressed stream stops at the limit of compressed bytes",
			nil, gzipBytes(t, []byte(" ")), limit + 1<<20, "larger than 8 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tail := &endless{b: tt.tail}
			_, err := readLimited(context.Background(), io.MultiReader(bytes.NewReader(tt.head), tail), "hostile", 0, limit)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.fault) {
				t.Fatalf("readLimited = %v, want a FileError saying %q", err, tt.fault)
			}
			if tail.read > tt.maxRead {
				t.Errorf("read %d bytes of the source before refusing it, want at most %d", tail.read, tt.maxRead)
			}
		})
	}
}

// A gzip bomb inflating far past what any snapshot compresses to is refused
// once it has inflated inflationFloor, long before the size limit.
func TestGzipBombIsRefusedByItsInflation(t *testing.T) {
	member := gzipBytes(t, bytes.Repeat([]byte("A"), 1<<20))
	bomb := &endless{b: member}
	src := io.MultiReader(bytes.NewReader(gzipBytes(t, []byte(`{"a":"`))), bomb)
	_, err := readLimited(context.Background(), src, "bomb.json.gz", 0, maxFileSize)
	if err == nil || !strings.Contains(err.Error(), "inflates more than 200-fold") {
		t.Fatalf("readLimited = %v, want the inflation refusal", err)
	}
	if inflated := bomb.read / int64(len(member)) << 20; inflated > 2*inflationFloor || inflated < inflationFloor/2 {
		t.Errorf("inflated %d MiB before refusing, want about %d", inflated>>20, inflationFloor>>20)
	}
}

// Files whose size is known are refused by it, before a byte is read: a
// sparse 3 GiB file costs nothing to make and nothing to refuse.
func TestLargeFileIsRefusedByItsSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparse.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		f.Close()
		t.Skipf("this file system makes no sparse 3 GiB file: %v", err)
	}
	f.Close()
	_, err = ReadFile(path)
	if err == nil || err.Error() != path+": larger than 2048 MiB" {
		t.Fatalf("ReadFile(sparse 3 GiB) = %v, want %q", err, path+": larger than 2048 MiB")
	}
	// Standard input redirected from the file is refused the same way.
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if _, err := Read(in, "-"); err == nil || !strings.Contains(err.Error(), "larger than 2048 MiB") {
		t.Fatalf("Read(sparse 3 GiB) = %v, want larger than 2048 MiB", err)
	}
}

// A policy file holds one document of a few KiB: its limit fits that.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
func TestPolicyFileLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scp.json")
	big := `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Sid":"` + strings.Repeat("a", 2<<20) + `"}]}`
	if err := os.WriteFile(path, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPolicyFile(path, policy.KindSCP); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("ReadPolicyFile(2 MiB) = %v, want larger than 1 MiB", err)
	}
}

// Reading a FIFO that no writer ever opens gives up when ctx is done.
func TestFIFOWithoutWriterStopsOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(path); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadFileContext(ctx, path)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ReadFileContext = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadFileContext still blocked 10 s after its context was cancelled")
	}
}

// A FIFO whose writer opens it and then writes nothing also gives up.
func TestFIFOWithSilentWriterStopsOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(path); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadFileContext(ctx, path)
		done <- err
	}()
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write([]byte(`{"UserDetailList":[`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ReadFileContext = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadFileContext still blocked 10 s after its context was cancelled")
	}
}

// Gzip allows several members one after another (RFC 1952 §2.2); gzip(1)
// inflates them all, and so must iamx: a second member holding an admin user
// must not be dropped. Bytes after the last member are an error, not ignored.
//
// https://www.rfc-editor.org/rfc/rfc1952#section-2.2
func TestGzipMembers(t *testing.T) {
	first := []byte(`{"UserDetailList":[{"UserName":"alice","Arn":"arn:aws:iam::123456789012:user/alice",`)
	second := []byte(`"UserPolicyList":[{"PolicyName":"admin","PolicyDocument":{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}}]}]}`)
	twoMembers := append(gzipBytes(t, first), gzipBytes(t, second)...)
	tests := []struct {
		name  string
		data  []byte
		fault string // "": loads
	}{
		{"every member is read", twoMembers, ""},
		{"an empty member between two is fine", append(append(gzipBytes(t, first), gzipBytes(t, nil)...), gzipBytes(t, second)...), ""},
		{"trailing garbage after the last member", append(bytes.Clone(twoMembers), "garbage!!!!!"...), "trailing garbage"},
		{"a UTF-8 byte-order mark inside the gzip", gzipBytes(t, append([]byte("\xef\xbb\xbf"), append(bytes.Clone(first), second...)...)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "acct.json.gz")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, via := range []string{"file", "stream"} {
				var s any
				var err error
				if via == "file" {
					snap, e := ReadFile(path)
					s, err = snap, e
					if e == nil && tt.fault == "" && (len(snap.Users) != 1 || len(snap.Users[0].InlinePolicies) != 1) {
						t.Fatalf("%s: loaded %+v; the second member's policy is missing", via, snap.Users)
					}
				} else {
					snap, e := Read(bytes.NewReader(tt.data), path)
					s, err = snap, e
					if e == nil && tt.fault == "" && (len(snap.Users) != 1 || len(snap.Users[0].InlinePolicies) != 1) {
						t.Fatalf("%s: loaded %+v; the second member's policy is missing", via, snap.Users)
					}
				}
				switch {
				case tt.fault == "" && err != nil:
					t.Fatalf("%s: %v", via, err)
				case tt.fault != "" && (err == nil || !strings.Contains(err.Error(), tt.fault)):
					t.Fatalf("%s: got %v, %v; want an error saying %q", via, s != nil, err, tt.fault)
				}
			}
		})
	}
}

// Hostile but small inputs end in one short line naming the file.
//
// https://www.rfc-editor.org/rfc/rfc8259#section-8.1 (a byte-order mark may be ignored)
func TestHostileTextInputs(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		fault string // "": loads
	}{
		{"a UTF-8 byte-order mark is accepted", "\xef\xbb\xbf" + `{"UserDetailList":[]}`, ""},
		{"a number of a million digits where a version goes", `{"format":"iamx-snapshot","version":` + strings.Repeat("1", 1e6) + `,"authorization_details":{}}`, "version: expected integer, found number of 1000000 characters"},
		{"UTF-16 with its byte-order mark, as PowerShell writes it", "\xff\xfe{\x00}\x00", "UTF-16 text"},
		{"a number of a million digits where a list goes", `{"UserDetailList":` + strings.Repeat("9", 1e6) + `}`, "UserDetailList: expected array, found number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "acct.json")
			if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(path)
			if _, serr := Read(strings.NewReader(tt.data), path); (serr == nil) != (err == nil) || (err != nil && tt.fault != "" && !strings.Contains(serr.Error(), tt.fault)) {
				t.Errorf("as a stream: %v; as a file: %v", serr, err)
			}
			if tt.fault == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.fault) {
				t.Fatalf("ReadFile = %v, want an error saying %q", err, tt.fault)
			}
			if msg := err.Error(); len(msg) > 300 || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one short line (%d characters)", len(msg))
			}
		})
	}
}
