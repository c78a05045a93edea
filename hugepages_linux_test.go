package main

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// After adviseHugePages, heap memory the program allocates lies in a mapping
// advised for transparent huge pages (VmFlags "hg" in /proc/self/smaps).
//
// https://docs.kernel.org/admin-guide/mm/transhuge.html
func TestAdviseHugePages(t *testing.T) {
	if !strings.Contains(readSys("/sys/kernel/mm/transparent_hugepage/enabled"), "[madvise]") {
		t.Skip("transparent huge pages are not in madvise mode here: nothing to advise")
	}
	if strings.TrimSpace(readSys("/proc/sys/vm/overcommit_memory")) == "2" {
		t.Skip("strict overcommit: adviseHugePages stands aside")
	}
	var limit syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &limit); err != nil || !stretchFits(limit.Cur, readSys("/proc/meminfo")) {
		t.Skip("an address-space limit or little RAM: adviseHugePages stands aside")
	}
	lo, hi, ok := adviseHeap()
	if !ok {
		t.Fatalf("madvise(MADV_HUGEPAGE) failed on %#x-%#x", lo, hi)
	}
	// The whole stretch, first page to last, is advised; the heap's later
	// allocations come from it.
	for _, addr := range []uintptr{lo, (lo + hi) / 2, hi - 1} {
		flags, found := vmFlagsAt(t, addr)
		if !found {
			t.Fatalf("no mapping holds %#x", addr)
		}
		if !strings.Contains(" "+flags+" ", " hg ") {
			t.Errorf("heap mapping at %#x has VmFlags %q, want hg (MADV_HUGEPAGE)", addr, flags)
		}
	}
}

// vmFlagsAt returns the VmFlags line of the mapping that holds addr.
func vmFlagsAt(t *testing.T, addr uintptr) (string, bool) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		if r, _, ok := strings.Cut(line, " "); ok && strings.Contains(r, "-") && !strings.HasSuffix(r, ":") {
			lo, hi, _ := strings.Cut(r, "-")
			l, err1 := strconv.ParseUint(lo, 16, 64)
			h, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(addr) >= l && uint64(addr) < h
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:")), true
		}
	}
	return "", false
}

// Under an address-space limit (ulimit -v, as shared hosts and batch
// schedulers set) the kernel refuses the 1 GiB stretch, and the Go runtime
// cannot recover from a refused heap mapping: it exits with "fatal error:
// out of memory". adviseHugePages must stand aside instead of killing iamx
// at startup. The limit is set in a child process, since it cannot be
// raised again.
//
// https://man7.org/linux/man-pages/man2/setrlimit.2.html (RLIMIT_AS: "mmap
// ... will fail with the error ENOMEM upon exceeding this limit")
func TestAdviseHugePagesUnderAddressSpaceLimit(t *testing.T) {
	if os.Getenv("IAMX_TEST_RLIMIT_AS_CHILD") == "1" {
		// Room for a few hundred MiB more than the process maps now:
		// enough for any query, not for the stretch.
		limit := vmSize(t) + 512<<20
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
			t.Fatalf("setrlimit: %v", err)
		}
		adviseHugePages()
		work := make([]byte, 64<<20)
		for i := range work {
			work[i] = byte(i)
		}
		os.Exit(0)
	}
	if !strings.Contains(readSys("/sys/kernel/mm/transparent_hugepage/enabled"), "[madvise]") {
		t.Skip("transparent huge pages are not in madvise mode here: adviseHugePages allocates nothing")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdviseHugePagesUnderAddressSpaceLimit$", "-test.count=1")
	cmd.Env = append(os.Environ(), "IAMX_TEST_RLIMIT_AS_CHILD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("adviseHugePages under an address-space limit: %v\n%.600s", err, out)
	}
}

// vmSize returns the process's mapped address space in bytes.
func vmSize(t *testing.T) uint64 {
	t.Helper()
	for line := range strings.Lines(readSys("/proc/self/status")) {
		if v, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	t.Skip("no VmSize in /proc/self/status")
	return 0
}

// The stretch is asked for only where the kernel grants it: the runtime
// cannot survive a refusal. Heuristic overcommit refuses a single mapping
// larger than RAM plus swap; RLIMIT_AS refuses any mapping past the limit.
//
// https://docs.kernel.org/mm/overcommit-accounting.html
// https://man7.org/linux/man-pages/man2/setrlimit.2.html
func TestStretchFits(t *testing.T) {
	const unlimited = ^uint64(0)
	meminfo := func(memKB, swapKB int) string {
		return "MemTotal:       " + strconv.Itoa(memKB) + " kB\nMemFree:        1000 kB\nSwapTotal:      " + strconv.Itoa(swapKB) + " kB\n"
	}
	tests := []struct {
		name    string
		limit   uint64
		meminfo string
		want    bool
	}{
		{"no address-space limit and plenty of RAM", unlimited, meminfo(24<<20, 0), true},
		{"an address-space limit, however large", 64 << 30, meminfo(24<<20, 0), false},
		{"RAM alone smaller than twice the stretch (a 1 GiB VM)", unlimited, meminfo(1<<20, 0), false},
		{"small RAM made up by swap", unlimited, meminfo(1<<20, 2<<20), true},
		{"meminfo unreadable (a sandbox without /proc)", unlimited, "", false},
		{"meminfo with a value that is not a number", unlimited, "MemTotal: lots kB\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stretchFits(tt.limit, tt.meminfo); got != tt.want {
				t.Errorf("stretchFits(%#x, %q) = %v, want %v", tt.limit, tt.meminfo, got, tt.want)
			}
		})
	}
}
