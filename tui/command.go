package tui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/suggest"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// commandSpec is one ":" command. The list drives running, completion and
// the help screen.
type commandSpec struct {
	name    string
	aliases []string
	args    string
	help    string
	run     func(m *Model, args []string) tea.Cmd
}

func commandSpecs() []commandSpec {
	listCmd := func(name string) func(*Model, []string) tea.Cmd {
		return func(m *Model, _ []string) tea.Cmd {
			m.reset(m.list(name))
			return nil
		}
	}
	return []commandSpec{
		{name: "users", aliases: []string{"user", "u"}, help: "list IAM users", run: listCmd("users")},
		{name: "groups", aliases: []string{"group", "g"}, help: "list groups", run: listCmd("groups")},
		{name: "roles", aliases: []string{"role", "r"}, help: "list roles", run: listCmd("roles")},
		{name: "policies", aliases: []string{"policy", "pol", "p"}, help: "list managed policies", run: listCmd("policies")},
		{name: "accounts", aliases: []string{"account", "acct"}, help: "list loaded accounts with admins and outside trust", run: listCmd("accounts")},
		{name: "whocan", aliases: []string{"who-can", "wc"}, args: "ACTION [RESOURCE] [K=V…]", help: "who can perform ACTION on RESOURCE (default *)", run: runWhoCan},
		{name: "can", args: "PRINCIPAL ACTION [RESOURCE] [K=V…]", help: "may PRINCIPAL perform ACTION on RESOURCE, and why", run: runCan},
		{name: "open", args: "NAME|ARN", help: "open a user, role, group or policy by name or ARN", run: runOpen},
		{name: "warnings", aliases: []string{"warn"}, help: "list the load warnings", run: listCmd("warnings")},
		{name: "findings", aliases: []string{"find", "f"}, help: "list what is risky, most severe first", run: listCmd("findings")},
		{name: "resources", aliases: []string{"res"}, help: "list loaded resources: PUBLIC, CROSS-ACCOUNT, SERVICE", run: listCmd("resources")},
		{name: "buckets", aliases: []string{"bucket"}, help: "list loaded S3 buckets with their exposure", run: listCmd("buckets")},
		{name: "keys", aliases: []string{"key"}, help: "list loaded KMS keys with their exposure", run: listCmd("keys")},
		{name: "queues", aliases: []string{"queue"}, help: "list loaded SQS queues with their exposure", run: listCmd("queues")},
		{name: "changes", aliases: []string{"diff"}, help: "what changed since --baseline, and what it means", run: func(m *Model, _ []string) tea.Cmd {
			if m.c.Changes == nil {
				m.setStatus("no baseline: open the explorer with --baseline OLD to see changes", true)
				return nil
			}
			m.reset(m.list("changes"))
			return nil
		}},
		{name: "help", aliases: []string{"h"}, help: "show keys and commands", run: func(m *Model, _ []string) tea.Cmd {
			m.push(newHelpPage(m.c, m.top(), m.helpGlobals(m.top())))
			return nil
		}},
		{name: "quit", aliases: []string{"q", "q!", "exit"}, help: "leave iamx", run: func(m *Model, _ []string) tea.Cmd { return m.quit() }},
	}
}

func findCommand(name string) (commandSpec, bool) {
	name = strings.ToLower(name)
	for _, c := range commandSpecs() {
		if c.name == name {
			return c, true
		}
		for _, a := range c.aliases {
			if a == name {
				return c, true
			}
		}
	}
	return commandSpec{}, false
}

// runCommand runs one command line typed after ":".
func (m *Model) runCommand(line string) tea.Cmd {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	c, ok := findCommand(f[0])
	if !ok {
		m.setStatus(fmt.Sprintf("unknown command :%s — try :users :groups :roles :policies :whocan :can :quit (? for help)", f[0]), true)
		return nil
	}
	return c.run(m, f[1:])
}

// splitContext separates the KEY=VALUE request-context pairs of a query
// from its other words, and parses them as the command line's -c does. A
// word is a pair when it holds "=" and is not an ARN (an S3 object key may
// hold "=").
func splitContext(m *Model, args []string) (words []string, ctx policy.Context, text string, ok bool) {
	var pairs []string
	for _, a := range args {
		if strings.Contains(a, "=") && !strings.HasPrefix(a, "arn:") {
			pairs = append(pairs, a)
		} else {
			words = append(words, a)
		}
	}
	if len(pairs) == 0 {
		return words, nil, "", true
	}
	ctx, err := policy.ParseContextPairs(pairs)
	if err != nil {
		m.setStatus("context: "+err.Error(), true)
		return nil, nil, "", false
	}
	return words, ctx, strings.Join(pairs, " "), true
}

