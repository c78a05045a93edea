package loader

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamx/iamx/loader/demo"
)

// FuzzRead feeds arbitrary bytes to the loader: it must return a snapshot or
// an error, never panic, and whatever loads must write and load again. The
// seed corpus is real-shaped: every GAAD fixture, the demo snapshot, gzip of
// both forms, and the whole-file faults.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(gaadDir, "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(gzipBytes(f, data))
	}
	f.Add(demo.Bytes())
	f.Add([]byte(`{"format":"iamx-snapshot","version":1,"authorization_details":{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::123456789012:role/r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22*%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D"}]},"warnings":[{"where":"x","message":"y"}]}`))
	f.Add([]byte(`[{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a","CreateDate":1546398245}]},{"Policies":[]}]`))
	f.Add([]byte(`{"UserDetailList":[{"UserName":7}]}`))
	f.Add([]byte("[[[[[[[[[["))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Add([]byte(""))

	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data), "fuzz")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		// What loads must survive a round trip without error or loss of
		// entities.
		var buf bytes.Buffer
		if err := Encode(&buf, s); err != nil {
			t.Fatalf("Encode after a successful load: %v", err)
		}
		again, err := ParseGAAD(buf.Bytes(), "again")
		if err != nil {
			t.Fatalf("reloading a written snapshot: %v", err)
		}
		if len(again.Users) != len(s.Users) || len(again.Roles) != len(s.Roles) || len(again.Groups) != len(s.Groups) || len(again.Policies) != len(s.Policies) {
			t.Fatalf("round trip lost entities: %d/%d/%d/%d → %d/%d/%d/%d",
				len(s.Users), len(s.Roles), len(s.Groups), len(s.Policies),
				len(again.Users), len(again.Roles), len(again.Groups), len(again.Policies))
		}
	})
}
