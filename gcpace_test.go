package main

import "testing"

// The loading pace: rare collections while the heap is small, growth
// limited to gcHeadroom past that, down to gcFloor.
// https://pkg.go.dev/runtime/debug#SetGCPercent
func TestGCPercentFor(t *testing.T) {
	for _, tc := range []struct {
		name string
		live uint64
		want int
	}{
		{"no live heap measured yet: the loading pace", 0, 400},
		{"a single account (200 MiB live): fivefold growth stays under the headroom", 200 << 20, 400},
		{"half a GiB live: growth limited to the headroom", 512 << 20, 200},
		{"an organization (2 GiB live): growth still limited to the headroom", 2 << 30, 50},
		{"a large organization (8 GiB live): the floor", 8 << 30, gcFloor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := gcPercentFor(tc.live); got != tc.want {
				t.Errorf("gcPercentFor(%d) = %d, want %d", tc.live, got, tc.want)
			}
		})
	}
}
