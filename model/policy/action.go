package policy

import (
	"errors"
	"fmt"
	"strings"
)

// ErrActionPattern is CheckAction's answer for a wildcard: policies hold
// patterns, a request names one action.
var ErrActionPattern = errors.New("a request names one action, not a pattern")

// CheckAction rejects an action no AWS request can carry: one without a
// service prefix ("GetObject", "s3:"), a pattern ("s3:Get*"), or one with
// whitespace. It does not ask whether the service defines the action: AWS
// evaluates the string as given.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func CheckAction(action string) error {
	svc, name, ok := strings.Cut(action, ":")
	switch {
	case !ok || svc == "" || name == "" || strings.Contains(name, ":"):
		return fmt.Errorf("action %q: expected SERVICE:ACTION, e.g. s3:GetObject", action)
	case strings.ContainsAny(action, "*?"):
		return fmt.Errorf("action %q: %w", action, ErrActionPattern)
	case strings.ContainsAny(action, " \t\n"):
		return fmt.Errorf("action %q: contains whitespace", action)
	}
	return nil
}
