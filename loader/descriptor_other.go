//go:build !unix

package loader

import (
	"errors"
	"os"
)

// openDescriptor is never reached where descriptorPath recognises no
// descriptor names.
func openDescriptor(fd uintptr, name string) (*os.File, error) {
	return nil, errors.New("descriptor names are not supported here")
}
