package policy

import (
	"strings"

	"github.com/iamx/iamx/model/principal"
)

// Context holds a request's condition keys and their values. Condition keys
// are case-insensitive, so keys are stored lower-cased; values keep their case.
// A key with several values is multi-valued (for ForAllValues / ForAnyValue).
type Context map[string][]string

// Set replaces the values of key.
func (c Context) Set(key string, values ...string) { c[strings.ToLower(key)] = values }

// Add appends values to key.
func (c Context) Add(key string, values ...string) {
	k := strings.ToLower(key)
	c[k] = append(c[k], values...)
}

// Get returns the values of key and whether the key is present.
func (c Context) Get(key string) ([]string, bool) {
	v, ok := c[strings.ToLower(key)]
	return v, ok
}

// Clone returns a copy whose value slices can be changed independently.
func (c Context) Clone() Context {
	out := make(Context, len(c))
	for k, v := range c {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// Request is what a principal asks AWS to do: an action on a resource, with
// the request context. Keys a snapshot knows about the principal
// (aws:PrincipalArn, aws:username, aws:PrincipalTag/…) are filled by the
// caller into Context, alongside request-time keys supplied by the user.
type Request struct {
	Principal principal.Principal
	Action    string // service:Action, as in the catalogue: "s3:GetObject"
	Resource  string // an ARN or "*"
	// ResourceAccount is the account that owns the resource. Empty means the
	// principal's own account. It decides the same-account and cross-account
	// rules for resource-based policies.
	ResourceAccount string
	Context         Context
	// Known lists condition keys whose absence from Context is a fact about
	// the request rather than a gap in what the caller knows, lower-case; an
	// entry ending in "/" covers every key with that prefix
	// ("aws:principaltag/"). Absent keys not covered here are reported in
	// Result.MissingContext when a relevant statement tests them.
	Known []string
	// KnownService lists, in the same form, the condition keys of the
	// action's own service that AWS never sets for this action (from the
	// action catalogue): "s3:prefix" on s3:GetObject is absent by fact, so a
	// statement testing it is refuted rather than conditional.
	KnownService []string
	// Trace asks Evaluate to record, for every policy and statement, what
	// matched and why. Leave it off in bulk queries: it allocates.
	Trace bool
	// TraceBrief, with Trace, leaves out statements whose Action does not
	// match the request: enough to read the conditions of the statements
	// that bear on it, at a fraction of the cost (the graph's trust edges).
	TraceBrief bool
}

// PolicyType is the role a policy plays in evaluation.
type PolicyType uint8

const (
	IdentityPolicy PolicyType = iota // inline or managed policy of a user, group or role
	BoundaryPolicy                   // a permissions boundary
	ResourcePolicy                   // a resource-based policy; for sts:AssumeRole*, the role's trust policy
	SCPPolicy                        // a service control policy
	RCPPolicy                        // a resource control policy
)

func (t PolicyType) String() string {
	return [...]string{"identity", "boundary", "resource", "scp", "rcp"}[t]
}

// Source is one policy document with where it came from.
type Source struct {
	Type   PolicyType
	ARN    string // managed policy ARN; empty for inline and trust policies
	Name   string // policy name; for a trust policy, "trust policy"
	Owner  string // ARN of the user, group or role that holds an inline policy (or the role, for a trust policy)
	Via    string // name of the group through which a user gets this policy; empty when direct
	Policy *Policy
}

// ID names the policy in reasons: the managed policy ARN, or "OWNER#NAME" for
// inline and trust policies.
func (s *Source) ID() string {
	if s.ARN != "" {
		return s.ARN
	}
	return s.Owner + "#" + s.Name
}

// Input is every policy that applies to one request.
type Input struct {
	Identity []Source // identity-based policies of the principal (a user's include its groups')
	Boundary *Source  // the principal's permissions boundary; nil when none is set
	Resource *Source  // the resource-based policy of the target; nil when none applies
	// SCPs are service control policies, one entry per level of the
	// organization (root, OU …, account): every level must allow.
	SCPs []Source
	// RCPs are resource control policies of the resource's account, one
	// entry per organization level like SCPs: every level must allow,
	// whoever the principal is.
	RCPs []Source
	// ResourceRequired says the resource policy must allow (a KMS key
	// policy): an identity allow counts only where it names the principal's
	// account, and a nil Resource denies.
	ResourceRequired bool
	// RestrictPublic says Resource is a public bucket policy under S3 Block
	// Public Access's RestrictPublicBuckets: its Allow statements count only
	// for AWS service principals and principals of the resource's account.
	RestrictPublic bool
}

// Decision is the outcome of evaluating a request.
type Decision uint8

const (
	ImplicitDeny Decision = iota // no statement allowed the request
	Allowed                      // the request is allowed
	ExplicitDeny                 // a Deny statement matched
)

func (d Decision) String() string {
	return [...]string{"implicit-deny", "allow", "explicit-deny"}[d]
}

// Layer is the part of the evaluation logic that decided a request.
type Layer uint8

const (
	LayerNone         Layer = iota
	LayerExplicitDeny       // a Deny statement in any policy
	LayerSCP                // no SCP at some level allowed it
	LayerResource           // the resource-based (trust) policy did not allow, where it was required
	LayerIdentity           // no identity-based policy allowed it, where it was required
	LayerBoundary           // the permissions boundary did not allow it
	LayerAlways             // allowed without policies (sts:GetCallerIdentity)
	LayerRCP                // no RCP at some level allowed it
)

func (l Layer) String() string {
	return [...]string{"", "explicit-deny", "scp", "resource", "identity", "boundary", "always", "rcp"}[l]
}

// Reason is one statement that decided a request.
type Reason struct {
	Policy     string // Source.ID(): managed policy ARN, or OWNER#NAME for inline and trust policies
	PolicyType PolicyType
	Via        string // group name, when inherited through a group
	Sid        string
	Index      int
	Effect     Effect
}

// Result is a decision with the statements that made it.
type Result struct {
	Decision Decision
	Layer    Layer    // which layer decided (for a deny: where it failed)
	Reasons  []Reason // the statements that decided; empty for an implicit deny with no candidates
	// MissingContext lists condition keys that a statement relevant to the
	// request tested and the request did not carry, sorted.
	MissingContext []string
	// Conditional is true when the decision depends on MissingContext: some
	// values of those keys would turn it into an allow (for a deny) or into a
	// deny (for an allow).
	Conditional bool
	Trace       *Trace // nil unless Request.Trace
}
