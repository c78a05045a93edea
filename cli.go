package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/policy"
)

// usageError is a mistake in the command line; it exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// fail prints err as one line on stderr and returns the error exit status.
func fail(e *env, err error) int {
	termsafe.Fprintf(e.stderr, "iamx: %s\n", oneLine(err.Error()))
	return exitError
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
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
				return nil, usagef("%s: see 'iamx help'", fs.Name())
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

// checkRequest rejects an ACTION or RESOURCE no AWS request can carry.
func checkRequest(cmd, action, resource string) error {
	if err := checkAction(action); err != nil {
		return usagef("%s: %v", cmd, err)
	}
	if resource == "" {
		return usagef("%s: RESOURCE is empty; leave it out for *", cmd)
	}
	return nil
}
