package answer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// Change is one entity added, removed or modified between two snapshots,
// with what changed in words.
type Change struct {
	Change  string   `json:"change"` // added, removed, modified
	Kind    string   `json:"kind"`   // user, group, role, policy
	ARN     string   `json:"arn"`
	Details []string `json:"details"`
}

// ChangesOf compares two snapshots of one account entity by entity.
func ChangesOf(old, cur *model.Snapshot) []Change {
	var out []Change
	out = append(out, diffEntities("user", old.Users, cur.Users, func(u *model.User) string { return u.ARN },
		func(a, b *model.User) []string { return userDetails(a, b, old, cur) })...)
	out = append(out, diffEntities("group", old.Groups, cur.Groups, func(g *model.Group) string { return g.ARN }, groupDetails)...)
	out = append(out, diffEntities("role", old.Roles, cur.Roles, func(r *model.Role) string { return r.ARN }, roleDetails)...)
	out = append(out, diffEntities("policy", old.Policies, cur.Policies, func(p *model.ManagedPolicy) string { return p.ARN }, policyDetails)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return kindOrder(out[i].Kind) < kindOrder(out[j].Kind)
		}
		return out[i].ARN < out[j].ARN
	})
	return out
}

func kindOrder(k string) int {
	return strings.Index("user group role policy", k)
}