func runWhoCan(m *Model, args []string) tea.Cmd {
	args, reqCtx, ctxText, ok := splitContext(m, args)
	if !ok {
		return nil
	}
	if len(args) == 0 {
		m.ask("who can — ACTION [RESOURCE]:", func(answer string) tea.Cmd {
			return runWhoCan(m, strings.Fields(answer))
		})
		return nil
	}
	if len(args) > 2 {
		m.setStatus("usage: :whocan ACTION [RESOURCE] [KEY=VALUE…]", true)
		return nil
	}
	if !checkAction(m, args[0]) {
		return nil
	}
	resource := "*"
	if len(args) == 2 {
		resource = args[1]
	}
	// RESOURCE resolves as on the command line: names, path-less ARNs.
	target, err := m.c.Graph.ResolveResource(args[0], resource)
	if err != nil {
		m.setStatus(err.Error(), true)
		return nil
	}
	resource = target.ARN
	title := "whocan " + args[0] + " " + resource
	if ctxText != "" {
		title += " " + ctxText
	}
	return m.startQuery(title, "computing who-can "+args[0]+" on "+resource, whoCanQueryContext(m.c, args[0], resource, reqCtx, ctxText))
}

// checkAction says on the status line why an action is no request's
// (the command line refuses the same, in the same words).
func checkAction(m *Model, action string) bool {
	err := policy.CheckAction(action)
	if errors.Is(err, policy.ErrActionPattern) {
		err = fmt.Errorf("%w; a principal's Permissions tab lists what a pattern covers", err)
	}
	if err != nil {
		m.setStatus(err.Error(), true)
		return false
	}
	if w := suggest.UnknownAction(action); w != "" {
		// The command line refuses it without --allow-unknown-action; here
		// the answer runs as written, under the same warning.
		m.setStatus("warning: "+w+"; evaluated as written", true)
	}
	return true
}

func runCan(m *Model, args []string) tea.Cmd {
	args, _, ctxText, ok := splitContext(m, args)
	if !ok {
		return nil
	}
	return runCanContext(m, args, ctxText)
}

func runCanContext(m *Model, args []string, ctxText string) tea.Cmd {
	switch len(args) {
	case 0:
		m.ask("can — PRINCIPAL ACTION [RESOURCE]:", func(answer string) tea.Cmd {
			return runCan(m, strings.Fields(answer))
		})
		return nil
	case 1:
		who := args[0]
		m.ask(fmt.Sprintf("can %s — ACTION [RESOURCE]:", who), func(answer string) tea.Cmd {
			return runCan(m, append([]string{who}, strings.Fields(answer)...))
		})
		return nil
	case 2, 3:
	default:
		m.setStatus("usage: :can PRINCIPAL ACTION [RESOURCE] [KEY=VALUE…]", true)
		return nil
	}
	n, err := m.c.Graph.Resolve(args[0])
	if err != nil {
		m.setStatus(err.Error(), true)
		return nil
	}
	if !checkAction(m, args[1]) {
		return nil
	}
	resource := "*"
	if len(args) == 3 {
		resource = args[2]
	}
	action := args[1]
	return m.startQuery("can "+n.Label()+" "+action, "evaluating "+n.Label()+" "+action+" on "+resource,
		func(context.Context) (Page, error) { return newCanPage(m.c, n, action, resource, ctxText), nil })
}

func runOpen(m *Model, args []string) tea.Cmd {
	if len(args) != 1 {
		m.setStatus("usage: :open NAME|ARN", true)
		return nil
	}
	n, err := m.c.Graph.Resolve(args[0])
	if err != nil {
		m.setStatus(err.Error(), true)
		return nil
	}
	m.open(n)
	return nil
}

// ask switches to prompt mode for a missing argument.
func (m *Model) ask(question string, run func(string) tea.Cmd) {
	m.mode = modePrompt
	m.prompt = &prompt{question: question, run: run}
	m.input.Set("")
}

// commandNames lists every command name and alias, for completion.
func commandNames() []string {
	var out []string
	for _, c := range commandSpecs() {
		out = append(out, c.name)
	}
	return out
}

