package answer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Severity ranks a finding. The order is the contract of --severity and
// --fail-on: critical > high > medium > low > info.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank is higher for more severe findings; 0 for an unknown severity.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 5
	case High:
		return 4
	case Medium:
		return 3
	case Low:
		return 2
	case Info:
		return 1
	}
	return 0
}

// ParseSeverity reads a severity as --severity and --fail-on take it.
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q: expected critical, high, medium, low or info", s)
	}
	return v, nil
}

// StaleAfter is how old a credential or a role's last use may get before a
// finding: the 90 days of CIS AWS Foundations key rotation, judged against
// the snapshot's capture time, never the wall clock.
const StaleAfter = 90 * 24 * time.Hour

// Findings is the answer of `iamx findings`: findings most severe first.
type Findings struct {
	Findings []Finding `json:"findings"`
	// Assumptions name the checks that could not run on this data (no
	// credential report, no capture time): their silence is not a pass.
	Assumptions []string `json:"assumptions"`
}

// Finding is one thing that deserves a second look. Exactly one of
// Principal and Resource is set.
type Finding struct {
	ID        string     `json:"id"`
	Severity  Severity   `json:"severity"`
	Principal string     `json:"principal,omitempty"`
	Resource  string     `json:"resource,omitempty"`
	Title     string     `json:"title"`
	Detail    string     `json:"detail"`
	Evidence  []Evidence `json:"evidence"`
	Reference string     `json:"reference,omitempty"`
}

// Subject is the ARN the finding is about.
func (f *Finding) Subject() string {
	if f.Principal != "" {
		return f.Principal
	}
	return f.Resource
}

// Evidence is one fact behind a finding: a statement (policy and Sid or
// index), a path of hops, a trust edge or a credential report field.
type Evidence struct {
	Kind      string       `json:"kind"` // statement, path, trust, credential_report, last_used
	Policy    string       `json:"policy,omitempty"`
	Statement string       `json:"statement,omitempty"`
	Field     string       `json:"field,omitempty"`
	Value     string       `json:"value,omitempty"`
	Path      []PrivescHop `json:"path,omitempty"`
	Text      string       `json:"text"`
}

// References: the AWS documentation page or CIS AWS Foundations Benchmark
// (v3.0.0) control of each rule.
const (
	refEscalation   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"
	refAnonymous    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous"
	refExternalID   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html"
	refOIDC         = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub"
	refCISMFA       = "CIS AWS Foundations 1.10: MFA for every IAM user with a console password"
	refCISUnused    = "CIS AWS Foundations 1.12: credentials unused for 45 days or more are disabled (iamx: 90)"
	refCISOneKey    = "CIS AWS Foundations 1.13: at most one active access key per user"
	refCISRotate    = "CIS AWS Foundations 1.14: access keys rotated every 90 days or less"
	refCISRootKeys  = "CIS AWS Foundations 1.4: no root user access key exists"
	refCISRootMFA   = "CIS AWS Foundations 1.5: MFA is enabled for the root user"
	refCISStarStar  = "CIS AWS Foundations 1.16: no IAM policy with full \"*:*\" administrative privileges is attached"
	refLastUsed     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html#roles-delete_prerequisites"
	refPassRole     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html"
	refVersions     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html"
	refBoundaryEdit = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate"
)

// FindingsOf runs every check over g. pv is g's escalation analysis.
func FindingsOf(g *graph.Graph, pv *graph.Privesc) Findings {
	return FindingsAbout(g, pv, nil)
}

