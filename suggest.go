package main

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/internal/suggest"
	"github.com/iamx/iamx/model/actions"
)

// unknownAction is the usage error for an action the catalogue does not
// define, with the nearest actions it does: "s3:GetObjekt" is a typo far
// more often than a new API. nil when the catalogue knows the action.
func unknownAction(cmd, action string) error {
	cat := actions.Load()
	if _, ok := cat.Lookup(action); ok {
		return nil
	}
	msg := fmt.Sprintf("%s: %s is not in the action catalogue (%s)", cmd, action, cat.Source())
	if near := nearestActions(cat, action, 3); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	}
	return usagef("%s (--allow-unknown-action evaluates it as written)", msg)
}

// nearestActions returns up to n catalogue actions near action.
func nearestActions(cat *actions.Catalogue, action string, n int) []string {
	names := make([]string, cat.Len())
	for id := range names {
		names[id] = cat.Action(id).String()
	}
	return suggest.Nearest(action, names, n)
}
