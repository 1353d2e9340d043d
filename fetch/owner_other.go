//go:build !unix

package fetch

import (
	"errors"
	"io/fs"
	"os"
)

// keepOwner does nothing here: no Unix owners to keep.
func keepOwner(*os.File, fs.FileInfo) error { return nil }

// hardLinks is 1 here: a rename is taken to keep the file.
func hardLinks(fs.FileInfo) uint64 { return 1 }

// mayWrite refuses a read-only file.
func mayWrite(_ string, fi fs.FileInfo) error {
	if fi.Mode().Perm()&0o200 == 0 {
		return fs.ErrPermission
	}
	return nil
}

// readOnlyFS is false here: the permission error says it.
func readOnlyFS(error) bool { return false }

// dupFD is not available here: no /dev/fd names.
func dupFD(int, string) (*os.File, error) {
	return nil, errors.ErrUnsupported
}
