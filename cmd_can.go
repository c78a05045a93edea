package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iamx/iamx/graph/answer"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// canAnswer and canReason are graph/answer's: the command line renders the
// answer the explorer draws. (Aliases keep who-can's and chains' rows, which
// embed reasons, unchanged until their answers move too.)
type (
	canAnswer = answer.Can
	canReason = answer.Reason
)

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
	allowUnknown := fs.Bool("allow-unknown-action", false, allowUnknownUsage)
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
		return runCanBatch(e, g, in, *allowUnknown)
	}

	if len(pos) < 2 || len(pos) > 3 {
		return fail(e, usagef("can: expected PRINCIPAL ACTION [RESOURCE], got %s", countOf(len(pos), "argument", "arguments")))
	}
	resource := "*"
	if len(pos) == 3 {
		resource = pos[2]
	}
	action := pos[1]
	if err := checkRequest("can", action, resource, *allowUnknown); err != nil {
		return fail(e, err)
	}
	reqCtx := cflags.context()

	g, err := sourceGraph(ctx, e, &src)
	if err != nil {
		return fail(e, err)
	}
	n, err := g.Resolve(pos[0])
	if err != nil {
		return fail(e, fmt.Errorf("can: %w", err))
	}
	target, err := g.ResolveResource(action, resource)
	if err != nil {
		return fail(e, usagef("can: %v", err))
	}
	warnings := append(actionWarnings(action), contextWarnings(g, action, reqCtx)...)
	warnings = append(warnings, resourceWarnings(action, target.ARN)...)
	for _, w := range warnings {
		termsafe.Fprintf(e.stderr, "iamx: warning: %s\n", w)
	}
	ans, res := answer.Decide(g, n, action, target.ARN, reqCtx)
	ans.Assumptions = withAssumptions(target.Assumptions, ans.Assumptions)
	ans.Warnings = warnings
	ans.LoadWarnings = answer.WarningsOf(g).Request(g, n, target.ARN)
	for _, w := range ans.LoadWarnings {
		termsafe.Fprintf(e.stderr, "iamx: warning: %s (a document that did not load is left out of the answer)\n", w.String())
	}
	if *jsonOut {
		if err := writeJSON(e.stdout, ans); err != nil {
			return fail(e, err)
		}
	} else {
		out := bufio.NewWriter(e.stdout)
		printCan(out, g, n, reqCtx, ans, res)
		out.Flush()
	}
	if res.Decision == policy.Allowed {
		return exitOK
	}
	return exitDenied
}

// checkAction rejects what no AWS request can carry (policy.CheckAction),
// pointing pattern-writers at the command that lists what a pattern covers.
func checkAction(action string) error {
	err := policy.CheckAction(action)
	if errors.Is(err, policy.ErrActionPattern) {
		svc, _, _ := strings.Cut(action, ":")
		return fmt.Errorf("%w; use 'iamx perms PRINCIPAL --service %s' to list what a pattern covers", err, svc)
	}
	return err
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
