package graph

import (
	"fmt"
	"sort"
	"strings"
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
	// bySignature shares admin answers between principals whose answer must
	// be the same: see adminSignature.
	bySignature map[string]bool
	spans       map[*policy.Policy]serviceSpan
	fit         map[[2]string]bool // ARN format, pattern → patternFitsFormat
	// res lists the resources with policies of their own (permresource.go).
	resOnce sync.Once
	res     *grantIndex
}

// servicesOf returns p's service span (see mayBeAdmin), computed once per
// document.
func (c *permCache) servicesOf(p *policy.Policy) serviceSpan {
	c.mu.Lock()
	sp, ok := c.spans[p]
	c.mu.Unlock()
	if ok {
		return sp
	}
	sp = newServiceSpan(p)
	c.mu.Lock()
	if c.spans == nil {
		c.spans = map[*policy.Policy]serviceSpan{}
	}
	c.spans[p] = sp
	c.mu.Unlock()
	return sp
}

// fits is patternFitsFormat, memoised per graph.
func (c *permCache) fits(format, pattern string) bool {
	k := [2]string{format, pattern}
	c.mu.Lock()
	ok, seen := c.fit[k]
	c.mu.Unlock()
	if seen {
		return ok
	}
	ok = patternFitsFormat(pattern, format)
	c.mu.Lock()
	if c.fit == nil {
		c.fit = map[[2]string]bool{}
	}
	c.fit[k] = ok
	c.mu.Unlock()
	return ok
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

// adminOf returns the memoised answer for n, if there is one.
func (c *permCache) adminOf(n *Node) (admin, ok bool) {
	c.mu.Lock()
	admin, ok = c.admin[n]
	c.mu.Unlock()
	return admin, ok
}

// isAdmin returns the memoised answer for n, computing it with decide once
// per node and once per signature (sig may be empty: no sharing). Transient
// nodes (externals resolved on demand, ID -1) are not cached.
func (c *permCache) isAdmin(n *Node, sig string, decide func() bool) bool {
	if n.ID < 0 {
		return decide()
	}
	c.mu.Lock()
	v, ok := c.admin[n]
	if !ok && sig != "" {
		v, ok = c.bySignature[sig]
	}
	c.mu.Unlock()
	if ok {
		return v
	}
	v = decide()
	c.mu.Lock()
	if c.admin == nil {
		c.admin = map[*Node]bool{}
		c.bySignature = map[string]bool{}
	}
	c.admin[n] = v
	if sig != "" {
		c.bySignature[sig] = v
	}
	c.mu.Unlock()
	return v
}

// adminSignature names everything admin-equivalence depends on: the kind of
// principal (it decides which keys are known), the policy documents in each
// layer, and the values of exactly the context keys those documents read —
// condition keys and the keys of ${…} variables. Two principals with equal
// signatures get the same evaluation of every request, so one answer serves
// both: accounts attach the same few policies to thousands of principals.
func adminSignature(ps *permSet) string {
	var b strings.Builder
	b.WriteString(ps.n.Kind.String())
	keys := map[string]bool{}
	add := func(tag byte, src *policy.Source) {
		if src == nil {
			return
		}
		b.WriteByte(tag)
		if src.Policy == nil {
			b.WriteByte('-')
			return
		}
		fmt.Fprintf(&b, "%p", src.Policy)
		for i := range src.Policy.Statements {
			for _, k := range src.Policy.Statements[i].ContextKeys() {
				keys[k] = true
			}
		}
	}
	for i := range ps.in.Identity {
		add('i', &ps.in.Identity[i])
	}
	add('b', ps.in.Boundary)
	for i := range ps.in.SCPs {
		add('s', &ps.in.SCPs[i])
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		vals, ok := ps.req.Context[k]
		fmt.Fprintf(&b, "|%s=%t%q", k, ok, vals)
	}
	return b.String()
}
