package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/internal/suggest"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// explainForm is the Explain tab: three one-line inputs (action, resource,
// context) and the evaluator's answer under them. It asks graph.Can with a
// trace and draws the trace; it decides nothing itself.
type explainForm struct {
	c      *Common
	node   *graph.Node
	fields [3]explainField
	focus  int // index of the focused field; -1 when none (keys go to the list)
	list   detailList
	err    string // context parse error, shown under the inputs
	ran    bool
	// via is the assume-role path a who-can answer came with, and the
	// request it answered: while the inputs still hold that request, run
	// shows the hops and evaluates it as the path's last role.
	via        []graph.Edge
	viaRequest [3]string
	cands      []string // completions tab left in the focused field, listed under the inputs
	width      int
	height     int
}

const (
	fieldAction = iota
	fieldResource
	fieldContext
)

func newExplainForm(c *Common, n *graph.Node) *explainForm {
	e := &explainForm{c: c, node: n, focus: -1}
	e.fields[fieldAction] = explainField{label: "action  ", placeholder: "service:Action, e.g. s3:GetObject"}
	e.fields[fieldResource] = explainField{label: "resource", placeholder: "ARN or * (default *)"}
	e.fields[fieldContext] = explainField{label: "context ", placeholder: "KEY=VALUE … e.g. aws:MultiFactorAuthPresent=true"}
	e.refresh()
	return e
}

// headerHeight is the number of lines the inputs take above the result.
const explainHeader = 4

func (e *explainForm) setSize(w, h int) {
	e.width, e.height = w, h
	e.list.setSize(w, max(h-explainHeader, 0))
}

func (e *explainForm) capturing() bool { return e.focus >= 0 }

// focusField puts the cursor into field i.
func (e *explainForm) focusField(i int) {
	e.focus = i
	e.fields[i].in.pos = len(e.fields[i].in.value)
}

// set fills the inputs, for the Can page and for tests.
func (e *explainForm) set(action, resource string) {
	e.fields[fieldAction].setValue(action)
	e.fields[fieldResource].setValue(resource)
}

// completeField completes the focused field, as the command line does: an
// action from the catalogue, a resource from the ARNs of the graph. It
// reports whether tab did something here (completed, or listed several
// candidates for the first time); when not, tab moves to the next field.
func (e *explainForm) completeField() bool {
	f := &e.fields[e.focus]
	v := f.value()
	if v == "" || strings.ContainsAny(v, " ") {
		return false
	}
	var cands []string
	switch e.focus {
	case fieldAction:
		cands = actionNames(v)
	case fieldResource:
		cands = nodeARNs(e.c.Graph, v)
	default:
		return false
	}
	if len(cands) == 1 && cands[0] != v {
		f.setValue(cands[0])
		e.cands = nil
		return true
	}
	if p := commonPrefix(cands); len(p) > len(v) {
		f.setValue(p)
		e.cands = cands
		return true
	}
	if len(cands) > 1 && e.cands == nil {
		e.cands = cands
		return true
	}
	return false
}

// nodeARNs lists the ARNs of the graph's principals, groups and policies
// that start with prefix (case as typed), sorted.
func nodeARNs(g *graph.Graph, prefix string) []string {
	var out []string
	for _, list := range [][]*graph.Node{g.Users(), g.Roles(), g.Groups(), g.Policies()} {
		for _, n := range list {
			if strings.HasPrefix(n.ARN, prefix) {
				out = append(out, n.ARN)
			}
		}
	}
	sort.Strings(out)
	return dedupSorted(out)
}

// prefill fills the inputs with a request reached through path (empty:
// the principal makes it itself).
func (e *explainForm) prefill(action, resource, context string, path []graph.Edge) {
	e.set(action, resource)
	e.fields[fieldContext].setValue(context)
	e.via = path
	e.viaRequest = [3]string{action, resource, context}
}

// viaPath is the path run evaluates through: the prefilled one while the
// inputs still ask its request.
func (e *explainForm) viaPath() []graph.Edge {
	for i := range e.fields {
		if strings.TrimSpace(e.fields[i].value()) != strings.TrimSpace(e.viaRequest[i]) {
			return nil
		}
	}
	return e.via
}

