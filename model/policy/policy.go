// Package policy is the IAM policy language: documents parsed once into typed
// values, matching of actions, resources and principals, condition operators,
// and evaluation of a request into a decision with a trace.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
package policy

// Effect is a statement's Effect element.
type Effect uint8

const (
	Allow Effect = iota
	Deny
)

func (e Effect) String() string {
	if e == Deny {
		return "Deny"
	}
	return "Allow"
}

// Policy is a parsed policy document: identity-based, resource-based (a role's
// trust policy), permissions boundary or service control policy alike.
type Policy struct {
	Version    string // "2012-10-17", "2008-10-17" or empty (which AWS treats as 2008-10-17)
	ID         string
	Statements []Statement
}

// Statement is one element of a policy's Statement list. Exactly one of
// Action / NotAction is set. Resource and NotResource are both nil in trust
// policies. Principal and NotPrincipal appear only in resource-based policies.
type Statement struct {
	Index        int // position in the document's Statement list
	Sid          string
	Effect       Effect
	Principal    *Principals // nil when absent
	NotPrincipal *Principals // nil when absent
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Conditions   []Condition // in document order; all must hold

	compiled *compiledStatement // set by Parse / Policy.Compile
}

// Label names a statement for people: its Sid, or its index when it has none.
func (s *Statement) Label() string { return StatementLabel(s.Sid, s.Index) }

// Principals is the value of a Principal or NotPrincipal element: either the
// wildcard "*" or a map from principal type to identifiers.
type Principals struct {
	Wildcard      bool     // "Principal": "*"
	AWS           []string // account IDs, root ARNs, user/role/session ARNs, or "*"
	Service       []string // ec2.amazonaws.com …
	Federated     []string // OIDC/SAML provider ARNs, or web identity provider names
	CanonicalUser []string
}

// SetQualifier is the ForAllValues / ForAnyValue prefix of a condition operator.
type SetQualifier uint8

const (
	Single       SetQualifier = iota // no prefix: single-valued comparison
	ForAllValues                     // every request value must match some policy value
	ForAnyValue                      // at least one request value must match some policy value
)

// Condition is one key test of a Condition block: the operator as written
// ("ForAnyValue:StringLikeIfExists"), decomposed, with its key and values. The
// values of one key are ORed; separate Conditions are ANDed.
type Condition struct {
	Operator  string       // as written in the document
	Base      string       // the operator without qualifier and IfExists: "StringLike"
	IfExists  bool         // …IfExists suffix
	Qualifier SetQualifier // ForAllValues: / ForAnyValue: prefix
	Key       string       // condition key as written: "aws:PrincipalTag/team"
	Values    []string     // numbers and booleans in their JSON text form
}

// Negated reports whether the base operator is a negated one (StringNotEquals,
// StringNotLike, ArnNotEquals, ArnNotLike, NotIpAddress, NumericNotEquals,
// DateNotEquals, StringNotEqualsIgnoreCase), which AWS evaluates as true when
// the key is absent from the request.
func (c *Condition) Negated() bool { return baseOps[c.Base].negated }
