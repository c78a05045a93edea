package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/graph/answer"
)

// Minimum terminal size; below it the explorer shows one line saying so.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Screen rows the root keeps for itself: two header lines and the
// breadcrumb line above the body, two footer lines below it.
const (
	headerLines = 2
	crumbLines  = 1
	footerLines = 2
	chromeLines = headerLines + crumbLines + footerLines
)

// LoadFunc loads the account and builds its graph. report may be called
// from any goroutine, any number of times, until LoadFunc returns; it
// returns promptly once ctx is cancelled.
type LoadFunc func(ctx context.Context, report func(Progress)) (*graph.Graph, error)

// Options configure the explorer.
type Options struct {
	Source  string       // where the account comes from, for the header: "demo", a file, "live"
	Graph   *graph.Graph // an account already loaded; when nil, Load runs in a tea.Cmd
	Load    LoadFunc
	NoColor bool // NO_COLOR was set
	Mouse   bool // --mouse: wheel scrolls, click selects
	// Changes returns the diff against --baseline once Load has returned;
	// nil without a baseline.
	Changes func() *answer.Diff
}

// mode says who gets keys: the focused page (normal) or the input line.
type mode uint8

const (
	modeNormal  mode = iota
	modeCommand      // ":" typed; the input line runs a command
	modeFilter       // "/" typed; the input line filters the page live
	modePrompt       // a command asked for a missing argument
	modeSearch       // "/" typed on a detail page; the input line searches its pane live
)

// Model is the root of the explorer. It owns the window size, the modes,
// the view stack, the header, breadcrumbs and footer; pages own only the
// body. Keys go to the input line in command, filter and prompt modes; in
// normal mode global keys come first, then the focused page. Like pug's
// top model and pane manager.
type Model struct {
	ctx    context.Context
	cancel context.CancelFunc
	opts   Options
	c      *Common

	width, height int
	mode          mode
	stack         []Page
	lists         map[string]Page // list pages by command name, kept so sort and cursor survive :users → :roles → :users

	input  lineInput
	prompt *prompt
	// Completion candidates after a tab that left several: the footer
	// lists them, and tab again (the line unchanged) cycles through them.
	comp     []string
	compHead string
	compAt   int
	compLine string
	history  []string
	histPos  int

	status    string
	statusErr bool

	queryID int // the last query started (see query.go)

	loading *loadingView // non-nil while Load runs
	loadCh  chan tea.Msg
	loadErr error
}

type prompt struct {
	question string
	run      func(answer string) tea.Cmd
}

// New returns the explorer's root model. ctx bounds loading.
func New(ctx context.Context, opts Options) *Model {
	ctx, cancel := context.WithCancel(ctx)
	m := &Model{
		ctx:    ctx,
		cancel: cancel,
		opts:   opts,
		c:      &Common{Styles: NewStyles(opts.NoColor), Keys: DefaultKeyMap()},
		lists:  map[string]Page{},
	}
	if opts.Graph != nil {
		m.setGraph(opts.Graph)
	} else {
		m.loading = newLoadingView(m.c.Styles, opts.Source)
	}
	return m
}

// setGraph opens the start page. The explorer starts on Users: long-lived
// credentials (passwords, access keys) live only on users, so the users list
// — MFA, key use, admin — is the account's exposure at a glance and the
// first stop for "this key leaked". Roles are one keystroke away (:roles).
func (m *Model) setGraph(g *graph.Graph) {
	m.c.Graph = g
	if m.opts.Changes != nil {
		m.c.Changes = m.opts.Changes()
	}
	m.loading = nil
	m.stack = []Page{m.list("users")}
	m.resize()
}

// list returns the cached list page for a command name, building it once.
func (m *Model) list(name string) Page {
	if p, ok := m.lists[name]; ok {
		return p
	}
	var p Page
	switch name {
	case "users":
		p = NewUsersPage(m.c)
	case "groups":
		p = NewGroupsPage(m.c)
	case "roles":
		p = NewRolesPage(m.c)
	case "policies":
		p = NewPoliciesPage(m.c)
	case "accounts":
		p = NewAccountsPage(m.c)
	case "warnings":
		p = NewWarningsPage(m.c)
	case "findings":
		p = NewFindingsPage(m.c)
	case "changes":
		p = NewChangesPage(m.c)
	case "resources", "buckets", "keys", "queues":
		p = NewResourcesPage(m.c, strings.ToUpper(name[:1])+name[1:], resourceTypes[name])
	default:
		return nil
	}
	m.lists[name] = p
	return p
}

