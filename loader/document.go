package loader

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// docParser parses policy documents while loading, once per distinct text:
// accounts repeat documents heavily (every Lambda role has the same trust
// policy), so identical texts share one parsed *policy.Policy. Parsed
// policies are read-only after loading, which makes sharing safe.
type docParser struct {
	cache map[string]docResult
	buf   bytes.Buffer
}

type docResult struct {
	text   []byte
	policy *policy.Policy
	err    error
}

func newDocParser() *docParser { return &docParser{cache: make(map[string]docResult)} }

// document turns a document field as found in a file into a model.Document
// and, when it cannot be used, the error to report as a warning. The field
// may be absent or null (no document), a JSON object (the CLI's form), or a
// string: RFC 3986 URL-encoded JSON (the raw API form) or, from some
// producers, plain JSON text. Producers differ per field, so each field is
// decided on its own.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
// ("policy documents ... are URL-encoded compliant with RFC 3986")
func (p *docParser) document(raw json.RawMessage) (model.Document, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return model.Document{}, nil
	}
	if raw[0] != '"' {
		return p.parse(raw)
	}
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		return model.Document{}, err // raw came from a valid file; kept for safety
	}
	return p.parse([]byte(decodeDocumentString(str)))
}

// parse compacts text (so that stored documents are canonical and a written
// snapshot reads back byte for byte) and parses it, once per distinct text.
func (p *docParser) parse(text []byte) (model.Document, error) {
	p.buf.Reset()
	if err := json.Compact(&p.buf, text); err != nil {
		// Not JSON: keep the text exactly as found so nothing is lost. The
		// message depends only on the text, so reading a written snapshot
		// again reports the same fault in the same words.
		msg := "not valid JSON: " + err.Error()
		if t := bytes.TrimSpace(text); len(t) > 0 && t[0] == '%' {
			msg = "neither JSON nor URL-encoded JSON (a malformed %-escape)"
		}
		return model.Document{JSON: bytes.Clone(text)}, &policy.ParseError{Msg: msg}
	}
	if r, ok := p.cache[string(p.buf.Bytes())]; ok {
		return model.Document{JSON: r.text, Policy: r.policy}, r.err
	}
	r := docResult{text: bytes.Clone(p.buf.Bytes())}
	r.policy, r.err = policy.Parse(r.text)
	p.cache[string(r.text)] = r
	return model.Document{JSON: r.text, Policy: r.policy}, r.err
}

// decodeDocumentString decodes a document given as a JSON string. Text that
// already starts with "{" is JSON as is (some tools decode one field and not
// another); anything else is URL-encoded and decoded with PathUnescape, which
// keeps "+" a literal plus as RFC 3986 says (QueryUnescape would turn it
// into a space and corrupt conditions such as "aws:userid": "AIDA+…").
//
// Text that does not decode is kept as it is; parse then reports it.
func decodeDocumentString(s string) string {
	if t := strings.TrimSpace(s); len(t) > 0 && t[0] == '{' {
		return s
	}
	d, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return d
}
