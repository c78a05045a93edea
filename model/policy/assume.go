package policy

import "strings"

// assumeRoleActions are the STS actions whose resource policy is the role's
// trust policy.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html
var assumeRoleActions = [...]string{"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"}

// IsAssumeRoleAction reports whether action (any case) is sts:AssumeRole,
// sts:AssumeRoleWithSAML or sts:AssumeRoleWithWebIdentity: a request whose
// resource is a role and whose resource policy is its trust policy.
func IsAssumeRoleAction(action string) bool {
	for _, a := range assumeRoleActions {
		if strings.EqualFold(action, a) {
			return true
		}
	}
	return false
}

// MatchesAction reports whether the statement's Action element covers
// action (case-insensitive, with * and ?), or its NotAction element does
// not: whether the statement applies to a request for action.
func (s *Statement) MatchesAction(action string) bool {
	return s.compiledFor(nil).matchAction(action)
}

// MayAssumeRole reports whether the statement applies to one of the
// sts:AssumeRole* actions: in a trust policy, whether it can let anyone
// assume the role. Worked out when the policy is compiled.
func (s *Statement) MayAssumeRole() bool {
	return s.compiledFor(nil).assumeRole
}
