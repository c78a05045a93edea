package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// canAnswer is the JSON answer of `iamx can`, one per request. The field
// names are part of the command-line contract (DESIGN.md section 2).
type canAnswer struct {
	Line           int         `json:"line,omitempty"` // batch only: the request's line number
	Principal      string      `json:"principal"`
	Action         string      `json:"action"`
	Resource       string      `json:"resource"`
	Decision       string      `json:"decision"`
	Layer          string      `json:"layer"`
	Conditional    bool        `json:"conditional"`
	Reasons        []canReason `json:"reasons"`
	MissingContext []string    `json:"missing_context"`
	Admin          bool        `json:"admin"`
	Warnings       []string    `json:"warnings,omitempty"`
}

// canReason is one statement that decided a request.
type canReason struct {
	Policy     string `json:"policy"`
	PolicyType string `json:"policy_type"`
	Sid        string `json:"sid"`
	Index      int    `json:"index"`
	Effect     string `json:"effect"`
	Via        string `json:"via"`
}

// canError is a batch line that could not be answered.
type canError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

func runCan(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("can")
	var src sourceFlags
	src.register(fs)
	var cflags contextFlag
	fs.Var(&cflags, "c", "request context `KEY=VALUE` (repeat a key for several values)")
	jsonOut := fs.Bool("json", false, "print the answer as JSON")
	batch := fs.String("batch", "", "answer every request of a JSON Lines `FILE` (\"-\" for stdin)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}

	if *batch != "" {
		if len(pos) > 0 {
			return fail(e, usagef("can: --batch takes no PRINCIPAL or ACTION (got %q)", pos[0]))
		}
		if len(cflags.pairs) > 0 {
			return fail(e, usagef("can: -c does not apply to --batch; put \"context\" on each line"))
		}
		in, closeIn, err := openBatch(e, *batch)
		if err != nil {
			return fail(e, err)
		}
		defer closeIn()
		g, err := sourceGraph(ctx, e, &src)
		if err != nil {
			return fail(e, err)
		}
		return runCanBatch(e, g, in)
	}

	if len(pos) < 2 || len(pos) > 3 {
		return fail(e, usagef("can: expected PRINCIPAL ACTION [RESOURCE], got %d arguments", len(pos)))
	}
	resource := "*"
	if len(pos) == 3 {
		resource = pos[2]
	}
	action := pos[1]
	if err := checkAction(action); err != nil {
		return fail(e, usagef("can: %v", err))
	}
	if resource == "" {
		return fail(e, usagef("can: RESOURCE is empty; leave it out for *"))
	}
	reqCtx := policy.Context{}
	for _, kv := range cflags.pairs {
		reqCtx.Add(kv[0], kv[1])
	}

	g, err := sourceGraph(ctx, e, &src)
	if err != nil {
		return fail(e, err)
	}
	n, err := g.Resolve(pos[0])
	if err != nil {
		return fail(e, fmt.Errorf("can: %w", err))
	}
	warnings := actionWarnings(action)
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "iamx: warning: %s\n", w)
	}
	res := g.Can(n, action, resource, reqCtx, true)
	ans := newCanAnswer(g, n, action, resource, res)
	ans.Warnings = warnings
	if *jsonOut {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ans); err != nil {
			return fail(e, err)
		}
	} else {
		printCan(e.stdout, n, ans, res)
	}
	if res.Decision == policy.Allowed {
		return exitOK
	}
	return exitDenied
}

// checkAction rejects what no AWS request can carry: an action without a
// service prefix, or a wildcard (requests name one action; patterns belong in
// policies, and `iamx perms --service` lists what a pattern covers).
func checkAction(action string) error {
	svc, name, ok := strings.Cut(action, ":")
	switch {
	case !ok || svc == "" || name == "" || strings.Contains(name, ":"):
		return fmt.Errorf("action %q: expected SERVICE:ACTION, e.g. s3:GetObject", action)
	case strings.ContainsAny(action, "*?"):
		return fmt.Errorf("action %q: a request names one action, not a pattern; use 'iamx perms PRINCIPAL --service %s' to list what a pattern covers", action, svc)
	case strings.ContainsAny(action, " \t\n"):
		return fmt.Errorf("action %q: contains whitespace", action)
	}
	return nil
}

// actionWarnings says when an action is not in the catalogue. AWS evaluates
// the action string as given (a policy with s3:* matches s3:NoSuchThing), so
// iamx does too, but a typo deserves a word.
func actionWarnings(action string) []string {
	cat := actions.Load()
	if _, ok := cat.Lookup(action); ok {
		return nil
	}
	return []string{fmt.Sprintf("%s is not in the action catalogue (%s); evaluating it as written", action, cat.Source())}
}