// FindingsAbout runs the checks only on the entities whose ARN is in only
// (every entity when only is nil): a diff asks about what changed.
func FindingsAbout(g *graph.Graph, pv *graph.Privesc, only map[string]bool) Findings {
	c := checker{g: g, pv: pv, only: only}
	c.escalation()
	for _, r := range g.Roles() {
		if !c.wants(r.ARN) {
			continue
		}
		c.trust(r)
		c.unusedAdminRole(r)
	}
	for _, s := range g.Snapshots() {
		c.credentials(s)
	}
	c.policies()
	c.boundaries()
	c.resources() // findings_resources.go
	SortFindings(c.out)
	if c.out == nil {
		c.out = []Finding{}
	}
	sort.Strings(c.assumptions)
	if c.assumptions == nil {
		c.assumptions = []string{}
	}
	return Findings{Findings: c.out, Assumptions: c.assumptions}
}

// SortFindings orders findings most severe first, then by id and subject.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Subject() < b.Subject()
	})
}

// About returns the findings about one ARN, in the order of fs.
func (f Findings) About(arn string) []Finding {
	var out []Finding
	for _, x := range f.Findings {
		if x.Subject() == arn {
			out = append(out, x)
		}
	}
	return out
}

// AtLeast returns the findings at or above min.
func (f Findings) AtLeast(min Severity) []Finding {
	out := []Finding{}
	for _, x := range f.Findings {
		if x.Severity.Rank() >= min.Rank() {
			out = append(out, x)
		}
	}
	return out
}

type checker struct {
	g           *graph.Graph
	pv          *graph.Privesc
	only        map[string]bool
	out         []Finding
	assumptions []string
}

func (c *checker) wants(arn string) bool { return c.only == nil || c.only[arn] }

func (c *checker) add(f Finding) {
	if f.Evidence == nil {
		f.Evidence = []Evidence{}
	}
	c.out = append(c.out, f)
}

func (c *checker) assume(s string) {
	for _, a := range c.assumptions {
		if a == s {
			return
		}
	}
	c.assumptions = append(c.assumptions, s)
}

// escalation: principals that are not admin-equivalent but can reach it
// through trust and the escalation catalogue (the privesc analysis). An
// escalation to admin is critical; a path that needs MFA on the way is high.
func (c *checker) escalation() {
	for _, n := range c.pv.Reachable() {
		if !c.wants(n.ARN) {
			continue
		}
		path := c.pv.Shortest(n)
		hops := hopsOf(c.pv, path)
		p := principalOf(c.pv, n, path)
		sev, cond := Critical, ""
		for _, k := range p.MissingContext {
			if strings.EqualFold(k, "aws:MultiFactorAuthPresent") || strings.EqualFold(k, "aws:MultiFactorAuthAge") {
				sev = High
			}
		}
		if p.Conditional {
			cond = "; conditional on " + strings.Join(p.MissingContext, ", ")
		}
		kinds := make([]string, len(hops))
		for i, h := range hops {
			kinds[i] = h.Kind
		}
		ref := refEscalation
		for _, h := range hops {
			if h.Reference != "" {
				ref = h.Reference
				break
			}
		}
		c.add(Finding{ID: "escalation-to-admin", Severity: sev, Principal: n.ARN,
			Title:     "can reach admin-equivalent access without having it",
			Detail:    fmt.Sprintf("%d hop(s): %s → %s%s", len(hops), strings.Join(kinds, " → "), hops[len(hops)-1].To, cond),
			Evidence:  []Evidence{{Kind: "path", Path: hops, Text: "shortest path to admin (iamx privesc " + n.ARN + ")"}},
			Reference: ref})
	}
}

