//go:build unix

package loader

import (
	"math"
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only. Reading a file copies it
// into fresh memory that the process must first fault in page by page,
// which costs more than decoding it on machines with slow page faults; a
// mapping shares the kernel's page cache instead. ok is false when the file
// cannot be mapped (a pipe, some file systems); the caller then reads it.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), ok bool) {
	if size <= 0 || size > maxFileSize || size > math.MaxInt {
		return nil, nil, false
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, false
	}
	return b, func() { _ = syscall.Munmap(b) }, true
}
