package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// highlightJSON pretty-prints and colours a policy document by token class.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestHighlightJSON(t *testing.T) {
	st := NewStyles(false)
	pal := newJSONPalette(st)
	cases := []struct {
		name string
		doc  string
		line int    // line of the pretty-printed output to check
		want string // that line, as styled text
	}{
		{"keys and string values take different styles", `{"Sid":"A"}`, 1,
			`  ` + pal.key.Render(`"Sid"`) + pal.punct.Render(":") + ` ` + pal.str.Render(`"A"`)},
		{"Deny stands out as an explicit deny", `{"Effect":"Deny"}`, 1,
			`  ` + pal.key.Render(`"Effect"`) + pal.punct.Render(":") + ` ` + pal.deny.Render(`"Deny"`)},
		{"Allow takes the allow style", `{"Effect":"Allow"}`, 1,
			`  ` + pal.key.Render(`"Effect"`) + pal.punct.Render(":") + ` ` + pal.allow.Render(`"Allow"`)},
		{"literals are not strings", `{"Bool":true,"N":12}`, 1,
			`  ` + pal.key.Render(`"Bool"`) + pal.punct.Render(":") + ` ` + pal.literal.Render("true") + pal.punct.Render(",")},
		{"escaped quotes stay inside the string", `{"A":"x\"y:z"}`, 1,
			`  ` + pal.key.Render(`"A"`) + pal.punct.Render(":") + ` ` + pal.str.Render(`"x\"y:z"`)},
		{"a colon inside a value does not make a key", `["arn:aws:s3:::b"]`, 1,
			`  ` + pal.str.Render(`"arn:aws:s3:::b"`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lines := highlightJSON([]byte(tc.doc), st)
			if tc.line >= len(lines) {
				t.Fatalf("only %d lines: %+v", len(lines), lines)
			}
			if got := lines[tc.line].styled; got != tc.want {
				t.Errorf("line %d\n got %q\nwant %q", tc.line, got, tc.want)
			}
			if ansi.Strip(lines[tc.line].styled) != lines[tc.line].plain {
				t.Errorf("styled text differs from plain: %q vs %q", ansi.Strip(lines[tc.line].styled), lines[tc.line].plain)
			}
		})
	}
}

// Under NO_COLOR the document is plain text, and text that is not JSON is
// shown as loaded rather than dropped.
func TestHighlightJSONPlain(t *testing.T) {
	st := NewStyles(true)
	for _, doc := range []string{`{"Version":"2012-10-17","Statement":[]}`, "{not json\n\tat all"} {
		for _, l := range highlightJSON([]byte(doc), st) {
			if l.styled != l.plain || strings.Contains(l.styled, "\x1b") {
				t.Errorf("NO_COLOR line carries styling: %q", l.styled)
			}
			if strings.Contains(l.plain, "\t") {
				t.Errorf("tab left in %q: it would break the width of the line", l.plain)
			}
		}
	}
	got := highlightJSON([]byte("{not json"), st)
	if len(got) != 1 || got[0].plain != "{not json" {
		t.Errorf("invalid JSON should be shown as loaded, got %+v", got)
	}
}
