package loader_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/testdata/gen"
)

// The reference account of DESIGN.md §8 (5,000 users, 5,000 roles, 300
// groups, 1,500 customer managed policies plus the AWS managed ones in use),
// generated once per test binary.
var reference = sync.OnceValues(func() ([]byte, error) { return gen.GAAD(gen.Reference) })

// BenchmarkParseGAADReference loads the reference account from
// get-account-authorization-details JSON bytes: decoding, URL/JSON document
// handling and parsing every policy document. Target: under 1 s, 500 MiB.
func BenchmarkParseGAADReference(b *testing.B) {
	data, err := reference()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		s, err := loader.ParseGAAD(data, "reference")
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Users)+len(s.Roles) != 10000 {
			b.Fatalf("%d principals", len(s.Users)+len(s.Roles))
		}
	}
}

// BenchmarkReadSnapshotReference loads the same account from an iamx
// snapshot, as "iamx --snapshot big.json" does.
func BenchmarkReadSnapshotReference(b *testing.B) {
	s, err := gen.Account(gen.Reference)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := loader.Encode(&buf, s); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		if _, err := loader.Read(bytes.NewReader(data), "reference"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeReference writes the reference account as a snapshot.
func BenchmarkEncodeReference(b *testing.B) {
	s, err := gen.Account(gen.Reference)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		var buf bytes.Buffer
		if err := loader.Encode(&buf, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFileReference loads the reference account from a file, as
// "iamx --snapshot acct.json" does: read into memory, then parsed.
func BenchmarkReadFileReference(b *testing.B) {
	data, err := reference()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "reference.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		if _, err := loader.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
