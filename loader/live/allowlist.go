package live

import (
	"context"
	"fmt"
	"maps"
	"slices"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// allowed is every AWS operation iamx may send, keyed by SDK service ID and
// operation name. It is the single place that decides what a live capture can
// do: all of it reads, except GenerateCredentialReport, which only asks IAM to
// build the report it then reads. Adding an entry here needs a reason in the
// comment next to it and a line in the README's minimal policy.
var allowed = map[string]map[string]bool{
	"STS": {
		"GetCallerIdentity": true, // who is capturing, and which account
		"AssumeRole":        true, // --role-arn: into the target account
	},
	"IAM": {
		"GetAccountAuthorizationDetails": true, // the snapshot itself
		"ListAccountAliases":             true, // the account's friendly name
		"GenerateCredentialReport":       true, // needed before GetCredentialReport; changes no IAM entity
		"GetCredentialReport":            true, // access keys, passwords, MFA per user
		"ListAccessKeys":                 true, // each user's access key IDs and status (never secrets), so an AKIA… ID finds its user
	},
}

// AllowedOperations lists the allowlist as IAM action names
// ("iam:GetAccountAuthorizationDetails"), for documentation and tests.
func AllowedOperations() []string {
	prefix := map[string]string{"STS": "sts", "IAM": "iam"}
	var out []string
	for _, svc := range []string{"STS", "IAM"} {
		for _, op := range slices.Sorted(maps.Keys(allowed[svc])) {
			out = append(out, prefix[svc]+":"+op)
		}
	}
	return out
}

// isAllowed reports whether the operation may be sent.
func isAllowed(serviceID, operation string) bool {
	return allowed[serviceID][operation]
}

// RefusedError is returned for an operation outside the allowlist. It is
// raised before the request is signed or sent.
type RefusedError struct {
	Service, Operation string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("iamx is read-only: %s %s is not in its allowlist of AWS operations and was not sent", e.Service, e.Operation)
}

// allowlistGuard is the SDK middleware that enforces the allowlist. It runs
// in the Initialize step, before serialization, signing, retries and the
// network, so a refused call leaves no trace outside the process.
var allowlistGuard = middleware.InitializeMiddlewareFunc("iamxAllowlist",
	func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
		if !isAllowed(svc, op) {
			return middleware.InitializeOutput{}, middleware.Metadata{}, &RefusedError{Service: svc, Operation: op}
		}
		return next.HandleInitialize(ctx, in)
	})

// addAllowlistGuard installs the guard first in the Initialize step of every
// operation's stack.
func addAllowlistGuard(stack *middleware.Stack) error {
	return stack.Initialize.Add(allowlistGuard, middleware.Before)
}
