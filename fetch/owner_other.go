//go:build !unix

package fetch

import (
	"io/fs"
	"os"
)

// keepOwner does nothing here: no Unix owners to keep.
func keepOwner(f *os.File, fi fs.FileInfo) {}
