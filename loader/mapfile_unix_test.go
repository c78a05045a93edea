//go:build unix

package loader

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file truncated by another process while it is mapped faults on access
// (SIGBUS) past its new end. parseMapped must turn that into a FileError,
// wherever the decoder is when it happens, instead of crashing.
//
// https://man7.org/linux/man-pages/man2/mmap.2.html ("SIGBUS: Attempted
// access to a page of the buffer that lies beyond the end of the mapped file")
func TestMappedFileCutShortIsAnError(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"UserDetailList":[`)
	for i := range 4000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"UserName":"u%d","Arn":"arn:aws:iam::123456789012:user/u%d","UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b%d/*"}}}]}`, i, i, i)
	}
	b.WriteString(`]}`)
	full := []byte(b.String())
	pageSize := int64(os.Getpagesize())
	tests := []struct {
		name  string
		keep  int64 // bytes left in the file once it is mapped
		plain bool  // gzip, else plain JSON
	}{
		{"cut to nothing", 0, true},
		{"cut after the first page", pageSize, true},
		{"cut one page before its end", int64(len(full)) - pageSize, true},
		{"a gzip file cut mid-stream", pageSize, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := full
			if !tt.plain {
				data = gzipBytes(t, full)
			}
			path := filepath.Join(t.TempDir(), "acct.json")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			mapped, unmap, ok := mapFile(f, int64(len(data)))
			if !ok {
				t.Skip("this file system does not map files")
			}
			defer unmap()
			if err := os.Truncate(path, tt.keep); err != nil {
				t.Fatal(err)
			}
			s, err := parseMapped(mapped, path, func() bool { return false })
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Fault, "changed while it was being read") {
				t.Fatalf("parseMapped after truncation = %v, %v; want a FileError saying the file changed", s != nil, err)
			}
		})
	}
}
