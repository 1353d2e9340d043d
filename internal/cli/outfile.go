package cli

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path"

	"sockfetch/fetch"
)

// remoteName is -O's file name: the last segment of the URL's path.
func remoteName(raw string) (string, error) {
	u, err := url.Parse(raw)
	name := ""
	if err == nil {
		name = path.Base(u.Path)
	}
	if name == "" || name == "/" || name == "." || name == ".." {
		return "", &fetch.Error{Kind: fetch.ErrWrite, Msg: "remote file name has no length: " + raw,
			Hint: "-O names the file after the URL's last path segment; give -o FILE instead"}
	}
	return name, nil
}

// openAux opens an auxiliary output: "-" is stdout, "%" stderr, anything
// else a file created (truncated) now.
func (a *app) openAux(name string) (io.Writer, func(), error) {
	switch name {
	case "-":
		return a.stdout, func() {}, nil
	case "%":
		return a.stderr, func() {}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, nil, &fetch.Error{Kind: fetch.ErrWrite, Msg: fmt.Sprintf("cannot create %s: %v", name, pathReason(err)), Cause: err}
	}
	return f, func() { f.Close() }, nil
}
