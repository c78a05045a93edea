package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/principal"
)

// Resolve reads a PRINCIPAL as the command line gives it:
//
//   - a name ("alice"), matched against users, groups, roles, managed
//     policies and external principals; exact case first, then ignoring case
//     (IAM names are unique ignoring case); a name that fits several is an
//     error listing the candidates;
//   - "user/alice", "role/Deploy", "group/Admins", "policy/ReadOnly" (a path
//     may precede the name: "role/service/Deploy");
//   - a full ARN;
//   - a unique ID (AIDA…, AROA…, AROA…:session, AGPA…, ANPA…) or an access
//     key ID (AKIA…) that the snapshot recorded (resolve_id.go);
//   - an account ID or root ARN, a service ("lambda.amazonaws.com"), a
//     federated provider ARN or name, or "*".
//
// External principals that no trust policy names are still resolvable: they
// come back as a transient node (ID -1) with no edges, so "what can account
// 444455556666 reach?" has an answer (nothing) rather than an error.
func (g *Graph) Resolve(s string) (*Node, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty principal name")
	}
	if n, handled, err := g.resolveID(s); handled {
		return n, err
	}
	if n := g.byARN[s]; n != nil {
		return n, nil
	}
	if typ, rest, ok := strings.Cut(s, "/"); ok && !strings.HasPrefix(s, "arn:") {
		if k, known := kindByWord(typ); known {
			return g.resolveTyped(s, k, arnName(rest))
		}
	}
	if strings.HasPrefix(s, "arn:") || s == "*" || arn.IsAccountID(s) {
		return g.resolveExternal(s)
	}
	if n, err := g.resolveName(s); n != nil || err != nil {
		return n, err
	}
	// Services and provider names are principals even when nothing trusts them.
	if p, err := principal.Parse(s); err == nil {
		return g.transient(p), nil
	}
	return nil, fmt.Errorf("no principal named %s", s)
}

func kindByWord(w string) (Kind, bool) {
	switch w {
	case "user":
		return KindUser, true
	case "group":
		return KindGroup, true
	case "role":
		return KindRole, true
	case "policy":
		return KindPolicy, true
	}
	return 0, false
}

func (g *Graph) resolveTyped(s string, k Kind, name string) (*Node, error) {
	match := func(fold bool) []*Node {
		var out []*Node
		for _, n := range g.byName[strings.ToLower(name)] {
			if n.Kind == k && (n.Name == name || fold) {
				out = append(out, n)
			}
		}
		return out
	}
	c := match(false)
	if len(c) == 0 {
		c = match(true)
	}
	return g.pick(s, c)
}

func (g *Graph) resolveName(s string) (*Node, error) {
	all := g.byName[strings.ToLower(s)]
	var exact []*Node
	for _, n := range all {
		if n.Name == s {
			exact = append(exact, n)
		}
	}
	if len(exact) > 0 {
		return g.pick(s, exact)
	}
	if len(all) > 0 {
		return g.pick(s, all)
	}
	return nil, nil
}

// pick returns the only candidate, or an error naming them all.
func (g *Graph) pick(s string, c []*Node) (*Node, error) {
	switch len(c) {
	case 0:
		return nil, fmt.Errorf("no principal named %s", s)
	case 1:
		return c[0], nil
	}
	names := make([]string, len(c))
	for i, n := range c {
		if n.Kind == KindExternal {
			names[i] = n.ARN
			continue
		}
		names[i] = fmt.Sprintf("%s (%s)", n.Label(), n.Account)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("%s is ambiguous: %s", s, strings.Join(names, ", "))
}

// resolveExternal handles ARNs, account IDs and "*". An ARN of a user or role
// of a loaded account that is absent is an error (it does not exist there);
// an ARN in an account that is not loaded is a transient external principal.
func (g *Graph) resolveExternal(s string) (*Node, error) {
	p, err := principal.Parse(s)
	if err != nil {
		if a, aerr := arn.Parse(s); aerr == nil && a.Service == "iam" {
			// Managed policy or group ARN not in the graph.
			return nil, fmt.Errorf("no principal named %s", s)
		}
		return nil, err
	}
	if n := g.byARN[p.ID]; n != nil {
		return n, nil
	}
	switch p.Kind {
	case principal.User, principal.Role:
		if n := g.byTypeName[typeNameKey(p.Account, p.Kind.String(), p.Name)]; n != nil {
			return n, nil
		}
		if g.accounts[p.Account] != nil {
			return nil, fmt.Errorf("no principal named %s (account %s is loaded and has no such %s)", s, p.Account, p.Kind)
		}
	case principal.AssumedRole:
		// A session acts as its role.
		if n := g.byTypeName[typeNameKey(p.Account, "role", roleOfSession(p.ID))]; n != nil {
			return n, nil
		}
	}
	return g.transient(p), nil
}

// roleOfSession returns the role name of arn:…:assumed-role/ROLE/SESSION.
func roleOfSession(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return ""
	}
	parts := strings.Split(a.Resource, "/")
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// transient returns an external node for p that is not part of the graph.
func (g *Graph) transient(p principal.Principal) *Node {
	n := &Node{ID: -1, Kind: KindExternal, ARN: p.ID, Name: p.Name, Account: p.Account, Principal: p}
	n.base = g.baseContext(n)
	return n
}
