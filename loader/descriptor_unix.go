//go:build unix

package loader

import (
	"os"
	"syscall"
)

// openDescriptor returns a file of its own on the open file description of
// this process's descriptor fd (a duplicate: same offset, same O_APPEND),
// for the caller to close. Wrapping fd itself in an *os.File would hand fd
// to that file's finalizer, which closes it whenever the garbage collector
// runs — the caller's descriptor, or by then another file that reused its
// number.
func openDescriptor(fd uintptr, name string) (*os.File, error) {
	syscall.ForkLock.RLock()
	nfd, err := syscall.Dup(int(fd))
	if err == nil {
		syscall.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, &os.PathError{Op: "dup", Path: name, Err: err}
	}
	return os.NewFile(uintptr(nfd), name), nil
}
