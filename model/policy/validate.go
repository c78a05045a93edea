package policy

import (
	"strconv"
	"strings"
)

// Kind is where a policy document is used. AWS accepts different elements
// in each: a Principal belongs in a resource-based policy and nowhere else,
// a role's trust policy names no Resource, NotPrincipal only ever denies.
// It is finer than PolicyType, the evaluation layer a policy sits in: a
// trust policy evaluates as a ResourcePolicy, yet AWS holds it to rules of
// its own.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
type Kind uint8

const (
	KindIdentity Kind = iota // inline or managed policy of a user, group or role
	KindBoundary             // a permissions boundary
	KindTrust                // a role's trust policy (AssumeRolePolicyDocument)
	KindResource             // any other resource-based policy
	KindSCP                  // a service control policy
	kindCount
)

// KindCount is the number of kinds, for tables indexed by Kind.
const KindCount = int(kindCount)

func (k Kind) String() string {
	switch k {
	case KindIdentity:
		return "identity-based policy"
	case KindBoundary:
		return "permissions boundary"
	case KindTrust:
		return "role trust policy"
	case KindResource:
		return "resource-based policy"
	case KindSCP:
		return "service control policy"
	}
	return "policy of unknown kind " + strconv.Itoa(int(k))
}

func (k Kind) withArticle() string {
	if k == KindIdentity {
		return "an " + k.String()
	}
	return "a " + k.String()
}

// Rejection is a statement AWS refuses in a policy of some kind: the
// document could not have been saved with it, so it is not in force. The
// loader reports it and evaluates the policy without it (see Accepted).
type Rejection struct {
	Index   int    // the statement's position in the document
	Sid     string // empty when the statement has none
	Effect  Effect
	Reasons []string // each rule it breaks, with the doc page that states it
}

// Path is the statement's place in the document, in ParseError's style.
func (r Rejection) Path() string {
	p := "Statement[" + strconv.Itoa(r.Index) + "]"
	if r.Sid != "" {
		p += " (" + r.Sid + ")"
	}
	return p
}

// Message says what is wrong and what iamx does about it. An Allow AWS
// rejects grants nothing. A Deny AWS rejects is not applied either, and the
// message says so loudly: AWS refuses the whole document when it is
// written, so a rejected Deny cannot be protecting anything in the account.
// Applying it anyway would make iamx answer "denied" for access the account
// may well allow — the dangerous error for a security tool, whose user acts
// on "denied" by standing down. Dropping it can only show more access than
// the author meant, never less than AWS would allow.
func (r Rejection) Message() string {
	why := strings.Join(r.Reasons, "; ")
	if r.Effect == Deny {
		return "AWS rejects this statement (" + why + "), so this Deny is not in force and iamx does NOT apply it: answers may show access it was meant to block"
	}
	return "AWS rejects this statement (" + why + "), so it grants nothing"
}

// The pages that state each rule.
const (
	docPrincipal    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
	docNotPrincipal = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
	docResource     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
	docSCPSyntax    = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"
)

// Rejected lists the statements of p that AWS refuses in a policy of kind
// k, in document order. It is empty for a policy AWS would accept.
//
// Statements that break the grammar itself (no Effect or an unknown one, no
// Action and no NotAction, both Action and NotAction, both Resource and
// NotResource, both Principal and NotPrincipal) never get this far: Parse
// rejects the whole document, as AWS does, and the loader reports it.
func (p *Policy) Rejected(k Kind) []Rejection {
	var out []Rejection
	for i := range p.Statements {
		st := &p.Statements[i]
		if reasons := rejectReasons(st, k); len(reasons) > 0 {
			out = append(out, Rejection{Index: st.Index, Sid: st.Sid, Effect: st.Effect, Reasons: reasons})
		}
	}
	return out
}

func rejectReasons(st *Statement, k Kind) []string {
	var r []string
	hasResource := st.Resource != nil || st.NotResource != nil
	switch k {
	case KindIdentity, KindBoundary, KindSCP:
		// "You cannot use the Principal element in an identity-based
		// policy" — the principal is the entity the policy is attached to;
		// boundaries and SCPs are attached the same way. NotPrincipal:
		// "You cannot use the NotPrincipal element in an IAM
		// identity-based policy", and SCPs do not support it.
		if st.Principal != nil {
			r = append(r, "Principal is not allowed in "+k.withArticle()+", see "+docPrincipal)
		}
		if st.NotPrincipal != nil {
			r = append(r, "NotPrincipal is not allowed in "+k.withArticle()+", see "+docNotPrincipal)
		}
		// "Statements must include either a Resource or a NotResource
		// element." Loading a missing one as "*" made a user admin.
		if !hasResource {
			doc := docResource
			if k == KindSCP {
				doc = docSCPSyntax
			}
			r = append(r, "it has neither Resource nor NotResource, which "+k.withArticle()+" requires, see "+doc)
		}
	case KindTrust:
		// "You cannot use the NotPrincipal element in an IAM identity-based
		// policy nor in an IAM role trust policy."
		if st.NotPrincipal != nil {
			r = append(r, "NotPrincipal is not allowed in a role trust policy, see "+docNotPrincipal)
		} else if st.Principal == nil {
			// "In IAM roles, use the Principal element in the role's
			// trust policy to specify who can assume the role."
			r = append(r, "a role trust policy statement must name a Principal, see "+docPrincipal)
		}
	case KindResource:
		// "NotPrincipal must be used with "Effect":"Deny". Using it with
		// "Effect":"Allow" is not supported."
		if st.NotPrincipal != nil && st.Effect == Allow {
			r = append(r, "NotPrincipal with Effect Allow is not supported, see "+docNotPrincipal)
		}
		if st.Principal == nil && st.NotPrincipal == nil {
			r = append(r, "a resource-based policy statement must name a Principal, see "+docPrincipal)
		}
		if !hasResource {
			r = append(r, "it has neither Resource nor NotResource, see "+docResource)
		}
	}
	return r
}

// Accepted returns the policy AWS would enforce for kind k: p itself when
// AWS accepts every statement, otherwise a copy without the rejected ones.
// The copy shares p's compiled statements and keeps their Index, so traces
// and reasons still name them as the document does.
func (p *Policy) Accepted(k Kind) *Policy {
	n := len(p.Rejected(k))
	if n == 0 {
		return p
	}
	out := &Policy{Version: p.Version, ID: p.ID, Statements: make([]Statement, 0, len(p.Statements)-n)}
	for i := range p.Statements {
		if len(rejectReasons(&p.Statements[i], k)) == 0 {
			out.Statements = append(out.Statements, p.Statements[i])
		}
	}
	return out
}
