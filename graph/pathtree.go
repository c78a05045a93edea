package graph

// PathTree is assume-role paths merged by common prefix, for drawing: five
// paths through the same first role draw that role once. Hops into the same
// node by different kinds (sts:AssumeRole beside web identity) stay apart,
// since they are different ways in.
type PathTree struct {
	Node     *Node
	Edge     *Edge // the hop into Node; nil at the root
	Children []*PathTree
}

// NewPathTree merges paths under root. Forward paths grow from their first
// hop; reverse ones (ChainsTo: everything ends at root) from their last, so
// the tree reads "who can get here, and from where".
func NewPathTree(root *Node, paths []Path, reverse bool) *PathTree {
	tree := &PathTree{Node: root}
	for i := range paths {
		hops := paths[i].Hops
		t := tree
		if reverse {
			for j := len(hops) - 1; j >= 0; j-- {
				t = t.child(hops[j].From, &hops[j])
			}
		} else {
			for j := range hops {
				t = t.child(hops[j].To, &hops[j])
			}
		}
	}
	return tree
}

func (t *PathTree) child(n *Node, e *Edge) *PathTree {
	for _, c := range t.Children {
		if c.Node == n && c.Edge.Kind == e.Kind {
			return c
		}
	}
	c := &PathTree{Node: n, Edge: e}
	t.Children = append(t.Children, c)
	return c
}
