package graph

import (
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Kind is the kind of a node.
type Kind uint8

const (
	KindUser Kind = iota
	KindGroup
	KindRole
	KindPolicy
	// KindExternal is a principal named in a trust policy that is not a user
	// or role of a loaded account: an account's root (a loaded account's
	// own included), a service, a federated provider, anyone, a user or role
	// of an account that is not loaded, or a principal that no longer exists.
	KindExternal
)

func (k Kind) String() string {
	switch k {
	case KindUser:
		return "user"
	case KindGroup:
		return "group"
	case KindRole:
		return "role"
	case KindPolicy:
		return "policy"
	case KindExternal:
		return "external"
	}
	return "unknown"
}

// Node is a user, group, role, managed policy or external principal.
type Node struct {
	ID        int // dense index into Graph.Nodes(); -1 for a transient node made by Resolve
	Kind      Kind
	ARN       string // for externals: the principal's ID (root ARN, service name, provider ARN or name, "*")
	Name      string
	Account   string
	Principal principal.Principal // users, roles and externals
	User      *model.User         // exactly one of User, Group, Role, Policy is set for non-external nodes
	Group     *model.Group
	Role      *model.Role
	Policy    *model.ManagedPolicy
	Snapshot  *model.Snapshot // the snapshot it came from; nil for externals
	// Dangling marks an external node for a principal that a trust policy
	// names but that no longer exists: a unique ID such as AROA… (which is
	// what AWS shows once the principal is deleted), or the ARN of a user or
	// role missing from its loaded account.
	Dangling bool

	groups     []*Node // users: the groups they belong to
	members    []*Node // groups: their users
	attachedTo []*Node // policies: users, groups and roles it is attached to

	refs     []PolicyRef     // identity (with groups') then boundary, in display order
	identity []policy.Source // identity policies used in evaluation
	boundary *policy.Source
	pidx     []int32 // policyIndex of each identity source, for per-query memos
	base     policy.Context

	assumes   []Edge // roles this node may assume
	assumedBy []Edge // principals that may assume this role
}

// Label is a short human name: "user/alice", "role/Deploy", "group/Admins",
// "policy/ReadOnly", or the external principal's identifier.
func (n *Node) Label() string {
	if n == nil {
		return ""
	}
	if n.Kind == KindExternal {
		return n.ARN
	}
	return n.Kind.String() + "/" + n.Name
}

// InlinePolicies returns the inline policies of a user, group or role (nil
// for any other node).
func (n *Node) InlinePolicies() []model.InlinePolicy {
	switch {
	case n.User != nil:
		return n.User.InlinePolicies
	case n.Group != nil:
		return n.Group.InlinePolicies
	case n.Role != nil:
		return n.Role.InlinePolicies
	}
	return nil
}

// IsPrincipal reports whether the node can make requests or assume roles:
// users, roles and externals (not groups or policies).
func (n *Node) IsPrincipal() bool {
	return n != nil && (n.Kind == KindUser || n.Kind == KindRole || n.Kind == KindExternal)
}

// IsServiceLinked reports whether a role is a service-linked role, which
// service control policies do not restrict.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
func (n *Node) IsServiceLinked() bool {
	return n != nil && n.Role != nil && len(n.Role.Path) >= len("/aws-service-role/") &&
		n.Role.Path[:len("/aws-service-role/")] == "/aws-service-role/"
}
