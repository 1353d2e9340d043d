//go:build unix

package fetch

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives f the owner of the file fi describes, where we may.
func keepOwner(f *os.File, fi fs.FileInfo) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		f.Chown(int(st.Uid), int(st.Gid))
	}
}
