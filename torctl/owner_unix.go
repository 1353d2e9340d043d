//go:build unix

package torctl

import (
	"errors"
	"io/fs"
	"syscall"
)

// openFlags open a named cookie file without following a symbolic link
// and without blocking on a FIFO.
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// isSymlinkErr reports the error of an O_NOFOLLOW open of a symbolic link.
func isSymlinkErr(err error) bool { return errors.Is(err, syscall.ELOOP) }

// owner returns the user and group that own fi's file.
func owner(fi fs.FileInfo) (uid, gid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Uid, st.Gid, true
}
