package loader

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// docJob is one policy document field: where its result goes, and where to
// say it came from if it is faulty.
type docJob struct {
	dst   *model.Document
	where string
	seq   int         // position among the load's warnings
	kind  policy.Kind // how the document is used: AWS accepts different statements in each
	text  *docText
}

// docBatch parses a load's policy documents: each distinct text once
// (accounts repeat documents heavily — every Lambda role has the same trust
// policy — so identical texts share one parsed *policy.Policy, which is
// read-only after loading), on every available CPU, since compacting and
// parsing documents is most of a load's work. Parsing starts with the first
// distinct text, in the background, while the loader goes on converting
// entities.
//
// Texts are told apart as found, before they are compacted (the parser
// compacts as it reads, on the background CPUs); run then gives texts that
// compact alike one policy and one stored text.
type docBatch struct {
	jobs []docJob

	texts textTable
	first map[uint64]*docText // by hash: keying by text would copy every text again
	seed  maphash.Seed

	queue   chan *docText // distinct texts waiting to be parsed
	closed  bool
	workers sync.WaitGroup
}

type docText struct {
	found  []byte // as found in the file (decoded from a string)
	text   []byte // compacted, as stored; as found when it is not JSON
	policy *policy.Policy
	err    error
	next   *docText // the next distinct text with the same hash
	same   *docText // the first text that compacts alike (itself if none)

	// The policy AWS would enforce per kind, and the statements it
	// refuses, worked out once per distinct text and kind in run.
	checked  [policy.KindCount]bool
	accepted [policy.KindCount]*policy.Policy
	rejected [policy.KindCount][]policy.Rejection
}

// forKind returns the policy as AWS would enforce it in a document of kind
// k (the statements it refuses removed) and the refused statements.
func (t *docText) forKind(k policy.Kind) (*policy.Policy, []policy.Rejection) {
	if !t.checked[k] {
		t.checked[k] = true
		t.rejected[k] = t.policy.Rejected(k)
		t.accepted[k] = t.policy
		if len(t.rejected[k]) > 0 {
			t.accepted[k] = t.policy.Accepted(k)
		}
	}
	return t.accepted[k], t.rejected[k]
}

// expect sizes the batch for about n documents. It is a hint: more may be
// added.
func (b *docBatch) expect(n int) {
	b.jobs = make([]docJob, 0, n)
	b.first = make(map[uint64]*docText, n)
	b.queue = make(chan *docText, n)
}

// add queues the document field raw (a JSON value as found in the file)
// for dst. dst is filled in by run.
func (b *docBatch) add(raw json.RawMessage, dst *model.Document, where string, seq int, kind policy.Kind) {
	text, ok := documentText(raw)
	if !ok {
		return // absent or null: no document
	}
	b.jobs = append(b.jobs, docJob{dst: dst, where: where, seq: seq, kind: kind, text: b.intern(text)})
}

// intern returns the distinct text equal to found, queueing it for parsing
// when it is new.
func (b *docBatch) intern(found []byte) *docText {
	if b.first == nil {
		b.expect(64)
	}
	if b.texts.len() == 0 {
		b.seed = maphash.MakeSeed()
		b.start()
	}
	h := maphash.Bytes(b.seed, found)
	head := b.first[h]
	for t := head; t != nil; t = t.next {
		if bytes.Equal(t.found, found) {
			return t
		}
	}
	t := b.texts.add(docText{found: found, next: head})
	b.first[h] = t
	select {
	case b.queue <- t:
	default:
		// More texts than expected, and the parsers are behind (or
		// there are none, on one CPU): parse this one here.
		t.parse()
	}
	return t
}

