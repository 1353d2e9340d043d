//go:build unix

package fetch

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// keepOwner gives f the owner and group of the file fi describes.
func keepOwner(f *os.File, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return f.Chown(int(st.Uid), int(st.Gid))
	}
	return nil
}

// hardLinks is the number of names the file fi describes has.
func hardLinks(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// mayWrite reports whether the user may open the existing file target for
// writing, by the effective IDs, as open(2) would decide.
func mayWrite(target string, _ fs.FileInfo) error {
	return unix.Faccessat(unix.AT_FDCWD, target, unix.W_OK, unix.AT_EACCESS)
}

// readOnlyFS reports whether err is a read-only file system's.
func readOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }

// dupFD returns a new descriptor for this process's descriptor fd, closed on exec.
func dupFD(fd int, name string) (*os.File, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(nfd), name), nil
}
