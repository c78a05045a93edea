// Package graph indexes one or more account snapshots as a graph of users,
// groups, roles, managed policies and the external principals their trust
// policies name, with member-of, attached, boundary and can-assume edges. It
// is built once, then read-only (safe for concurrent reads), and answers
// who-can, effective permissions and assume-role chains without I/O.
package graph

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Options tune how the graph evaluates requests.
type Options struct {
	// SCPs are service control policies, one entry per organization level
	// (root, OU …, account). They apply to the principals of every loaded
	// account except service-linked roles (path /aws-service-role/), which
	// SCPs never restrict.
	//
	// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
	SCPs []policy.Source
	// Resources adds resource-based policies to those the snapshots carry
	// (--resources); Organization gives the accounts' SCP and RCP levels
	// (--org), in place of one a snapshot carries.
	Resources    []*model.Resource
	Organization *model.Organization
}

// Graph is the indexed account (or accounts). Build it with Build.
type Graph struct {
	snaps []*model.Snapshot
	opts  Options

	nodes     []*Node
	users     []*Node
	groups    []*Node
	roles     []*Node
	policies  []*Node
	externals []*Node
	actors    []*Node // users and roles of loaded accounts, by ID: who-can scans these

	byARN  map[string]*Node
	byName map[string][]*Node // lower-cased name → users, groups, roles, policies, externals
	// byTypeName finds users and roles by account, type and name regardless
	// of path, for trust policies that name an ARN without the path.
	byTypeName map[string]*Node
	accounts   map[string]*model.Snapshot // loaded account ID → snapshot

	// policyIndex gives every distinct parsed policy document a dense
	// number, so a query can memoise per document instead of per attachment.
	policyIndex map[*policy.Policy]int32
	policyDocs  []*policy.Policy

	allowAll   *policy.Policy // externals' own side, see Input
	noTrust    *policy.Policy // stand-in for a trust policy the snapshot lacks, see trustOf
	edges      int            // explicit can-assume edges
	allEdges   func() int     // explicit and delegated, counted once on demand
	deleg      delegation
	opens      []*openTrust    // roles whose trust admits "*" or whole accounts (outside.go)
	warnings   []model.Warning // entities left out (ownership.go)
	perm       permCache       // effective-permission memos, filled lazily
	svcKeys    serviceKeys     // per action: its service's keys it never carries
	ids        idIndex         // unique IDs and access key IDs, built on first use (resolve_id.go)
	res        resourceIndex
	adminReach adminReach // hops to the nearest admin role, built on first use (adminstatus.go)
}

// Build indexes snaps. Several snapshots are several accounts: a principal of
// another loaded account is its real node, and cross-account trust between
// them is decided on both sides. Build fails only on an unusable snapshot set
// (nil, the same account loaded twice, or a snapshot that redefines another
// loaded account's entities: see ownership.go); faults inside documents were
// already reported as snapshot warnings and are skipped here.
func Build(snaps []*model.Snapshot, opts Options) (*Graph, error) {
	entities, principals := 0, 0
	for _, s := range snaps {
		if s != nil {
			principals += len(s.Users) + len(s.Roles)
			entities += len(s.Users) + len(s.Roles) + len(s.Groups) + len(s.Policies)
		}
	}
	g := &Graph{
		snaps:       snaps,
		opts:        opts,
		byARN:       make(map[string]*Node, entities),
		byName:      make(map[string][]*Node, entities),
		byTypeName:  make(map[string]*Node, principals),
		accounts:    map[string]*model.Snapshot{},
		policyIndex: make(map[*policy.Policy]int32, entities),
		allowAll:    newAllowAll(),
		noTrust:     &policy.Policy{Version: "2012-10-17"},
	}
	for i, s := range snaps {
		if s == nil {
			return nil, fmt.Errorf("snapshot %d is empty", i+1)
		}
		if s.AccountID != "" {
			if prev, dup := g.accounts[s.AccountID]; dup {
				return nil, fmt.Errorf("account %s is loaded twice (%s and %s)", s.AccountID, sourceName(prev), sourceName(s))
			}
			g.accounts[s.AccountID] = s
		}
	}
	warnings, err := checkOwnership(snaps, g.accounts)
	if err != nil {
		return nil, err
	}
	g.warnings = warnings
	for _, s := range snaps {
		g.addSnapshot(s)
	}
	for _, s := range snaps {
		g.linkSnapshot(s)
	}
	g.indexResources()
	// Each principal's policy list and known context are its own: gather
	// them on every core, then number the documents in order.
	parallelFor(len(g.actors), func(i int) {
		n := g.actors[i]
		g.collectSources(n)
		n.base = g.baseContext(n)
	})
	for _, n := range g.actors {
		n.pidx = make([]int32, len(n.identity))
		for i := range n.identity {
			n.pidx[i] = g.indexPolicy(n.identity[i].Policy)
		}
	}
	g.buildTrustEdges()
	g.allEdges = sync.OnceValue(func() int { return g.edges + g.delegatedEdges() })
	for _, list := range [][]*Node{g.users, g.groups, g.roles, g.policies, g.externals} {
		sortByName(list)
	}
	return g, nil
}

