package loader_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/loader/demo"
	"github.com/iamx/iamx/testdata/gen"
)

// No string or byte slice in a snapshot may point into the bytes it was
// loaded from: a decoder may hand out sub-slices of the input, and one kept
// would hold the whole file (tens of megabytes) in memory for as long as
// the snapshot lives.
func TestSnapshotDoesNotAliasInput(t *testing.T) {
	inputs := map[string][]byte{"demo": demo.Bytes()}
	files, err := filepath.Glob("../testdata/gaad/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = data
	}
	small, err := gen.GAAD(gen.Options{Users: 40, Roles: 40, Groups: 5, Policies: 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	inputs["generated GAAD"] = small
	s, err := loader.ParseGAAD(small, "gen")
	if err != nil {
		t.Fatal(err)
	}
	var snap bytes.Buffer
	if err := loader.Encode(&snap, s); err != nil {
		t.Fatal(err)
	}
	inputs["generated snapshot"] = snap.Bytes()

	// Compact files hold documents that need no compacting, the case
	// where a document's text could be the input's own bytes.
	for name, data := range inputs {
		var c bytes.Buffer
		if err := json.Compact(&c, data); err != nil {
			t.Fatal(err)
		}
		inputs[name+" compact"] = c.Bytes()
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			data = bytes.Clone(data)
			s, err := loader.ParseGAAD(data, name)
			if err != nil {
				t.Fatal(err)
			}
			lo := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
			hi := lo + uintptr(len(data))
			seen := map[uintptr]bool{}
			var walk func(v reflect.Value, path string)
			inside := func(p uintptr, path string) {
				if p >= lo && p < hi {
					t.Fatalf("%s points into the input at byte %d", path, p-lo)
				}
			}
			walk = func(v reflect.Value, path string) {
				switch v.Kind() {
				case reflect.String:
					if v.Len() > 0 {
						inside(uintptr(unsafe.Pointer(unsafe.StringData(v.String()))), path)
					}
				case reflect.Pointer:
					if v.IsNil() || seen[v.Pointer()] {
						return
					}
					seen[v.Pointer()] = true
					walk(v.Elem(), path)
				case reflect.Interface:
					if !v.IsNil() {
						walk(v.Elem(), path)
					}
				case reflect.Struct:
					for i := range v.NumField() {
						walk(v.Field(i), path+"."+v.Type().Field(i).Name)
					}
				case reflect.Slice:
					if v.IsNil() {
						return
					}
					if v.Len() > 0 {
						inside(v.Pointer(), path)
					}
					for i := range v.Len() {
						walk(v.Index(i), path+"[]")
					}
				case reflect.Array:
					for i := range v.Len() {
						walk(v.Index(i), path+"[]")
					}
				case reflect.Map:
					it := v.MapRange()
					for it.Next() {
						walk(it.Key(), path+"{key}")
						walk(it.Value(), path+"{}")
					}
				}
			}
			walk(reflect.ValueOf(s), "snapshot")
		})
	}
}

// A file, gzipped or not, loads to the same snapshot as its bytes.
func TestReadFileMatchesParseGAAD(t *testing.T) {
	data := demo.Bytes()
	want, err := loader.ParseGAAD(data, "demo")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "demo.json")
	if err := os.WriteFile(plain, data, 0o600); err != nil {
		t.Fatal(err)
	}
	zipped := filepath.Join(dir, "demo.json.gz")
	if err := loader.WriteFile(zipped, want); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{plain, zipped} {
		got, err := loader.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got.Source = want.Source
		var a, b bytes.Buffer
		if err := loader.Encode(&a, got); err != nil {
			t.Fatal(err)
		}
		if err := loader.Encode(&b, want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) || !reflect.DeepEqual(got.Warnings, want.Warnings) {
			t.Errorf("%s: loads differently from its bytes", path)
		}
	}
}
