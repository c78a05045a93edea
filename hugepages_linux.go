package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// heapReserve is how much of the heap's address range adviseHugePages covers:
// well above the peak heap of the largest accounts iamx is measured on
// (about 300 MiB for 10,000 principals). It is address space, not memory.
const heapReserve = 1 << 30

// adviseHugePages asks Linux to back the Go heap with transparent huge pages
// when the system leaves that to each program ("madvise" mode, the default
// of several distributions). Loading a large account touches some 300 MiB
// of fresh heap; with 4 KiB pages that is about 75,000 page faults, and on
// virtual machines each costs several microseconds, plus TLB misses on every
// later pass over the graph. With 2 MiB pages the faults number in the
// hundreds: measured on who-can over the reference account, 2.2 s → 1.5 s,
// same peak RSS.
//
// The Go runtime does not advise heap memory itself, and memory it has not
// mapped yet cannot be advised, so iamx makes the runtime map a stretch of
// heap first: one large allocation, never touched (fresh memory from the
// kernel is already zero), advised with MADV_HUGEPAGE and released. The
// heap reuses those addresses from the lowest up, and the advice stays on
// them when the runtime later returns pages to the kernel.
//
// It does nothing when huge pages are "always" (nothing to ask) or "never",
// when GODEBUG=disablethp=1 asks the runtime to avoid them, and under strict
// overcommit accounting (vm.overcommit_memory=2), where mapping address
// space counts against the commit limit. Failures are ignored: it is advice.
// The stretch itself must not fail, though: the Go runtime cannot recover
// from a refused heap mapping and exits with "out of memory", so it is
// asked for only where the kernel will grant it (stretchFits), and only on
// 64-bit systems, where 1 GiB is a sliver of the address space.
//
// The commands that load an account call it just before loading; help and
// usage errors never pay for it.
func adviseHugePages() { adviseHeap() }

// adviseHeap does adviseHugePages' work and returns the address range it
// advised (ok false: it stood aside).
func adviseHeap() (lo, hi uintptr, ok bool) {
	if strconv.IntSize < 64 ||
		!strings.Contains(readSys("/sys/kernel/mm/transparent_hugepage/enabled"), "[madvise]") ||
		strings.TrimSpace(readSys("/proc/sys/vm/overcommit_memory")) == "2" ||
		strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		return 0, 0, false
	}
	var limit syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &limit); err != nil || !stretchFits(limit.Cur, readSys("/proc/meminfo")) {
		return 0, 0, false
	}
	first := new([64]byte) // in the arena small objects come from so far
	stretch := make([]byte, heapReserve)
	lo = uintptr(unsafe.Pointer(unsafe.SliceData(stretch)))
	hi = lo + heapReserve
	// The heap's first arena usually lies just below the stretch: advise
	// it too. Anything further away is not the heap's own range.
	const arena, hugePage = 64 << 20, 2 << 20
	if f := uintptr(unsafe.Pointer(first)); f < lo && lo-f < 4*arena {
		lo = f &^ (arena - 1)
	}
	lo &^= hugePage - 1
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, madvHugePage)
	runtime.KeepAlive(first)
	runtime.KeepAlive(stretch)
	stretch = nil
	runtime.GC() // give the stretch back to the heap now, not at the first collection
	return lo, hi, errno == 0
}

// stretchFits reports whether the kernel will map the stretch: not under an
// address-space limit (ulimit -v; limit is RLIMIT_AS's soft value), which
// counts every mapping, and not where RAM and swap together are too small
// for heuristic overcommit, which refuses any one mapping larger than both
// (meminfo is /proc/meminfo; unreadable means no).
//
// https://docs.kernel.org/mm/overcommit-accounting.html
func stretchFits(limit uint64, meminfo string) bool {
	if limit != ^uint64(0) { // RLIM_INFINITY
		return false
	}
	var total uint64
	for line := range strings.Lines(meminfo) {
		name, value, _ := strings.Cut(line, ":")
		if name != "MemTotal" && name != "SwapTotal" {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return false
		}
		total += kb << 10
	}
	return total >= 2*heapReserve
}

// madvHugePage is MADV_HUGEPAGE from <sys/mman.h>.
const madvHugePage = 14

func readSys(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}
