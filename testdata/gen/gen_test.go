package gen

import (
	"bytes"
	"testing"
)

// Every generated document must be what it claims: a format mistake in a
// template ("%!(EXTRA …)", "%!d(BADINDEX)") would make benchmarks and
// comparisons run on resources no real account has.
func TestGeneratedDocumentsHaveNoFormatErrors(t *testing.T) {
	data, err := GAAD(Options{Users: 300, Roles: 300, Groups: 20, Policies: 100, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(data, []byte("%!")); i >= 0 {
		t.Fatalf("format error in generated account: …%s…", data[max(0, i-60):min(len(data), i+60)])
	}
}
