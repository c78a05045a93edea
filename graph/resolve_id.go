package graph

import (
	"fmt"
	"strings"
	"sync"

	"github.com/iamx/iamx/model"
)

// Incidents start from IDs: CloudTrail and alerts name principals by their
// unique ID (AIDA… for a user, AROA… for a role, "AROA…:session" for a role
// session) and by access key ID (AKIA…). Resolve reads them through the
// index here, built on first use from what the snapshots recorded: GAAD's
// UserId, RoleId, GroupId and PolicyId, instance profile IDs, and the access
// keys a live capture listed.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids

// idIndex is the graph's unique-ID and access-key index.
type idIndex struct {
	once   sync.Once
	byID   map[string]*Node       // unique ID → user, group, role or policy; instance profile ID → its role
	byKey  map[string]AccessKeyOf // access key ID → its user
	listed int                    // users whose access keys were listed
	users  int                    // users in loaded accounts
}

// AccessKeyOf is an access key and the user it belongs to.
type AccessKeyOf struct {
	Key  model.AccessKey
	User *Node
}

// uniqueIDPrefixes are the prefixes IAM gives its unique IDs, and what each
// names.
var uniqueIDPrefixes = map[string]string{
	"AIDA": "user",
	"AROA": "role",
	"AGPA": "group",
	"ANPA": "managed policy",
	"AIPA": "instance profile",
	"AKIA": "access key",
	"ASIA": "temporary access key",
}

// uniqueIDPrefix returns the prefix of s when s has the shape of an IAM
// unique ID or access key ID: a known prefix, then upper-case letters and
// digits (IDs are 16 to 128 characters). A role session's principal ID
// ("AROA…:session") counts by its role ID.
func uniqueIDPrefix(s string) (string, bool) {
	id, _, _ := strings.Cut(s, ":")
	if len(id) < 16 || len(id) > 128 {
		return "", false
	}
	if _, ok := uniqueIDPrefixes[id[:4]]; !ok {
		return "", false
	}
	for i := 4; i < len(id); i++ {
		if c := id[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return "", false
		}
	}
	if id != s && id[:4] != "AROA" {
		return "", false // only role IDs come with a session name
	}
	return id[:4], true
}

func (g *Graph) idIndex() *idIndex {
	x := &g.ids
	x.once.Do(func() {
		x.byID = map[string]*Node{}
		x.byKey = map[string]AccessKeyOf{}
		for _, n := range g.nodes {
			switch {
			case n.User != nil:
				x.add(n.User.ID, n)
				x.users++
				if n.User.AccessKeysListed {
					x.listed++
				}
				for _, k := range n.User.AccessKeys {
					x.byKey[k.ID] = AccessKeyOf{Key: k, User: n}
				}
			case n.Group != nil:
				x.add(n.Group.ID, n)
			case n.Role != nil:
				x.add(n.Role.ID, n)
				for _, ip := range n.Role.InstanceProfiles {
					x.add(ip.ID, n)
				}
			case n.Policy != nil:
				x.add(n.Policy.ID, n)
			}
		}
	})
	return x
}

func (x *idIndex) add(id string, n *Node) {
	if id == "" {
		return
	}
	if _, dup := x.byID[id]; !dup {
		x.byID[id] = n
	}
}

// AccessKey returns the user an access key ID belongs to, with the key's
// status and creation date as captured.
func (g *Graph) AccessKey(id string) (AccessKeyOf, bool) {
	k, ok := g.idIndex().byKey[strings.TrimSpace(id)]
	return k, ok
}

// resolveID is Resolve's step for unique IDs and access key IDs. handled is
// false when s is not shaped like one, or when it is also the exact name of
// something (a user may be called anything): the other steps decide then.
func (g *Graph) resolveID(s string) (n *Node, handled bool, err error) {
	prefix, ok := uniqueIDPrefix(s)
	if !ok {
		return g.resolveOtherID(s)
	}
	x := g.idIndex()
	id, session, _ := strings.Cut(s, ":")
	switch prefix {
	case "AKIA":
		if k, found := x.byKey[id]; found {
			return k.User, true, nil
		}
	default:
		if n := x.byID[id]; n != nil {
			return n, true, nil
		}
	}
	if g.byARN[s] != nil || len(g.byName[strings.ToLower(s)]) > 0 {
		// A principal a trust policy names by ID (AWS shows a deleted
		// principal's ID there), or something named like an ID.
		return nil, false, nil
	}
	return nil, true, x.notFound(prefix, id, session)
}

// resolveOtherID finds an entity by an ID of another shape: emulators
// (moto) make unique IDs of random lower-case letters and digits. Only an
// exact recorded ID that is nobody's name or ARN counts, so names keep
// their meaning.
func (g *Graph) resolveOtherID(s string) (*Node, bool, error) {
	if strings.ContainsAny(s, "/:*") || g.byARN[s] != nil || len(g.byName[strings.ToLower(s)]) > 0 {
		return nil, false, nil
	}
	x := g.idIndex()
	if n := x.byID[s]; n != nil {
		return n, true, nil
	}
	if k, ok := x.byKey[s]; ok {
		return k.User, true, nil
	}
	return nil, false, nil
}

// notFound says why an ID resolved to nothing, and what would find it.
func (x *idIndex) notFound(prefix, id, session string) error {
	switch prefix {
	case "AKIA":
		switch {
		case x.listed == 0:
			return fmt.Errorf("no access key %s: access key IDs are not in GAAD files; capture with iamx snapshot to record them", id)
		case x.listed < x.users:
			return fmt.Errorf("no access key %s among the keys recorded at capture (the keys of %d of %d users were not listed, see the snapshot's warnings; a key of another account, or created since, is not known)", id, x.users-x.listed, x.users)
		}
		return fmt.Errorf("no access key %s among the keys recorded at capture (a key of another account, or created since, is not known)", id)
	case "ASIA":
		return fmt.Errorf("%s is a temporary access key of a role or federated session, which snapshots do not record; find the session that received it in CloudTrail, then ask about its role", id)
	}
	what := uniqueIDPrefixes[prefix]
	if session != "" {
		what = "role (of session " + session + ")"
	}
	return fmt.Errorf("no %s with unique ID %s in the loaded accounts (a deleted principal's ID is never reused, and a principal of an account that is not loaded is not known)", what, id)
}