var (
	explainEdit = key.NewBinding(key.WithKeys("e", "i"), key.WithHelp("e", "edit request"))
	explainRun  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "evaluate"))
	explainNext = key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "complete, next field"))
	explainPrev = key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field"))
	explainDone = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave input"))
)

// update handles a key. While a field is focused every key edits or moves
// between fields; enter evaluates and leaves the inputs, esc just leaves.
// It returns a command and whether the key was used.
func (e *explainForm) update(m tea.Msg) (tea.Cmd, bool) {
	if paste, ok := m.(tea.PasteMsg); ok && e.focus >= 0 {
		e.fields[e.focus].in.Update(paste)
		return nil, true
	}
	if e.list.handleWheel(m) {
		return nil, true
	}
	msg, ok := m.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	km := e.c.Keys
	if e.focus >= 0 {
		switch {
		case key.Matches(msg, explainDone):
			e.focus = -1
		case key.Matches(msg, explainRun):
			e.focus = -1
			e.run()
		case msg.String() == "tab" && e.completeField():
			// completed (or listed the candidates); tab again goes on
		case key.Matches(msg, explainNext):
			e.cands = nil
			e.focusField((e.focus + 1) % len(e.fields))
		case key.Matches(msg, explainPrev):
			e.focusField((e.focus + len(e.fields) - 1) % len(e.fields))
		default:
			e.cands = nil
			e.fields[e.focus].in.Update(msg)
		}
		return nil, true
	}
	switch {
	case key.Matches(msg, explainEdit):
		e.focusField(fieldAction)
		return nil, true
	case key.Matches(msg, km.Open):
		if cmd := e.list.openCmd(); cmd != nil {
			return cmd, true
		}
		e.focusField(fieldAction)
		return nil, true
	}
	return nil, e.list.handleMove(msg, km)
}

// run evaluates the request in the inputs.
func (e *explainForm) run() {
	e.err = ""
	action := strings.TrimSpace(e.fields[fieldAction].value())
	if action == "" {
		e.err = "type an action first, e.g. s3:GetObject"
		e.ran = false
		e.refresh()
		return
	}
	if err := policy.CheckAction(action); err != nil {
		e.err = err.Error()
		e.ran = false
		e.refresh()
		return
	}
	resource := strings.TrimSpace(e.fields[fieldResource].value())
	if resource == "" {
		resource = "*"
	}
	ctx, err := parseContextPairs(e.fields[fieldContext].value())
	if err != nil {
		e.err = err.Error()
		e.ran = false
		e.refresh()
		return
	}
	// RESOURCE resolves as on the command line: names, path-less ARNs.
	target, err := e.c.Graph.ResolveResource(action, resource)
	if err != nil {
		e.err = err.Error()
		e.ran = false
		e.refresh()
		return
	}
	kept, ignored := e.c.Graph.RequestContext(action, ctx)
	actor := e.node
	var lines []detailLine
	if path := e.viaPath(); len(path) > 0 {
		actor = path[len(path)-1].To
		lines = hopLines(e.c, e.node, path)
	}
	_, res := answer.Decide(e.c.Graph, actor, action, target.ARN, kept)
	e.ran = true
	decision := renderDecision(e.c, actor, action, target.ARN, kept, res)
	if len(target.Assumptions) > 0 && len(decision) >= 2 {
		// Right under the verdict: what it rests on that the snapshot lacks.
		var notes []detailLine
		for _, a := range target.Assumptions {
			notes = append(notes, detailLine{plain: "⚠ " + a, styled: e.c.Styles.Warning.Render("⚠ " + a), skip: true})
		}
		decision = append(decision[:2:2], append(notes, decision[2:]...)...)
	}
	lines = append(lines, decision...)
	if w := suggest.UnknownAction(action); w != "" {
		lines = append([]detailLine{detailMuted(e.c.Styles, "warning: "+w+"; evaluated as written")}, lines...)
	}
	if len(ignored) > 0 {
		note := "ignored " + strings.Join(ignored, ", ") + ": " + action + " never carries them (Service Authorization Reference)"
		lines = append([]detailLine{detailMuted(e.c.Styles, note)}, lines...)
	}
	e.list.setLines(lines)
	e.list.top()
}

