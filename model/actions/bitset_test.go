package actions

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The Bitset against a map model, over random operations.
func TestBitsetAgainstModel(t *testing.T) {
	const n = 1000
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() (Bitset, map[int]bool) {
		b, m := NewBitset(n), map[int]bool{}
		for range rng.IntN(300) {
			id := rng.IntN(n)
			b.Set(id)
			m[id] = true
		}
		return b, m
	}
	check := func(op string, b Bitset, m map[int]bool) {
		t.Helper()
		if b.Count() != len(m) {
			t.Fatalf("%s: Count %d, want %d", op, b.Count(), len(m))
		}
		var ids []int
		b.ForEach(func(id int) { ids = append(ids, id) })
		if !slices.IsSorted(ids) || len(ids) != len(m) {
			t.Fatalf("%s: ForEach gave %d IDs (sorted %v), want %d", op, len(ids), slices.IsSorted(ids), len(m))
		}
		for _, id := range ids {
			if !m[id] || !b.Has(id) {
				t.Fatalf("%s: %d wrongly present", op, id)
			}
		}
		if all := slices.Collect(b.All()); !slices.Equal(all, ids) {
			t.Fatalf("%s: All and ForEach disagree", op)
		}
		if b.IsEmpty() != (len(m) == 0) {
			t.Fatalf("%s: IsEmpty wrong", op)
		}
	}
	for range 50 {
		a, am := random()
		b, bm := random()
		check("set", a, am)

		or := a.Clone()
		or.Or(b)
		orm := map[int]bool{}
		for id := range am {
			orm[id] = true
		}
		for id := range bm {
			orm[id] = true
		}
		check("or", or, orm)

		and := a.Clone()
		and.And(b)
		andm := map[int]bool{}
		for id := range am {
			if bm[id] {
				andm[id] = true
			}
		}
		check("and", and, andm)
		if a.Intersects(b) != (len(andm) > 0) {
			t.Fatal("Intersects disagrees with And")
		}

		diff := a.Clone()
		diff.AndNot(b)
		diffm := map[int]bool{}
		for id := range am {
			if !bm[id] {
				diffm[id] = true
			}
		}
		check("andnot", diff, diffm)
		check("clone untouched", a, am)
	}
}

func TestBitsetEdges(t *testing.T) {
	var zero Bitset
	if zero.Has(0) || zero.Has(-1) || zero.Count() != 0 || !zero.IsEmpty() {
		t.Error("zero Bitset must be empty")
	}
	zero.Set(-5) // ignored
	zero.Set(130)
	if !zero.Has(130) || zero.Count() != 1 || len(zero) != 3 {
		t.Errorf("Set grows the zero Bitset: has %v, count %d, words %d", zero.Has(130), zero.Count(), len(zero))
	}
	zero.Clear(130)
	zero.Clear(10_000)
	if zero.Count() != 0 {
		t.Error("Clear")
	}
	short := NewBitset(64)
	long := NewBitset(200)
	long.Set(199)
	short.Or(long)
	if !short.Has(199) {
		t.Error("Or must grow the receiver")
	}
	short.And(NewBitset(64))
	if short.Count() != 0 {
		t.Error("And with a shorter set must drop the tail")
	}
	if len(NewBitset(-1)) != 0 || len(NewBitset(65)) != 2 {
		t.Error("NewBitset sizing")
	}
	for _, r := range [][2]int{{0, 0}, {0, 1}, {3, 64}, {63, 65}, {0, 128}, {5, 300}, {-3, 2}, {9, 4}} {
		var b Bitset
		b.setRange(r[0], r[1])
		want := max(0, r[1]-max(r[0], 0))
		if b.Count() != want {
			t.Errorf("setRange(%d, %d): %d IDs, want %d", r[0], r[1], b.Count(), want)
		}
	}
}
