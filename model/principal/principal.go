// Package principal names who makes or may make a request: IAM users and
// roles, role sessions, whole accounts, AWS services, federated identity
// providers and anyone. It parses the identifiers that appear in policies and
// on the command line into one value type.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
package principal

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/model/arn"
)

// Kind is the kind of a principal.
type Kind uint8

const (
	Unknown       Kind = iota
	User               // arn:aws:iam::111122223333:user/alice
	Role               // arn:aws:iam::111122223333:role/Deploy
	AssumedRole        // arn:aws:sts::111122223333:assumed-role/Deploy/session
	FederatedUser      // arn:aws:sts::111122223333:federated-user/name
	Account            // an account as a whole: 111122223333 or arn:aws:iam::111122223333:root
	Service            // lambda.amazonaws.com
	Federated          // an OIDC or SAML provider ARN, or a web identity provider such as accounts.google.com
	CanonicalUser      // an S3 canonical user ID
	Anyone             // "*"
)

var kindNames = [...]string{"unknown", "user", "role", "assumed-role", "federated-user", "account", "service", "federated", "canonical-user", "anyone"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Principal identifies one principal.
type Principal struct {
	Kind    Kind
	ID      string // canonical identifier: the ARN, the service name, the provider ARN or name, or "*"
	Account string // owning account, when known
	Name    string // user, role, session, service or provider name
}

// String returns the canonical identifier.
func (p Principal) String() string { return p.ID }

// Parse reads a principal identifier as found on the command line or in a
// policy's AWS principal element: a full ARN, a 12-digit account ID, a service
// principal ("lambda.amazonaws.com") or "*". Bare names such as "alice" need a
// snapshot to resolve and are not accepted here.
func Parse(s string) (Principal, error) { return ParseIn("aws", s) }

// ParseIn is Parse where a bare account ID belongs to partition (aws-cn,
// aws-us-gov): a trust policy in China that names "123456789012" means
// arn:aws-cn:iam::123456789012:root, since no trust crosses partitions.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
func ParseIn(partition, s string) (Principal, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Principal{}, fmt.Errorf("empty principal")
	case s == "*":
		return Principal{Kind: Anyone, ID: "*", Name: "*"}, nil
	case arn.IsAccountID(s):
		return NewAccount(partition, s), nil
	case strings.HasPrefix(s, "arn:"):
		return FromARN(s)
	case isServiceName(s):
		return NewService(s), nil
	}
	return Principal{}, fmt.Errorf("principal %q: expected an ARN, an account ID, a service principal or *", s)
}

// FromARN classifies an ARN as a principal.
func FromARN(s string) (Principal, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return Principal{}, err
	}
	p := Principal{ID: s, Account: a.Account, Name: a.Name()}
	switch a.Service + ":" + a.ResourceType() {
	case "iam:user":
		p.Kind = User
	case "iam:role":
		p.Kind = Role
	case "iam:oidc-provider", "iam:saml-provider":
		_, name, ok := strings.Cut(a.Resource, "/")
		if !ok || name == "" {
			return Principal{}, fmt.Errorf("principal %q: identity provider ARN has no provider name", s)
		}
		p.Kind, p.Name = Federated, name
	case "sts:assumed-role":
		p.Kind = AssumedRole
	case "sts:federated-user":
		p.Kind = FederatedUser
	default:
		if a.Service == "iam" && a.Resource == "root" {
			p.Kind, p.Name = Account, a.Account
			return p, nil
		}
		return Principal{}, fmt.Errorf("principal %q: not a user, role, session, root or identity provider ARN", s)
	}
	return p, nil
}

// NewService returns the principal for an AWS service such as "ec2.amazonaws.com".
func NewService(name string) Principal {
	return Principal{Kind: Service, ID: name, Name: name}
}

// NewFederated returns the principal for an identity provider: an OIDC or
// SAML provider ARN, or a web identity provider name (accounts.google.com,
// cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com).
func NewFederated(id string) Principal {
	if p, err := FromARN(id); err == nil && p.Kind == Federated {
		return p
	}
	return Principal{Kind: Federated, ID: id, Name: id}
}

// NewAccount returns the principal for a whole account.
func NewAccount(partition, account string) Principal {
	return Principal{Kind: Account, ID: arn.Root(partition, account), Account: account, Name: account}
}

// isServiceName reports whether s looks like a service principal: a DNS name
// ending in amazonaws.com (or a partition's equivalent).
func isServiceName(s string) bool {
	if strings.ContainsAny(s, " /:*") || !strings.Contains(s, ".") {
		return false
	}
	return strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn") ||
		strings.HasSuffix(s, ".amazon.com") || strings.HasSuffix(s, ".c2s.ic.gov") || strings.HasSuffix(s, ".sc2s.sgov.gov")
}
