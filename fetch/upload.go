package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// Upload is a request body read as it is sent (-T, -F with files, a large
// -d), so that its size never sets the memory used.
type Upload struct {
	Size int64 // its length; -1 when unknown: sent chunked
	// Open returns the body afresh for each hop that sends it (a 307 or
	// 308 sends it again). An error is the fetch's error.
	Open func() (io.ReadCloser, error)
}

// expectWait is how long a request with Expect: 100-continue waits for
// the 100 before it sends the body anyway: curl's default
// (--expect100-timeout 1).
const expectWait = time.Second

// uploadChunk is the most body bytes in one chunk of a chunked upload.
const uploadChunk = 64 << 10

// streamFields announces the hop's upload, if any, in q.
func (f *fetcher) streamFields(q *rawhttp.Request, ctype string) {
	if f.upload == nil {
		return
	}
	q.BodySize, q.ContentType = f.upload.Size, ctype
	if q.BodySize == 0 {
		q.Body = []byte{}
	}
	q.Expect = f.expect && !f.req.HTTP10
}

// sendUpload writes the hop's upload after its head: with Expect, once a
// 100 came or after expectWait without an answer; a final status instead
// means the server does not want the body, which is then not sent.
func (f *fetcher) sendUpload(ctx context.Context, res *Result, hc *hopConn) error {
	f.held = false
	if f.upload == nil || f.upload.Size == 0 {
		return nil
	}
	if f.expect && !f.req.HTTP10 && !f.hasUserExpectRemoved() {
		send, err := f.awaitContinue(ctx, hc)
		if err != nil || !send {
			f.held = err == nil
			return err
		}
	}
	body, err := f.upload.Open()
	if err != nil {
		return err
	}
	defer body.Close()
	n, err := copyUpload(hc.stream, body, f.upload.Size)
	res.UploadSize += n // not in RequestSize: curl counts a streamed body in size_upload only
	if f.obs != nil {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: fmt.Sprintf("upload completely sent off: %d bytes", n)})
	}
	var we *uploadWriteError
	switch {
	case errors.As(err, &we):
		return f.netError(ctx, ErrSend, we.err, "failed sending the request body")
	case err != nil:
		return err
	}
	return nil
}

// hasUserExpectRemoved reports whether -H 'Expect:' removed the field.
func (f *fetcher) hasUserExpectRemoved() bool {
	for _, r := range f.req.Remove {
		if equalFold(r, "Expect") {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool { return len(a) == len(b) && bytes.EqualFold([]byte(a), []byte(b)) }

// awaitContinue waits up to expectWait for the server's first bytes. It
// keeps what it read for the response's parser, and reports whether to
// send the body: yes after a 1xx or silence, no after a final status or
// the end of the connection.
func (f *fetcher) awaitContinue(ctx context.Context, hc *hopConn) (bool, error) {
	buf := make([]byte, 4096)
	hc.stream.SetReadDeadline(time.Now().Add(expectWait))
	// Read until the status code is in: a server may write its status
	// line in pieces.
	n := 0
	var err error
	for n < len("HTTP/1.1 100") && bytes.IndexByte(buf[:n], '\n') < 0 {
		var m int
		m, err = hc.stream.Read(buf[n:])
		n += m
		if err != nil {
			break
		}
	}
	hc.stream.SetReadDeadline(time.Time{})
	if ctx.Err() != nil {
		return false, f.netError(ctx, ErrRecv, ctx.Err(), "failed waiting for 100 Continue")
	}
	if n > 0 {
		hc.stream = &prefixConn{Conn: hc.stream, pre: buf[:n]}
		interim := bytes.HasPrefix(buf[:n], []byte("HTTP/1.")) && n > 9 && buf[9] == '1'
		var ne net.Error
		if !interim && n < len("HTTP/1.1 100") && errors.As(err, &ne) && ne.Timeout() {
			return true, nil // a part of a status line, then silence: sent anyway, as after silence
		}
		return interim, nil
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true, nil
	}
	return false, nil // the response's parser meets the end or the error
}

// prefixConn reads pre before the connection's own bytes.
type prefixConn struct {
	net.Conn
	pre []byte
}

func (p *prefixConn) Read(b []byte) (int, error) {
	if len(p.pre) > 0 {
		n := copy(b, p.pre)
		p.pre = p.pre[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}

// uploadWriteError is a failed write of the upload to the connection.
type uploadWriteError struct{ err error }

func (e *uploadWriteError) Error() string { return e.err.Error() }

// copyUpload writes body to w: exactly size bytes, or for size -1 chunked
// (each read a chunk, then the last chunk). A body that ends early or
// runs past size is ErrReadFile: the request would lie about its length.
func copyUpload(w io.Writer, body io.Reader, size int64) (int64, error) {
	buf := make([]byte, uploadChunk)
	var sent int64
	for {
		var n int
		var rerr error
		if size < 0 {
			// Each chunk as full as the buffer, as curl's fread fills
			// it: a chunk per 64 KiB, or the last bytes before the end.
			n, rerr = io.ReadFull(body, buf)
			if rerr == io.ErrUnexpectedEOF {
				rerr = io.EOF
			}
		} else {
			n, rerr = body.Read(buf)
		}
		if n > 0 {
			if size >= 0 && sent+int64(n) > size {
				return sent, errorf(ErrReadFile, nil, "the upload grew while it was sent (more than %d bytes)", size)
			}
			p := buf[:n]
			if size < 0 {
				p = append(append(strconv.AppendInt(nil, int64(n), 16), "\r\n"...), append(p, "\r\n"...)...)
			}
			if _, err := w.Write(p); err != nil {
				return sent, &uploadWriteError{err}
			}
			sent += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return sent, errorf(ErrReadFile, rerr, "cannot read the upload: %v", unwrapPath(rerr))
		}
	}
	if size < 0 {
		if _, err := w.Write([]byte("0\r\n\r\n")); err != nil {
			return sent, &uploadWriteError{err}
		}
	} else if sent != size {
		return sent, errorf(ErrReadFile, nil, "the upload shrank while it was sent (%d of %d bytes)", sent, size)
	}
	return sent, nil
}

// FileUpload returns the Upload of the named file, or of r (size -1,
// read once) when name is "-".
func FileUpload(name string, r io.Reader) (*Upload, error) {
	if name == "-" {
		used := false
		return &Upload{Size: -1, Open: func() (io.ReadCloser, error) {
			if used {
				return nil, errorf(ErrSend, nil, "cannot send standard input again to the redirect: it cannot be rewound")
			}
			used = true
			return io.NopCloser(r), nil
		}}, nil
	}
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		err = errors.New("is a directory")
	}
	if err != nil {
		return nil, errorf(ErrReadFile, err, "cannot read %s: %v", name, unwrapPath(err))
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		size = -1
	}
	return &Upload{Size: size, Open: func() (io.ReadCloser, error) {
		f, err := os.Open(name)
		if err != nil {
			return nil, errorf(ErrReadFile, err, "cannot read %s: %v", name, unwrapPath(err))
		}
		return f, nil
	}}, nil
}