func newCanAnswer(g *graph.Graph, n *graph.Node, action, resource string, res policy.Result) canAnswer {
	ans := canAnswer{
		Principal:      n.ARN,
		Action:         action,
		Resource:       resource,
		Decision:       res.Decision.String(),
		Layer:          res.Layer.String(),
		Conditional:    res.Conditional,
		Reasons:        []canReason{},
		MissingContext: []string{},
		Admin:          g.IsAdmin(n),
	}
	for _, r := range res.Reasons {
		ans.Reasons = append(ans.Reasons, canReason{
			Policy:     r.Policy,
			PolicyType: r.PolicyType.String(),
			Sid:        r.Sid,
			Index:      r.Index,
			Effect:     r.Effect.String(),
			Via:        r.Via,
		})
	}
	// Keys in the case the policies write them (the evaluator lower-cases).
	ans.MissingContext = append(ans.MissingContext, contextKeyNames(res)...)
	return ans
}

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
func runCanBatch(e *env, g *graph.Graph, in io.Reader) int {
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	code := exitOK
	warned := map[string]bool{}
	line := 0
	emitErr := func(msg string) {
		enc.Encode(canError{Line: line, Error: fmt.Sprintf("line %d: %s", line, msg)})
		code = exitError
	}
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
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
		n, err := g.Resolve(req.Principal)
		if err != nil {
			emitErr(err.Error())
			continue
		}
		ws := actionWarnings(req.action)
		for _, w := range ws {
			if !warned[w] {
				warned[w] = true
				fmt.Fprintf(e.stderr, "iamx: warning: line %d: %s\n", line, w)
			}
		}
		// The trace gives condition keys their written case.
		res := g.Can(n, req.action, resource, req.ctx, true)
		ans := newCanAnswer(g, n, req.action, resource, res)
		ans.Line = line
		ans.Warnings = ws
		if err := enc.Encode(ans); err != nil {
			fmt.Fprintf(e.stderr, "iamx: can --batch: %v\n", err)
			return exitError
		}
		if res.Decision != policy.Allowed && code == exitOK {
			code = exitDenied
		}
	}
	if err := sc.Err(); err != nil {
		line++
		emitErr(fmt.Sprintf("read batch: %v", err))
	}
	return code
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

// printCan writes the human form: the decision, the layer that made it, the
// deciding statements, what context would change it, and a compact trace.
func printCan(w io.Writer, n *graph.Node, ans canAnswer, res policy.Result) {
	verdict := "ALLOWED"
	switch res.Decision {
	case policy.ExplicitDeny:
		verdict = "DENIED (explicit deny)"
	case policy.ImplicitDeny:
		verdict = "DENIED (implicit deny)"
	}
	if res.Conditional {
		verdict += ", conditional"
	}
	fmt.Fprintf(w, "%s  %s → %s on %s\n", verdict, n.Label(), ans.Action, ans.Resource)
	if n.Label() != n.ARN {
		fmt.Fprintf(w, "  principal  %s\n", n.ARN)
	}
	if ans.Admin {
		fmt.Fprintf(w, "  note       %s is admin-equivalent\n", n.Label())
	}
	fmt.Fprintf(w, "  why        %s\n", explainLayer(res, ans.Resource))
	if res.Layer == policy.LayerBoundary && res.Trace != nil {
		for _, p := range res.Trace.Policies {
			if p.Source.Type == policy.BoundaryPolicy {
				fmt.Fprintf(w, "  boundary   %s\n", p.Source.ID())
			}
		}
	}
	if len(res.Reasons) > 0 {
		fmt.Fprintf(w, "  decided by\n")
		for _, r := range res.Reasons {
			fmt.Fprintf(w, "    %-5s %s policy %s, statement %s%s\n", r.Effect, r.PolicyType, r.Policy, reasonLabel(r), viaText(r.Via))
		}
	}
	if len(res.MissingContext) > 0 {
		if res.Conditional {
			fmt.Fprintf(w, "  context    %s not supplied; the decision depends on it\n", strings.Join(contextKeyNames(res), ", "))
			for _, h := range contextHints(res) {
				fmt.Fprintf(w, "    %s\n", h)
			}
		} else {
			fmt.Fprintf(w, "  context    %s not supplied (tested, but no value would change the decision)\n", strings.Join(contextKeyNames(res), ", "))
		}
	}
	if res.Trace != nil {
		printTrace(w, res.Trace)
	}
}

func explainLayer(res policy.Result, resource string) string {
	switch res.Layer {
	case policy.LayerAlways:
		return "sts:GetCallerIdentity is always allowed, whatever the policies say"
	case policy.LayerExplicitDeny:
		return "an explicit Deny matched; a Deny in any policy overrides every Allow"
	case policy.LayerSCP:
		return "a service control policy does not allow it (every level of the organization must allow)"
	case policy.LayerResource:
		if res.Decision == policy.Allowed {
			return "allowed by the resource-based policy (the role's trust policy) of " + resource
		}
		return "the resource-based policy (the role's trust policy) of " + resource + " does not allow this principal"
	case policy.LayerIdentity:
		if res.Decision == policy.Allowed {
			return "allowed by identity-based policies"
		}
		return "no identity-based policy allows it (implicit deny)"
	case policy.LayerBoundary:
		return "the permissions boundary does not allow it; identity policies alone cannot grant past it"
	}
	if res.Decision == policy.Allowed {
		return "allowed"
	}
	return "nothing allows it (implicit deny)"
}

