package suggest

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/model/actions"
)

// UnknownAction says why action is not one the catalogue defines, with the
// nearest actions it does ("s3:GetObjekt" is a typo far more often than a new
// API); "" when the catalogue knows it. The command line refuses such an
// action unless told otherwise, and the explorer shows the same words.
func UnknownAction(action string) string {
	cat := actions.Load()
	if _, ok := cat.Lookup(action); ok {
		return ""
	}
	msg := fmt.Sprintf("%s is not in the action catalogue (%s)", action, cat.Source())
	if near := nearestActions(cat, action, 3); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	}
	return msg
}

// nearestActions returns up to n catalogue actions near action.
func nearestActions(cat *actions.Catalogue, action string, n int) []string {
	names := make([]string, cat.Len())
	for id := range names {
		names[id] = cat.Action(id).String()
	}
	return Nearest(action, names, n)
}