// trust: who may assume role r that should not.
func (c *checker) trust(r *graph.Node) {
	admin := c.g.IsAdmin(r) || c.pv.Hops(r) >= 0
	for _, e := range c.g.AssumableBy(r) {
		ev := []Evidence{trustEvidence(r, e)}
		from := e.From
		switch {
		case from.Principal.Kind == principal.Anyone:
			sev, detail := Critical, "any AWS principal of any account may assume it, with no condition"
			if len(e.Conditions) > 0 {
				sev, detail = High, "any AWS principal of any account may assume it when "+conditionText(e.Conditions)
			}
			c.add(Finding{ID: "trust-open-to-anyone", Severity: sev, Resource: r.ARN, Title: "trust policy open to anyone",
				Detail: detail, Evidence: ev, Reference: refAnonymous})
		case from.Principal.Kind == principal.Account && from.Account != r.Account &&
			!hasConditionKey(e.Conditions, "sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalArn", "aws:PrincipalOrgPaths"):
			sev := Medium
			if admin {
				sev = High
			}
			c.add(Finding{ID: "trust-outside-account", Severity: sev, Resource: r.ARN,
				Title:    "account " + from.Account + " may assume it without sts:ExternalId",
				Detail:   fmt.Sprintf("any principal of account %s that its own policies allow may assume it; a third party should be bound with sts:ExternalId (or the organization with aws:PrincipalOrgID)%s", from.Account, adminNote(admin)),
				Evidence: ev, Reference: refExternalID})
		case e.Kind == graph.EdgeWebIdentity:
			c.oidcTrust(r, e, ev, admin)
		}
	}
}

func adminNote(admin bool) string {
	if admin {
		return "; the role is admin-equivalent or can reach it"
	}
	return ""
}

// oidcTrust: a web identity trust must pin the token's subject to one
// owner's workloads: without a sub condition any repository of the
// provider (any GitHub user's workflow) may assume the role.
func (c *checker) oidcTrust(r *graph.Node, e graph.Edge, ev []Evidence, admin bool) {
	var subs []policy.Condition
	for _, k := range e.Conditions {
		if strings.HasSuffix(strings.ToLower(k.Key), ":sub") {
			subs = append(subs, k)
		}
	}
	if len(subs) == 0 {
		c.add(Finding{ID: "oidc-trust-without-sub", Severity: High, Resource: r.ARN,
			Title:    "web identity trust without a sub condition",
			Detail:   fmt.Sprintf("tokens of %s for any subject may assume it: any repository or workload of that provider%s", e.From.Name, adminNote(admin)),
			Evidence: ev, Reference: refOIDC})
		return
	}
	for _, k := range subs {
		if k.Negated() {
			continue
		}
		for _, v := range k.Values {
			if wildcardOwner(v) {
				c.add(Finding{ID: "oidc-sub-wildcard-owner", Severity: High, Resource: r.ARN,
					Title:    "web identity sub condition with a wildcard spanning owners",
					Detail:   fmt.Sprintf("%s %s %q matches subjects of every owner (organization or user) of %s%s", k.Operator, k.Key, v, e.From.Name, adminNote(admin)),
					Evidence: ev, Reference: refOIDC})
			}
		}
	}
}

// wildcardOwner reports whether a sub pattern has a wildcard before the
// owner ends: GitHub's "repo:OWNER/REPO:…" (and most providers' "…:OWNER/…")
// put the owner before the first "/".
func wildcardOwner(v string) bool {
	owner, _, _ := strings.Cut(v, "/")
	return strings.ContainsAny(owner, "*?")
}

func trustEvidence(r *graph.Node, e graph.Edge) Evidence {
	ev := Evidence{Kind: "trust", Policy: r.ARN + "#trust policy", Text: e.From.Label() + " ─" + e.Kind + "→ " + r.Label()}
	if len(e.Reasons) > 0 {
		ev.Statement = policy.StatementLabel(e.Reasons[0].Sid, e.Reasons[0].Index)
	}
	if len(e.Conditions) > 0 {
		ev.Text += " if " + conditionText(e.Conditions)
	}
	return ev
}

func conditionText(cs []policy.Condition) string {
	parts := make([]string, len(cs))
	for i, k := range cs {
		parts[i] = k.Operator + " " + k.Key + " " + strings.Join(k.Values, "|")
	}
	return strings.Join(parts, " and ")
}

func hasConditionKey(cs []policy.Condition, keys ...string) bool {
	for _, c := range cs {
		for _, k := range keys {
			if strings.EqualFold(c.Key, k) {
				return true
			}
		}
	}
	return false
}