// diffEntities pairs entities by ARN. details(nil, b) describes an added
// entity, details(a, nil) a removed one.
func diffEntities[T any](kind string, old, cur []*T, arn func(*T) string, details func(a, b *T) []string) []Change {
	before := make(map[string]*T, len(old))
	for _, x := range old {
		before[arn(x)] = x
	}
	var out []Change
	seen := make(map[string]bool, len(cur))
	for _, y := range cur {
		a := arn(y)
		seen[a] = true
		x, ok := before[a]
		switch {
		case !ok:
			out = append(out, Change{Change: "added", Kind: kind, ARN: a, Details: nonNil(details(nil, y))})
		default:
			if d := details(x, y); len(d) > 0 {
				out = append(out, Change{Change: "modified", Kind: kind, ARN: a, Details: d})
			}
		}
	}
	for _, x := range old {
		if a := arn(x); !seen[a] {
			out = append(out, Change{Change: "removed", Kind: kind, ARN: a, Details: []string{}})
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func userDetails(a, b *model.User, os, ns *model.Snapshot) []string {
	if a == nil {
		a = &model.User{}
	}
	var d []string
	d = append(d, setDiff("group", a.Groups, b.Groups, "added to", "removed from")...)
	d = append(d, attachedDiff(a.AttachedPolicies, b.AttachedPolicies)...)
	d = append(d, inlineDiff(a.InlinePolicies, b.InlinePolicies)...)
	d = append(d, boundaryDiff(a.PermissionsBoundary, b.PermissionsBoundary)...)
	d = append(d, tagDiff(a.Tags, b.Tags)...)
	if a.AccessKeysListed && b.AccessKeysListed {
		var ka, kb []string
		for _, k := range a.AccessKeys {
			ka = append(ka, k.ID)
		}
		for _, k := range b.AccessKeys {
			kb = append(kb, k.ID)
		}
		d = append(d, setDiff("access key", ka, kb, "created", "deleted")...)
	}
	d = append(d, credentialDiff(reportRowOf(os, a.ARN), reportRowOf(ns, b.ARN))...)
	return d
}

func reportRowOf(s *model.Snapshot, arn string) *model.CredentialReportRow {
	if s == nil || arn == "" {
		return nil
	}
	for i := range s.CredentialReport {
		if s.CredentialReport[i].ARN == arn {
			return &s.CredentialReport[i]
		}
	}
	return nil
}

// credentialDiff reads the credential report fields a reviewer cares
// about: a password enabled, MFA turned off, a key activated or replaced.
func credentialDiff(a, b *model.CredentialReportRow) []string {
	if b == nil {
		return nil
	}
	if a == nil {
		a = &model.CredentialReportRow{}
	}
	var d []string
	flag := func(what, x, y string) {
		switch {
		case x != "true" && y == "true":
			d = append(d, what+" enabled")
		case x == "true" && y != "true":
			d = append(d, what+" disabled")
		}
	}
	flag("console password", a.PasswordEnabled, b.PasswordEnabled)
	flag("MFA", a.MFAActive, b.MFAActive)
	for i, k := range [][4]string{{a.AccessKey1Active, b.AccessKey1Active, a.AccessKey1LastRotated, b.AccessKey1LastRotated},
		{a.AccessKey2Active, b.AccessKey2Active, a.AccessKey2LastRotated, b.AccessKey2LastRotated}} {
		flag(fmt.Sprintf("access key %d", i+1), k[0], k[1])
		if k[0] == "true" && k[1] == "true" && k[2] != k[3] {
			d = append(d, fmt.Sprintf("access key %d replaced (created %s)", i+1, k[3]))
		}
	}
	return d
}

func groupDetails(a, b *model.Group) []string {
	if a == nil {
		a = &model.Group{}
	}
	var d []string
	d = append(d, attachedDiff(a.AttachedPolicies, b.AttachedPolicies)...)
	d = append(d, inlineDiff(a.InlinePolicies, b.InlinePolicies)...)
	return d
}

func roleDetails(a, b *model.Role) []string {
	if a == nil {
		a = &model.Role{}
	}
	var d []string
	for _, s := range documentDiff(a.TrustPolicy, b.TrustPolicy) {
		d = append(d, "trust policy: "+s)
	}
	d = append(d, attachedDiff(a.AttachedPolicies, b.AttachedPolicies)...)
	d = append(d, inlineDiff(a.InlinePolicies, b.InlinePolicies)...)
	d = append(d, boundaryDiff(a.PermissionsBoundary, b.PermissionsBoundary)...)
	d = append(d, tagDiff(a.Tags, b.Tags)...)
	return d
}

func policyDetails(a, b *model.ManagedPolicy) []string {
	if a == nil {
		a = &model.ManagedPolicy{}
	}
	var d []string
	var va, vb []string
	for _, v := range a.Versions {
		va = append(va, v.VersionID)
	}
	for _, v := range b.Versions {
		vb = append(vb, v.VersionID)
	}
	d = append(d, setDiff("version", va, vb, "added", "removed")...)
	da, db := a.DefaultVersion(), b.DefaultVersion()
	ida, idb := "", ""
	var docA, docB model.Document
	if da != nil {
		ida, docA = da.VersionID, da.Document
	}
	if db != nil {
		idb, docB = db.VersionID, db.Document
	}
	if ida != idb && ida != "" {
		d = append(d, fmt.Sprintf("default version %s → %s", ida, idb))
	}
	for _, s := range documentDiff(docA, docB) {
		d = append(d, "default version: "+s)
	}
	d = append(d, tagDiff(a.Tags, b.Tags)...)
	return d
}

// setDiff says which names appeared and which went: "added to group X".
func setDiff(what string, a, b []string, added, removed string) []string {
	in := func(list []string, x string) bool {
		for _, y := range list {
			if y == x {
				return true
			}
		}
		return false
	}
	var d []string
	for _, x := range b {
		if !in(a, x) {
			d = append(d, added+" "+what+" "+x)
		}
	}
	for _, x := range a {
		if !in(b, x) {
			d = append(d, removed+" "+what+" "+x)
		}
	}
	return d
}

func attachedDiff(a, b []model.AttachedPolicy) []string {
	names := func(l []model.AttachedPolicy) []string {
		out := make([]string, len(l))
		for i, p := range l {
			out[i] = p.ARN
		}
		return out
	}
	return setDiff("policy", names(a), names(b), "attached", "detached")
}

func boundaryDiff(a, b string) []string {
	switch {
	case a == b:
		return nil
	case a == "":
		return []string{"boundary set to " + b}
	case b == "":
		return []string{"boundary " + a + " removed"}
	}
	return []string{"boundary " + a + " → " + b}
}

func tagDiff(a, b []model.Tag) []string {
	av := map[string]string{}
	for _, t := range a {
		av[t.Key] = t.Value
	}
	bv := map[string]string{}
	for _, t := range b {
		bv[t.Key] = t.Value
	}
	var d []string
	for _, t := range b {
		old, ok := av[t.Key]
		switch {
		case !ok:
			d = append(d, fmt.Sprintf("tag %s=%s added", t.Key, t.Value))
		case old != t.Value:
			d = append(d, fmt.Sprintf("tag %s: %s → %s", t.Key, old, t.Value))
		}
	}
	for _, t := range a {
		if _, ok := bv[t.Key]; !ok {
			d = append(d, fmt.Sprintf("tag %s=%s removed", t.Key, t.Value))
		}
	}
	return d
}

// inlineDiff compares inline policies by name, statement by statement.
func inlineDiff(a, b []model.InlinePolicy) []string {
	before := map[string]model.Document{}
	for _, p := range a {
		before[p.Name] = p.Document
	}
	var d []string
	seen := map[string]bool{}
	for _, p := range b {
		seen[p.Name] = true
		old, ok := before[p.Name]
		if !ok {
			d = append(d, "inline policy "+p.Name+" added")
			for _, s := range documentDiff(model.Document{}, p.Document) {
				d = append(d, "inline policy "+p.Name+": "+s)
			}
			continue
		}
		for _, s := range documentDiff(old, p.Document) {
			d = append(d, "inline policy "+p.Name+": "+s)
		}
	}
	for _, p := range a {
		if !seen[p.Name] {
			d = append(d, "inline policy "+p.Name+" removed")
		}
	}
	return d
}

// documentDiff lists the statements added and removed between two
// documents ("+ Allow s3:GetObject on *", "- …"); the order of
// statements and of values within them does not count as a change.
func documentDiff(a, b model.Document) []string {
	if a.Policy == nil || b.Policy == nil {
		if a.Policy == nil && b.Policy == nil {
			if string(a.JSON) != string(b.JSON) {
				return []string{"document changed (not parsed)"}
			}
			return nil
		}
	}
	ka, kb := statementKeys(a.Policy), statementKeys(b.Policy)
	var d []string
	for _, k := range kb.order {
		if ka.count[k] < kb.count[k] {
			d = append(d, "+ "+k)
		}
	}
	for _, k := range ka.order {
		if kb.count[k] < ka.count[k] {
			d = append(d, "- "+k)
		}
	}
	return d
}

type keyed struct {
	order []string
	count map[string]int
}

func statementKeys(p *policy.Policy) keyed {
	k := keyed{count: map[string]int{}}
	if p == nil {
		return k
	}
	for i := range p.Statements {
		s := StatementText(&p.Statements[i])
		if k.count[s] == 0 {
			k.order = append(k.order, s)
		}
		k.count[s]++
	}
	return k
}

// StatementText is a statement in one line, values sorted, so that two
// statements that mean the same read the same:
// `Allow sts:AssumeRole on * for AWS:arn:… if StringEquals sts:ExternalId=x (Sid S)`.
func StatementText(st *policy.Statement) string {
	var b strings.Builder
	b.WriteString(st.Effect.String())
	list := func(prefix string, l []string) {
		c := append([]string(nil), l...)
		sort.Strings(c)
		b.WriteString(" " + prefix + strings.Join(c, ","))
	}
	if st.NotAction != nil {
		list("NotAction ", st.NotAction)
	} else {
		list("", st.Action)
	}
	switch {
	case st.NotResource != nil:
		list("on NotResource ", st.NotResource)
	case st.Resource != nil:
		list("on ", st.Resource)
	}
	if st.Principal != nil {
		b.WriteString(" for " + principalsText(st.Principal))
	}
	if st.NotPrincipal != nil {
		b.WriteString(" for NotPrincipal " + principalsText(st.NotPrincipal))
	}
	if len(st.Conditions) > 0 {
		cs := make([]string, len(st.Conditions))
		for i, c := range st.Conditions {
			v := append([]string(nil), c.Values...)
			sort.Strings(v)
			cs[i] = c.Operator + " " + c.Key + "=" + strings.Join(v, "|")
		}
		sort.Strings(cs)
		b.WriteString(" if " + strings.Join(cs, " and "))
	}
	if st.Sid != "" {
		b.WriteString(" (Sid " + st.Sid + ")")
	}
	return b.String()
}

func principalsText(p *policy.Principals) string {
	if p.Wildcard {
		return "*"
	}
	var parts []string
	add := func(kind string, l []string) {
		c := append([]string(nil), l...)
		sort.Strings(c)
		for _, x := range c {
			parts = append(parts, kind+":"+x)
		}
	}
	add("AWS", p.AWS)
	add("Service", p.Service)
	add("Federated", p.Federated)
	add("CanonicalUser", p.CanonicalUser)
	return strings.Join(parts, ",")
}
