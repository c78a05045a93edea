// Package escalation is the catalogue of privilege-escalation methods as
// data: for each method, the API calls it makes and on what, the facts a
// snapshot can check before it works, and what it yields. The graph decides
// with the evaluator whether a principal may make those calls; this package
// only describes them.
//
// Facts (which permissions, which prerequisites) come from DataDog's
// pathfinding.cloud catalogue (Apache-2.0) and BishopFox's iam-vulnerable
// (MIT); the entries are written here in our own words.
package escalation

// Category groups methods the way the catalogues do.
type Category uint8

const (
	// SelfEscalation: the caller grants more to an identity it already is
	// (itself, its groups, a policy attached to it) or will become.
	SelfEscalation Category = iota
	// PrincipalAccess: the caller obtains credentials of another user, or
	// rewrites a role's trust so that it may assume it.
	PrincipalAccess
	// NewPassRole: the caller creates a compute resource that runs as a
	// role it passes, and runs code there.
	NewPassRole
	// ExistingResource: the caller takes over a resource that already runs
	// as a role. A snapshot of IAM cannot see those resources, so these
	// paths are only ever possible.
	ExistingResource
)

func (c Category) String() string {
	return [...]string{"self-escalation", "principal-access", "new-passrole", "existing-resource"}[c]
}

// Target is what a method works on.
type Target uint8

const (
	TargetUser      Target = iota // an IAM user: the caller itself or another
	TargetRole                    // an IAM role: the caller itself or another
	TargetPrincipal               // a user or a role
)

// On says which resource a permission is checked on.
type On uint8

const (
	OnTarget       On = iota // the target user or role, by ARN
	OnPassedRole             // iam:PassRole on the target role, with iam:PassedToService set to the method's service
	OnTargetGroup            // a group the target user belongs to
	OnJoinGroup              // the group the target user is added to (iam:AddUserToGroup's resource)
	OnTargetPolicy           // a customer managed policy attached to the target (directly or through a group)
	OnNew                    // a resource the caller creates or picks: any one the policies allow
)

// Yield is what a method gives the caller.
type Yield uint8

const (
	// ActAs: the caller can act as the target (credentials, a session, or
	// code running as the role).
	ActAs Yield = iota
	// Grant: the target gains any permission the caller writes; it is
	// admin-equivalent afterwards unless a Deny, its permissions boundary or
	// an SCP holds it back (the evaluator decides).
	Grant
	// Uncap: the target's permissions boundary is removed or replaced; the
	// target keeps its policies without the cap.
	Uncap
)

func (y Yield) String() string {
	return [...]string{"act-as", "grant", "uncap"}[y]
}

// Prerequisite is a fact about the target that a snapshot can check.
type Prerequisite uint8

const (
	// FewerThanTwoKeys: IAM allows two access keys per user.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
	FewerThanTwoKeys Prerequisite = iota
	// NoLoginProfile: CreateLoginProfile fails when the user has a password.
	NoLoginProfile
	// HasLoginProfile: UpdateLoginProfile needs an existing password.
	HasLoginProfile
	// NoMFADevice: a console sign-in with a user's password asks for that
	// user's MFA code when it has a device.
	NoMFADevice
	// TrustsService: the target role's trust policy lets the method's
	// service assume it.
	TrustsService
	// InstanceProfile: EC2 takes a role through an instance profile that
	// already carries it.
	InstanceProfile
	// CustomerManaged: AWS managed policies cannot be edited.
	CustomerManaged
	// VersionSlot: a managed policy holds at most five versions; a sixth
	// needs iam:DeletePolicyVersion first.
	VersionSlot
	// OtherVersion: the policy has a non-default version to switch to.
	OtherVersion
	// NotServiceLinked: the trust policy of a service-linked role cannot be
	// edited.
	NotServiceLinked
)

func (p Prerequisite) String() string {
	return [...]string{"fewer than two access keys", "no console password", "a console password",
		"no MFA device", "trusts the service", "an instance profile", "a customer managed policy",
		"a free policy version slot", "a non-default policy version", "not service-linked"}[p]
}

// Permission is one API call a method makes and what it is checked on.
type Permission struct {
	Action string
	On     On
}

// Method is one way to escalate.
type Method struct {
	// ID is the method's name on a hop: its calls joined with "+", the way
	// the catalogues name them ("iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction").
	ID          string
	Category    Category
	Target      Target
	Permissions []Permission
	Requires    []Prerequisite
	// Service is the service principal that must be trusted by the role
	// (NewPassRole and ExistingResource methods): "lambda.amazonaws.com".
	Service string
	Yields  Yield
	// Assumption names what the snapshot cannot see, with %s for the role:
	// set on methods that are only possible ("a Lambda function runs as %s").
	Assumption string
	Reference  string
}

// Possible reports whether the method needs a resource the snapshot cannot see.
func (m *Method) Possible() bool { return m.Assumption != "" }

// Actions returns the API calls of the method, in order.
func (m *Method) Actions() []string {
	out := make([]string, len(m.Permissions))
	for i, p := range m.Permissions {
		out[i] = p.Action
	}
	return out
}

// Methods returns the catalogue. The slice is shared: do not modify it.
func Methods() []Method { return methods }

// ByID returns the method with this ID, or nil.
func ByID(id string) *Method {
	for i := range methods {
		if methods[i].ID == id {
			return &methods[i]
		}
	}
	return nil
}
