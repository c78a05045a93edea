//go:build !unix

package loader

import "os"

// mapFile maps files only on Unix; elsewhere files are read.
func mapFile(*os.File, int64) (data []byte, unmap func(), ok bool) { return nil, nil, false }