func sourceName(s *model.Snapshot) string {
	if s.Source != "" {
		return s.Source
	}
	return "snapshot"
}

// add gives n its ID and indexes it by ARN and name.
func (g *Graph) add(n *Node) *Node {
	n.ID = len(g.nodes)
	g.nodes = append(g.nodes, n)
	if n.ARN != "" {
		if _, dup := g.byARN[n.ARN]; !dup {
			g.byARN[n.ARN] = n
		}
	}
	if n.Name != "" {
		key := strings.ToLower(n.Name)
		g.byName[key] = append(g.byName[key], n)
	}
	switch n.Kind {
	case KindUser:
		g.users = append(g.users, n)
		g.actors = append(g.actors, n)
	case KindGroup:
		g.groups = append(g.groups, n)
	case KindRole:
		g.roles = append(g.roles, n)
		g.actors = append(g.actors, n)
	case KindPolicy:
		g.policies = append(g.policies, n)
	case KindExternal:
		g.externals = append(g.externals, n)
	}
	return n
}

func typeNameKey(account, typ, name string) string {
	return account + "|" + typ + "|" + strings.ToLower(name)
}

func (g *Graph) addSnapshot(s *model.Snapshot) {
	for _, p := range s.Policies {
		if p == nil || !owns(s, p.ARN) {
			continue
		}
		// AWS managed policies appear in every account's snapshot with the
		// same ARN: one node serves them all.
		if existing := g.byARN[p.ARN]; existing != nil && existing.Kind == KindPolicy {
			continue
		}
		g.add(&Node{Kind: KindPolicy, ARN: p.ARN, Name: p.Name, Account: arn.AccountOf(p.ARN), Policy: p, Snapshot: s})
	}
	for _, gr := range s.Groups {
		if gr == nil || !owns(s, gr.ARN) {
			continue
		}
		g.add(&Node{Kind: KindGroup, ARN: gr.ARN, Name: gr.Name, Account: accountOr(gr.ARN, s), Group: gr, Snapshot: s})
	}
	for _, u := range s.Users {
		if u == nil || !owns(s, u.ARN) {
			continue
		}
		acct := accountOr(u.ARN, s)
		n := g.add(&Node{Kind: KindUser, ARN: u.ARN, Name: u.Name, Account: acct, User: u, Snapshot: s,
			Principal: principal.Principal{Kind: principal.User, ID: u.ARN, Account: acct, Name: u.Name}})
		g.byTypeName[typeNameKey(acct, "user", u.Name)] = n
	}
	for _, r := range s.Roles {
		if r == nil || !owns(s, r.ARN) {
			continue
		}
		acct := accountOr(r.ARN, s)
		n := g.add(&Node{Kind: KindRole, ARN: r.ARN, Name: r.Name, Account: acct, Role: r, Snapshot: s,
			Principal: principal.Principal{Kind: principal.Role, ID: r.ARN, Account: acct, Name: r.Name}})
		g.byTypeName[typeNameKey(acct, "role", r.Name)] = n
	}
}