// Init starts loading when no graph was given.
func (m *Model) Init() tea.Cmd {
	if m.loading == nil {
		return nil
	}
	m.loadCh = make(chan tea.Msg, 64)
	go m.runLoad()
	return m.waitLoad()
}

// Progress is one event of loading: a stream's running count, its end, or
// its failure. The live loader's events are translated into these.
type Progress struct {
	Stream  string // label shown: "users", "roles", "credential report"
	Items   int    // entities received so far
	Pages   int    // pages received so far
	Counted bool   // Items is meaningful (false for single calls such as the caller identity)
	Done    bool
	Err     error  // the stream failed
	Warning string // an optional stream was denied; loading goes on
}

type progressMsg Progress

type loadedMsg struct {
	graph *graph.Graph
	err   error
}

func (m *Model) runLoad() {
	report := func(p Progress) {
		select {
		case m.loadCh <- progressMsg(p):
		case <-m.ctx.Done():
		}
	}
	var g *graph.Graph
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("internal error while loading: %v", r)
			}
		}()
		if m.opts.Load == nil {
			err = fmt.Errorf("nothing to load")
			return
		}
		g, err = m.opts.Load(m.ctx, report)
	}()
	select {
	case m.loadCh <- loadedMsg{graph: g, err: err}:
	case <-m.ctx.Done():
	}
}

func (m *Model) waitLoad() tea.Cmd {
	ch, done := m.loadCh, m.ctx.Done()
	return func() tea.Msg {
		select {
		case msg := <-ch:
			return msg
		case <-done:
			return nil
		}
	}
}

// top is the focused page.
func (m *Model) top() Page {
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

// bodyHeight is the height pages get.
func (m *Model) bodyHeight() int { return max(m.height-chromeLines, 1) }

// resize gives every page on the stack the body size: the one place where
// window size becomes page size.
func (m *Model) resize() {
	if m.width == 0 {
		return
	}
	for _, p := range m.stack {
		p.SetSize(m.width, m.bodyHeight())
	}
	if m.loading != nil {
		m.loading.SetSize(m.width, m.height)
	}
}

func (m *Model) push(p Page) {
	if p == nil {
		return
	}
	p.SetSize(m.width, m.bodyHeight())
	m.stack = append(m.stack, p)
}

// scopeToAccount filters the users, groups, roles and policies lists to
// one account and shows the users.
func (m *Model) scopeToAccount(id string) {
	for _, name := range []string{"users", "groups", "roles", "policies"} {
		if f, ok := m.list(name).(Filterable); ok {
			f.SetFilter("account:" + id)
		}
	}
	m.reset(m.list("users"))
	m.setStatus("lists show account "+id+" (esc clears a list's filter)", false)
}

// reset makes p the only page (switching lists, as k9s does).
func (m *Model) reset(p Page) {
	if p == nil {
		return
	}
	dropPages(m.stack)
	m.stack = []Page{p}
	p.SetSize(m.width, m.bodyHeight())
}

func (m *Model) back() {
	if len(m.stack) > 1 {
		dropPages(m.stack[len(m.stack)-1:])
		m.stack = m.stack[:len(m.stack)-1]
		return
	}
	m.setStatus("top of the stack — :users :groups :roles :policies, q quits", false)
}

func (m *Model) setStatus(text string, isErr bool) {
	m.status, m.statusErr = text, isErr
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

// Update routes a message: size and loading first, then keys by mode, then
// navigation messages, then everything else to the focused page.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case progressMsg:
		if m.loading != nil {
			m.loading.Update(Progress(msg))
		}
		return m, m.waitLoad()
	case loadedMsg:
		if msg.err != nil {
			m.loading = nil
			m.loadErr = msg.err
			return m, nil
		}
		m.setGraph(msg.graph)
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case queryDoneMsg:
		m.queryDone(msg)
		return m, nil
	case queryTickMsg:
		return m, m.queryTicked(msg)
	case pageResultMsg:
		return m, m.deliver(msg)
	case tea.PasteMsg:
		if m.mode != modeNormal {
			m.editInput(msg)
			return m, nil
		}
	case tea.MouseClickMsg:
		if !m.opts.Mouse || m.top() == nil {
			return m, nil
		}
		// Pages see coordinates relative to their body.
		msg.Y -= headerLines + crumbLines
		if msg.Y < 0 || msg.Y >= m.bodyHeight() {
			return m, nil
		}
		return m, m.updateTop(msg)
	case tea.MouseWheelMsg:
		if !m.opts.Mouse {
			return m, nil
		}
		return m, m.updateTop(msg)
	case OpenNodeMsg:
		m.open(msg.Node)
		return m, nil
	case AccountFilterMsg:
		m.scopeToAccount(msg.Account)
		return m, nil
	case OpenARNMsg:
		m.openARN(msg.ARN)
		return m, nil
	case pushPageMsg:
		m.push(msg.page)
		return m, nil
	case ExplainMsg:
		m.open(msg.Access.Principal)
		if p, ok := m.top().(*principalPage); ok {
			p.explainAccess(msg)
		}
		return m, nil
	case BackMsg:
		m.back()
		return m, nil
	case StatusMsg:
		m.setStatus(msg.Text, msg.Err)
		return m, nil
	case CopyMsg:
		return m, m.copy(msg.Text)
	}
	return m, m.updateTop(msg)
}

