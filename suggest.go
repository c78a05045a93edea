package main

import "github.com/iamx/iamx/internal/suggest"

// unknownAction is the usage error for an action the catalogue does not
// define, with the nearest actions it does: "s3:GetObjekt" is a typo far
// more often than a new API. nil when the catalogue knows the action.
func unknownAction(cmd, action string) error {
	msg := suggest.UnknownAction(action)
	if msg == "" {
		return nil
	}
	return usagef("%s: %s (--allow-unknown-action evaluates it as written)", cmd, msg)
}
