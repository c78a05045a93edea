package answer

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/model/policy"
)

// Can is the answer to "can PRINCIPAL do ACTION on RESOURCE": the JSON
// answer of `iamx can` (one per request, one per line with --batch) and what
// the explorer's Explain tab and :can page draw. The field names are part of
// the command-line contract (DESIGN.md §2).
type Can struct {
	Line        int      `json:"line,omitempty"` // batch only: the request's line number
	Principal   string   `json:"principal"`
	Action      string   `json:"action"`
	Resource    string   `json:"resource"`
	Decision    string   `json:"decision"`
	Layer       string   `json:"layer"`
	Conditional bool     `json:"conditional"`
	Reasons     []Reason `json:"reasons"`
	// MissingContext is the evaluator's, spelled as the policies write the
	// keys ("aws:MultiFactorAuthPresent", what a person types back into -c).
	MissingContext []string `json:"missing_context"`
	Admin          bool     `json:"admin"`
	Warnings       []string `json:"warnings,omitempty"`
	// LoadWarnings are the load warnings about what the answer rests on
	// (the principal, its groups and managed policies, the resource): a
	// document that did not parse is left out of evaluation.
	LoadWarnings []LoadWarning `json:"load_warnings,omitempty"`
	Assumptions  []string      `json:"assumptions,omitempty"` // what the answer rests on that the snapshot lacks
	Coverage     []Coverage    `json:"coverage,omitempty"`
}

// Reason is one statement that decided a request.
type Reason struct {
	Policy     string `json:"policy"`
	PolicyType string `json:"policy_type"`
	Sid        string `json:"sid"`
	Index      int    `json:"index"`
	Effect     string `json:"effect"`
	Via        string `json:"via"`
}

// Coverage is one service, account and region a capture did not read
// completely, so that an answer touching it may be missing policies.
type Coverage struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Service string `json:"service"`
	State   string `json:"state"`
	Error   string `json:"error,omitempty"`
}

// NewReasons turns the evaluator's deciding statements into answer rows;
// never nil, so that JSON says [] rather than null.
func NewReasons(rs []policy.Reason) []Reason {
	out := make([]Reason, 0, len(rs))
	for _, r := range rs {
		out = append(out, Reason{
			Policy:     r.Policy,
			PolicyType: r.PolicyType.String(),
			Sid:        r.Sid,
			Index:      r.Index,
			Effect:     r.Effect.String(),
			Via:        r.Via,
		})
	}
	return out
}

// Gaps returns what an answer about action on resource (by n; nil for
// who-can) rests on that the snapshot lacks: assumptions in words, and the
// incomplete coverage of the resource's service, account and region.
func Gaps(g *graph.Graph, n *graph.Node, action, resource string) ([]string, []Coverage) {
	assumptions := g.Assumptions(n, action, resource)
	var cov []Coverage
	for _, c := range g.Coverage(action, resource) {
		cov = append(cov, Coverage(c))
	}
	return assumptions, cov
}

// NewCan builds the answer to one request from the evaluator's result.
func NewCan(g *graph.Graph, n *graph.Node, action, resource string, res policy.Result) Can {
	ans := Can{
		Principal:      n.ARN,
		Action:         action,
		Resource:       resource,
		Decision:       res.Decision.String(),
		Layer:          res.Layer.String(),
		Conditional:    res.Conditional,
		Reasons:        NewReasons(res.Reasons),
		MissingContext: append([]string{}, res.MissingContext...),
		Admin:          g.IsAdmin(n),
	}
	ans.Assumptions, ans.Coverage = Gaps(g, n, action, resource)
	return ans
}

// Decide evaluates n doing action on resource with request context ctx,
// with a trace, and returns the answer together with the evaluator's result,
// whose trace the text answer and the Explain tab draw.
func Decide(g *graph.Graph, n *graph.Node, action, resource string, ctx policy.Context) (Can, policy.Result) {
	res := g.Can(n, action, resource, ctx, true)
	return NewCan(g, n, action, resource, res), res
}

// Why says in a sentence which layer of evaluation decided res, for a
// request on resource.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func Why(res policy.Result, resource string) string {
	switch res.Layer {
	case policy.LayerAlways:
		return "sts:GetCallerIdentity is always allowed, whatever the policies say"
	case policy.LayerExplicitDeny:
		return "an explicit Deny matched; a Deny in any policy overrides every Allow"
	case policy.LayerSCP:
		return "a service control policy does not allow it (every level of the organization must allow)"
	case policy.LayerRCP:
		return "a resource control policy of the resource's account does not allow it (every level of the organization must allow)"
	case policy.LayerResource:
		what := ResourcePolicyWords(resource)
		if res.Decision == policy.Allowed {
			return "allowed by the resource-based policy (" + what + ") of " + resource
		}
		return "the resource-based policy (" + what + ") of " + resource + " does not allow this principal"
	case policy.LayerIdentity:
		if res.Decision == policy.Allowed {
			return "allowed by identity-based policies"
		}
		return "no identity-based policy allows it (implicit deny)"
	case policy.LayerBoundary:
		return "the permissions boundary does not allow it; identity policies alone cannot grant past it"
	}
	if res.Decision == policy.Allowed {
		return "allowed"
	}
	return "nothing allows it (implicit deny)"
}

