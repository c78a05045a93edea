package actions

import (
	"iter"
	"math/bits"
)

// Bitset is a set of action IDs, one bit per ID, for effective-permission
// arithmetic: allowed = OR of Allow statements, AND NOT the Deny ones.
// Sets from ExpandSet and NewBitset(c.Len()) all have the same length;
// mutating methods grow the receiver when the other set is longer, so a zero
// Bitset is an empty set ready to use. Bits past the catalogue are never set
// by this package.
type Bitset []uint64

// NewBitset returns an empty set with room for IDs 0 … n-1.
func NewBitset(n int) Bitset {
	if n < 0 {
		n = 0
	}
	return make(Bitset, (n+63)/64)
}

// Has reports whether id is in the set; false for IDs out of range.
func (b Bitset) Has(id int) bool {
	w := id >> 6
	return id >= 0 && w < len(b) && b[w]&(1<<(uint(id)&63)) != 0
}

// Set adds id to the set, growing it if needed; negative IDs are ignored.
func (b *Bitset) Set(id int) {
	if id < 0 {
		return
	}
	w := id >> 6
	b.grow(w + 1)
	(*b)[w] |= 1 << (uint(id) & 63)
}

// Clear removes id from the set.
func (b *Bitset) Clear(id int) {
	if w := id >> 6; id >= 0 && w < len(*b) {
		(*b)[w] &^= 1 << (uint(id) & 63)
	}
}

// setRange adds IDs lo … hi-1.
func (b *Bitset) setRange(lo, hi int) {
	if lo < 0 {
		lo = 0
	}
	if hi <= lo {
		return
	}
	b.grow((hi + 63) >> 6)
	s := *b
	lw, hw := lo>>6, (hi-1)>>6
	lm := ^uint64(0) << (uint(lo) & 63)
	hm := ^uint64(0) >> (63 - (uint(hi-1) & 63))
	if lw == hw {
		s[lw] |= lm & hm
		return
	}
	s[lw] |= lm
	for w := lw + 1; w < hw; w++ {
		s[w] = ^uint64(0)
	}
	s[hw] |= hm
}

func (b *Bitset) grow(words int) {
	if words > len(*b) {
		*b = append(*b, make([]uint64, words-len(*b))...)
	}
}

// Or adds every ID of o (union).
func (b *Bitset) Or(o Bitset) {
	b.grow(len(o))
	s := *b
	for i, w := range o {
		s[i] |= w
	}
}

// And keeps only the IDs also in o (intersection).
func (b *Bitset) And(o Bitset) {
	s := *b
	n := min(len(s), len(o))
	for i := 0; i < n; i++ {
		s[i] &= o[i]
	}
	clear(s[n:])
}

// AndNot removes every ID of o (difference).
func (b *Bitset) AndNot(o Bitset) {
	s := *b
	n := min(len(s), len(o))
	for i := 0; i < n; i++ {
		s[i] &^= o[i]
	}
}

// Intersects reports whether b and o share an ID.
func (b Bitset) Intersects(o Bitset) bool {
	n := min(len(b), len(o))
	for i := 0; i < n; i++ {
		if b[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// Count is the number of IDs in the set.
func (b Bitset) Count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// IsEmpty reports whether the set has no IDs.
func (b Bitset) IsEmpty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

// Clone returns an independent copy.
func (b Bitset) Clone() Bitset { return append(Bitset(nil), b...) }

// ForEach calls fn with every ID in ascending order, which is the order of
// the actions' lower-cased full names.
func (b Bitset) ForEach(fn func(id int)) {
	for i, w := range b {
		for w != 0 {
			fn(i<<6 + bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// All yields every ID in ascending order: for id := range set.All().
func (b Bitset) All() iter.Seq[int] {
	return func(yield func(int) bool) {
		for i, w := range b {
			for w != 0 {
				if !yield(i<<6 + bits.TrailingZeros64(w)) {
					return
				}
				w &= w - 1
			}
		}
	}
}