func accountOr(a string, s *model.Snapshot) string {
	if acct := arn.AccountOf(a); acct != "" {
		return acct
	}
	return s.AccountID
}

// linkSnapshot adds member-of, attached and boundary edges.
func (g *Graph) linkSnapshot(s *model.Snapshot) {
	groupByName := make(map[string]*Node, len(s.Groups))
	for _, gr := range s.Groups {
		if gr == nil {
			continue
		}
		if n := g.byARN[gr.ARN]; n != nil && n.Group == gr {
			groupByName[gr.Name] = n
			g.attach(n, gr.AttachedPolicies, "")
		}
	}
	for _, u := range s.Users {
		if u == nil {
			continue
		}
		n := g.byARN[u.ARN]
		if n == nil || n.User != u {
			continue
		}
		for _, name := range u.Groups {
			if gn := groupByName[name]; gn != nil {
				n.groups = append(n.groups, gn)
				gn.members = append(gn.members, n)
			}
		}
		g.attach(n, u.AttachedPolicies, u.PermissionsBoundary)
	}
	for _, r := range s.Roles {
		if r == nil {
			continue
		}
		if n := g.byARN[r.ARN]; n != nil && n.Role == r {
			g.attach(n, r.AttachedPolicies, r.PermissionsBoundary)
		}
	}
}

func (g *Graph) attach(n *Node, attached []model.AttachedPolicy, boundary string) {
	for _, ap := range attached {
		if pn := g.byARN[ap.ARN]; pn != nil && pn.Kind == KindPolicy {
			pn.attachedTo = append(pn.attachedTo, n)
		}
	}
	if boundary != "" {
		if pn := g.byARN[boundary]; pn != nil && pn.Kind == KindPolicy {
			pn.attachedTo = append(pn.attachedTo, n)
		}
	}
}

// Warnings returns what the build left out of the snapshots: entities a
// snapshot holds for an account that is not loaded (ownership.go).
func (g *Graph) Warnings() []model.Warning { return g.warnings }

// Snapshots returns the snapshots the graph was built from, in load order.
func (g *Graph) Snapshots() []*model.Snapshot { return g.snaps }

// Nodes returns every node, indexed by ID.
func (g *Graph) Nodes() []*Node { return g.nodes }

// Users returns the users of every loaded account, sorted by name.
func (g *Graph) Users() []*Node { return g.users }

// Groups returns the groups of every loaded account, sorted by name.
func (g *Graph) Groups() []*Node { return g.groups }

// Roles returns the roles of every loaded account, sorted by name.
func (g *Graph) Roles() []*Node { return g.roles }

// Policies returns the managed policies, sorted by name.
func (g *Graph) Policies() []*Node { return g.policies }

// Externals returns the principals named in trust policies that are not
// users or roles of a loaded account, sorted by name.
func (g *Graph) Externals() []*Node { return g.externals }

// Node returns the node with this exact ARN (for externals: the principal
// identifier), or nil.
func (g *Graph) Node(a string) *Node { return g.byARN[a] }

// Account returns the loaded snapshot of an account, or nil.
func (g *Graph) Account(id string) *model.Snapshot { return g.accounts[id] }

// EdgeCount returns the number of can-assume edges, explicit and delegated.
// The first call decides every delegated class.
func (g *Graph) EdgeCount() int { return g.allEdges() }

// GroupsOf returns the groups a user belongs to.
func (g *Graph) GroupsOf(user *Node) []*Node {
	if user == nil {
		return nil
	}
	return user.groups
}

// MembersOf returns the users of a group.
func (g *Graph) MembersOf(group *Node) []*Node {
	if group == nil {
		return nil
	}
	return group.members
}

// AttachedTo returns the users, groups and roles a managed policy is attached
// to, as a permissions policy or as a permissions boundary.
func (g *Graph) AttachedTo(p *Node) []*Node {
	if p == nil {
		return nil
	}
	return p.attachedTo
}

func sortByName(list []*Node) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.ARN < b.ARN
	})
}
