package policy

import (
	"strings"

	"github.com/iamx/iamx/model/principal"
)

// Trace records how every policy and statement fared against one request:
// the explorer's Explain view is this.
type Trace struct {
	Policies []PolicyTrace
}

// PolicyTrace is the trace of one policy.
type PolicyTrace struct {
	Source     Source
	Statements []StatementTrace
}

// StatementTrace says whether each part of a statement matched, and why not.
type StatementTrace struct {
	Index      int
	Sid        string
	Effect     Effect
	Action     bool // Action / NotAction matched the request's action
	Resource   bool // Resource / NotResource matched (true when the statement has neither)
	Principal  bool // Principal / NotPrincipal matched (true when the statement has neither)
	Condition  bool // every condition held
	Matched    bool // all of the above: the statement applies
	Conditions []ConditionTrace
	Note       string // a short human explanation of the first part that failed
}

// ConditionTrace is the outcome of one condition key test.
type ConditionTrace struct {
	Condition     Condition
	RequestValues []string // the request's values for the key (after variable substitution of the policy values)
	Present       bool     // the key was in the request
	Result        bool
}

// Notes name the first part of a statement that failed, in the words of the
// policy language, so the explain view can say why without re-evaluating.

func actionNote(action string, st *Statement) string {
	if st.NotAction != nil {
		return "action " + action + " in NotAction " + list(st.NotAction)
	}
	return "action " + action + " not in " + list(st.Action)
}

func principalNote(p *principal.Principal, st *Statement) string {
	who := p.ID
	if who == "" {
		who = "(unknown principal)"
	}
	switch {
	case st.NotPrincipal != nil:
		return "principal " + who + " excluded by NotPrincipal"
	case st.Principal == nil:
		return "resource-based statement has no Principal"
	}
	return "principal " + who + " not in Principal"
}

func resourceNote(resource string, st *Statement) string {
	if st.NotResource != nil {
		return "resource " + resource + " in NotResource " + list(st.NotResource)
	}
	return "resource " + resource + " not in " + list(st.Resource)
}

func conditionNote(c *Condition, vals []string, present bool) string {
	if !present {
		return c.Key + " absent"
	}
	return c.Key + " " + list(vals) + " fails " + c.Operator + " " + list(c.Values)
}

func list(items []string) string {
	const max = 4
	if len(items) > max {
		return "[" + strings.Join(items[:max], ", ") + ", …]"
	}
	return "[" + strings.Join(items, ", ") + "]"
}
