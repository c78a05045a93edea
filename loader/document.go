package loader

import (
	"bytes"
	"encoding/json"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// docJob is one policy document field waiting to be parsed: where its
// result goes, and where to say it came from if it is faulty.
type docJob struct {
	raw   json.RawMessage
	dst   *model.Document
	where string
	seq   int // position among the load's warnings
	text  int // index into docBatch.texts
}

// docBatch parses a load's policy documents together, after the file has
// been decoded: each distinct text once (accounts repeat documents heavily —
// every Lambda role has the same trust policy — so identical texts share one
// parsed *policy.Policy, which is read-only after loading), and distinct
// texts in parallel, since parsing documents is most of a load's work.
type docBatch struct {
	jobs  []docJob
	texts []docText
	index map[string]int
}

type docText struct {
	text   []byte
	policy *policy.Policy
	err    error
}

// add queues the document field raw for dst.
func (b *docBatch) add(raw json.RawMessage, dst *model.Document, where string, seq int) {
	b.jobs = append(b.jobs, docJob{raw: raw, dst: dst, where: where, seq: seq})
}

// run decodes and parses every queued document, fills the destinations, and
// returns the faults in queue order.
func (b *docBatch) run() []docFault {
	if b.index == nil {
		b.index = make(map[string]int, len(b.jobs))
	}
	var faults []docFault
	var buf bytes.Buffer
	for i := range b.jobs {
		j := &b.jobs[i]
		text, ok := documentText(j.raw)
		j.text = -1
		if !ok {
			continue // absent or null: no document
		}
		buf.Reset()
		if err := json.Compact(&buf, text); err != nil {
			// Not JSON: keep the text exactly as found so nothing is lost.
			// The message depends only on the text, so reading a written
			// snapshot again reports the same fault in the same words.
			msg := "not valid JSON: " + err.Error()
			if t := bytes.TrimSpace(text); len(t) > 0 && t[0] == '%' {
				msg = "neither JSON nor URL-encoded JSON (a malformed %-escape)"
			}
			*j.dst = model.Document{JSON: bytes.Clone(text)}
			faults = append(faults, docFault{seq: j.seq, where: j.where, err: &policy.ParseError{Msg: msg}})
			continue
		}
		// Compacted, stored documents are canonical: a written snapshot
		// reads back byte for byte.
		k, seen := b.index[string(buf.Bytes())]
		if !seen {
			k = len(b.texts)
			b.texts = append(b.texts, docText{text: bytes.Clone(buf.Bytes())})
			b.index[string(b.texts[k].text)] = k
		}
		j.text = k
	}
	b.parseAll()
	for i := range b.jobs {
		j := &b.jobs[i]
		if j.text < 0 {
			continue
		}
		t := &b.texts[j.text]
		*j.dst = model.Document{JSON: t.text, Policy: t.policy}
		if t.err != nil {
			faults = append(faults, docFault{seq: j.seq, where: j.where, err: t.err})
		}
	}
	return faults
}

type docFault struct {
	seq   int
	where string
	err   error
}

// parseAll parses the distinct texts on every available CPU.
func (b *docBatch) parseAll() {
	workers := min(runtime.GOMAXPROCS(0), len(b.texts)/64+1)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(b.texts) {
					return
				}
				t := &b.texts[k]
				t.policy, t.err = policy.Parse(t.text)
			}
		})
	}
	wg.Wait()
}

// documentText returns the JSON text of a document field as found in a
// file. The field may be absent or null (no document: ok is false), a JSON
// object (the CLI's form), or a string: RFC 3986 URL-encoded JSON (the raw
// API form) or, from some producers, plain JSON text. Producers differ per
// field, so each field is decided on its own.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
// ("policy documents ... are URL-encoded compliant with RFC 3986")
func documentText(raw json.RawMessage) (text []byte, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, false
	}
	if raw[0] != '"' {
		return raw, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return raw, true // cannot happen: raw came from a valid file
	}
	return []byte(decodeDocumentString(s)), true
}

// decodeDocumentString decodes a document given as a JSON string. Text that
// already starts with "{" is JSON as is (some tools decode one field and not
// another); anything else is URL-encoded and decoded with PathUnescape, which
// keeps "+" a literal plus as RFC 3986 says (QueryUnescape would turn it
// into a space and corrupt conditions such as "aws:userid": "AIDA+…").
//
// Text that does not decode is kept as it is; the parser then reports it.
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