// refresh redraws the result area when there is no result yet.
func (e *explainForm) refresh() {
	if e.ran {
		return
	}
	st := e.c.Styles
	hint := "press e (or enter) to type a request, enter to evaluate it"
	e.list.setLines([]detailLine{
		{plain: hint, styled: st.Muted.Render(hint), skip: true},
	})
}

func (e *explainForm) view() string {
	st := e.c.Styles
	rows := make([]string, 0, explainHeader)
	for i := range e.fields {
		rows = append(rows, e.fields[i].view(st, i == e.focus, e.width))
	}
	switch {
	case e.err != "":
		rows = append(rows, cutWidth(st.Error.Render(termsafe.Escape(e.err)), e.width))
	case e.focus >= 0 && len(e.cands) > 1:
		rows = append(rows, cutWidth(st.Muted.Render(termsafe.Escape(strings.Join(e.cands, "  "))), e.width))
	case e.focus >= 0:
		rows = append(rows, cutWidth(st.Muted.Render("enter evaluate · tab complete/next field · esc leave input"), e.width))
	default:
		rows = append(rows, cutWidth(st.Muted.Render(strings.Repeat("─", max(e.width, 0))), e.width))
	}
	if e.list.height > 0 {
		rows = append(rows, e.list.view(st, e.focus < 0))
	}
	// On a very short screen the inputs come first; the result waits for room.
	out := strings.Join(rows, "\n")
	if lines := strings.Split(out, "\n"); len(lines) > e.height {
		out = strings.Join(lines[:max(e.height, 0)], "\n")
	}
	return out
}

func (e *explainForm) keyBindings() []key.Binding {
	if e.focus >= 0 {
		return []key.Binding{explainRun, explainNext, explainPrev, explainDone}
	}
	return []key.Binding{explainEdit, e.c.Keys.Open}
}

// parseContextPairs reads "KEY=VALUE KEY=VALUE …" as the CLI's repeated -c flags
// do: repeating a key gives it several values.
func parseContextPairs(s string) (policy.Context, error) {
	ctx, err := policy.ParseContextPairs(strings.Fields(s))
	if err != nil {
		return nil, fmt.Errorf("context: %w", err)
	}
	return ctx, nil
}

// hopLines shows how n reaches the role that makes the request: each hop,
// its kind and the conditions it needs; enter on a hop opens its role.
func hopLines(c *Common, n *graph.Node, path []graph.Edge) []detailLine {
	st := c.Styles
	head := fmt.Sprintf("%s makes this request as %s, through %s:", n.Label(), path[len(path)-1].To.Label(), countOf(len(path), "hop", "hops"))
	out := []detailLine{detailHeading(st, head)}
	for i := range path {
		e := &path[i]
		plain := "  " + e.Action() + " → " + e.To.Label()
		styled := "  " + st.Muted.Render(e.Action()+" →") + " " + e.To.Label()
		if tags := edgeTags(e); tags != "" {
			plain += "  [" + tags + "]"
			styled += "  " + st.Warning.Render("["+tags+"]")
		}
		if e.Conditional {
			plain += " conditional"
			styled += " " + st.Warning.Render("conditional")
		}
		out = append(out, detailLine{plain: plain, styled: styled, node: e.To})
	}
	return append(out, detailBlank())
}

