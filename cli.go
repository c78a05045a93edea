package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/aws/smithy-go"

	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// usageError is a mistake in the command line; it exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// fail prints err as one line on stderr and returns the error exit status.
// A request for help is not a failure: the command's usage goes to stdout
// and the status is 0.
func fail(e *env, err error) int {
	var help *helpRequest
	if errors.As(err, &help) {
		help.print(e.stdout)
		return exitOK
	}
	var stopped *stoppedError
	if errors.As(err, &stopped) || errors.Is(err, context.Canceled) {
		return exitError // interrupted: runWithSignals says so
	}
	termsafe.Fprintf(e.stderr, "iamx: %s\n", oneLine(err.Error()))
	if e.debug {
		for _, line := range errorDetail(err) {
			termsafe.Fprintf(e.stderr, "iamx: debug: %s\n", line)
		}
	}
	return exitError
}

// internalError reports a recovered panic: a bug must not reach the user as
// a stack trace, so it is one line — unless --debug asked for the stack.
func internalError(e *env, r any) int {
	termsafe.Fprintf(e.stderr, "iamx: internal error: %v\n", r)
	if e.debug {
		for _, line := range strings.Split(strings.TrimRight(string(debug.Stack()), "\n"), "\n") {
			termsafe.Fprintf(e.stderr, "iamx: debug: %s\n", line)
		}
	}
	return exitError
}

// takeDebug removes --debug (or -debug, --debug=BOOL) from anywhere before
// a "--" in args, so that every command and the explorer take it without a
// flag of their own, and reports whether it was set.
func takeDebug(args []string) ([]string, bool) {
	on := false
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...), on
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "debug" {
			on = !hasValue || value == "true" || value == "1"
			continue
		}
		out = append(out, a)
	}
	return out, on
}

// errorDetail is what --debug adds to a failure: each error wrapped in err,
// outermost first, with its Go type and, for an AWS SDK error, the raw
// detail the one-line message leaves out (error code, message and fault,
// HTTP status, request ID). Nothing is cut short: this is for a bug report.
func errorDetail(err error) []string {
	var lines []string
	var walk func(err error, depth int)
	walk = func(err error, depth int) {
		if err == nil || depth > 32 {
			return
		}
		msg := strings.Join(strings.Fields(err.Error()), " ")
		line := fmt.Sprintf("%s%T: %s", strings.Repeat("  ", depth), err, msg)
		if api, ok := err.(smithy.APIError); ok {
			line += fmt.Sprintf(" [code %q, message %q, fault %s]", api.ErrorCode(), api.ErrorMessage(), api.ErrorFault())
		}
		if h, ok := err.(interface{ HTTPStatusCode() int }); ok {
			line += fmt.Sprintf(" [HTTP status %d]", h.HTTPStatusCode())
		}
		if r, ok := err.(interface{ ServiceRequestID() string }); ok {
			line += fmt.Sprintf(" [request ID %s]", r.ServiceRequestID())
		}
		lines = append(lines, line)
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e, depth+1)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		}
	}
	walk(err, 0)
	return lines
}

// helpRequest is "COMMAND --help": parseArgs returns it so that every
// command prints its own usage through fail without code of its own.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return h.fs.Name() + ": help requested" }

// synopses are the command lines of DESIGN.md §2, by flag set name.
var synopses = map[string]string{
	"explorer": "iamx [SOURCE] [--mouse]                     open the explorer",
	"snapshot": "iamx snapshot [SOURCE] -o FILE|-            write SOURCE as an iamx snapshot (.gz → gzip, - stdout)",
	"can": "iamx can PRINCIPAL ACTION [RESOURCE] [-c KEY=VALUE]... [SOURCE]\n" +
		"  iamx can --batch FILE.jsonl [SOURCE]        one request per line, one JSON answer per line",
	"who-can":  "iamx who-can ACTION [RESOURCE] [-c KEY=VALUE]... [--assume-only] [SOURCE]",
	"perms":    "iamx perms PRINCIPAL [--service PREFIX] [--level LEVEL] [--all] [--reach] [--assume-only] [SOURCE]",
	"chains":   "iamx chains PRINCIPAL [--to ROLE] [--max-hops N] [--max-paths N] [--assume-only] [SOURCE]",
	"privesc":  "iamx privesc [PRINCIPAL] [--max-paths N] [SOURCE]",
	"findings": "iamx findings [SOURCE] [--severity LEVEL] [--fail-on LEVEL]",
	"diff":     "iamx diff OLD NEW",
}