func (m *Model) updateTop(msg tea.Msg) tea.Cmd {
	p := m.top()
	if p == nil {
		return nil
	}
	np, cmd := p.Update(msg)
	if np != nil && np != p {
		np.SetSize(m.width, m.bodyHeight())
		m.stack[len(m.stack)-1] = np
	}
	return cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if key.Matches(msg, k.ForceQuit) {
		return m.quit()
	}
	if m.loading != nil || m.loadErr != nil || m.c.Graph == nil {
		if key.Matches(msg, k.Quit, k.Back) {
			return m.quit()
		}
		return nil
	}
	if m.mode != modeNormal {
		return m.handleInputKey(msg)
	}
	m.status = "" // a status line lasts until the next key
	p := m.top()
	if c, ok := p.(Capturer); ok && c.Capturing() {
		return m.updateTop(msg)
	}
	switch {
	case key.Matches(msg, k.Command):
		m.mode = modeCommand
		m.input.Set("")
		m.comp = nil
		m.histPos = len(m.history)
		return nil
	case key.Matches(msg, k.Filter):
		if f, ok := p.(Filterable); ok {
			m.mode = modeFilter
			m.input.Set(f.Filter())
			return nil
		}
		if pane := searchOf(p); pane != nil {
			m.mode = modeSearch
			m.input.Set(pane.search)
			return nil
		}
	case key.Matches(msg, searchNext, searchPrev):
		if pane := searchOf(p); pane != nil && pane.search != "" {
			if key.Matches(msg, searchNext) {
				pane.nextMatch(1)
			} else {
				pane.nextMatch(-1)
			}
			return nil
		}
	case key.Matches(msg, k.Help):
		if _, isHelp := p.(*helpPage); !isHelp {
			m.push(newHelpPage(m.c, p, m.helpGlobals(p)))
		}
		return nil
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Copy):
		if s, ok := p.(Selector); ok {
			if n := s.Selected(); n != nil {
				return m.copy(n.ARN)
			}
			m.setStatus("nothing selected to copy", true)
			return nil
		}
	case key.Matches(msg, k.Back):
		if f, ok := p.(Filterable); ok && f.Filter() != "" {
			f.SetFilter("")
			return nil
		}
		if pane := searchOf(p); pane != nil && pane.search != "" {
			pane.setSearch("")
			return nil
		}
		m.back()
		return nil
	}
	return m.updateTop(msg)
}