// renderDecision draws a Result: the decision and deciding layer, the
// statements that decided, the context keys it hinged on, then the full
// trace, policy by policy and statement by statement. Shared by the Explain
// tab and the Can page.
func renderDecision(c *Common, n *graph.Node, action, resource string, ctx policy.Context, res policy.Result) []detailLine {
	st := c.Styles
	var out []detailLine
	add := func(plain, styled string) { out = append(out, detailLine{plain: plain, styled: styled, skip: true}) }

	req := fmt.Sprintf("%s → %s on %s", n.Label(), action, resource)
	add(req, st.Muted.Render(req))

	verdict := strings.ToUpper(res.Decision.String())
	vs := st.OK
	switch res.Decision {
	case policy.ExplicitDeny:
		vs = st.Error
	case policy.ImplicitDeny:
		vs = st.Warning
	}
	plain := verdict
	if res.Layer != policy.LayerNone {
		plain += "  decided by " + answer.LayerPhrase(res.Layer)
	}
	styled := vs.Inherit(st.Strong).Render(verdict) + strings.TrimPrefix(plain, verdict)
	add(plain, styled)

	if len(res.MissingContext) > 0 {
		keys := strings.Join(res.MissingContext, ", ")
		flip := answer.Explain(c.Graph, n, action, resource, ctx, res).Flip
		var msg string
		switch {
		case res.Conditional && res.Decision == policy.Allowed && flip != "":
			msg = "allowed only with " + flip
		case res.Conditional && res.Decision == policy.Allowed:
			msg = "allowed only with the right " + keys + " (the request did not say)"
		case res.Conditional && flip != "":
			msg = "would be allowed with " + flip + " (add it under context)"
		case res.Conditional:
			msg = "depends on " + keys + ", which the request did not carry"
		default:
			msg = "the request did not carry " + keys + " (it did not change the decision)"
		}
		add("⚠ "+msg, st.Warning.Render("⚠ "+msg))
	}

	if len(res.Reasons) > 0 {
		out = append(out, detailBlank())
		add("Deciding statements", st.Title.Render("Deciding statements"))
		for _, r := range res.Reasons {
			out = append(out, reasonLine(c, r))
		}
	}
	if res.Trace != nil {
		out = append(out, detailBlank())
		add("Trace", st.Title.Render("Trace"))
		for _, pt := range res.Trace.Policies {
			out = append(out, traceLines(c, pt)...)
		}
		if len(res.Trace.Policies) == 0 {
			add("  no policy applies to this principal", st.Muted.Render("  no policy applies to this principal"))
		}
	}
	return out
}

// reasonLine is one deciding statement; enter opens its managed policy.
func reasonLine(c *Common, r policy.Reason) detailLine {
	st := c.Styles
	name := policyDisplayName(r.Policy)
	plain := fmt.Sprintf("  %-5s %s  statement %s", r.Effect, name, policy.StatementLabel(r.Sid, r.Index))
	if r.Via != "" {
		plain += "  via group " + r.Via
	}
	plain += "  (" + r.PolicyType.String() + ")"
	es := st.OK
	if r.Effect == policy.Deny {
		es = st.Error
	}
	styled := "  " + es.Render(fmt.Sprintf("%-5s", r.Effect)) + strings.TrimPrefix(plain, fmt.Sprintf("  %-5s", r.Effect))
	l := detailLine{plain: plain, styled: styled}
	if isPolicyARN(r.Policy) {
		l.arn = r.Policy
		if pn := c.Graph.Node(r.Policy); pn != nil {
			l.node = pn
		}
	}
	return l
}

// traceLines draws one policy of the trace: a heading naming it and where
// it came from, then one line per statement with a ✓/✗ per element and the
// evaluator's note on the first failure, then each condition.
func traceLines(c *Common, pt policy.PolicyTrace) []detailLine {
	st := c.Styles
	src := pt.Source
	head := fmt.Sprintf("%s  %s", src.Type, sourceDisplayName(src))
	if src.Via != "" {
		head += "  via group " + src.Via
	}
	l := detailLine{plain: head, styled: st.HeaderKey.Render(src.Type.String()) + strings.TrimPrefix(head, src.Type.String())}
	if src.ARN != "" {
		l.arn = src.ARN
		l.node = c.Graph.Node(src.ARN)
	} else {
		l.skip = true
	}
	out := []detailLine{l}
	if len(pt.Statements) == 0 {
		out = append(out, detailLine{plain: "  (no statements)", styled: st.Muted.Render("  (no statements)"), skip: true})
	}
	for _, s := range pt.Statements {
		out = append(out, statementTraceLine(st, s))
		for _, ct := range s.Conditions {
			out = append(out, conditionTraceLine(st, ct))
		}
	}
	return out
}

