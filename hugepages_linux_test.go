package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
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
	adviseHugePages()
	obj := make([]byte, 8<<20) // a fresh large object: from the advised stretch
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(obj)))
	flags, ok := vmFlagsAt(t, addr)
	if !ok {
		t.Fatalf("no mapping holds %#x", addr)
	}
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("heap mapping at %#x has VmFlags %q, want hg (MADV_HUGEPAGE)", addr, flags)
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
