package main

import (
	"os"
	"runtime"
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
func adviseHugePages() {
	if !strings.Contains(readSys("/sys/kernel/mm/transparent_hugepage/enabled"), "[madvise]") ||
		strings.TrimSpace(readSys("/proc/sys/vm/overcommit_memory")) == "2" ||
		strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		return
	}
	first := new([64]byte) // the arena small objects come from
	stretch := make([]byte, heapReserve)
	lo := min(uintptr(unsafe.Pointer(first)), uintptr(unsafe.Pointer(unsafe.SliceData(stretch))))
	hi := max(uintptr(unsafe.Pointer(first))+64, uintptr(unsafe.Pointer(unsafe.SliceData(stretch)))+heapReserve)
	const hugePage = 2 << 20
	lo &^= hugePage - 1
	syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, madvHugePage)
	runtime.KeepAlive(first)
	runtime.KeepAlive(stretch)
	stretch = nil
	runtime.GC() // give the stretch back to the heap now, not at the first collection
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