// exitStatuses says what each command's exit status means, by flag set
// name; the rest exit 0 on success.
var exitStatuses = map[string]string{
	"can":      "0 allowed, 1 denied, 2 usage or input error",
	"findings": "0 success, 1 a finding at or above --fail-on, 2 usage or input error",
}

func (h *helpRequest) print(w io.Writer) {
	name := h.fs.Name()
	syn, ok := synopses[name]
	if !ok {
		syn = "iamx " + name + " [FLAGS]"
	}
	fmt.Fprintf(w, "Usage:\n  %s\n", syn)
	if c, ok := findCommand(name); ok {
		fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
	}
	fmt.Fprintf(w, "\nFlags (-flag and --flag are the same):\n")
	h.fs.SetOutput(w)
	h.fs.PrintDefaults()
	h.fs.SetOutput(io.Discard)
	fmt.Fprintf(w, "  -debug\n    \ton failure, also print an internal error's stack and a live error's raw AWS SDK detail\n")
	status, ok := exitStatuses[name]
	if !ok {
		status = "0 success, 2 usage or input error"
	}
	fmt.Fprintf(w, "\nExit status: %s.\n", status)
}

// maxErrorLine bounds an error line: a hostile file or argument (a name of
// a million characters) must not become a million-character message.
const maxErrorLine = 1000

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxErrorLine {
		cut := maxErrorLine
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + fmt.Sprintf("… (%d more bytes)", len(s)-cut)
	}
	return s
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags that may come before, between or after positional
// arguments ("iamx can alice s3:GetObject --demo --json") and returns the
// positional arguments in order.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpRequest{fs}
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// contextFlag collects -c KEY=VALUE pairs into a request context. Repeating a
// key gives it several values.
type contextFlag struct{ pairs [][2]string }

func (c *contextFlag) String() string { return "" }

func (c *contextFlag) Set(v string) error {
	k, val, err := policy.ParseContextPair(v) // the explorer's :whocan, :can and Explain read pairs the same way
	if err != nil {
		return err
	}
	c.pairs = append(c.pairs, [2]string{k, val})
	return nil
}

// context returns the pairs as a request context, or nil when there are none.
func (c *contextFlag) context() policy.Context {
	if len(c.pairs) == 0 {
		return nil
	}
	out := policy.Context{}
	for _, kv := range c.pairs {
		out.Add(kv[0], kv[1])
	}
	return out
}

// checkRequest rejects an ACTION or RESOURCE no AWS request can carry, and
// an action the catalogue does not define unless allowUnknown.
func checkRequest(cmd, action, resource string, allowUnknown bool) error {
	if err := checkAction(action); err != nil {
		return usagef("%s: %v", cmd, err)
	}
	if !allowUnknown {
		if err := unknownAction(cmd, action); err != nil {
			return err
		}
	}
	if resource == "" {
		return usagef("%s: RESOURCE is empty; leave it out for *", cmd)
	}
	return nil
}

// hoistCommand moves a command named after leading flags to the front, so
// "iamx --demo can alice s3:GetObject" is "iamx can --demo alice
// s3:GetObject": every command takes the SOURCE flags. Flags that take a
// value skip it (--snapshot can.json names a file, not the command); a
// flag the explorer does not know is taken as boolean.
func hoistCommand(args []string) []string {
	fs := newFlagSet("explorer")
	var src sourceFlags
	src.register(fs)
	fs.Bool("mouse", false, "")
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			if i == 0 || !isCommandWord(a) {
				return args
			}
			out := append([]string{a}, args[:i]...)
			return append(out, args[i+1:]...)
		}
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				i++ // its value
			}
		}
	}
	return args
}

func isCommandWord(a string) bool {
	switch a {
	case "help", "completion":
		return true
	}
	_, ok := findCommand(a)
	return ok
}

// version is set at build time (-ldflags "-X main.version=v1.2.3"); without
// it, the module version Go recorded is used.
var version = ""

func versionLine() string {
	v := version
	goVersion := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && v == "" {
				v = "devel " + s.Value[:min(12, len(s.Value))]
			}
		}
		goVersion = bi.GoVersion
	}
	if v == "" {
		v = "devel"
	}
	return fmt.Sprintf("iamx %s (%s, %s/%s)", v, goVersion, runtime.GOOS, runtime.GOARCH)
}

// allowUnknownUsage documents --allow-unknown-action wherever an ACTION is
// taken.
const allowUnknownUsage = "evaluate an ACTION that is not in the action catalogue as written (AWS does)"
