package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// trustLines is the Trust tab of a role: who may assume it (trust side and
// identity side both decided by graph), each with the conditions that gate
// it, then the trust policy itself.
func (p *principalPage) trustLines() []detailLine {
	st := p.c.Styles
	var out []detailLine
	edges := p.c.Graph.AssumableBy(p.n)
	out = append(out, detailHeading(st, fmt.Sprintf("Who may assume %s (%d)", p.n.Name, len(edges))))
	if len(edges) == 0 {
		msg := "  nobody: no principal passes both the trust policy and its own policies"
		out = append(out, detailLine{plain: msg, styled: st.Muted.Render(msg), skip: true})
	}
	for i := range edges {
		out = append(out, edgeLines(st, &edges[i], edges[i].From, "  ", trustMark(p.c, edges[i].From))...)
	}
	if r := p.n.Role; r != nil && len(r.TrustPolicy.JSON) > 0 {
		out = append(out, detailBlank(), detailHeading(st, "Trust policy"))
		for _, dl := range highlightJSON(r.TrustPolicy.JSON, st) {
			out = append(out, detailLine{plain: "  " + dl.plain, styled: "  " + dl.styled, skip: true})
		}
	}
	return out
}

// edgeLines draws one can-assume edge as seen from its other end: the
// principal (enter opens it), how it assumes, and each condition. mark,
// when set, makes the principal stand out and says why.
func edgeLines(st *Styles, e *graph.Edge, other *graph.Node, indent string, mark edgeMark) []detailLine {
	name := other.Label()
	how := edgeKindText(e)
	ns := st.TableCell.Inherit(st.Strong)
	if mark.style != nil {
		ns = mark.style.Inherit(st.Strong)
	}
	plain := fmt.Sprintf("%s%-34s %s", indent, cutWidth(name, 34), how)
	styled := indent + ns.Render(fmt.Sprintf("%-34s", cutWidth(name, 34))) + " " + st.Muted.Render(how)
	if e.Conditional {
		plain += "  conditional"
		styled += "  " + st.Warning.Render("conditional")
	}
	if mark.text != "" {
		plain += "  ⚠ " + mark.text
		styled += "  " + mark.style.Render("⚠ "+mark.text)
	}
	out := []detailLine{{plain: plain, styled: styled, node: other}}
	for _, c := range e.Conditions {
		t := indent + "    " + conditionText(c)
		out = append(out, detailLine{plain: t, styled: indent + "    " + st.Warning.Render(conditionText(c)), skip: true})
	}
	for _, c := range e.Unless {
		t := indent + "    unless " + conditionText(c)
		out = append(out, detailLine{plain: t, styled: indent + "    " + st.Muted.Render("unless ") + st.Warning.Render(conditionText(c)), skip: true})
	}
	// Keys a statement tested but that cannot change the answer (the trust
	// alone allowed it) are not something the caller needs.
	if e.Conditional && len(e.MissingContext) > 0 {
		t := indent + "    needs at request time: " + strings.Join(spellKeys(e.MissingContext, e.Conditions), ", ")
		out = append(out, detailLine{plain: t, styled: st.Muted.Render(t), skip: true})
	}
	return out
}

// edgeMark is how a principal on a trust edge stands out, in colour and in
// words (so that NO_COLOR shows it too).
type edgeMark struct {
	text  string
	style *lipgloss.Style
}

// trustMark picks out the principals a reviewer must not miss in a trust
// policy: anyone ("*": every AWS account, gated only by its conditions),
// and principals of accounts that are not loaded, whose own policies (the
// other half of a cross-account assume) are out of sight.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func trustMark(c *Common, n *graph.Node) edgeMark {
	if n.Kind != graph.KindExternal {
		return edgeMark{}
	}
	switch n.Principal.Kind {
	case principal.Anyone:
		return edgeMark{text: "anyone: every AWS account", style: &c.Styles.Error}
	case principal.Service, principal.Federated:
		return edgeMark{}
	}
	if n.Account == "" {
		return edgeMark{}
	}
	for _, s := range c.Graph.Snapshots() {
		if s.AccountID == n.Account {
			return edgeMark{}
		}
	}
	return edgeMark{text: "outside account " + n.Account, style: &c.Styles.Warning}
}

func edgeKindText(e *graph.Edge) string {
	switch e.Kind {
	case graph.EdgeService:
		return "service (sts:AssumeRole)"
	case graph.EdgeWebIdentity:
		return "OIDC (sts:AssumeRoleWithWebIdentity)"
	case graph.EdgeSAML:
		return "SAML (sts:AssumeRoleWithSAML)"
	}
	return e.Kind
}

// conditionText renders a condition with a plain-words tag for the keys
// that matter most on trust edges.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
func conditionText(c policy.Condition) string {
	s := fmt.Sprintf("%s %s = %s", c.Operator, c.Key, strings.Join(c.Values, " | "))
	if tag := conditionTag(c.Key); tag != "" {
		s = tag + ": " + s
	}
	return s
}

func conditionTag(k string) string {
	lk := strings.ToLower(k)
	switch {
	case lk == "aws:multifactorauthpresent" || lk == "aws:multifactorauthage":
		return "MFA"
	case lk == "sts:externalid":
		return "ExternalId"
	case lk == "aws:principalorgid" || lk == "aws:principalorgpaths":
		return "organization"
	case lk == "aws:sourceaccount" || lk == "aws:sourcearn" || lk == "aws:sourceorgid":
		return "source"
	case lk == "aws:sourceip" || lk == "aws:sourcevpc" || lk == "aws:sourcevpce":
		return "network"
	case strings.HasSuffix(lk, ":sub"):
		return "OIDC subject"
	case strings.HasSuffix(lk, ":aud"):
		return "OIDC audience"
	case strings.HasPrefix(lk, "saml:"):
		return "SAML"
	}
	return ""
}

// spellKeys maps lower-cased condition keys (as the evaluator reports
// missing context) to how the conditions spell them.
func spellKeys(keys []string, conds []policy.Condition) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		for _, c := range conds {
			if strings.EqualFold(c.Key, k) {
				out[i] = c.Key
				break
			}
		}
	}
	return out
}

// principalConditions is every condition in a principal's policies, for
// spelling keys.
func principalConditions(c *Common, n *graph.Node) []policy.Condition {
	var out []policy.Condition
	for _, r := range c.Graph.PoliciesOf(n) {
		if r.Source.Policy == nil {
			continue
		}
		for _, st := range r.Source.Policy.Statements {
			out = append(out, st.Conditions...)
		}
	}
	return out
}