// parse compacts and parses t. Stored documents are compacted, so that
// they are canonical and a written snapshot reads back byte for byte. A
// text that is not JSON is kept exactly as found so nothing is lost; the
// message depends only on the text, so reading a written snapshot again
// reports the same fault in the same words.
func (t *docText) parse() {
	t.policy, t.text, t.err = policy.ParseCompact(t.found)
	if t.text != nil {
		return
	}
	// Not JSON, or JSON too deep to be a policy (which is still stored
	// compacted).
	if compact, err := compactJSON(nil, t.found); err == nil {
		t.text = slices.Clip(compact)
		return
	}
	t.text = t.found
	if f := bytes.TrimSpace(t.found); len(f) > 0 && f[0] == '%' {
		t.err = &policy.ParseError{Msg: "neither JSON nor URL-encoded JSON (a malformed %-escape)"}
	}
}

// start runs the background parsers; the loader's own goroutine joins them
// in run.
func (b *docBatch) start() {
	for range runtime.GOMAXPROCS(0) - 1 {
		b.workers.Go(b.parse)
	}
}

func (b *docBatch) parse() {
	for t := range b.queue {
		t.parse()
	}
}

// run waits for every queued document to be parsed, fills the
// destinations, and returns the faults. A statement AWS refuses in a
// document of the job's kind is a fault, and the destination gets the
// policy without it: it grants nothing, and denies nothing (see
// policy.Rejection.Message for why a refused Deny is not applied).
func (b *docBatch) run() []docFault {
	if b.queue != nil {
		b.stop()
		b.parse()
		b.workers.Wait()
	}
	b.share()
	var faults []docFault
	for i := range b.jobs {
		j := &b.jobs[i]
		t := j.text.same
		*j.dst = model.Document{JSON: t.text, Policy: t.policy}
		if t.err != nil {
			faults = append(faults, docFault{seq: j.seq, where: j.where, err: t.err})
			continue
		}
		accepted, rejected := t.forKind(j.kind)
		j.dst.Policy = accepted
		for _, r := range rejected {
			faults = append(faults, docFault{seq: j.seq, where: j.where, err: &policy.ParseError{Path: r.Path(), Msg: r.Message()}})
		}
	}
	return faults
}

// share points each parsed text at the first one that compacts alike:
// documents written differently (indented, compact, URL-encoded) share one
// policy and one stored text, as identical ones do.
func (b *docBatch) share() {
	firstCompact := make(map[uint64]*docText, b.texts.len())
	for _, block := range b.texts.blocks {
		for i := range block {
			t := &block[i]
			t.same = t
			if t.err != nil {
				continue // a fault keeps its own text and message
			}
			h := maphash.Bytes(b.seed, t.text)
			if c, ok := firstCompact[h]; ok && bytes.Equal(c.text, t.text) {
				t.same = c
				continue
			}
			firstCompact[h] = t
		}
	}
}

// stop tells the background parsers that no more texts come, so that they
// finish; a load that fails half way stops them too.
func (b *docBatch) stop() {
	if b.queue != nil && !b.closed {
		b.closed = true
		close(b.queue)
	}
}

type docFault struct {
	seq   int
	where string
	err   error
}

// textTable holds the distinct texts in fixed blocks, so that a *docText
// handed to a parser stays valid while more are added.
type textTable struct {
	blocks [][]docText
	n      int
}

const textBlock = 512

func (t *textTable) len() int { return t.n }

func (t *textTable) add(d docText) *docText {
	if t.n%textBlock == 0 {
		t.blocks = append(t.blocks, make([]docText, 0, textBlock))
	}
	last := &t.blocks[len(t.blocks)-1]
	*last = append(*last, d)
	t.n++
	return &(*last)[len(*last)-1]
}

// documentText returns the JSON text of a document field as found in a
// file. The field may be absent or null (no document: ok is false), a JSON
// object (the CLI's form), or a string: RFC 3986 URL-encoded JSON (the raw
// API form) or, from some producers, plain JSON text. Producers differ per
// field, so each field is decided on its own. Text decoded from a string
// may be anything.
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
	text, err := appendString(nil, raw)
	if err != nil {
		return raw, true // cannot happen: raw came from a valid file
	}
	if bytes.IndexByte(text, '%') < 0 {
		return text, true // nothing URL-encoded: decodeDocumentString would keep it
	}
	return []byte(decodeDocumentString(string(text))), true
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
