package live

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// isAccessDenied reports whether AWS refused the call for lack of permission.
func isAccessDenied(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
		return true
	}
	return false
}

// errorCode returns the AWS error code of err, or "" when it has none.
func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// cancelled turns a context error into the one-line error a user sees after
// ctrl+c or a deadline. It returns nil while ctx is live.
func cancelled(ctx context.Context) error {
	switch ctx.Err() {
	case nil:
		return nil
	case context.DeadlineExceeded:
		return fmt.Errorf("live capture timed out: %w", ctx.Err())
	default:
		return fmt.Errorf("live capture cancelled: %w", ctx.Err())
	}
}

// callError is a failed AWS call, named by its IAM action so that warnings
// can say which permission was missing.
type callError struct {
	action string // "iam:ListAccountAliases"
	err    error
}

func (e *callError) Error() string { return e.action + ": " + e.err.Error() }
func (e *callError) Unwrap() error { return e.err }