// unusedAdminRole: an admin role nobody used for 90 days is standing
// access worth removing. Only a recorded RoleLastUsed counts: GAAD leaves
// it out both for "never" and for "not tracked".
func (c *checker) unusedAdminRole(r *graph.Node) {
	now := capturedAt(r)
	if !c.g.IsAdmin(r) || r.Role.LastUsed == nil || r.Role.LastUsed.LastUsedDate.IsZero() {
		return
	}
	if now.IsZero() {
		c.assume("the snapshot has no capture time: the 90-day checks did not run")
		return
	}
	last := r.Role.LastUsed.LastUsedDate
	if now.Sub(last) <= StaleAfter {
		return
	}
	c.add(Finding{ID: "admin-role-unused", Severity: Medium, Resource: r.ARN, Title: "admin role unused for 90 days",
		Detail:    fmt.Sprintf("admin-equivalent, last used %s (%d days before the capture)", last.UTC().Format("2006-01-02"), days(now.Sub(last))),
		Evidence:  []Evidence{{Kind: "last_used", Field: "RoleLastUsed.LastUsedDate", Value: last.UTC().Format(time.RFC3339), Text: "RoleLastUsed in get-account-authorization-details"}},
		Reference: refLastUsed})
}

func capturedAt(n *graph.Node) time.Time {
	if n.Snapshot == nil {
		return time.Time{}
	}
	return n.Snapshot.CapturedAt
}

func days(d time.Duration) int { return int(d.Hours() / 24) }

// reportTime reads a credential report time; ok is false for N/A,
// no_information and the like.
func reportTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

func field(name, value string) Evidence {
	return Evidence{Kind: "credential_report", Field: name, Value: value, Text: name + " = " + value}
}

// credentials: the credential report's rows, judged at capture time.
func (c *checker) credentials(s *model.Snapshot) {
	if len(s.CredentialReport) == 0 {
		c.assume(fmt.Sprintf("account %s: no credential report in the snapshot: MFA, password, access key and inactivity checks did not run", s.AccountID))
		return
	}
	now := s.CapturedAt
	if now.IsZero() {
		c.assume("the snapshot has no capture time: the 90-day checks did not run")
	}
	for i := range s.CredentialReport {
		r := &s.CredentialReport[i]
		if r.User == "<root_account>" {
			c.root(s, r)
			continue
		}
		n := c.g.Node(r.ARN)
		if n == nil || n.User == nil || !c.wants(n.ARN) {
			continue
		}
		c.user(n, r, now)
	}
}

func (c *checker) root(s *model.Snapshot, r *model.CredentialReportRow) {
	arn := r.ARN
	if arn == "" {
		arn = "arn:" + s.Partition + ":iam::" + s.AccountID + ":root"
	}
	if !c.wants(arn) {
		return
	}
	for _, k := range [][2]string{{"access_key_1_active", r.AccessKey1Active}, {"access_key_2_active", r.AccessKey2Active}} {
		if k[1] == "true" {
			c.add(Finding{ID: "root-access-key", Severity: Critical, Principal: arn, Title: "root user has an active access key",
				Detail: "the root user's keys cannot be limited by any policy", Evidence: []Evidence{field(k[0], k[1])}, Reference: refCISRootKeys})
		}
	}
	if r.MFAActive == "false" {
		c.add(Finding{ID: "root-without-mfa", Severity: Critical, Principal: arn, Title: "root user without MFA",
			Detail: "the root user signs in with a password alone", Evidence: []Evidence{field("mfa_active", r.MFAActive)}, Reference: refCISRootMFA})
	}
}

type reportKey struct {
	n                        int
	active, rotated, used    string
	activeF, rotatedF, usedF string
}

