package fetch

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
)

// OutputFile is the destination of -o. A regular file (or a new one) is
// written through a temporary file beside it, renamed over it by Commit once
// the transfer completed; Abort removes the temporary file and leaves an
// existing file untouched. That is only done when the rename leaves the user
// the file they had, under its name, owner, mode and links. Otherwise the
// destination is written in place (InPlace says why):
//
//   - a descriptor named by path (/dev/stdout, /dev/fd/N, /proc/self/fd/N)
//     is written through as it stands, as -o - is: reopening the path would
//     truncate what the shell opened with >>, and a rename would leave the
//     rest of the script writing to an unlinked file;
//   - anything not a regular file (/dev/null, a FIFO, a terminal) is opened
//     and written, never replaced: as root, a rename over /dev/null would
//     destroy the device node. A FIFO is opened at the first write, as curl
//     opens it, so that the open waits inside the transfer, where a signal
//     or -m ends it;
//   - a regular file whose directory takes no new file, whose owner or group
//     the new file could not take, or that has other hard links is
//     truncated and written, as curl writes it.
//
// A regular file the user may not open for writing is refused, as curl
// refuses it: renaming over it would replace a file the user cannot write.
type OutputFile struct {
	path    string   // what the user named (a symlink's target once resolved)
	tmp     string   // temporary file, "" when writing in place
	f       *os.File // the file written to; nil for a FIFO not yet opened
	fifo    *fifo    // a FIFO, opened at its first write
	inPlace string   // why the file is written in place, for -v; "" when it is not said

	appending bool  // opened by AppendOutput: Abort truncates back to base
	base      int64 // the file's size when opened for appending
}

// ownFD matches the paths that name one of this process's descriptors.
var ownFD = regexp.MustCompile(`^/(?:dev/fd|proc/self/fd|proc/thread-self/fd|proc/` + strconv.Itoa(os.Getpid()) + `/fd)/([0-9]+)$`)

// stdNames are the /dev names of the standard descriptors.
var stdNames = map[string]int{"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}

// descriptor returns the descriptor of this process that path names, by
// following its symbolic links (at most 40, as the kernel): /dev/stdout is
// a link to /proc/self/fd/1, whose own link names the file the descriptor
// is open on, which is not the descriptor.
func descriptor(path string) (int, bool) {
	p := filepath.Clean(path)
	for range 40 {
		if fd, ok := stdNames[p]; ok {
			return fd, true
		}
		if m := ownFD.FindStringSubmatch(p); m != nil {
			fd, err := strconv.Atoi(m[1])
			return fd, err == nil
		}
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return 0, false
		}
		p = filepath.Join(dir, filepath.Base(p))
		if m := ownFD.FindStringSubmatch(p); m != nil {
			fd, err := strconv.Atoi(m[1])
			return fd, err == nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return 0, false // not a symbolic link (or none at all)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		p = filepath.Clean(link)
	}
	return 0, false
}

// CreateOutput opens the destination path. Its errors are ErrWrite.
func CreateOutput(path string) (*OutputFile, error) {
	if fd, ok := descriptor(path); ok {
		f, err := dupFD(fd, path)
		if err != nil {
			return nil, createError(path, err)
		}
		return &OutputFile{path: path, f: f}, nil
	}
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if t, err := filepath.EvalSymlinks(path); err == nil {
			target = t
		}
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.Mode()&fs.ModeNamedPipe != 0:
		return &OutputFile{path: target, fifo: &fifo{path: target}}, nil
	case err == nil && !fi.Mode().IsRegular():
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, createError(path, err)
		}
		return &OutputFile{path: target, f: f}, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, createError(path, err)
	case err != nil:
		fi = nil
	}
	if fi != nil {
		if err := mayWrite(target, fi); err != nil {
			return nil, createError(path, err)
		}
		if hardLinks(fi) > 1 {
			return inPlace(path, target, "it has other hard links, which a rename would leave with the old content")
		}
	}
	o, err := createTemp(target, fi)
	switch {
	case err == nil:
		return o, nil
	case fi != nil && errors.Is(err, errOwner):
		return inPlace(path, target, "a new file could not keep its owner and group")
	case fi != nil && (errors.Is(err, fs.ErrPermission) || readOnlyFS(err)):
		return inPlace(path, target, "its directory takes no new file")
	}
	return nil, createError(path, err)
}

// errOwner is createTemp's error when the temporary file cannot take the
// existing file's owner and group.
var errOwner = errors.New("cannot keep the owner")

// createTemp creates the temporary file beside target. O_EXCL with mode
// 0666 gives the permissions a plain create would (the umask applies); an
// existing file's (fi) mode, owner and group are copied onto it.
func createTemp(target string, fi fs.FileInfo) (*OutputFile, error) {
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
			return nil, err
		}
		if fi != nil {
			f.Chmod(fi.Mode().Perm())
			if err := keepOwner(f, fi); err != nil {
				f.Close()
				os.Remove(tmp)
				return nil, errOwner
			}
		}
		return &OutputFile{path: target, tmp: tmp, f: f}, nil
	}
	return nil, fs.ErrExist
}

// inPlace opens the existing regular file target to be truncated and
// written, for the reason why.
func inPlace(path, target, why string) (*OutputFile, error) {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return nil, createError(path, err)
	}
	return &OutputFile{path: target, f: f, inPlace: why}, nil
}

func createError(path string, err error) *Error {
	return errorf(ErrWrite, err, "cannot create output file %s: %v", path, unwrapPath(err))
}

// Writer is what to write the body to: the file, or a FIFO that opens at
// its first write.
func (o *OutputFile) Writer() io.Writer {
	if o.fifo != nil {
		return o.fifo
	}
	return o.f
}

// InPlace says why a regular file is written in place rather than through
// a temporary file, or "" when it is not (or is not a regular file).
func (o *OutputFile) InPlace() string { return o.inPlace }

// Commit closes the file and, for a regular file, renames the temporary
// file over the destination.
func (o *OutputFile) Commit() error {
	if err := o.close(); err != nil {
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

// Abort closes the file and removes the temporary file, if any; a file
// opened by AppendOutput is cut back to the size it had.
func (o *OutputFile) Abort() {
	if o.appending {
		o.f.Truncate(o.base)
	}
	o.close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}

func (o *OutputFile) close() error {
	if o.fifo != nil {
		return o.fifo.Close()
	}
	return o.f.Close()
}

// fifo is a FIFO opened for writing at its first write: the open waits
// for a reader, and that wait belongs to the transfer (see blocking). Its
// Close does not wait for an open or a write still blocked.
type fifo struct {
	path string

	mu     sync.Mutex
	f      *os.File
	err    error // the open's
	closed bool
}

func (p *fifo) Write(b []byte) (int, error) {
	p.mu.Lock()
	f, err := p.f, p.err
	p.mu.Unlock()
	if f == nil && err == nil {
		f, err = os.OpenFile(p.path, os.O_WRONLY, 0)
		p.mu.Lock()
		if p.closed && f != nil {
			f.Close() // abandoned while it waited for a reader
			f, err = nil, os.ErrClosed
		}
		p.f, p.err = f, err
		p.mu.Unlock()
	}
	if err != nil {
		return 0, err
	}
	return f.Write(b)
}

// Close closes the FIFO if it was opened.
func (p *fifo) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.f != nil {
		return p.f.Close()
	}
	return nil
}
