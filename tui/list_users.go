package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
)

// NewUsersPage lists IAM users with what matters when credentials leak:
// MFA, when the password and the access keys were last used, and whether
// the user is effectively an administrator.
func NewUsersPage(c *Common) Page {
	creds := credentialIndex(c.Graph)
	cred := func(n *graph.Node) *model.CredentialReportRow { return creds[n.ARN] }
	cols := []Column[*graph.Node]{nameColumn()}
	if multiAccount(c.Graph) {
		cols = append(cols, accountColumn())
	}
	cols = append(cols,
		Column[*graph.Node]{
			Title: "GROUPS", Min: 8, Max: 40, Flex: true,
			Cell: func(n *graph.Node) string {
				if n.User == nil {
					return ""
				}
				return strings.Join(n.User.Groups, ", ")
			},
		},
		Column[*graph.Node]{
			Title: "MFA", Min: 3, Max: 3,
			Cell: func(n *graph.Node) string { return mfaCell(cred(n)) },
			Style: func(n *graph.Node, s string) *lipgloss.Style {
				// A console password without MFA is the finding on-call looks for.
				if s == "no" && passwordEnabled(cred(n)) {
					return &c.Styles.Warning
				}
				return nil
			},
		},
		Column[*graph.Node]{
			Title: "PASSWORD USED", Min: 10, Max: 13,
			Cell: func(n *graph.Node) string { return passwordUsedCell(cred(n)) },
			Less: func(a, b *graph.Node) int { return compareTime(passwordUsed(cred(a)), passwordUsed(cred(b))) },
		},
		Column[*graph.Node]{
			Title: "KEYS", Min: 4, Max: 6, Right: true,
			Cell: func(n *graph.Node) string { return countCell(activeKeys(cred(n))) },
			Less: func(a, b *graph.Node) int { return compareInt(activeKeys(cred(a)), activeKeys(cred(b))) },
		},
		Column[*graph.Node]{
			Title: "KEY USED", Min: 10, Max: 10,
			Cell: func(n *graph.Node) string { return dateCell(keyUsed(cred(n)), keyNeverCell(cred(n))) },
			Less: func(a, b *graph.Node) int { return compareTime(keyUsed(cred(a)), keyUsed(cred(b))) },
		},
		adminColumn(c),
	)
	c.Graph.WarmAdmin(c.Graph.Users()) // the ADMIN column asks every row: decide them on all cores first
	p := newListPage(c, "Users", cols, c.Graph.Users())
	return p
}

// credentialIndex maps user ARNs to their credential report rows across
// every loaded snapshot. Rows without an ARN are matched by user name.
func credentialIndex(g *graph.Graph) map[string]*model.CredentialReportRow {
	out := map[string]*model.CredentialReportRow{}
	for _, s := range g.Snapshots() {
		byName := map[string]*model.CredentialReportRow{}
		for i := range s.CredentialReport {
			row := &s.CredentialReport[i]
			if row.ARN != "" {
				out[row.ARN] = row
			}
			byName[row.User] = row
		}
		for _, u := range s.Users {
			if _, ok := out[u.ARN]; !ok {
				if row := byName[u.Name]; row != nil {
					out[u.ARN] = row
				}
			}
		}
	}
	return out
}

// reportTime parses a credential report timestamp; "N/A", "no_information"
// and "not_supported" are zero.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
func reportTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func mfaCell(r *model.CredentialReportRow) string {
	switch {
	case r == nil:
		return "-"
	case r.MFAActive == "true":
		return "yes"
	case r.MFAActive == "false":
		return "no"
	}
	return "-"
}

func passwordEnabled(r *model.CredentialReportRow) bool {
	return r != nil && r.PasswordEnabled == "true"
}

func passwordUsed(r *model.CredentialReportRow) time.Time {
	if r == nil {
		return time.Time{}
	}
	return reportTime(r.PasswordLastUsed)
}

// passwordUsedCell: a date; "never" for a password never used; "no password"
// when the user cannot sign in to the console; "-" when there is no report.
func passwordUsedCell(r *model.CredentialReportRow) string {
	switch {
	case r == nil:
		return "-"
	case r.PasswordEnabled == "false" || r.PasswordLastUsed == "N/A" && r.PasswordEnabled != "true":
		return "no password"
	}
	return dateCell(passwordUsed(r), "never")
}

func activeKeys(r *model.CredentialReportRow) int {
	if r == nil {
		return 0
	}
	n := 0
	for _, v := range []string{r.AccessKey1Active, r.AccessKey2Active} {
		if b, err := strconv.ParseBool(v); err == nil && b {
			n++
		}
	}
	return n
}

// keyUsed is the latest use of either access key.
func keyUsed(r *model.CredentialReportRow) time.Time {
	if r == nil {
		return time.Time{}
	}
	a, b := reportTime(r.AccessKey1LastUsedDate), reportTime(r.AccessKey2LastUsedDate)
	if b.After(a) {
		return b
	}
	return a
}

func keyNeverCell(r *model.CredentialReportRow) string {
	if activeKeys(r) > 0 {
		return "never"
	}
	return "-"
}
