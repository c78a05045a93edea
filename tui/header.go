package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/model"
)

// renderHeader draws the two header lines: which account, from where and
// when; who captured it; how big it is; and how many load warnings there are.
func renderHeader(c *Common, source string, width int) string {
	st := c.Styles
	g := c.Graph
	snaps := g.Snapshots()
	// Values come from the snapshot (alias, caller) and the command line
	// (source): escaped, so a file cannot write on the header.
	kv := func(k, v string) string {
		return st.HeaderKey.Render(k) + " " + st.HeaderValue.Render(termsafe.Escape(v))
	}
	sep := st.Muted.Render(" · ")

	var accounts []string
	for _, s := range snaps {
		accounts = append(accounts, snapshotLabel(s))
	}
	acctKey := "account"
	if len(snaps) > 1 {
		acctKey = fmt.Sprintf("%d accounts", len(snaps))
	}
	line1 := st.Accent.Render("iamx") + "  " + kv(acctKey, orDash(strings.Join(accounts, ", ")))
	if source != "" {
		line1 += sep + kv("source", source)
	}
	if t := latestCapture(snaps); !t.IsZero() {
		line1 += sep + kv("captured", t.UTC().Format("2006-01-02 15:04 UTC"))
	}

	callers := map[string]bool{}
	var caller []string
	warnings := 0
	for _, s := range snaps {
		if s.CapturedBy != "" && !callers[s.CapturedBy] {
			callers[s.CapturedBy] = true
			caller = append(caller, s.CapturedBy)
		}
		warnings += len(s.Warnings)
	}
	// Counts first: the caller ARN is the least needed, so truncation takes it.
	count := func(n int, one, many string) string {
		word := many
		if n == 1 {
			word = one
		}
		return st.HeaderValue.Render(strconv.Itoa(n)) + " " + word
	}
	line2 := count(len(g.Users()), "user", "users") + sep +
		count(len(g.Groups()), "group", "groups") + sep +
		count(len(g.Roles()), "role", "roles") + sep +
		count(len(g.Policies()), "policy", "policies")
	if warnings > 0 {
		line2 += sep + st.Warning.Render(fmt.Sprintf("⚠ %d warning%s (:warnings)", warnings, plural(warnings)))
	}
	line2 += sep + kv("caller", orDash(strings.Join(caller, ", ")))
	return ansi.Truncate(line1, width, "…") + "\n" + ansi.Truncate(line2, width, "…")
}

func snapshotLabel(s *model.Snapshot) string {
	if s.AccountAlias != "" {
		return s.AccountID + " (" + s.AccountAlias + ")"
	}
	return s.AccountID
}

func latestCapture(snaps []*model.Snapshot) time.Time {
	var t time.Time
	for _, s := range snaps {
		if s.CapturedAt.After(t) {
			t = s.CapturedAt
		}
	}
	return t
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