func statementTraceLine(st *Styles, s policy.StatementTrace) detailLine {
	mark := func(ok bool) (string, string) {
		if ok {
			return "✓", st.OK.Render("✓")
		}
		return "✗", st.Error.Render("✗")
	}
	var plain, styled strings.Builder
	// ▶ marks the statements that applied to the request.
	lead, leadS := "  · ", "  "+st.Muted.Render("·")+" "
	if s.Matched {
		lead, leadS = "  ▶ ", "  "+st.Accent.Render("▶")+" "
	}
	plain.WriteString(lead)
	styled.WriteString(leadS)
	eff := fmt.Sprintf("%-5s %-14s", s.Effect, cutWidth(policy.StatementLabel(s.Sid, s.Index), 14))
	plain.WriteString(eff)
	es := st.OK
	if s.Effect == policy.Deny {
		es = st.Error
	}
	if !s.Matched {
		es = st.Muted
	}
	styled.WriteString(es.Render(eff))
	for _, part := range []struct {
		name string
		ok   bool
	}{{"action", s.Action}, {"resource", s.Resource}, {"principal", s.Principal}, {"condition", s.Condition}} {
		p, ps := mark(part.ok)
		plain.WriteString(" " + part.name + " " + p)
		styled.WriteString(" " + part.name + " " + ps)
	}
	if s.Note != "" {
		plain.WriteString("  " + s.Note)
		styled.WriteString("  " + st.Muted.Render(s.Note))
	}
	return detailLine{plain: plain.String(), styled: styled.String(), skip: true}
}

func conditionTraceLine(st *Styles, ct policy.ConditionTrace) detailLine {
	cond := ct.Condition
	got := "absent"
	if ct.Present {
		got = strings.Join(ct.RequestValues, ",")
		if got == "" {
			got = `""`
		}
	}
	text := fmt.Sprintf("%s %s %s (request: %s)", cond.Operator, cond.Key, strings.Join(cond.Values, "|"), got)
	mark, ms := "✓", st.OK.Render("✓")
	if !ct.Result {
		mark, ms = "✗", st.Error.Render("✗")
	}
	plain := "        " + mark + " " + text
	styled := "        " + ms + " " + st.Muted.Render(text)
	if !ct.Present && !ct.Result {
		styled = "        " + ms + " " + st.Warning.Render(text)
	}
	return detailLine{plain: plain, styled: styled, skip: true}
}

// policyDisplayName shortens a reason's policy ID for the screen: a managed
// policy's name, or "OWNER-NAME/POLICY" for an inline or trust policy.
func policyDisplayName(id string) string {
	if isPolicyARN(id) {
		return id[strings.LastIndexByte(id, '/')+1:]
	}
	if owner, name, ok := strings.Cut(id, "#"); ok {
		if name == "trust policy" {
			return shortPrincipalARN(owner) + " trust policy"
		}
		return shortPrincipalARN(owner) + " inline " + name
	}
	return id
}

func sourceDisplayName(s policy.Source) string {
	if s.ARN != "" {
		return s.Name
	}
	if s.Type == policy.ResourcePolicy {
		return shortPrincipalARN(s.Owner) + " " + s.Name
	}
	return s.Name + " (inline on " + shortPrincipalARN(s.Owner) + ")"
}

func isPolicyARN(s string) bool {
	return strings.HasPrefix(s, "arn:") && strings.Contains(s, ":policy/")
}

// shortPrincipalARN turns arn:aws:iam::111122223333:role/path/Deploy into
// role/Deploy, the way the rest of the explorer names things.
func shortPrincipalARN(a string) string {
	if !strings.HasPrefix(a, "arn:") {
		return a
	}
	parts := strings.SplitN(a, ":", 6)
	if len(parts) < 6 {
		return a
	}
	res := parts[5]
	if typ, rest, ok := strings.Cut(res, "/"); ok {
		return typ + "/" + rest[strings.LastIndexByte(rest, '/')+1:]
	}
	return res
}

// explainField is one labelled input of the Explain form, on the framework's
// lineInput (no blinking cursor, shell editing keys).
type explainField struct {
	label       string
	placeholder string
	in          lineInput
}

func (f *explainField) value() string     { return f.in.String() }
func (f *explainField) setValue(s string) { f.in.Set(s) }

// view draws "label › value" in width cells; the cursor cell is reversed
// while focused.
func (f *explainField) view(st *Styles, focused bool, width int) string {
	prefix := f.label + " › "
	ps := st.HeaderKey.Render(f.label) + st.Muted.Render(" › ")
	if focused {
		ps = st.Prompt.Render(prefix)
	}
	room := width - ansi.StringWidth(prefix)
	if room < 2 {
		return cutWidth(ps, width)
	}
	switch {
	case focused:
		return ps + f.in.View(st, room, "")
	case f.value() == "":
		return ps + cutWidth(st.Muted.Render(f.placeholder), room)
	}
	return ps + cutWidth(termsafe.Escape(f.value()), room)
}
