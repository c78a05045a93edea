package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/internal/termsafe"
)

// renderErrorView explains a failure to load — no credentials, access
// denied, a bad file — and what to do next, instead of dropping the user
// back at a shell with a stack of SDK text.
func renderErrorView(st *Styles, source string, err error, width, height int) string {
	msg := oneLineText(err.Error())
	lower := strings.ToLower(msg)
	lines := []string{
		st.Error.Render("iamx could not load the account"),
		"",
	}
	for _, l := range wrap(msg, width-2) {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "")
	switch {
	case strings.Contains(lower, "accessdenied") || strings.Contains(lower, "access denied") || strings.Contains(lower, "not authorized"):
		lines = append(lines,
			"The credentials work but may not read IAM. iamx needs read-only IAM access:",
			"  iam:GetAccountAuthorizationDetails, iam:ListAccountAliases,",
			"  iam:GenerateCredentialReport, iam:GetCredentialReport, sts:GetCallerIdentity",
			"(the README lists the minimal policy).")
	case strings.Contains(lower, "credential") || strings.Contains(lower, "no valid providers") || strings.Contains(lower, "token") || strings.Contains(lower, "sso"):
		lines = append(lines,
			"No usable AWS credentials were found. Check them with:",
			"  aws sts get-caller-identity            (or: aws sso login --profile NAME)",
			"then run iamx again, or pick a profile with --profile NAME.")
	}
	if len(lines) > 0 && lines[len(lines)-1] != "" {
		lines = append(lines, "")
	}
	lines = append(lines,
		st.Title.Render("Other ways in:"),
		"  iamx --demo               explore the built-in demo account, no AWS needed",
		"  iamx --snapshot FILE      open a saved snapshot or a get-account-authorization-details file",
		"                            (make one with: iamx snapshot -o FILE,",
		"                             or: aws iam get-account-authorization-details > FILE)",
		"",
		st.Muted.Render("q quits"))
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return strings.Join(lines, "\n")
}

// wrap breaks text into lines of at most width cells at spaces.
func wrap(s string, width int) []string {
	if width < 10 {
		width = 10
	}
	var out []string
	var cur string
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case ansi.StringWidth(cur)+1+ansi.StringWidth(w) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// oneLineText is a message (an SDK error, a loader's complaint quoting the
// file) as one line of escaped text: runs of white space become one space,
// and what is left that a terminal would obey is shown escaped.
func oneLineText(s string) string {
	return termsafe.Escape(strings.Join(strings.Fields(s), " "))
}
