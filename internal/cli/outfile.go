package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"sockfetch/fetch"
	"sockfetch/internal/safetext"
)

// remoteName is -O's file name, as curl 7.88 chooses it: the last segment
// of the URL's path as the URL writes it, query and fragment left out, and
// NOT percent-decoded, so "%0A" stays those three characters and "%2F"
// never becomes a "/". A path that ends in "/" (or "/." or "/..", which
// name the directory too) or no path at all is curl's "remote file name
// has no length" (exit 23). The name can hold no "/" and never be "." or
// "..". A raw control byte cannot reach it (fetch refuses such a URL); the
// bytes of a rune safetext.Unsafe reports (C1 controls, invalid UTF-8,
// bidirectional overrides) are written percent-encoded, as a well-formed
// URL writes them, where curl would keep them raw.
func remoteName(raw string) (string, error) {
	rest := raw
	if _, after, ok := strings.Cut(rest, "://"); ok {
		rest = after
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	name := ""
	if i := strings.IndexByte(rest, '/'); i >= 0 { // the path starts after the authority
		p := rest[i:]
		name = p[strings.LastIndexByte(p, '/')+1:]
	}
	if name == "" || name == "." || name == ".." {
		return "", &fetch.Error{Kind: fetch.ErrWrite, Msg: "remote file name has no length: " + safetext.Clean(raw),
			Hint: "-O names the file after the URL's last path segment; give -o FILE instead"}
	}
	return percentUnsafe(name), nil
}

// percentUnsafe writes the bytes of each rune safetext.Unsafe reports as %XX.
func percentUnsafe(s string) string {
	if !strings.ContainsFunc(s, safetext.Unsafe) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if safetext.Unsafe(r) {
			for j := 0; j < n; j++ {
				fmt.Fprintf(&b, "%%%02X", s[i+j])
			}
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
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
