//go:build !unix

package cli

import "io/fs"

// fileGID knows no groups here.
func fileGID(fi fs.FileInfo) (uint32, bool) { return 0, false }
