//go:build !unix

package torctl

import "io/fs"

// openFlags: no O_NOFOLLOW here; owner's "unknown" refuses a named cookie
// file anyway, and a file the user names is read as given.
const openFlags = 0

func isSymlinkErr(err error) bool { return false }

// owner knows no owners here (Windows has ACLs, not a uid): a cookie file
// the control port names is then refused, and one the user names is read.
func owner(fi fs.FileInfo) (uid, gid uint32, ok bool) { return 0, 0, false }
