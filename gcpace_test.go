package main

import "testing"

// The loading pace: rare collections while the heap is small, the default
// pace once the headroom would exceed gcHeadroom.
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
		{"an organization (3 GiB live): the default pace", 3 << 30, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := gcPercentFor(tc.live); got != tc.want {
				t.Errorf("gcPercentFor(%d) = %d, want %d", tc.live, got, tc.want)
			}
		})
	}
}
