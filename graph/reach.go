package graph

import "math/bits"

// Reachability answers "which roles can this principal end up in?" for every
// principal at once: the transitive closure of can-assume edges, computed
// over strongly connected components (cycles collapse to one set) with one
// bitset of roles per component. Delegated edges enter through one virtual
// node per role class, so millions of them cost one bitset union per
// principal and class.
type Reachability struct {
	g      *Graph
	roleOf []int32 // node ID → role ordinal (index in roleNodes), or -1
	roles  []*Node
	comp   []int32 // node ID → component
	sets   [][]uint64
}

// ReachabilityAll computes the closure for the whole graph.
func (g *Graph) ReachabilityAll() *Reachability {
	n := len(g.nodes)
	dl := &g.deleg
	g.decideAll(dl.classes) // every class is read below: decide them on every core first
	nv := n + len(dl.equivs)
	r := &Reachability{g: g, roleOf: make([]int32, n)}
	for i := range r.roleOf {
		r.roleOf[i] = -1
	}
	for _, node := range g.nodes {
		if node.Kind == KindRole {
			r.roleOf[node.ID] = int32(len(r.roles))
			r.roles = append(r.roles, node)
		}
	}
	// namedIn[e] lists actors named by some role of class e: their
	// delegated edges are added one by one, not through the virtual node.
	namedIn := make([]map[*Node]bool, len(dl.equivs))
	for ei, e := range dl.equivs {
		for _, d := range e.roles {
			for m := range d.named {
				if namedIn[ei] == nil {
					namedIn[ei] = map[*Node]bool{}
				}
				namedIn[ei][m] = true
			}
		}
	}
	succ := func(u int, f func(int)) {
		if u >= n {
			for _, d := range dl.equivs[u-n].roles {
				f(d.role.ID)
			}
			return
		}
		node := g.nodes[u]
		for i := range node.assumes {
			f(node.assumes[i].To.ID)
		}
		o := int32(-1)
		if u < len(dl.ordinal) {
			o = dl.ordinal[u]
		}
		if o < 0 {
			return
		}
		a, pos := dl.acct[o], dl.pos[o]
		for _, ei := range dl.equivsOf[a] {
			e := dl.equivs[ei]
			if ci := e.classAt(a, pos); ci < 0 || g.outcome(dl.classes[ci]) == nil {
				continue
			}
			if namedIn[ei][node] {
				for _, d := range e.roles {
					if d.admits(node) {
						f(d.role.ID)
					}
				}
				continue
			}
			f(n + int(ei))
		}
	}

	// Tarjan's algorithm, iterative. Components come out in reverse
	// topological order: every component a component reaches is finished
	// first, so its set is complete when needed.
	words := (len(r.roles) + 63) / 64
	index := make([]int32, nv)
	low := make([]int32, nv)
	onStack := make([]bool, nv)
	r.comp = make([]int32, nv)
	for i := range index {
		index[i] = -1
	}
	var stack []int32
	type frame struct {
		u     int32
		succs []int32
		next  int
	}
	var counter int32
	succList := func(u int) []int32 {
		var out []int32
		succ(u, func(v int) { out = append(out, int32(v)) })
		return out
	}
	for root := 0; root < nv; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{u: int32(root), succs: succList(root)}}
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.next < len(f.succs) {
				v := f.succs[f.next]
				f.next++
				if index[v] < 0 {
					index[v], low[v] = counter, counter
					counter++
					stack = append(stack, v)
					onStack[v] = true
					call = append(call, frame{u: v, succs: succList(int(v))})
				} else if onStack[v] && index[v] < low[f.u] {
					low[f.u] = index[v]
				}
				continue
			}
			u := f.u
			call = call[:len(call)-1]
			if len(call) > 0 && low[u] < low[call[len(call)-1].u] {
				low[call[len(call)-1].u] = low[u]
			}
			if low[u] != index[u] {
				continue
			}
			// u roots a component: pop it and compute its set.
			c := int32(len(r.sets))
			set := make([]uint64, words)
			start := len(stack) - 1
			for stack[start] != u {
				start--
			}
			members := stack[start:]
			for _, m := range members {
				onStack[m] = false
				r.comp[m] = c
			}
			for _, m := range members {
				succ(int(m), func(v int) {
					if v < n {
						if ro := r.roleOf[v]; ro >= 0 {
							set[ro/64] |= 1 << (ro % 64)
						}
					}
					if cv := r.comp[v]; cv != c && index[v] >= 0 && !onStack[v] {
						for w, x := range r.sets[cv] {
							set[w] |= x
						}
					}
				})
			}
			r.sets = append(r.sets, set)
			stack = stack[:start]
		}
	}
	return r
}

// Count returns how many roles n can reach (n itself excluded).
func (r *Reachability) Count(n *Node) int {
	if n == nil || n.ID < 0 || n.ID >= len(r.roleOf) {
		return 0
	}
	total := 0
	for _, w := range r.sets[r.comp[n.ID]] {
		total += bits.OnesCount64(w)
	}
	if r.has(n) {
		total--
	}
	return total
}

// Roles returns the roles n can reach (n itself excluded), in node order.
func (r *Reachability) Roles(n *Node) []*Node {
	if n == nil || n.ID < 0 || n.ID >= len(r.roleOf) {
		return nil
	}
	var out []*Node
	for w, x := range r.sets[r.comp[n.ID]] {
		for x != 0 {
			b := bits.TrailingZeros64(x)
			x &^= 1 << b
			if role := r.roles[w*64+b]; role != n {
				out = append(out, role)
			}
		}
	}
	return out
}

func (r *Reachability) has(n *Node) bool {
	ro := r.roleOf[n.ID]
	return ro >= 0 && r.sets[r.comp[n.ID]][ro/64]&(1<<(ro%64)) != 0
}
