package torctl

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// cookieSize is the length of Tor's control cookie.
const cookieSize = 32

// Reasons a CookieError gives besides the operating system's.
var (
	errCookieNotRegular = errors.New("not a regular file")
	errCookieSize       = errors.New("not a Tor control cookie")
)

// ErrCookieUntrusted reports that the cookie file PROTOCOLINFO names is not
// where Tor keeps a cookie, so ReadNamedCookie did not read it: the name
// comes from whatever answers on the control port, which could otherwise
// have any 32-byte file of the user's sent to it (COOKIE authentication
// sends the file as it is). A CookieError's Err wraps it with the reason.
var ErrCookieUntrusted = errors.New("not where Tor keeps a cookie")

// cookieNames are the base names of the files where Tor keeps its cookie:
// control_auth_cookie in its DataDirectory (Tor's default, Tor Browser's
// too) and control.authcookie (Debian's CookieAuthFile,
// /run/tor/control.authcookie).
var cookieNames = []string{"control_auth_cookie", "control.authcookie"}

// CookieError reports a cookie file that could not be read or is not a
// cookie. Hint says in a sentence what usually fixes it.
type CookieError struct {
	Path string
	Err  error // fs.ErrPermission, fs.ErrNotExist, ... (matchable with errors.Is)
	Size int64 // the file's size, when Err is about the size
}

// Error names the file and what is wrong with it.
func (e *CookieError) Error() string {
	if errors.Is(e.Err, errCookieSize) {
		return fmt.Sprintf("torctl: cookie file %s: %v (%d bytes, not %d)", e.Path, e.Err, e.Size, cookieSize)
	}
	return fmt.Sprintf("torctl: cookie file %s: %v", e.Path, e.Err)
}

// Unwrap returns Err, for errors.Is.
func (e *CookieError) Unwrap() error { return e.Err }

// Hint says how to fix the error, naming the group that may read the file
// when the problem is permission.
func (e *CookieError) Hint() string {
	switch {
	case errors.Is(e.Err, fs.ErrPermission):
		g := cookieGroup(e.Path)
		if g == "" {
			return "only tor's group may read it (debian-tor on Debian): add your user to that group and log in again, or run as tor's user"
		}
		return fmt.Sprintf("only group %s may read it: add your user (sudo usermod -aG %s $USER) and log in again", g, g)
	case errors.Is(e.Err, fs.ErrNotExist):
		return "tor writes it at start-up when torrc has CookieAuthentication 1; is tor running, and is this the right file?"
	case errors.Is(e.Err, errCookieNotRegular):
		return "give the cookie file itself (torrc's CookieAuthFile, e.g. /run/tor/control.authcookie), not a directory"
	case errors.Is(e.Err, ErrCookieUntrusted):
		return "the control port names this file, and Tor keeps its cookie as control_auth_cookie in its DataDirectory (Debian: /run/tor/control.authcookie); if it is your tor's cookie all the same, name it yourself"
	case errors.Is(e.Err, errCookieSize):
		return "give the cookie file that tor wrote (CookieAuthFile, or control_auth_cookie in its DataDirectory)"
	}
	return ""
}

// cookieGroup names the group of the cookie file or, when the file cannot
// be looked at, of its directory.
func cookieGroup(path string) string {
	for _, p := range []string{path, filepath.Dir(path)} {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		_, gid, ok := owner(fi)
		if !ok {
			return ""
		}
		id := strconv.FormatUint(uint64(gid), 10)
		if g, err := user.LookupGroupId(id); err == nil {
			return g.Name
		}
		return id
	}
	return ""
}

// ReadNamedCookie reads the cookie file that PROTOCOLINFO names, after
// checking that it is where Tor keeps a cookie: an absolute path whose base
// name is one of cookieNames; a regular file (not a symbolic link, FIFO or
// device); owned by root or by the owner of the directory holding it (tor's
// user owns its DataDirectory); and that directory not writable by others.
// Otherwise it reads nothing and returns a *CookieError matching
// ErrCookieUntrusted. Checks on the file are made on the open file, so the
// path cannot be swapped between the check and the read.
func ReadNamedCookie(path string) ([]byte, error) {
	untrusted := func(format string, args ...any) error {
		return &CookieError{Path: path, Err: fmt.Errorf("%w: "+format, append([]any{ErrCookieUntrusted}, args...)...)}
	}
	if !filepath.IsAbs(path) {
		return nil, untrusted("not an absolute path")
	}
	if !slices.Contains(cookieNames, filepath.Base(path)) {
		return nil, untrusted("its name is not %s", strings.Join(cookieNames, " or "))
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if isSymlinkErr(err) {
		return nil, untrusted("a symbolic link")
	}
	if err != nil {
		return nil, &CookieError{Path: path, Err: pathErr(err)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &CookieError{Path: path, Err: pathErr(err)}
	}
	if !fi.Mode().IsRegular() {
		return nil, untrusted("not a regular file")
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return nil, &CookieError{Path: path, Err: pathErr(err)}
	}
	uid, _, ok1 := owner(fi)
	duid, _, ok2 := owner(di)
	switch {
	case !ok1 || !ok2:
		return nil, untrusted("its owner is unknown")
	case uid != 0 && uid != duid:
		return nil, untrusted("owned by uid %d, neither root nor the owner of its directory (uid %d)", uid, duid)
	case di.Mode().Perm()&0o002 != 0:
		return nil, untrusted("its directory %s is writable by others", filepath.Dir(path))
	}
	return readCookie(f, path, fi.Size())
}

// ReadCookie reads Tor's 32-byte control cookie from path, a file the user
// named: only its size is checked.
func ReadCookie(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &CookieError{Path: path, Err: pathErr(err)}
	}
	if !fi.Mode().IsRegular() {
		return nil, &CookieError{Path: path, Err: errCookieNotRegular}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &CookieError{Path: path, Err: pathErr(err)}
	}
	defer f.Close()
	return readCookie(f, path, fi.Size())
}

// readCookie reads the cookie from f, the open file path of size bytes.
func readCookie(f *os.File, path string, size int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(f, cookieSize+1))
	if err != nil {
		return nil, &CookieError{Path: path, Err: pathErr(err)}
	}
	if len(b) != cookieSize {
		return nil, &CookieError{Path: path, Err: errCookieSize, Size: size}
	}
	return b, nil
}

// pathErr drops the *fs.PathError around err: CookieError names the path.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