// commandGhost is the completion hint shown after the cursor: the rest of
// the first command whose name starts with what was typed, or the argument
// synopsis once the command is complete.
func commandGhost(line string) string {
	if line == "" {
		return ""
	}
	if !strings.Contains(line, " ") {
		for _, name := range commandNames() {
			if strings.HasPrefix(name, strings.ToLower(line)) && name != line {
				return name[len(line):]
			}
		}
		return ""
	}
	f := strings.Fields(line)
	if c, ok := findCommand(f[0]); ok && len(f) == 1 && strings.HasSuffix(line, " ") {
		return c.args
	}
	return ""
}

// commandCandidates is what the word being typed may complete to, and the
// line before that word: the footer lists the candidates and a repeated
// tab cycles through them.
func commandCandidates(g *graph.Graph, line string) (head string, cands []string) {
	f := strings.Fields(line)
	if len(f) == 0 || strings.HasSuffix(line, " ") {
		return "", nil
	}
	if len(f) == 1 {
		for _, name := range commandNames() {
			if strings.HasPrefix(name, strings.ToLower(f[0])) {
				cands = append(cands, name)
			}
		}
		return "", cands
	}
	c, ok := findCommand(f[0])
	if !ok || g == nil {
		return "", nil
	}
	word := len(f) - 1
	switch {
	case word == 1 && (c.name == "can" || c.name == "open"):
		cands = principalNames(g, f[1])
	case (word == 1 && c.name == "whocan") || (word == 2 && c.name == "can"):
		cands = actionNames(f[word])
	}
	return strings.Join(f[:word], " ") + " ", cands
}

// completeCommand completes the word being typed: a command name, or for
// :can and :open, a principal name from the graph. Several candidates
// complete to their longest common prefix.
func completeCommand(g *graph.Graph, line string) string {
	f := strings.Fields(line)
	trailing := strings.HasSuffix(line, " ")
	if len(f) == 0 {
		return line
	}
	if len(f) == 1 && !trailing {
		var cands []string
		for _, name := range commandNames() {
			if strings.HasPrefix(name, strings.ToLower(f[0])) {
				cands = append(cands, name)
			}
		}
		if len(cands) == 1 {
			return cands[0] + " "
		}
		if p := commonPrefix(cands); len(p) > len(f[0]) {
			return p
		}
		return line
	}
	c, ok := findCommand(f[0])
	if !ok || g == nil || trailing {
		return line
	}
	// The word being completed: a principal for :can and :open, an action
	// for :whocan and :can's second argument.
	word := len(f) - 1
	var cands []string
	switch {
	case word == 1 && (c.name == "can" || c.name == "open"):
		cands = principalNames(g, f[1])
	case (word == 1 && c.name == "whocan") || (word == 2 && c.name == "can"):
		cands = actionNames(f[word])
	default:
		return line
	}
	head := strings.Join(f[:word], " ") + " "
	if len(cands) == 1 {
		if strings.HasSuffix(cands[0], ":") {
			return head + cands[0] // a service: go on to its actions
		}
		return head + cands[0] + " "
	}
	if p := commonPrefix(cands); len(p) > len(f[word]) || (len(p) == len(f[word]) && p != f[word]) {
		return head + p
	}
	return line
}

// principalNames lists the names of users, roles, groups and policies that
// start with prefix, sorted and without repeats.
func principalNames(g *graph.Graph, prefix string) []string {
	var cands []string
	for _, list := range [][]*graph.Node{g.Users(), g.Roles(), g.Groups(), g.Policies()} {
		for _, n := range list {
			if strings.HasPrefix(n.Name, prefix) {
				cands = append(cands, n.Name)
			}
		}
	}
	sort.Strings(cands)
	return dedupSorted(cands)
}

// actionNames completes an action from the catalogue, ignoring case as IAM
// does: before the colon, service prefixes ("s3:"); after it, that
// service's actions in their canonical case ("s3:GetObject").
func actionNames(prefix string) []string {
	cat := actions.Load()
	lower := strings.ToLower(prefix)
	svc, name, hasColon := strings.Cut(lower, ":")
	var cands []string
	if !hasColon {
		for _, s := range cat.Services() {
			if strings.HasPrefix(s.Prefix, svc) {
				cands = append(cands, s.Prefix+":")
			}
		}
		return cands
	}
	if s, ok := cat.Service(svc); ok {
		for _, a := range s.Actions {
			if strings.HasPrefix(strings.ToLower(a.Name), name) {
				cands = append(cands, a.String())
			}
		}
	}
	return cands
}

func commonPrefix(s []string) string {
	if len(s) == 0 {
		return ""
	}
	p := s[0]
	for _, x := range s[1:] {
		for !strings.HasPrefix(x, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

func dedupSorted(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
