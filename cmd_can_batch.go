// iamx can --batch: one request per JSONL line, one JSON answer per line.

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// openBatch opens the batch file, or stdin for "-".
func openBatch(e *env, path string) (io.Reader, func(), error) {
	if path == "-" {
		return e.stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("can --batch: %w", err)
	}
	return f, func() { f.Close() }, nil
}

// batchRequest is one line of a --batch file.
type batchRequest struct {
	Principal string                     `json:"principal"`
	Action    string                     `json:"action"`
	Resource  *string                    `json:"resource"`
	Context   map[string]json.RawMessage `json:"context"`
}

// runCanBatch answers one request per line, in order. A bad line yields an
// error answer naming its line number and the rest still run.
func runCanBatch(e *env, g *graph.Graph, in io.Reader, allowUnknown bool) int {
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	lines := bufio.NewReaderSize(in, 64<<10)
	var buf []byte
	code := exitOK
	warned := map[string]bool{}
	loadWarnings := answer.WarningsOf(g)
	line := 0
	emitErr := func(msg string) {
		enc.Encode(canError{Line: line, Error: fmt.Sprintf("line %d: %s", line, msg)})
		code = exitError
	}
	for {
		var tooLong bool
		var err error
		buf, tooLong, err = nextBatchLine(lines, buf)
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			emitErr(fmt.Sprintf("read batch: %v", err))
			break
		}
		if tooLong {
			emitErr(fmt.Sprintf("longer than %d MiB; no request is that long", maxBatchLine>>20))
			continue
		}
		text := bytes.TrimSpace(buf)
		if len(text) == 0 {
			continue
		}
		req, err := parseBatchLine(text)
		if err != nil {
			emitErr(err.Error())
			continue
		}
		resource := "*"
		if req.Resource != nil {
			resource = *req.Resource
		}
		if err := checkAction(req.action); err != nil {
			emitErr(err.Error())
			continue
		}
		if !allowUnknown {
			if err := unknownAction("action", req.action); err != nil {
				emitErr(err.Error())
				continue
			}
		}
		n, err := g.Resolve(req.Principal)
		if err != nil {
			emitErr(err.Error())
			continue
		}
		target, err := g.ResolveResource(req.action, resource)
		if err != nil {
			emitErr(err.Error())
			continue
		}
		resource = target.ARN
		ws := append(actionWarnings(req.action), contextWarnings(g, req.action, req.ctx)...)
		for _, w := range ws {
			if !warned[w] {
				warned[w] = true
				termsafe.Fprintf(e.stderr, "iamx: warning: line %d: %s\n", line, w)
			}
		}
		ans, res := answer.Decide(g, n, req.action, resource, req.ctx)
		ans.Line = line
		ans.Assumptions = withAssumptions(target.Assumptions, ans.Assumptions)
		ans.Warnings = ws
		ans.LoadWarnings = loadWarnings.Request(g, n, resource)
		if err := enc.Encode(ans); err != nil {
			termsafe.Fprintf(e.stderr, "iamx: can --batch: %v\n", err)
			return exitError
		}
		if res.Decision != policy.Allowed && code == exitOK {
			code = exitDenied
		}
	}
	return code
}

// maxBatchLine bounds one request line: a request is a principal, an action,
// a resource and a few context values.
const maxBatchLine = 16 << 20

// nextBatchLine reads the next line into buf (without its end of line). A
// line longer than maxBatchLine is read to its end but not kept: tooLong
// says so, and the lines after it are read as usual. err is io.EOF only
// when no line is left.
func nextBatchLine(r *bufio.Reader, buf []byte) (line []byte, tooLong bool, err error) {
	buf = buf[:0]
	read := 0
	for {
		chunk, err := r.ReadSlice('\n')
		read += len(chunk)
		if read > maxBatchLine+1 { // +1: the newline is not part of the line
			tooLong, buf = true, buf[:0]
		} else {
			buf = append(buf, chunk...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && read > 0:
			return buf, tooLong, nil // a last line without a newline
		case err != nil:
			return buf, tooLong, err
		}
		return bytes.TrimSuffix(buf, []byte("\n")), tooLong, nil
	}
}

// parsedBatch is a batch line checked and converted.
type parsedBatch struct {
	batchRequest
	action string
	ctx    policy.Context
}

func parseBatchLine(text []byte) (*parsedBatch, error) {
	var req batchRequest
	dec := json.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("not a JSON request object: %v", jsonErr(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value on the line")
	}
	if req.Principal == "" {
		return nil, fmt.Errorf(`"principal" is missing or empty`)
	}
	if req.Action == "" {
		return nil, fmt.Errorf(`"action" is missing or empty`)
	}
	if req.Resource != nil && *req.Resource == "" {
		return nil, fmt.Errorf(`"resource" is empty; leave it out for *`)
	}
	p := &parsedBatch{batchRequest: req, action: req.Action, ctx: policy.Context{}}
	keys := make([]string, 0, len(req.Context))
	for k := range req.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals, err := contextValues(req.Context[k])
		if err != nil {
			return nil, fmt.Errorf("context.%s: %v", k, err)
		}
		p.ctx.Add(k, vals...)
	}
	return p, nil
}

// contextValues reads a context value: a string, a list of strings, or a
// bare number or boolean (kept in its JSON text form, as policies compare it).
func contextValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, fmt.Errorf("expected a string or a list of strings")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []string{s}, nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(items))
		for i, it := range items {
			v, err := contextValues(it)
			if err != nil || len(v) != 1 || bytes.HasPrefix(bytes.TrimSpace(it), []byte("[")) {
				return nil, fmt.Errorf("[%d]: expected a string", i)
			}
			out = append(out, v...)
		}
		return out, nil
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, err
		}
		return []string{strconv.FormatBool(b)}, nil
	case 'n':
		return nil, fmt.Errorf("expected a string or a list of strings, got null")
	case '{':
		return nil, fmt.Errorf("expected a string or a list of strings, got an object")
	}
	var num json.Number
	if err := json.Unmarshal(raw, &num); err != nil {
		return nil, fmt.Errorf("expected a string or a list of strings")
	}
	return []string{num.String()}, nil
}

// jsonErr adds the offset to encoding/json syntax errors.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at offset %d", se.Error(), se.Offset)
	}
	return err.Error()
}
