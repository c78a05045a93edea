package live

import (
	"fmt"
	"strings"
	"sync"
)

// Stream names, in the order a progress line shows them. The five GAAD
// streams are named after their Filter value.
const (
	StreamCaller           = "CallerIdentity"
	StreamUsers            = "User"
	StreamGroups           = "Group"
	StreamRoles            = "Role"
	StreamLocalPolicies    = "LocalManagedPolicy"
	StreamAWSPolicies      = "AWSManagedPolicy"
	StreamAll              = "All" // one unfiltered GAAD stream, used only to compare against
	StreamAliases          = "AccountAliases"
	StreamCredentialReport = "CredentialReport"
	StreamAccessKeys       = "AccessKeys" // iam:ListAccessKeys per user; Pages counts users, Items keys
)

// Progress is one event of a capture: a page received on a stream, a stream
// finished, or a stream failed. Events of one stream arrive in order; Pages
// and Items are running totals for that stream.
type Progress struct {
	Stream  string // one of the Stream constants
	Pages   int    // pages (responses) received so far
	Items   int    // entities received so far (users, roles, policies, aliases, report rows)
	Done    bool   // the stream has finished, successfully or not
	Err     error  // set with Done when the stream failed
	Warning string // set with Done when an optional stream was denied and became a warning
}

// Status folds Progress events into one short line for a terminal
// ("users 340 · roles 212 (3 pages) … · alias ✓ · report denied").
// It is safe for concurrent use.
type Status struct {
	mu      sync.Mutex
	streams map[string]Progress
}

// Update records an event.
func (s *Status) Update(p Progress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streams == nil {
		s.streams = make(map[string]Progress)
	}
	s.streams[p.Stream] = p
}

var streamLabels = []struct{ stream, label string }{
	{StreamCaller, "identity"},
	{StreamUsers, "users"},
	{StreamGroups, "groups"},
	{StreamRoles, "roles"},
	{StreamLocalPolicies, "policies"},
	{StreamAWSPolicies, "aws"},
	{StreamAll, "details"},
	{StreamAliases, "alias"},
	{StreamCredentialReport, "report"},
	{StreamAccessKeys, "keys"},
}

// String renders the streams seen so far, in a fixed order.
func (s *Status) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parts []string
	for _, l := range streamLabels {
		p, ok := s.streams[l.stream]
		if !ok || (l.stream == StreamCaller && p.Done && p.Err == nil) {
			// Who is capturing matters only until it is known.
			continue
		}
		var b strings.Builder
		b.WriteString(l.label)
		single := l.stream == StreamCaller || l.stream == StreamAliases || l.stream == StreamCredentialReport
		if !single {
			fmt.Fprintf(&b, " %d", p.Items)
			if p.Pages > 1 {
				fmt.Fprintf(&b, " (%d pages)", p.Pages)
			}
		}
		// Counts speak for finished streams; single calls need a mark.
		switch {
		case p.Err != nil:
			b.WriteString(" failed")
		case p.Warning != "":
			b.WriteString(" denied")
		case !p.Done:
			b.WriteString(" …")
		case single:
			b.WriteString(" ✓")
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " · ")
}
