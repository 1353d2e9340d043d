package cli

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"

	"sockfetch/fetch"
)

// errUploadFailed is an upload that cannot be made (exit 25, as curl).
var errUploadFailed = errors.New("upload failed")

// uploadWhat names -T's file for a message.
func uploadWhat(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// expectThreshold is the size past which curl 7.88 sends a POST body
// (-d, -F) only after Expect: 100-continue.
const expectThreshold = 1 << 20

// uploadBody sets r to PUT the file of -T (standard input for -), read as
// it is sent: with Content-Length for a file, chunked for standard input
// or a file of unknown size; with Expect: 100-continue for any body not
// empty, as curl 7.88. A file that cannot be read is exit 26 before
// anything connects.
func (a *app) uploadBody(r *fetch.Request, name string) error {
	up, err := fetch.FileUpload(name, a.stdin)
	if err != nil {
		return err
	}
	if up.Size < 0 && r.HTTP10 {
		return &fetch.Error{Kind: errUploadFailed, Msg: "cannot upload " + uploadWhat(name) + " with -0: a body of unknown size needs chunked encoding, which HTTP/1.0 lacks"}
	}
	r.Upload, r.Expect = up, up.Size != 0
	if r.Method == "" {
		r.Method = "PUT"
	}
	if name != "-" {
		a.uploadName = filepath.Base(name)
	}
	return nil
}

// bigData streams a -d body past expectThreshold after Expect:
// 100-continue, as curl 7.88 sends it.
func bigData(r *fetch.Request) {
	if len(r.Body) <= expectThreshold {
		return
	}
	b := r.Body
	r.Body = nil
	r.Upload = &fetch.Upload{Size: int64(len(b)), Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
	r.Expect = true
}

// withUploadName adds -T's file name to a URL whose path ends in '/' (or
// that has no path), as curl does.
func withUploadName(u, name string) string {
	if name == "" {
		return u
	}
	base, frag, hasFrag := strings.Cut(u, "#")
	base, query, hasQuery := strings.Cut(base, "?")
	rest := base
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	switch {
	case !strings.Contains(rest, "/"):
		base += "/" + pathEscape(name)
	case strings.HasSuffix(base, "/"):
		base += pathEscape(name)
	}
	if hasQuery {
		base += "?" + query
	}
	if hasFrag {
		base += "#" + frag
	}
	return base
}

// pathEscape percent-encodes a file name as curl_easy_escape does.
func pathEscape(s string) string {
	return strings.ReplaceAll(formEscape(s), "+", "%20")
}
