package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// NewRolesPage lists roles with who they trust (read from the trust policy,
// with the conditions that guard it), when they were last used, whether they
// are admin-equivalent, and their permissions boundary.
func NewRolesPage(c *Common) Page {
	aliases := accountAliases(c.Graph)
	cols := []Column[*graph.Node]{nameColumn()}
	if multiAccount(c.Graph) {
		cols = append(cols, accountColumn())
	}
	cols = append(cols,
		Column[*graph.Node]{
			Title: "TRUSTED BY", Min: 12, Max: 60, Flex: true,
			Cell: func(n *graph.Node) string {
				if n.Role == nil {
					return ""
				}
				return trustSummary(n.Role, n.Account, aliases)
			},
			Style: func(_ *graph.Node, s string) *lipgloss.Style {
				if strings.HasPrefix(s, "anyone") || strings.Contains(s, ", anyone") {
					return &c.Styles.Error
				}
				return nil
			},
		},
		Column[*graph.Node]{
			Title: "LAST USED", Min: 10, Max: 10,
			Cell: func(n *graph.Node) string { return dateCell(roleLastUsed(n), "never") },
			Less: func(a, b *graph.Node) int { return compareTime(roleLastUsed(a), roleLastUsed(b)) },
		},
		adminColumn(c),
		Column[*graph.Node]{
			Title: "BOUNDARY", Min: 8, Max: 24,
			Cell: func(n *graph.Node) string {
				if n.Role == nil || n.Role.PermissionsBoundary == "" {
					return ""
				}
				return policyNameOf(n.Role.PermissionsBoundary)
			},
		},
	)
	c.Graph.WarmAdmin(c.Graph.Roles()) // the ADMIN column asks every row: decide them on all cores first
	return newListPage(c, "Roles", cols, c.Graph.Roles())
}

func roleLastUsed(n *graph.Node) time.Time {
	if n.Role == nil || n.Role.LastUsed == nil {
		return time.Time{}
	}
	return n.Role.LastUsed.LastUsedDate
}

// policyNameOf is the last path segment of a managed policy ARN.
func policyNameOf(a string) string {
	if i := strings.LastIndexByte(a, '/'); i >= 0 {
		return a[i+1:]
	}
	return a
}

func accountAliases(g *graph.Graph) map[string]string {
	out := map[string]string{}
	for _, s := range g.Snapshots() {
		if s.AccountAlias != "" {
			out[s.AccountID] = s.AccountAlias
		}
	}
	return out
}

// trustSummary names, in document order, who a role's trust policy lets
// assume it, each with the conditions that guard it in brackets:
// "ci-deployer, 999988887777 (ExternalId), GitHub OIDC (repo:acme/app:*)".
// It summarises the document; whether an assumption really succeeds is the
// graph's answer, shown on the role's Trust tab.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func trustSummary(r *model.Role, account string, aliases map[string]string) string {
	p := r.TrustPolicy.Policy
	if p == nil {
		if len(r.TrustPolicy.JSON) > 0 {
			return "(unreadable trust policy)"
		}
		return ""
	}
	var parts []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != policy.Allow || !mayAssume(st) {
			continue
		}
		note := trustConditionNote(st.Conditions)
		for _, who := range trustedNames(st, account, aliases) {
			add(who + note)
		}
	}
	return strings.Join(parts, ", ")
}

// mayAssume reports whether a trust statement's actions can include one of
// the sts:AssumeRole* actions.
func mayAssume(st *policy.Statement) bool {
	if len(st.NotAction) > 0 {
		return true // NotAction allows everything it does not name; close enough for a summary
	}
	for _, a := range st.Action {
		l := strings.ToLower(a)
		if l == "*" || l == "sts:*" || strings.HasPrefix(l, "sts:assumerole") || strings.HasPrefix("sts:assumerole", strings.TrimSuffix(l, "*")) {
			return true
		}
	}
	return false
}

func trustedNames(st *policy.Statement, account string, aliases map[string]string) []string {
	if st.NotPrincipal != nil {
		return []string{"anyone but some"}
	}
	pr := st.Principal
	if pr == nil {
		return nil
	}
	if pr.Wildcard {
		return []string{"anyone"}
	}
	var out []string
	for _, a := range pr.AWS {
		out = append(out, awsPrincipalName(a, account, aliases))
	}
	out = append(out, pr.Service...)
	for _, f := range pr.Federated {
		out = append(out, federatedName(f))
	}
	for range pr.CanonicalUser {
		out = append(out, "S3 canonical user")
	}
	return out
}

func awsPrincipalName(s, account string, aliases map[string]string) string {
	if s == "*" {
		return "anyone"
	}
	acct := s
	if !arn.IsAccountID(s) {
		a, err := arn.Parse(s)
		if err != nil {
			return s
		}
		acct = a.Account
		if a.Resource != "root" {
			if acct == account {
				return a.Name()
			}
			return acct + ":" + a.ResourceType() + "/" + a.Name()
		}
	}
	if acct == account {
		return "this account"
	}
	if alias := aliases[acct]; alias != "" {
		return acct + " " + alias
	}
	return acct
}

// federatedName gives identity providers the names people use for them.
func federatedName(f string) string {
	host := f
	if i := strings.Index(f, ":oidc-provider/"); i >= 0 {
		host = f[i+len(":oidc-provider/"):]
	} else if i := strings.Index(f, ":saml-provider/"); i >= 0 {
		return "SAML " + f[i+len(":saml-provider/"):]
	}
	switch {
	case host == "token.actions.githubusercontent.com":
		return "GitHub OIDC"
	case strings.HasPrefix(host, "oidc.eks.") && strings.Contains(host, ".amazonaws.com"):
		return "EKS OIDC"
	case host == "cognito-identity.amazonaws.com":
		return "Cognito"
	case host == "accounts.google.com":
		return "Google"
	case host == "graph.facebook.com":
		return "Facebook"
	case host == "www.amazon.com":
		return "Login with Amazon"
	case host == "gitlab.com":
		return "GitLab OIDC"
	}
	if host != f {
		return "OIDC " + host
	}
	return f
}

// trustConditionNote names the guards on a trust statement: the external ID,
// MFA, organization, an OIDC subject (which repository or service account),
// or "cond" for anything else.
func trustConditionNote(conds []policy.Condition) string {
	if len(conds) == 0 {
		return ""
	}
	var notes []string
	seen := map[string]bool{}
	for _, c := range conds {
		k := strings.ToLower(c.Key)
		var n string
		switch {
		case k == "sts:externalid":
			n = "ExternalId"
		case k == "aws:multifactorauthpresent" || k == "aws:multifactorauthage":
			n = "MFA"
		case k == "aws:principalorgid" || k == "aws:principalorgpaths":
			n = "org"
		case k == "aws:sourceip":
			n = "IP"
		case strings.HasSuffix(k, ":sub") && len(c.Values) > 0:
			n = c.Values[0]
			if len(c.Values) > 1 {
				n += " +" + fmtInt(len(c.Values)-1)
			}
		case strings.HasSuffix(k, ":aud"):
			continue // the audience check is routine; the subject says who
		default:
			n = "cond"
		}
		if !seen[n] {
			seen[n] = true
			notes = append(notes, n)
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}
