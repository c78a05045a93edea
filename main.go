// Command iamx is a terminal explorer for AWS IAM: it snapshots an account's
// users, groups, roles and policies, and answers who can do what, how, and why.
//
//	iamx [SOURCE]                               open the explorer
//	iamx snapshot [SOURCE] -o FILE              write SOURCE as an iamx snapshot
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
)

// Exit statuses, part of the command-line contract.
const (
	exitOK     = 0 // success; for can: allowed
	exitDenied = 1 // can: denied
	exitError  = 2 // usage or input error
)

// command is one subcommand: it parses its own arguments and returns an exit status.
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, e *env, args []string) (code int) {
	defer func() {
		// A bug must not reach the user as a stack trace: say it in one line.
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "iamx: internal error: %v\n", r)
			code = exitError
		}
	}()
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			usage(e.stdout)
			return exitOK
		}
		for _, c := range commands() {
			if args[0] == c.name {
				return c.run(ctx, e, args[1:])
			}
		}
	}
	return runExplorer(ctx, e, args)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `iamx — a terminal explorer for AWS IAM

Usage:
  iamx [SOURCE] [--baseline OLD]              open the explorer (:changes compares with OLD)
  iamx snapshot [SOURCE] -o FILE              write SOURCE as an iamx snapshot (.gz → gzip)
  iamx can PRINCIPAL ACTION [RESOURCE] [-c KEY=VALUE]... [SOURCE]
  iamx can --batch FILE.jsonl [SOURCE]        one request per line, one JSON answer per line
  iamx who-can ACTION [RESOURCE] [-c KEY=VALUE]... [SOURCE]
  iamx perms PRINCIPAL [--service PREFIX] [--level LEVEL] [SOURCE]
  iamx chains PRINCIPAL [--to ROLE] [--max-hops N] [SOURCE]
  iamx privesc [PRINCIPAL] [--max-paths N] [SOURCE]  who can reach admin, and how
  iamx findings [SOURCE] [--severity L] [--fail-on L]  what is risky, most severe first
  iamx diff OLD NEW                           what changed between two snapshots, and what it means

SOURCE:
  --demo                    the embedded demo account (no AWS credentials needed)
  --snapshot FILE           an iamx snapshot or get-account-authorization-details file
                            (repeatable: several accounts load together)
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