func (c *checker) user(n *graph.Node, r *model.CredentialReportRow, now time.Time) {
	admin := c.g.IsAdmin(n)
	password := r.PasswordEnabled == "true"
	noMFA := r.MFAActive == "false"
	switch {
	case admin && noMFA:
		c.add(Finding{ID: "admin-user-without-mfa", Severity: High, Principal: n.ARN, Title: "admin-equivalent user without MFA",
			Detail:   "an administrator whose credentials alone are enough",
			Evidence: []Evidence{field("mfa_active", r.MFAActive), field("password_enabled", r.PasswordEnabled)}, Reference: refCISMFA})
	case password && noMFA:
		c.add(Finding{ID: "console-password-without-mfa", Severity: Medium, Principal: n.ARN, Title: "console password without MFA",
			Detail:   "the user signs in to the console with a password alone",
			Evidence: []Evidence{field("password_enabled", r.PasswordEnabled), field("mfa_active", r.MFAActive)}, Reference: refCISMFA})
	}
	keys := []reportKey{
		{1, r.AccessKey1Active, r.AccessKey1LastRotated, r.AccessKey1LastUsedDate, "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date"},
		{2, r.AccessKey2Active, r.AccessKey2LastRotated, r.AccessKey2LastUsedDate, "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date"},
	}
	if keys[0].active == "true" && keys[1].active == "true" {
		c.add(Finding{ID: "two-active-access-keys", Severity: Low, Principal: n.ARN, Title: "two active access keys",
			Detail:   "one of them is likely forgotten",
			Evidence: []Evidence{field(keys[0].activeF, "true"), field(keys[1].activeF, "true")}, Reference: refCISOneKey})
	}
	if now.IsZero() {
		return
	}
	for _, k := range keys {
		if k.active != "true" {
			continue
		}
		rotated, okR := reportTime(k.rotated)
		if okR && now.Sub(rotated) > StaleAfter {
			c.add(Finding{ID: "access-key-not-rotated", Severity: Medium, Principal: n.ARN, Title: fmt.Sprintf("access key %d not rotated for 90 days", k.n),
				Detail:   fmt.Sprintf("created %s, %d days before the capture", rotated.UTC().Format("2006-01-02"), days(now.Sub(rotated))),
				Evidence: []Evidence{field(k.activeF, k.active), field(k.rotatedF, k.rotated)}, Reference: refCISRotate})
		}
		used, okU := reportTime(k.used)
		switch {
		case okU && now.Sub(used) > StaleAfter:
			c.add(Finding{ID: "access-key-unused", Severity: Low, Principal: n.ARN, Title: fmt.Sprintf("access key %d unused for 90 days", k.n),
				Detail:   fmt.Sprintf("last used %s, %d days before the capture", used.UTC().Format("2006-01-02"), days(now.Sub(used))),
				Evidence: []Evidence{field(k.activeF, k.active), field(k.usedF, k.used)}, Reference: refCISUnused})
		case !okU && k.used == "N/A" && okR && now.Sub(rotated) > StaleAfter:
			c.add(Finding{ID: "access-key-unused", Severity: Low, Principal: n.ARN, Title: fmt.Sprintf("access key %d never used in 90 days", k.n),
				Detail:   fmt.Sprintf("never used since it was created %s", rotated.UTC().Format("2006-01-02")),
				Evidence: []Evidence{field(k.activeF, k.active), field(k.usedF, k.used), field(k.rotatedF, k.rotated)}, Reference: refCISUnused})
		}
	}
	c.inactive(n, r, now, password, keys)
}

