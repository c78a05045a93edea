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
