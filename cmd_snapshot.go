package main

import (
	"context"
	"fmt"

	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

// maxShownWarnings bounds how many load warnings the snapshot command prints;
// all of them are kept in the written file.
const maxShownWarnings = 10

// runSnapshot writes SOURCE as an iamx snapshot: a live capture saved for
// later, the demo account, or a get-account-authorization-details file
// converted. Load warnings are printed and kept in the file.
func runSnapshot(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("snapshot")
	var src sourceFlags
	src.register(fs)
	var out string
	fs.StringVar(&out, "o", "", "write the snapshot to `FILE` (.gz → gzip; - is standard output)")
	fs.StringVar(&out, "output", "", "write the snapshot to `FILE` (.gz → gzip; - is standard output)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, err)
	}
	switch {
	case len(pos) > 0:
		return fail(e, usagef("snapshot: unexpected argument %q (usage: iamx snapshot [SOURCE] -o FILE|-)", pos[0]))
	case out == "":
		return fail(e, usagef("snapshot: -o FILE is required (usage: iamx snapshot [SOURCE] -o FILE|-)"))
	case len(src.snapshots) > 1:
		return fail(e, usagef("snapshot: one account per snapshot file; got %d --snapshot files", len(src.snapshots)))
	case len(src.scps) > 0:
		return fail(e, usagef("snapshot: --scp applies to queries, not to snapshot files"))
	}
	snaps, err := src.loadSnapshots(ctx, e, commandProgress(e))
	if err != nil {
		return fail(e, err)
	}
	if len(snaps) != 1 {
		return fail(e, fmt.Errorf("snapshot: expected one account from %s, got %d", src.describe(), len(snaps)))
	}
	s := snaps[0]
	if out == "-" {
		if err := loader.EncodeTo(ctx, e.stdout, false, s); err != nil {
			return fail(e, fmt.Errorf("write standard output: %w", err))
		}
		out = "standard output"
	} else if err := loader.WriteFileContext(ctx, out, s); err != nil {
		return fail(e, err)
	}
	for i, w := range s.Warnings {
		if i == maxShownWarnings {
			termsafe.Fprintf(e.stderr, "iamx: warning: … and %d more, kept in %s\n", len(s.Warnings)-i, out)
			break
		}
		termsafe.Fprintf(e.stderr, "iamx: warning: %s\n", oneLine(w.String()))
	}
	termsafe.Fprintf(e.stderr, "iamx: wrote %s: %s\n", out, summary(s))
	return exitOK
}

// summary describes a snapshot in one line: account, counts, warnings.
func summary(s *model.Snapshot) string {
	account := s.AccountID
	if account == "" {
		account = "unknown account"
	} else {
		account = "account " + account
	}
	if s.AccountAlias != "" {
		account += " (" + s.AccountAlias + ")"
	}
	return fmt.Sprintf("%s, %s, %s, %s, %s, %s, %s", account, countOf(len(s.Users), "user", "users"),
		countOf(len(s.Groups), "group", "groups"), countOf(len(s.Roles), "role", "roles"),
		countOf(len(s.Policies), "managed policy", "managed policies"),
		countOf(len(s.CredentialReport), "credential report row", "credential report rows"), countOf(len(s.Warnings), "warning", "warnings"))
}
