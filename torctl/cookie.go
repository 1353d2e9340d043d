package torctl

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// cookieSize is the length of Tor's control cookie.
const cookieSize = 32

// Reasons a CookieError gives besides the operating system's.
var (
	errCookieNotRegular = errors.New("not a regular file")
	errCookieSize       = errors.New("not a Tor control cookie")
)

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
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return ""
		}
		id := strconv.FormatUint(uint64(st.Gid), 10)
		if g, err := user.LookupGroupId(id); err == nil {
			return g.Name
		}
		return id
	}
	return ""
}

// ReadCookie reads Tor's 32-byte control cookie from path.
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
	b, err := io.ReadAll(io.LimitReader(f, cookieSize+1))
	if err != nil {
		return nil, &CookieError{Path: path, Err: pathErr(err)}
	}
	if len(b) != cookieSize {
		return nil, &CookieError{Path: path, Err: errCookieSize, Size: fi.Size()}
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