// inactive: a user with a usable credential (password or active key) none
// of which was used in the 90 days before the capture.
func (c *checker) inactive(n *graph.Node, r *model.CredentialReportRow, now time.Time, password bool, keys []reportKey) {
	var ev []Evidence
	var latest time.Time
	usable := false
	consider := func(name, v string) {
		ev = append(ev, field(name, v))
		if t, ok := reportTime(v); ok && t.After(latest) {
			latest = t
		}
	}
	if password {
		usable = true
		consider("password_last_used", r.PasswordLastUsed)
	}
	for _, k := range keys {
		if k.active == "true" {
			usable = true
			consider(k.usedF, k.used)
		}
	}
	if !usable {
		return
	}
	created, okC := reportTime(r.UserCreationTime)
	if !okC && n.User != nil {
		created, okC = n.User.CreateDate, !n.User.CreateDate.IsZero()
	}
	if !okC || now.Sub(created) <= StaleAfter || (!latest.IsZero() && now.Sub(latest) <= StaleAfter) {
		return
	}
	detail := "no credential used since it was created " + created.UTC().Format("2006-01-02")
	if !latest.IsZero() {
		detail = fmt.Sprintf("last activity %s, %d days before the capture", latest.UTC().Format("2006-01-02"), days(now.Sub(latest)))
	}
	c.add(Finding{ID: "user-inactive", Severity: Medium, Principal: n.ARN, Title: "user inactive for 90 days with usable credentials",
		Detail: detail, Evidence: ev, Reference: refCISUnused})
}

// policies: customer managed policies (default version, and versions one
// SetDefaultPolicyVersion away) and inline policies, read through the
// action catalogue.
func (c *checker) policies() {
	for _, p := range c.g.Policies() {
		mp := p.Policy
		if mp == nil || mp.IsAWSManaged() || !c.wants(p.ARN) {
			continue
		}
		def := mp.DefaultVersion()
		if def == nil {
			continue
		}
		c.document(p.ARN, "", p.ARN, def.Document.Policy, len(c.g.AttachedTo(p)) > 0)
		c.versions(p, mp, def)
	}
	for _, n := range c.g.Nodes() {
		if !c.wants(n.ARN) {
			continue
		}
		for _, ip := range n.InlinePolicies() {
			c.document(n.ARN, ip.Name, n.ARN+"#"+ip.Name, ip.Document.Policy, true)
		}
	}
}

// document checks one policy document: "*:*" and iam:PassRole on "*".
// owner is the policy ARN, or the principal or group holding an inline one.
func (c *checker) document(owner, inlineName, id string, p *policy.Policy, attached bool) {
	if p == nil {
		return
	}
	subject := func(f Finding) Finding {
		if strings.Contains(owner, ":policy/") || strings.Contains(owner, ":group/") {
			f.Resource = owner
		} else {
			f.Principal = owner
		}
		return f
	}
	what := "customer managed policy"
	if inlineName != "" {
		what = "inline policy " + inlineName
	}
	b := c.g.Breadth(p)
	if b.All() {
		sev := High
		if !attached {
			sev = Medium
		}
		c.add(subject(Finding{ID: "policy-grants-all", Severity: sev, Title: what + " grants every action on every resource",
			Detail:   "an Allow of \"*\" on \"*\" (admin-equivalent unless a boundary, SCP or Deny takes some away)" + unattached(attached),
			Evidence: c.statementEvidence(id, p, "iam:CreateUser"), Reference: refCISStarStar}))
		return // PassRole on * is implied
	}
	if sts := c.g.StatementsGranting(p, "iam:PassRole"); len(sts) > 0 {
		sev, detail := High, "an Allow of iam:PassRole on \"*\": its holder may hand any role to a service"
		if allConditional(sts) {
			sev, detail = Medium, "an Allow of iam:PassRole on \"*\", under conditions: "+conditionText(sts[0].Conditions)
		}
		c.add(subject(Finding{ID: "passrole-on-any-role", Severity: sev, Title: what + " allows iam:PassRole on every role",
			Detail: detail + unattached(attached), Evidence: c.statementEvidence(id, p, "iam:PassRole"), Reference: refPassRole}))
	}
}

func unattached(attached bool) string {
	if attached {
		return ""
	}
	return " (not attached to anyone today)"
}

func allConditional(sts []*policy.Statement) bool {
	for _, st := range sts {
		if len(st.Conditions) == 0 {
			return false
		}
	}
	return true
}

