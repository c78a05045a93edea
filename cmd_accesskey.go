package main

import (
	"fmt"
	"io"
	"time"

	"github.com/iamx/iamx/graph"
)

// accessKeyAnswer says whose an access key is, for answers that started
// from an access key ID (AKIA…): the first question after a key leaks.
type accessKeyAnswer struct {
	ID         string `json:"id"`
	Status     string `json:"status"` // Active, Inactive, Expired, or "" when the snapshot's was not one of these
	CreateDate string `json:"create_date,omitempty"`
	User       string `json:"user"`                  // the user's ARN
	CapturedAt string `json:"captured_at,omitempty"` // the status is as of this time
}

// accessKeyOf returns the key arg names, or nil when arg is not a recorded
// access key ID.
func accessKeyOf(g *graph.Graph, arg string) *accessKeyAnswer {
	k, ok := g.AccessKey(arg)
	if !ok {
		return nil
	}
	a := &accessKeyAnswer{ID: k.Key.ID, Status: k.Key.Status, User: k.User.ARN}
	if !k.Key.CreateDate.IsZero() {
		a.CreateDate = k.Key.CreateDate.UTC().Format(time.RFC3339)
	}
	if s := k.User.Snapshot; s != nil && !s.CapturedAt.IsZero() {
		a.CapturedAt = s.CapturedAt.UTC().Format(time.RFC3339)
	}
	return a
}

// printAccessKey is the text line that opens an answer about a key.
func printAccessKey(w io.Writer, k *accessKeyAnswer) {
	status := k.Status
	if status == "" {
		status = "status unknown"
	}
	fmt.Fprintf(w, "access key %s belongs to %s: %s", k.ID, k.User, status)
	if k.CreateDate != "" {
		fmt.Fprintf(w, ", created %s", k.CreateDate)
	}
	if k.CapturedAt != "" {
		fmt.Fprintf(w, " (status as captured at %s)", k.CapturedAt)
	}
	fmt.Fprintln(w)
	if k.Status != "Active" {
		fmt.Fprintln(w, "AWS refuses requests signed with a key that is not active; it reaches what follows only if it is made active again (iam:UpdateAccessKey)")
	} else {
		fmt.Fprintln(w, "requests signed with it act as that user:")
	}
}
