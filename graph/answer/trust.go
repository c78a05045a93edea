package answer

import (
	"strconv"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// TrustSummary is who a role's trust policy names as allowed to assume it,
// in document order, each with the conditions that guard it: the roles
// list's TRUSTED BY column. It summarises the document; whether an
// assumption really succeeds is the graph's answer (the Trust tab,
// graph.AssumableBy), and what is risky in it is the trust findings'.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
type TrustSummary struct {
	Role string `json:"role"`
	// Unreadable is set when the role has a trust policy that did not
	// parse: nobody is listed, and that is not "nobody may assume it".
	Unreadable bool      `json:"unreadable,omitempty"`
	Trusted    []Trusted `json:"trusted"`
}

// Trusted is one principal a trust statement lets assume the role.
type Trusted struct {
	// Principal is the identifier as the policy writes it (an ARN, an
	// account ID, a service, a provider ARN, "*"); empty for NotPrincipal.
	Principal string `json:"principal"`
	// Name is what people call it: "ci-bot", "this account", "GitHub OIDC".
	Name string `json:"name"`
	// Anyone is set for the wildcard principal and for NotPrincipal (all
	// but some): any AWS principal of any account.
	Anyone bool `json:"anyone,omitempty"`
	// Guards name the conditions on the statement: ExternalId, MFA, org,
	// IP, an OIDC subject pattern, or "cond" for anything else.
	Guards []string `json:"guards,omitempty"`
	// Statement is the evidence: the Sid or index of the statement.
	Statement string `json:"statement"`
}

// TrustOf summarises role r's trust policy; aliases maps the loaded
// accounts' IDs to their aliases.
func TrustOf(r *graph.Node, aliases map[string]string) TrustSummary {
	t := TrustSummary{Role: r.ARN, Trusted: []Trusted{}}
	if r.Role == nil {
		return t
	}
	p := r.Role.TrustPolicy.Policy
	if p == nil {
		t.Unreadable = len(r.Role.TrustPolicy.JSON) > 0
		return t
	}
	seen := map[string]bool{}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != policy.Allow || !st.MayAssumeRole() {
			continue
		}
		guards := trustGuards(st.Conditions)
		for _, who := range trustedBy(st, r.Account, aliases) {
			who.Guards, who.Statement = guards, st.Label()
			if k := who.text(); !seen[k] {
				seen[k] = true
				t.Trusted = append(t.Trusted, who)
			}
		}
	}
	return t
}

// AccountAliases maps each loaded account's ID to its alias.
func AccountAliases(g *graph.Graph) map[string]string {
	out := map[string]string{}
	for _, s := range g.Snapshots() {
		if s.AccountAlias != "" {
			out[s.AccountID] = s.AccountAlias
		}
	}
	return out
}

// String is the summary in one line: "ci-deployer, 999988887777
// (ExternalId), GitHub OIDC (repo:acme/app:*)".
func (t TrustSummary) String() string {
	if t.Unreadable {
		return "(unreadable trust policy)"
	}
	parts := make([]string, len(t.Trusted))
	for i, w := range t.Trusted {
		parts[i] = w.text()
	}
	return strings.Join(parts, ", ")
}

// Anyone reports whether the policy lets any AWS principal assume the role.
func (t TrustSummary) Anyone() bool {
	for _, w := range t.Trusted {
		if w.Anyone {
			return true
		}
	}
	return false
}

func (w Trusted) text() string {
	if len(w.Guards) == 0 {
		return w.Name
	}
	return w.Name + " (" + strings.Join(w.Guards, ", ") + ")"
}

func trustedBy(st *policy.Statement, account string, aliases map[string]string) []Trusted {
	if st.NotPrincipal != nil {
		return []Trusted{{Name: "anyone but some", Anyone: true}}
	}
	pr := st.Principal
	if pr == nil {
		return nil
	}
	if pr.Wildcard {
		return []Trusted{{Principal: "*", Name: "anyone", Anyone: true}}
	}
	var out []Trusted
	for _, a := range pr.AWS {
		out = append(out, Trusted{Principal: a, Name: awsPrincipalName(a, account, aliases), Anyone: a == "*"})
	}
	for _, s := range pr.Service {
		out = append(out, Trusted{Principal: s, Name: s})
	}
	for _, f := range pr.Federated {
		out = append(out, Trusted{Principal: f, Name: federatedName(f)})
	}
	for _, c := range pr.CanonicalUser {
		out = append(out, Trusted{Principal: c, Name: "S3 canonical user"})
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

// trustGuards names the guards on a trust statement: the external ID, MFA,
// organization, an OIDC subject (which repository or service account), or
// "cond" for anything else.
func trustGuards(conds []policy.Condition) []string {
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
				n += " +" + strconv.Itoa(len(c.Values)-1)
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
	return notes
}
