package graph

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// Ownership of entities when several snapshots load together. A user,
// group, role or customer managed policy belongs to the snapshot of its own
// account (the account in its ARN): a file cannot define, or redefine,
// another account's principals. An entity a snapshot holds for another
// account is
//
//   - dropped when that account's own snapshot defines it the same way (the
//     copy changes nothing);
//   - an error, naming both files, when that snapshot defines it otherwise
//     or does not have it at all;
//   - left out, with a warning, when that account is not loaded: its
//     principals are then outside principals like any other of an account
//     iamx cannot see (trust policies may still name them), never ones whose
//     policies a foreign file dictates.
//
// AWS managed policies (account "aws") appear in every snapshot and belong
// to none.

// owns reports whether s is the snapshot an entity with this ARN belongs to.
// It runs for every entity of every load, so it reads the account field in
// place (arn.AccountOf parses, and allocates, the whole ARN).
func owns(s *model.Snapshot, entityARN string) bool {
	if s.AccountID == "" {
		return true
	}
	acct := accountField(entityARN)
	return acct == "" || acct == "aws" || acct == s.AccountID
}

// accountField returns the account field of an ARN, between its fourth and
// fifth colons; "" when s is not an ARN.
func accountField(s string) string {
	if !strings.HasPrefix(s, "arn:") {
		return ""
	}
	start, colons := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		switch colons++; colons {
		case 4:
			start = i + 1
		case 5:
			return s[start:i]
		}
	}
	return ""
}

// checkOwnership applies the rules above to snaps (accounts: the loaded
// snapshots by account). It returns the warnings for entities left out.
func checkOwnership(snaps []*model.Snapshot, accounts map[string]*model.Snapshot) ([]model.Warning, error) {
	var warnings []model.Warning
	index := map[*model.Snapshot]map[string]any{} // built for an owner on first need
	for _, s := range snaps {
		err := forEachEntity(s, func(kind, entityARN string, e any) error {
			if owns(s, entityARN) {
				return nil
			}
			acct := arn.AccountOf(entityARN)
			own := accounts[acct]
			if own == nil {
				warnings = append(warnings, model.Warning{Entity: entityARN, Where: fmt.Sprintf("%s: %s %s", sourceName(s), kind, entityARN),
					Message: fmt.Sprintf("belongs to account %s, which is not loaded: left out (load that account's own snapshot to include it)", acct)})
				return nil
			}
			if index[own] == nil {
				index[own] = entitiesByARN(own)
			}
			switch theirs := index[own][entityARN]; {
			case theirs == nil:
				return fmt.Errorf("%s (account %s) holds %s %s of account %s, which that account's own snapshot %s does not have",
					sourceName(s), s.AccountID, kind, entityARN, acct, sourceName(own))
			case !sameEntity(e, theirs):
				return fmt.Errorf("%s (account %s) defines %s %s of account %s differently from that account's own snapshot %s",
					sourceName(s), s.AccountID, kind, entityARN, acct, sourceName(own))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return warnings, nil
}

// forEachEntity calls f for each user, group, role and managed policy of s
// until f returns an error.
func forEachEntity(s *model.Snapshot, f func(kind, entityARN string, e any) error) error {
	for _, u := range s.Users {
		if u != nil {
			if err := f("user", u.ARN, u); err != nil {
				return err
			}
		}
	}
	for _, gr := range s.Groups {
		if gr != nil {
			if err := f("group", gr.ARN, gr); err != nil {
				return err
			}
		}
	}
	for _, r := range s.Roles {
		if r != nil {
			if err := f("role", r.ARN, r); err != nil {
				return err
			}
		}
	}
	for _, p := range s.Policies {
		if p != nil {
			if err := f("managed policy", p.ARN, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// entitiesByARN indexes a snapshot's entities by ARN.
func entitiesByARN(s *model.Snapshot) map[string]any {
	m := map[string]any{}
	forEachEntity(s, func(_, a string, e any) error {
		m[a] = e
		return nil
	})
	return m
}

// sameEntity reports whether two definitions of an entity grant and trust
// the same: identity, path, membership, policies, boundary, trust and tags.
// Capture details (dates, last use, descriptions) may differ.
func sameEntity(a, b any) bool {
	switch x := a.(type) {
	case *model.User:
		y, ok := b.(*model.User)
		return ok && x.Path == y.Path && x.Name == y.Name && x.ID == y.ID && slices.Equal(x.Groups, y.Groups) &&
			sameInline(x.InlinePolicies, y.InlinePolicies) && slices.Equal(x.AttachedPolicies, y.AttachedPolicies) &&
			x.PermissionsBoundary == y.PermissionsBoundary && slices.Equal(x.Tags, y.Tags)
	case *model.Group:
		y, ok := b.(*model.Group)
		return ok && x.Path == y.Path && x.Name == y.Name && x.ID == y.ID &&
			sameInline(x.InlinePolicies, y.InlinePolicies) && slices.Equal(x.AttachedPolicies, y.AttachedPolicies)
	case *model.Role:
		y, ok := b.(*model.Role)
		return ok && x.Path == y.Path && x.Name == y.Name && x.ID == y.ID && sameDocument(x.TrustPolicy, y.TrustPolicy) &&
			sameInline(x.InlinePolicies, y.InlinePolicies) && slices.Equal(x.AttachedPolicies, y.AttachedPolicies) &&
			x.PermissionsBoundary == y.PermissionsBoundary && slices.Equal(x.Tags, y.Tags)
	case *model.ManagedPolicy:
		y, ok := b.(*model.ManagedPolicy)
		if !ok || x.Name != y.Name || x.Path != y.Path {
			return false
		}
		vx, vy := x.DefaultVersion(), y.DefaultVersion()
		return (vx == nil) == (vy == nil) && (vx == nil || sameDocument(vx.Document, vy.Document))
	}
	return false
}

func sameInline(a, b []model.InlinePolicy) bool {
	return slices.EqualFunc(a, b, func(x, y model.InlinePolicy) bool {
		return x.Name == y.Name && sameDocument(x.Document, y.Document)
	})
}

// sameDocument compares documents by what they say (their parsed
// statements), so that formatting does not matter; unparsed ones by text.
func sameDocument(a, b model.Document) bool {
	if a.Policy == nil || b.Policy == nil {
		return a.Policy == nil && b.Policy == nil && string(a.JSON) == string(b.JSON)
	}
	x, y := a.Policy, b.Policy
	return x.Version == y.Version && x.ID == y.ID && slices.EqualFunc(x.Statements, y.Statements, sameStatement)
}

func sameStatement(x, y policy.Statement) bool {
	return x.Sid == y.Sid && x.Effect == y.Effect &&
		reflect.DeepEqual(x.Principal, y.Principal) && reflect.DeepEqual(x.NotPrincipal, y.NotPrincipal) &&
		slices.Equal(x.Action, y.Action) && slices.Equal(x.NotAction, y.NotAction) &&
		slices.Equal(x.Resource, y.Resource) && slices.Equal(x.NotResource, y.NotResource) &&
		reflect.DeepEqual(x.Conditions, y.Conditions)
}