func (c *checker) statementEvidence(id string, p *policy.Policy, action string) []Evidence {
	var out []Evidence
	for _, st := range c.g.StatementsGranting(p, action) {
		out = append(out, Evidence{Kind: "statement", Policy: id, Statement: st.Label(),
			Text: fmt.Sprintf("%s %s: Allow %s on %s", id, st.Label(), listText(st.Action, st.NotAction), listText(st.Resource, st.NotResource))})
	}
	return out
}

func listText(list, not []string) string {
	if not != nil {
		return "NotAction/NotResource " + strings.Join(not, ",")
	}
	if list == nil {
		return "*"
	}
	return strings.Join(list, ",")
}

// versions: a non-default version that allows actions the default does
// not is one iam:SetDefaultPolicyVersion away from being in force.
func (c *checker) versions(p *graph.Node, mp *model.ManagedPolicy, def *model.PolicyVersion) {
	cat := actions.Load()
	base := c.g.Breadth(def.Document.Policy)
	for i := range mp.Versions {
		v := &mp.Versions[i]
		if v == def || v.Document.Policy == nil {
			continue
		}
		b := c.g.Breadth(v.Document.Policy)
		extra := b.OnSome.Clone()
		extra.AndNot(base.OnSome)
		if extra.IsEmpty() {
			continue
		}
		var sample []string
		extra.ForEach(func(id int) {
			if len(sample) < 5 {
				sample = append(sample, cat.Action(id).String())
			}
		})
		sev := Medium
		if b.All() && !base.All() {
			sev = High
		}
		more := ""
		if n := extra.Count(); n > len(sample) {
			more = fmt.Sprintf(" and %d more", n-len(sample))
		}
		c.add(Finding{ID: "policy-version-broader", Severity: sev, Resource: p.ARN,
			Title:  fmt.Sprintf("non-default version %s allows more than the default %s", v.VersionID, def.VersionID),
			Detail: fmt.Sprintf("one iam:SetDefaultPolicyVersion away: %s%s", strings.Join(sample, ", "), more),
			Evidence: []Evidence{{Kind: "statement", Policy: p.ARN, Statement: v.VersionID,
				Text: fmt.Sprintf("version %s allows %d action(s) version %s does not", v.VersionID, extra.Count(), def.VersionID)}},
			Reference: refVersions})
	}
}

// boundaries: a permissions boundary its holder may delete or replace
// caps nothing.
func (c *checker) boundaries() {
	for _, n := range append(append([]*graph.Node{}, c.g.Users()...), c.g.Roles()...) {
		var boundary, del, put string
		switch {
		case n.User != nil:
			boundary, del, put = n.User.PermissionsBoundary, "iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"
		case n.Role != nil:
			boundary, del, put = n.Role.PermissionsBoundary, "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"
		}
		if boundary == "" || !c.wants(n.ARN) {
			continue
		}
		for _, action := range []string{del, put} {
			res := c.g.Can(n, action, n.ARN, nil, false)
			if res.Decision != policy.Allowed {
				continue
			}
			ev := []Evidence{}
			for _, r := range res.Reasons {
				ev = append(ev, Evidence{Kind: "statement", Policy: r.Policy, Statement: policy.StatementLabel(r.Sid, r.Index),
					Text: fmt.Sprintf("%s %s allows %s on itself", r.Policy, policy.StatementLabel(r.Sid, r.Index), action)})
			}
			detail := fmt.Sprintf("%s may call %s on itself, so boundary %s limits nothing", n.Label(), action, boundary)
			if res.Conditional {
				detail += "; conditional on " + strings.Join(res.MissingContext, ", ")
			}
			c.add(Finding{ID: "boundary-removable", Severity: High, Principal: n.ARN, Title: "permissions boundary its holder may remove or replace",
				Detail: detail, Evidence: ev, Reference: refBoundaryEdit})
			break
		}
	}
}
