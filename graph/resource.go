package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// Target is a request's RESOURCE as ResolveResource read it.
type Target struct {
	// ARN is what is evaluated: the ARN of the IAM entity the input names,
	// or the input unchanged (S3 and other non-IAM ARNs, "*", patterns, IAM
	// ARNs of accounts that are not loaded).
	ARN string
	// Node is the loaded user, group, role or managed policy named; nil
	// otherwise.
	Node *Node
	// Assumptions say what the answer rests on that the snapshot lacks:
	// a role whose trust policy is not in it, or a pattern that names no
	// one role. Empty when the snapshot has everything the answer needs.
	Assumptions []string
}

// ResolveResource reads a RESOURCE the way Resolve reads a PRINCIPAL, for
// IAM entities:
//
//   - a name ("Deploy"), "role/NAME", "user/NAME", "group/NAME" or
//     "policy/NAME" names a loaded entity (ambiguous: an error listing the
//     candidates);
//   - a full ARN of a loaded user, group, role or managed policy is that
//     entity; a path-less ARN (role/Deploy for role/ci/Deploy) is the one
//     entity of that name and type in its account; an IAM ARN of a loaded
//     account that names no such entity is an error (it does not exist
//     there), with the likely candidates;
//   - anything else that is an ARN, "*" or a pattern is evaluated as given.
//
// For sts:AssumeRole* the resource must be a role (or a pattern): the
// evaluation uses that role's trust policy, and a role whose trust policy
// the snapshot lacks (its account is not loaded, or the document did not
// parse) can never be answered "allow" (see Input). Target.Assumptions
// says so.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func (g *Graph) ResolveResource(action, s string) (Target, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Target{}, fmt.Errorf("RESOURCE is empty; leave it out for *")
	}
	assume := policy.IsAssumeRoleAction(action)
	if strings.ContainsAny(s, "*?") {
		if s != "*" && !strings.HasPrefix(s, "arn:") {
			return Target{}, fmt.Errorf("RESOURCE %s: a pattern must be * or an ARN pattern", s)
		}
		t := Target{ARN: s}
		if assume {
			t.Assumptions = []string{fmt.Sprintf("RESOURCE %s is a pattern, not one role: no trust policy was consulted, only the principal's own policies", s)}
		}
		return t, nil
	}
	if !strings.HasPrefix(s, "arn:") {
		n, err := g.resolveResourceName(s)
		if err != nil {
			return Target{}, err
		}
		return g.target(action, s, n)
	}
	if n := g.byARN[s]; n != nil && n.Kind != KindExternal {
		return g.target(action, s, n)
	}
	a, err := arn.Parse(s)
	if err != nil {
		return Target{}, fmt.Errorf("RESOURCE: %w", err)
	}
	typ := a.ResourceType()
	entity := a.Service == "iam" && (typ == "user" || typ == "role" || typ == "group" || typ == "policy")
	if !entity {
		if assume {
			return Target{}, fmt.Errorf("RESOURCE %s is not a role ARN; %s takes a role", s, action)
		}
		return Target{ARN: s}, nil
	}
	snap := g.accounts[a.Account]
	if snap == nil {
		if assume && typ != "role" {
			return Target{}, fmt.Errorf("RESOURCE %s is a %s, not a role; %s takes a role", s, typ, action)
		}
		t := Target{ARN: s}
		if assume {
			t.Assumptions = []string{trustUnknownNote(s, fmt.Sprintf("account %s is not loaded", a.Account))}
		}
		return t, nil
	}
	// A loaded account: the ARN must name one of its entities.
	name := a.Name()
	if strings.Count(a.Resource, "/") == 1 {
		// No path: the one entity of that type and name, whatever its path.
		if n := g.entityByName(a.Account, kindOfType(typ), name, false); n != nil {
			return g.target(action, s, n)
		}
	}
	msg := fmt.Sprintf("RESOURCE %s: account %s (%s) has no such %s", s, a.Account, sourceName(snap), typ)
	if c := g.resourceCandidates(a.Account, name); len(c) > 0 {
		msg += "; did you mean " + strings.Join(c, " or ") + "?"
	}
	return Target{}, fmt.Errorf("%s", msg)
}

// target finishes the resolution of a loaded entity.
func (g *Graph) target(action, given string, n *Node) (Target, error) {
	if policy.IsAssumeRoleAction(action) {
		if n.Kind != KindRole {
			return Target{}, fmt.Errorf("RESOURCE %s is a %s (%s), not a role; %s takes a role", given, n.Kind, n.ARN, action)
		}
		t := Target{ARN: n.ARN, Node: n}
		if trustSource(n) == nil {
			t.Assumptions = []string{trustUnknownNote(n.ARN, "its trust policy could not be read (see the load warnings)")}
		}
		return t, nil
	}
	return Target{ARN: n.ARN, Node: n}, nil
}

func trustUnknownNote(role, why string) string {
	return fmt.Sprintf("the trust policy of %s is not in the snapshot (%s): whether it admits the principal is unknown, so the answer cannot be allow", role, why)
}

// resolveResourceName reads a name or TYPE/NAME as a user, group, role or
// managed policy (external principals are not resources).
func (g *Graph) resolveResourceName(s string) (*Node, error) {
	if typ, rest, ok := strings.Cut(s, "/"); ok {
		k, known := kindByWord(typ)
		if !known {
			return nil, fmt.Errorf("RESOURCE %s: expected an ARN, *, or an IAM name (NAME, user/NAME, role/NAME, group/NAME, policy/NAME)", s)
		}
		n, err := g.resolveTyped(s, k, arnName(rest))
		if err != nil {
			return nil, fmt.Errorf("RESOURCE %w", err)
		}
		return n, nil
	}
	var exact, fold []*Node
	for _, n := range g.byName[strings.ToLower(s)] {
		if n.Kind == KindExternal {
			continue
		}
		fold = append(fold, n)
		if n.Name == s {
			exact = append(exact, n)
		}
	}
	c := exact
	if len(c) == 0 {
		c = fold
	}
	if len(c) == 0 {
		return nil, fmt.Errorf("RESOURCE %s: no user, group, role or managed policy has that name; give an ARN for other resources", s)
	}
	n, err := g.pick(s, c)
	if err != nil {
		return nil, fmt.Errorf("RESOURCE %w", err)
	}
	return n, nil
}

func kindOfType(typ string) Kind {
	k, _ := kindByWord(typ)
	return k
}

// entityByName returns the entity of account acct, kind k and name (exact
// case unless fold), or nil.
func (g *Graph) entityByName(acct string, k Kind, name string, fold bool) *Node {
	for _, n := range g.byName[strings.ToLower(name)] {
		if n.Kind == k && n.Account == acct && (fold || n.Name == name) {
			return n
		}
	}
	return nil
}

// resourceCandidates lists the ARNs of account acct's entities whose name
// is name ignoring case, of any type and path: what a mistyped ARN most
// likely meant.
func (g *Graph) resourceCandidates(acct, name string) []string {
	var out []string
	for _, n := range g.byName[strings.ToLower(name)] {
		if n.Kind != KindExternal && n.Account == acct {
			out = append(out, n.ARN)
		}
	}
	sort.Strings(out)
	return out
}