// handleInputKey edits the input line in command, filter and prompt modes.
func (m *Model) handleInputKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		if m.mode == modeFilter {
			if f, ok := m.top().(Filterable); ok {
				f.SetFilter("")
			}
		}
		if pane := searchOf(m.top()); m.mode == modeSearch && pane != nil {
			pane.setSearch("")
		}
		m.mode, m.prompt = modeNormal, nil
		return nil
	case key.Matches(msg, k.Accept):
		line := strings.TrimSpace(m.input.String())
		switch m.mode {
		case modeCommand:
			m.mode = modeNormal
			if line == "" {
				return nil
			}
			m.history = append(m.history, line)
			return m.runCommand(line)
		case modePrompt:
			pr := m.prompt
			m.mode, m.prompt = modeNormal, nil
			if pr == nil || line == "" {
				return nil
			}
			return pr.run(line)
		}
		m.mode = modeNormal // filter, search: keep the text
		return nil
	}
	switch m.mode {
	case modeCommand:
		if key.Matches(msg, m.c.Keys.Complete) {
			m.complete()
			return nil
		}
		m.comp = nil
		switch msg.String() {
		case "up":
			if m.histPos > 0 {
				m.histPos--
				m.input.Set(m.history[m.histPos])
			}
			return nil
		case "down":
			if m.histPos < len(m.history)-1 {
				m.histPos++
				m.input.Set(m.history[m.histPos])
			} else {
				m.histPos = len(m.history)
				m.input.Set("")
			}
			return nil
		}
	case modeFilter:
		// Arrows move the selection while the filter is being typed.
		if key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown) && msg.Text == "" {
			return m.updateTop(msg)
		}
	}
	m.editInput(msg)
	return nil
}

// complete handles tab on the command line: the first tab completes as far
// as the candidates agree and lists them when several remain; tab again,
// with the line as it left it, puts each candidate in turn.
func (m *Model) complete() {
	line := m.input.String()
	if len(m.comp) > 1 && line == m.compLine {
		m.compAt = (m.compAt + 1) % len(m.comp)
		m.compLine = m.compHead + m.comp[m.compAt]
		m.input.Set(m.compLine)
		return
	}
	head, cands := commandCandidates(m.c.Graph, line)
	m.comp, m.compHead, m.compAt = nil, head, -1
	next := completeCommand(m.c.Graph, line)
	m.input.Set(next)
	if len(cands) > 1 {
		m.comp, m.compLine = cands, next
	}
}

func (m *Model) editInput(msg tea.Msg) {
	if !m.input.Update(msg) {
		return
	}
	switch m.mode {
	case modeFilter:
		if f, ok := m.top().(Filterable); ok {
			f.SetFilter(m.input.String())
		}
	case modeSearch:
		if pane := searchOf(m.top()); pane != nil {
			pane.setSearch(m.input.String())
		}
	}
}

// open pushes the detail page of a node.
func (m *Model) open(n *graph.Node) {
	if n == nil {
		return
	}
	var p Page
	switch n.Kind {
	case graph.KindGroup:
		p = NewGroupPage(m.c, n)
	case graph.KindPolicy:
		p = NewPolicyPage(m.c, n)
	default:
		p = NewPrincipalPage(m.c, n)
	}
	m.push(p)
}

func (m *Model) openARN(a string) {
	if n := m.c.Graph.Node(a); n != nil {
		m.open(n)
		return
	}
	if r := m.c.Graph.LoadedResource(a); r != nil {
		m.push(NewResourcePage(m.c, r))
		return
	}
	n, err := m.c.Graph.Resolve(a)
	if err != nil {
		m.setStatus(err.Error(), true)
		return
	}
	m.open(n)
}

// View draws header, breadcrumbs, body and footer, or the loading, error or
// too-small screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "iamx"
	return v
}

func (m *Model) render() string {
	if m.width == 0 {
		return ""
	}
	if m.width < MinWidth || m.height < MinHeight {
		return ansi.Truncate(fmt.Sprintf("terminal too small (need %d×%d, have %d×%d)", MinWidth, MinHeight, m.width, m.height), m.width, "…")
	}
	if m.loadErr != nil {
		return renderErrorView(m.c.Styles, m.opts.Source, m.loadErr, m.width, m.height)
	}
	if m.loading != nil || m.top() == nil {
		if m.loading == nil {
			return ""
		}
		return m.loading.View()
	}
	var b strings.Builder
	b.WriteString(renderHeader(m.c, m.opts.Source, m.width))
	b.WriteByte('\n')
	b.WriteString(m.renderCrumbs())
	b.WriteByte('\n')
	b.WriteString(fitBody(m.top().View(), m.width, m.bodyHeight()))
	b.WriteByte('\n')
	b.WriteString(m.renderFooter())
	return b.String()
}

// fitBody makes a page's view exactly w×h, so one careless page cannot push
// the footer off the screen.
func fitBody(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// LoadErr is the error that stopped loading, if any, for the caller to
// report after the program ends.
func (m *Model) LoadErr() error { return m.loadErr }
