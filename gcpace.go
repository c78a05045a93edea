package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcHeadroom is how far past the live heap the loading pace lets the heap
// grow before collecting: an organization's graph is gigabytes live, and at
// GOGC=400 the heap would grow to five times that between collections.
const gcHeadroom = 1 << 30

// gcPercentFor returns the GOGC for a live heap of live bytes: 400 (rare
// collections: nearly all that a load allocates stays live) while that
// grows the heap by at most gcHeadroom, then less, down to 25. Past the
// default 100 a collection is more frequent but the peak is what a laptop
// feels: an organization's two live gigabytes would otherwise double
// before the next collection.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return 400
	}
	return int(min(400, max(gcFloor, gcHeadroom*100/live)))
}

// gcFloor is the lowest GOGC the pace sets.
const gcFloor = 25

// paceGC sets GOGC after every collection from the live heap
// (gcPercentFor), until the returned function is called, which restores
// prev. Each collection runs the finalizer of a sentinel that re-arms
// itself.
func paceGC(prev int) (restore func()) {
	var stopped atomic.Bool
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		runtime.SetFinalizer(new([16]byte), func(*[16]byte) {
			if stopped.Load() {
				return
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				debug.SetGCPercent(gcPercentFor(sample[0].Value.Uint64()))
			}
			arm()
		})
	}
	debug.SetGCPercent(400)
	arm()
	return func() {
		stopped.Store(true)
		debug.SetGCPercent(prev)
	}
}
