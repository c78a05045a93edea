package graph

import (
	"sync"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// permCache memoises what effective-permission queries derive from the
// read-only graph: each statement's set of catalogue actions (one managed
// policy reaches thousands of principals, and expanding "*:Describe*" scans
// the whole catalogue) and each principal's admin-equivalence, which lists,
// who-can and the explorer ask for every row.
type permCache struct {
	mu    sync.Mutex
	acts  map[*policy.Statement]actions.Bitset
	admin map[*Node]bool
}

// statementActions returns st's action set, computed once per graph. The
// bitset is shared: callers must not change it.
func (c *permCache) statementActions(cat *actions.Catalogue, st *policy.Statement) actions.Bitset {
	c.mu.Lock()
	b, ok := c.acts[st]
	c.mu.Unlock()
	if ok {
		return b
	}
	b = statementActions(cat, st)
	c.mu.Lock()
	if c.acts == nil {
		c.acts = map[*policy.Statement]actions.Bitset{}
	}
	c.acts[st] = b
	c.mu.Unlock()
	return b
}

// isAdmin returns the memoised answer for n, computing it with decide once.
// Transient nodes (externals resolved on demand, ID -1) are not cached.
func (c *permCache) isAdmin(n *Node, decide func() bool) bool {
	if n.ID < 0 {
		return decide()
	}
	c.mu.Lock()
	v, ok := c.admin[n]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = decide()
	c.mu.Lock()
	if c.admin == nil {
		c.admin = map[*Node]bool{}
	}
	c.admin[n] = v
	c.mu.Unlock()
	return v
}
