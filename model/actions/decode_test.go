package actions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// File order is by "prefix:" ("a-b:" sorts before "a:"), Services() order by
// prefix; the tiny catalogue has both kinds of prefix to tell them apart.
const tinyCatalogue = "iamx-actions\t1\tpkg\t1.0\n" +
	"S\ta-b\tService A-B\n" +
	"A\tDo\t3\t\t\n" +
	"S\ta\tService A\n" +
	"K\ta:key\tString\n" +
	"T\tthing\tarn:${Partition}:a:::${Name}\t0\n" +
	"A\tGetThing\t2\t0*+0\t0\n" +
	"A\tListThings\t1\t\t\n"

func TestDecodeTiny(t *testing.T) {
	c, err := decode(tinyCatalogue)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 3 || c.Source() != "pkg 1.0" {
		t.Fatalf("Len %d, Source %q", c.Len(), c.Source())
	}
	a, ok := c.Lookup("A:getthing")
	if !ok || a.ID != 1 || a.Level != Read || len(a.Resources) != 1 || !a.Resources[0].Required ||
		a.Resources[0].ARN != "arn:${Partition}:a:::${Name}" || a.Resources[0].ConditionKeys[0] != "a:key" || a.ConditionKeys[0] != "a:key" {
		t.Fatalf("GetThing decoded as %+v", a)
	}
	if s := c.Services(); len(s) != 2 || s[0].Prefix != "a" || s[1].Prefix != "a-b" || len(s[0].Actions) != 2 {
		t.Fatalf("services %+v", s)
	}
	if rt, ok := c.ResourceType("a", "THING"); !ok || rt.ConditionKeys[0] != "a:key" {
		t.Fatalf("resource type %+v", rt)
	}
	// "a*" spans both services: the ID range of a literal prefix crosses the colon.
	if got := c.Expand("a*"); len(got) != 3 {
		t.Fatalf(`Expand("a*") = %v`, got)
	}
	if got := c.Expand("a:*"); len(got) != 2 || got[0].Name != "GetThing" {
		t.Fatalf(`Expand("a:*") = %v`, got)
	}
}

// Every corruption is an error naming the line, never a panic.
func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty file", "", "empty"},
		{"wrong header", "hello\n", "line 1"},
		{"wrong version", "iamx-actions\t2\tp\tv\n", "line 1"},
		{"missing final newline", "iamx-actions\t1\tp\tv", "newline"},
		{"action before service", "iamx-actions\t1\tp\tv\nA\tX\t1\t\t\n", "line 2"},
		{"bad level", "iamx-actions\t1\tp\tv\nS\ta\tA\nA\tX\t9\t\t\n", "access level"},
		{"empty level", "iamx-actions\t1\tp\tv\nS\ta\tA\nA\tX\t\t\t\n", "access level"},
		{"resource index out of range", "iamx-actions\t1\tp\tv\nS\ta\tA\nA\tX\t1\t0\t\n", "out of range"},
		{"key index out of range", "iamx-actions\t1\tp\tv\nS\ta\tA\nA\tX\t1\t\t3\n", "out of range"},
		{"malformed index", "iamx-actions\t1\tp\tv\nS\ta\tA\nK\tk\tString\nA\tX\t1\t\t-1\n", "malformed"},
		{"actions out of order", "iamx-actions\t1\tp\tv\nS\ta\tA\nA\tY\t1\t\t\nA\tX\t1\t\t\n", "out of order"},
		{"duplicate action", "iamx-actions\t1\tp\tv\nS\ta\tA\nA\tX\t1\t\t\nA\tx\t1\t\t\n", "out of order"},
		{"services out of order", "iamx-actions\t1\tp\tv\nS\tb\tB\nA\tX\t1\t\t\nS\ta\tA\nA\tX\t1\t\t\n", "out of order"},
		{"duplicate service", "iamx-actions\t1\tp\tv\nS\ta\tA\nS\ta\tA\n", "twice"},
		{"unknown record", "iamx-actions\t1\tp\tv\nZ\n", "unknown record"},
		{"too few fields", "iamx-actions\t1\tp\tv\nS\ta\tA\nA\tX\t1\n", "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("decode: error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := decodeGzip([]byte("not gzip")); err == nil {
		t.Error("decodeGzip accepted non-gzip input")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(tinyCatalogue)
	f.Fuzz(func(t *testing.T, text string) {
		c, err := decode(text)
		if err != nil {
			return
		}
		for id := 0; id < c.Len(); id++ {
			a := c.Action(id)
			if got, ok := c.Lookup(a.String()); !ok || got != a {
				t.Fatalf("decoded catalogue cannot find %s", a)
			}
		}
		_ = c.Expand("*")
	})
}

// The generator's golden output for its fixture must decode: the encoder
// (internal/gen/format.go) and this decoder agree on the format.
func TestDecodeGeneratorGolden(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("internal", "gen", "testdata", "fake.golden.txt"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := decode(string(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		level AccessLevel
	}{
		{"widget:GetWidget", Read},
		{"widget:ListWidgets", List},
		{"widget:PutWidgetPolicy", PermissionsManagement},
		{"widget:TagWidget", Tagging},
		{"widget-pro:RunWidget", Write},
	}
	for _, tt := range tests {
		a, ok := c.Lookup(tt.name)
		if !ok || a.Level != tt.level {
			t.Errorf("%s: found %v, level %v, want %v", tt.name, ok, a, tt.level)
		}
	}
	put, _ := c.Lookup("widget:PutWidgetPolicy")
	if len(put.Resources) != 2 || put.Resources[0].Name != "widget" || !put.Resources[0].Required ||
		put.Resources[1].Name != "gadget" || put.Resources[1].Required ||
		strings.Join(put.Resources[1].ConditionKeys, ",") != "widget:Color,aws:TagKeys" {
		t.Errorf("PutWidgetPolicy resources %+v", put.Resources)
	}
}
