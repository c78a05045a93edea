// Command iamx is a terminal explorer for AWS IAM: it snapshots an account's
// users, groups, roles and policies, and answers who can do what, how, and why.
//
//	iamx [SOURCE]                               open the explorer
//	iamx snapshot [SOURCE] -o FILE|-            write SOURCE as an iamx snapshot
//	iamx can PRINCIPAL ACTION [RESOURCE] [-c KEY=VALUE]... [SOURCE]
//	iamx who-can ACTION [RESOURCE] [-c KEY=VALUE]... [SOURCE]
//	iamx perms PRINCIPAL [--service PREFIX] [--level LEVEL] [SOURCE]
//	iamx chains PRINCIPAL [--to ROLE] [--max-hops N] [SOURCE]
//	iamx privesc [PRINCIPAL] [SOURCE]
//	iamx findings [SOURCE] [--severity L] [--fail-on L]
//	iamx diff OLD NEW
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Exit statuses, part of the command-line contract.
const (
	exitOK     = 0 // success; for can: allowed
	exitDenied = 1 // can: denied
	exitError  = 2 // usage or input error
)

// command is one subcommand: it parses its own arguments and returns an exit status.
// The dispatcher is this table and the standard flag package rather than
// cobra: pflag would reject the single-dash long flags (-json, -demo) that
// the command-line contract has always accepted.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env is what a command may touch of the outside world.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	debug  bool // --debug: failures print their stack or raw SDK detail (see cli.go)
}

func commands() []command {
	return []command{
		{"snapshot", "write SOURCE as an iamx snapshot file", runSnapshot},
		{"can", "decide whether PRINCIPAL may perform ACTION on RESOURCE, and why", runCan},
		{"who-can", "list every principal that can perform ACTION on RESOURCE", runWhoCan},
		{"perms", "list the effective permissions of PRINCIPAL", runPerms},
		{"chains", "list the assume-role chains from PRINCIPAL", runChains},
		{"privesc", "list who can reach admin-equivalent access, and how", runPrivesc},
		{"findings", "list what is risky in SOURCE, most severe first", runFindings},
		{"diff", "what changed between two snapshots of one account, and what it means", runDiff},
	}
}

func main() {
	os.Exit(runWithSignals(&env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

// signalGrace is how long a command has, once interrupted, to stop on its
// own (close files, remove a temporary one, restore the terminal) before
// the process exits anyway: a read from a pipe or a long query may not look
// at its context in time.
const signalGrace = 500 * time.Millisecond

// runWithSignals runs the command and turns SIGINT and SIGTERM into
// cancellation of its context. An interrupted command exits 128 + the
// signal's number (130, 143), as shells report it, within signalGrace; a
// second signal exits at once.
func runWithSignals(e *env, args []string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan int, 1)
	go func() { done <- run(ctx, e, args) }()
	select {
	case code := <-done:
		return code
	case sig := <-sigs:
		stopped := &stoppedError{signalName(sig)}
		cancel(stopped)
		select {
		case <-done:
		case <-sigs:
		case <-time.After(signalGrace):
		}
		fmt.Fprintf(e.stderr, "iamx: %v\n", stopped)
		return 128 + int(sig.(syscall.Signal))
	}
}

// stoppedError is the cause of a command's cancellation by a signal. fail
// does not print it (or context.Canceled): runWithSignals says it once.
type stoppedError struct{ signal string }

func (e *stoppedError) Error() string { return "stopped by " + e.signal }

func signalName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

func run(ctx context.Context, e *env, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			code = internalError(e, r)
		}
	}()
	args, e.debug = takeDebug(args)
	args = hoistCommand(args)
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			if len(args) > 1 { // iamx help COMMAND
				if c, ok := findCommand(args[1]); ok {
					return c.run(ctx, e, []string{"--help"})
				}
			}
			usage(e.stdout)
			return exitOK
		case "-version", "--version":
			fmt.Fprintln(e.stdout, versionLine())
			return exitOK
		case "completion":
			return runCompletion(e, args[1:])
		case completeCommand:
			return runComplete(ctx, e, args[1:])
		}
		if c, ok := findCommand(args[0]); ok {
			return c.run(ctx, e, args[1:])
		}
	}
	return runExplorer(ctx, e, args)
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprint(w, `iamx — a terminal explorer for AWS IAM

Usage:
  iamx [SOURCE] [--baseline OLD]              open the explorer (:changes compares with OLD)
  iamx snapshot [SOURCE] -o FILE|-            write SOURCE as an iamx snapshot (.gz → gzip, - stdout)
  iamx can PRINCIPAL ACTION [RESOURCE] [-c KEY=VALUE]... [SOURCE]
  iamx can --batch FILE.jsonl [SOURCE]        one request per line, one JSON answer per line
  iamx who-can ACTION [RESOURCE] [-c KEY=VALUE]... [SOURCE]
  iamx perms PRINCIPAL [--service PREFIX] [--level LEVEL] [SOURCE]
  iamx chains PRINCIPAL [--to ROLE] [--max-hops N] [SOURCE]
  iamx privesc [PRINCIPAL] [--max-paths N] [SOURCE]  who can reach admin, and how
  iamx findings [SOURCE] [--severity L] [--fail-on L]  what is risky, most severe first
  iamx diff OLD NEW                           what changed between two snapshots, and what it means
  iamx completion bash|zsh|fish               print a shell completion script
  iamx --version                              print the version
  iamx COMMAND --help                         the usage of one command
  iamx COMMAND ... --debug                    on failure, also print an internal error's stack
                                              and a live error's raw AWS SDK detail

SOURCE:
  --demo                    the embedded demo account (no AWS credentials needed)
  --snapshot FILE|-         an iamx snapshot or get-account-authorization-details file,
                            - for standard input (repeatable: several accounts load together)
  (none)                    live, with the default AWS credential chain
  --profile NAME            live, with a named profile
  --region R                live, region for STS
  --role-arn ARN            live, assume this role first (with --external-id ID, --session-name S)
  --scp FILE                add a service control policy to evaluation (repeatable)

Every query command takes --json. RESOURCE defaults to *.
Exit status: 0 success (can: allowed), 1 can: denied (findings: a finding at or
above --fail-on), 2 usage or input error.
`)
}