// LayerPhrase names the deciding layer in a few words ("decided by …").
func LayerPhrase(l policy.Layer) string {
	switch l {
	case policy.LayerExplicitDeny:
		return "an explicit deny"
	case policy.LayerSCP:
		return "a service control policy"
	case policy.LayerResource:
		return "the resource (trust) policy"
	case policy.LayerIdentity:
		return "identity policies"
	case policy.LayerBoundary:
		return "the permissions boundary"
	case policy.LayerAlways:
		return "AWS (always allowed)"
	}
	return l.String()
}

// ResourcePolicyWords names the kind of resource policy for people.
func ResourcePolicyWords(resource string) string {
	switch {
	case strings.Contains(resource, ":iam::") && strings.Contains(resource, ":role/"):
		return "the role's trust policy"
	case strings.Contains(resource, ":kms:"):
		return "the key policy, which must allow"
	case strings.Contains(resource, ":s3:::"):
		return "the bucket policy"
	}
	return "the resource's policy"
}

// ContextFlip finds a request-context value that turns a conditional
// decision into an unconditional allow, by asking the evaluator again with
// each candidate value of each missing key added to ctx: the values the
// policies test for (a CIDR's first address for IP keys), and true/false
// for Bool keys. It returns "aws:MultiFactorAuthPresent=true", or "" when
// no single key does it. The evaluator decides; nothing is guessed from the
// conditions' text.
func ContextFlip(g *graph.Graph, n *graph.Node, action, resource string, ctx policy.Context, res policy.Result) string {
	if !res.Conditional || res.Trace == nil {
		return ""
	}
	for _, k := range res.MissingContext {
		var cands []string
		seen := map[string]bool{}
		add := func(v string) {
			if !seen[v] {
				seen[v] = true
				cands = append(cands, v)
			}
		}
		for _, pt := range res.Trace.Policies {
			for _, st := range pt.Statements {
				for _, ct := range st.Conditions {
					cond := ct.Condition
					if !strings.EqualFold(cond.Key, k) {
						continue
					}
					for _, v := range cond.Values {
						if p, err := netip.ParsePrefix(v); err == nil {
							v = p.Addr().String()
						}
						add(v)
					}
					if cond.Base == "Bool" {
						add("true")
						add("false")
					}
				}
			}
		}
		for _, v := range cands {
			probe := policy.Context{}
			for ck, cv := range ctx {
				probe[ck] = cv
			}
			probe.Set(k, v)
			if r := g.Can(n, action, resource, probe, false); r.Decision == policy.Allowed && !r.Conditional {
				return k + "=" + v
			}
		}
	}
	return ""
}

// Explanation is a decision in words, shared by the command line's text and
// the explorer's Explain tab.
type Explanation struct {
	Why string // the deciding layer, in a sentence (Why)
	// Flip is the one piece of request context ("KEY=VALUE") that the
	// evaluator turns into an unconditional allow (ContextFlip); "" when no
	// single key does it. It is the only context iamx suggests supplying.
	Flip string
	// Notes describe what each condition that tested a missing key would
	// do, read off the trace; they suggest no value of their own.
	Notes []string
}

// Explain explains res, the evaluator's answer to n doing action on
// resource with request context ctx (evaluated with a trace).
func Explain(g *graph.Graph, n *graph.Node, action, resource string, ctx policy.Context, res policy.Result) Explanation {
	return Explanation{
		Why:   Why(res, resource),
		Flip:  ContextFlip(g, n, action, resource, ctx, res),
		Notes: conditionNotes(res),
	}
}

// conditionNotes says, for each condition that tested a key the request
// lacked, what it does: whether an Allow needs the key or a Deny applies
// without it.
func conditionNotes(res policy.Result) []string {
	if res.Trace == nil {
		return nil
	}
	missing := map[string]bool{}
	for _, k := range res.MissingContext {
		missing[strings.ToLower(k)] = true
	}
	var notes []string
	seen := map[string]bool{}
	for _, p := range res.Trace.Policies {
		for _, st := range p.Statements {
			if !st.Action || !st.Principal {
				continue
			}
			for _, ct := range st.Conditions {
				c := ct.Condition
				if ct.Present || !missing[strings.ToLower(c.Key)] || len(c.Values) == 0 {
					continue
				}
				if h := conditionNote(st.Effect, c, res.Decision); !seen[h] {
					seen[h] = true
					notes = append(notes, h)
				}
			}
		}
	}
	return notes
}

func conditionNote(eff policy.Effect, c policy.Condition, d policy.Decision) string {
	values := strings.Join(c.Values, ", ")
	if eff == policy.Allow {
		if d == policy.Allowed {
			return fmt.Sprintf("an Allow tests %s (%s %s)", c.Key, c.Operator, values)
		}
		return fmt.Sprintf("allowed only if %s is supplied and passes %s %s", c.Key, c.Operator, values)
	}
	if c.Base == "Bool" || c.Negated() {
		return fmt.Sprintf("a Deny applies unless %s is supplied (it tests %s %s)", c.Key, c.Operator, values)
	}
	return fmt.Sprintf("a Deny applies when %s passes %s %s", c.Key, c.Operator, values)
}
