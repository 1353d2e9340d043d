package fetch

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// OutputFile is the destination of -o. A regular file (or a new one) is
// written through a temporary file beside it, renamed over it by Commit once
// the transfer completed; Abort removes the temporary file and leaves an
// existing file untouched. Anything else (/dev/null, a FIFO, a terminal) is
// written to directly and never replaced: as root, a rename over /dev/null
// would destroy the device node.
type OutputFile struct {
	path string   // what the user named (a symlink's target once resolved)
	tmp  string   // temporary file, "" when writing directly
	f    *os.File // the file written to
}

// CreateOutput opens the destination path. Its errors are ErrWrite.
func CreateOutput(path string) (*OutputFile, error) {
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if t, err := filepath.EvalSymlinks(path); err == nil {
			target = t
		}
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, createError(path, err)
		}
		return &OutputFile{path: target, f: f}, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, createError(path, err)
	}
	// A new name beside the target; O_EXCL with mode 0666 gives the
	// permissions a plain create would (the umask applies).
	dir, base := filepath.Split(target)
	for range 10 {
		var rnd [6]byte
		rand.Read(rnd[:])
		tmp := filepath.Join(dir, "."+base+".sockfetch-"+hex.EncodeToString(rnd[:]))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, createError(path, err)
		}
		if fi != nil {
			// An existing file keeps its mode, and its owner when we may.
			f.Chmod(fi.Mode().Perm())
			keepOwner(f, fi)
		}
		return &OutputFile{path: target, tmp: tmp, f: f}, nil
	}
	return nil, createError(path, fs.ErrExist)
}

func createError(path string, err error) *Error {
	return errorf(ErrWrite, err, "cannot create output file %s: %v", path, unwrapPath(err))
}

// File is the file to write the body to.
func (o *OutputFile) File() *os.File { return o.f }

// Commit closes the file and, for a regular file, renames the temporary
// file over the destination.
func (o *OutputFile) Commit() error {
	if err := o.f.Close(); err != nil {
		o.Abort()
		return writeError(err)
	}
	if o.tmp == "" {
		return nil
	}
	if err := os.Rename(o.tmp, o.path); err != nil {
		os.Remove(o.tmp)
		return errorf(ErrWrite, err, "cannot rename the output into place as %s: %v", o.path, unwrapPath(err))
	}
	return nil
}

// Abort closes the file and removes the temporary file, if any.
func (o *OutputFile) Abort() {
	o.f.Close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}