func reasonLabel(r policy.Reason) string {
	if r.Sid != "" {
		return fmt.Sprintf("%s (#%d)", r.Sid, r.Index)
	}
	return fmt.Sprintf("#%d", r.Index)
}

func viaText(via string) string {
	if via == "" {
		return ""
	}
	return ", via group " + via
}

// keyCase maps the evaluator's lower-cased keys back to the case a policy
// wrote them in, for people and for copy-pasting into -c.
func keyCase(res policy.Result) map[string]string {
	m := map[string]string{}
	if res.Trace == nil {
		return m
	}
	for _, p := range res.Trace.Policies {
		for _, st := range p.Statements {
			for _, c := range st.Conditions {
				m[strings.ToLower(c.Condition.Key)] = c.Condition.Key
			}
		}
	}
	return m
}

func contextKeyNames(res policy.Result) []string {
	m := keyCase(res)
	out := make([]string, 0, len(res.MissingContext))
	for _, k := range res.MissingContext {
		if c, ok := m[strings.ToLower(k)]; ok {
			k = c
		}
		out = append(out, k)
	}
	return out
}

// contextHints suggests the -c flags that would change the decision, read
// off the conditions that tested a missing key.
func contextHints(res policy.Result) []string {
	if res.Trace == nil {
		return nil
	}
	missing := map[string]bool{}
	for _, k := range res.MissingContext {
		missing[strings.ToLower(k)] = true
	}
	var hints []string
	seen := map[string]bool{}
	add := func(h string) {
		if !seen[h] {
			seen[h] = true
			hints = append(hints, h)
		}
	}
	for _, p := range res.Trace.Policies {
		for _, st := range p.Statements {
			if !st.Action || !st.Principal {
				continue
			}
			for _, ct := range st.Conditions {
				c := ct.Condition
				if ct.Present || !missing[strings.ToLower(c.Key)] || len(c.Values) == 0 {
					continue
				}
				add(conditionHint(st.Effect, c, res.Decision))
			}
		}
	}
	return hints
}

func conditionHint(eff policy.Effect, c policy.Condition, d policy.Decision) string {
	v := c.Values[0]
	if strings.Contains(c.Base, "IpAddress") {
		// A request carries one address, not a range.
		v, _, _ = strings.Cut(v, "/")
	}
	negated := c.Negated()
	if eff == policy.Allow {
		if d == policy.Allowed {
			return fmt.Sprintf("an Allow tests %s (%s %s)", c.Key, c.Operator, strings.Join(c.Values, ", "))
		}
		if negated || c.Base == "Null" {
			return fmt.Sprintf("allowed only if %s is supplied and passes %s %s", c.Key, c.Operator, strings.Join(c.Values, ", "))
		}
		return fmt.Sprintf("allowed only if %s is supplied: try -c %s=%s", c.Key, c.Key, v)
	}
	// A Deny: say what lifts it.
	switch {
	case c.Base == "Bool":
		lift := "true"
		if strings.EqualFold(v, "true") {
			lift = "false"
		}
		return fmt.Sprintf("a Deny applies unless %s is supplied: try -c %s=%s", c.Key, c.Key, lift)
	case negated:
		return fmt.Sprintf("a Deny applies unless %s is supplied: try -c %s=%s", c.Key, c.Key, v)
	}
	return fmt.Sprintf("a Deny applies when %s passes %s %s", c.Key, c.Operator, strings.Join(c.Values, ", "))
}

// printTrace shows every policy consulted and its statements that matched
// the action: the rest is noise for the question asked.
func printTrace(w io.Writer, tr *policy.Trace) {
	if len(tr.Policies) == 0 {
		return
	}
	fmt.Fprintf(w, "  trace\n")
	for _, p := range tr.Policies {
		src := p.Source
		name := src.ID()
		fmt.Fprintf(w, "    %-8s %s%s\n", src.Type, name, viaText(src.Via))
		relevant := 0
		for _, st := range p.Statements {
			if !st.Action {
				continue
			}
			relevant++
			label := fmt.Sprintf("#%d", st.Index)
			if st.Sid != "" {
				label += " " + st.Sid
			}
			status := "matches"
			if !st.Matched {
				status = "no: " + st.Note
			}
			fmt.Fprintf(w, "      %-5s %-28s %s\n", st.Effect, label, status)
		}
		if relevant == 0 {
			fmt.Fprintf(w, "      (none of its %d statement(s) names the action)\n", len(p.Statements))
		}
	}
}
