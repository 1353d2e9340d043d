package fetch

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// body streams resp's body to f.out.Body and returns the number of body
// bytes received (after chunk decoding, before content decoding).
//
// When nothing observes the fetch, the body needs no decoding, travels over
// plain TCP and goes to an *os.File, the bytes already buffered are written
// first and the rest is copied straight from the *net.TCPConn, so that the
// kernel can splice it without a trip through user space.
func (f *fetcher) body(ctx context.Context, c *conn, isTLS bool, br *bufio.Reader, rd *rawhttp.Reader, resp *rawhttp.Response) (int64, error) {
	fr := resp.Framing
	if fr.Kind == rawhttp.NoBody {
		if f.obs != nil {
			f.emit(fetchtrace.Event{Kind: fetchtrace.EvBodyEnd, Framing: fr})
		}
		return 0, nil
	}
	limit := f.req.MaxFileSize
	if limit > 0 && fr.Kind == rawhttp.Length && fr.Length > limit {
		return 0, errorf(ErrFileSize, nil, "maximum file size exceeded: the body is %d bytes, --max-filesize is %d", fr.Length, limit)
	}
	encodings, cerr := f.codings(resp)
	if cerr != nil {
		return 0, cerr
	}
	bar := f.bar(fr)
	defer bar.Finish()
	if file, ok := f.out.Body.(*os.File); ok && f.obs == nil && !isTLS && encodings == nil {
		if tcp, ok := c.Conn.(*net.TCPConn); ok && (fr.Kind == rawhttp.Length || fr.Kind == rawhttp.UntilClose) {
			return f.spliceBody(ctx, tcp, br, rd.Body(resp), file, bar)
		}
	}

	src := rd.Body(resp)
	raw := &countReader{r: src, n: &f.received, bar: bar}
	var r io.Reader = raw
	if limit > 0 {
		r = &maxReader{r: r, left: limit, max: limit}
	}
	written, err := f.copyBody(ctx, r, raw, encodings)
	end := fetchtrace.Event{Size: raw.total, Framing: fr}
	if encodings != nil {
		end.Codings, end.Decoded = encodings, written
	}
	f.endBody(err, end)
	if err == nil {
		err = f.trailers(src)
	}
	return raw.total, err
}

// copyBody copies the body from r, undoing encodings, to f.out.Body; raw
// counts the bytes received. It returns the bytes written.
func (f *fetcher) copyBody(ctx context.Context, r io.Reader, raw *countReader, encodings []string) (int64, error) {
	if encodings != nil {
		dr, err := decoder(r, encodings)
		if err != nil {
			return 0, f.bodyError(ctx, err, raw.total)
		}
		r = dr
	}
	w := &errWriter{w: f.out.Body}
	buf, done := copyBuf()
	defer done()
	n, err := io.CopyBuffer(w, r, buf)
	switch {
	case w.err != nil:
		return n, writeError(w.err)
	case err != nil:
		return n, f.bodyError(ctx, err, raw.total)
	}
	return n, nil
}

// spliceBody is body's fast path. It reads through rawhttp's body reader:
// the bytes already buffered by Read, the rest straight from tcp, reported
// to a Content-Length reader with Advance, so that what remains is
// rawhttp's count. A progress bar keeps the splice: a Counter's Copy
// copies in pieces that still splice.
func (f *fetcher) spliceBody(ctx context.Context, tcp *net.TCPConn, br *bufio.Reader, body io.Reader, file *os.File, bar Counter) (int64, error) {
	limit := f.req.MaxFileSize
	lr, _ := body.(*rawhttp.LengthReader) // nil for a body read until close
	buffered := int64(br.Buffered())
	if lr != nil {
		buffered = int64(lr.Buffered())
	}
	w := &errWriter{w: file}
	got, err := io.CopyN(w, body, buffered)
	bar.Add(got)
	switch {
	case w.err != nil:
		return 0, writeError(w.err) // as when the buffered bytes went in one Write
	case err != nil:
		return got, f.bodyError(ctx, err, got)
	}
	left := int64(1<<62 - 1)
	switch {
	case lr != nil:
		left = lr.Remaining()
	case limit > 0:
		left = max(limit+1-got, 0)
	}
	n, err := f.spliceCopy(file, tcp, left, bar)
	got += n
	f.received = got
	if lr != nil {
		lr.Advance(n)
	}
	switch {
	case err != nil && isRecvError(err):
		return got, f.bodyError(ctx, err, got)
	case err != nil:
		return got, writeError(err)
	case limit > 0 && got > limit:
		return got, tooLarge(limit)
	case lr != nil && lr.Remaining() > 0:
		// The connection ended early. One more Read lets rawhttp say so,
		// in the words of every other path: the truncation rule is its.
		if _, err = lr.Read(make([]byte, 1)); err == nil {
			err = io.ErrUnexpectedEOF
		}
		return got, f.bodyError(ctx, err, got)
	}
	return got, nil
}

// spliceCopy copies n bytes from tcp to file, counting them on bar.
func (f *fetcher) spliceCopy(file *os.File, tcp *net.TCPConn, n int64, bar Counter) (int64, error) {
	if cp, ok := bar.(copier); ok {
		return cp.Copy(file, tcp, n)
	}
	if bar == noCounter && f.prevProxy != nil && f.dialer.Tor == nil && n > 2*proxyLowat {
		return lowatCopy(file, tcp, n)
	}
	c, err := io.Copy(file, io.LimitReader(tcp, n))
	bar.Add(c)
	return c, err
}

// proxyLowat is the socket's low-water mark while lowatCopy splices.
const proxyLowat = 256 << 10

// lowatCopy copies n bytes (n > proxyLowat) from tcp to file, as
// io.Copy(file, io.LimitReader(tcp, n)) does, with fewer wake-ups: a SOCKS
// proxy such as dante relays in small pieces, and splicing each as it
// comes costs the client CPU that the proxy needs (BENCHMARKS.md). Up to
// the last proxyLowat bytes the socket's SO_RCVLOWAT holds the splice back
// until proxyLowat bytes are queued, which always come since at least that
// many are still due (or the stream ends, which wakes it too); the mark is
// then lowered to 1 for the tail. When the copy fails on the socket's
// side, the bytes already queued below the mark are written out first, as
// a copy without the mark would have written them.
func lowatCopy(file *os.File, tcp *net.TCPConn, n int64) (int64, error) {
	if setRecvLowat(tcp, proxyLowat) != nil {
		return io.Copy(file, io.LimitReader(tcp, n))
	}
	head := n - proxyLowat
	written, err := io.Copy(file, io.LimitReader(tcp, head))
	if err != nil {
		if isRecvError(err) {
			buf := make([]byte, min(proxyLowat, n-written))
			if k := recvQueued(tcp, buf); k > 0 {
				w, werr := file.Write(buf[:k])
				written += int64(w)
				if werr != nil {
					return written, werr
				}
			}
		}
		return written, err
	}
	if err := setRecvLowat(tcp, 1); err != nil {
		return written, &net.OpError{Op: "read", Net: "tcp", Err: err}
	}
	if written < head {
		return written, nil // the stream ended
	}
	m, err := io.Copy(file, io.LimitReader(tcp, n-head))
	return written + m, err
}

// isRecvError reports whether err, from a copy socket to file, came from the
// socket side.
func isRecvError(err error) bool {
	var oe *net.OpError
	switch {
	case errors.As(err, &oe) && oe.Op == "read":
		return true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.ETIMEDOUT),
		errors.Is(err, os.ErrDeadlineExceeded):
		return true
	}
	return false
}

// bar returns the Counter for a body framed by fr: Output.Progress's, or
// noCounter when there is none.
func (f *fetcher) bar(fr rawhttp.Framing) Counter {
	if f.out.Progress == nil {
		return noCounter
	}
	total := int64(-1)
	if fr.Kind == rawhttp.Length {
		total = fr.Length
	}
	if c := f.out.Progress(total); c != nil {
		return c
	}
	return noCounter
}

// copier is a Counter that copies a spliced body itself, in pieces it can
// count that still splice (as *progress.Bar's Copy does).
type copier interface {
	Copy(dst io.Writer, src io.Reader, n int64) (int64, error)
}

// nopCounter counts nothing.
type nopCounter struct{}

func (nopCounter) Add(int64) {}
func (nopCounter) Finish()   {}

// noCounter is the Counter of a body without a progress bar.
var noCounter Counter = nopCounter{}

// rawChunked is --raw for a chunked body: the chunked reader finds the end,
// and the wire bytes up to the stream offset it reached are written as they
// came, size lines and trailers included. Bytes after the end are not.
func (f *fetcher) rawChunked(ctx context.Context, rd *rawhttp.Reader, resp *rawhttp.Response, tee *recvTee) (int64, error) {
	start := rd.Offset()
	bar := f.bar(resp.Framing)
	defer bar.Finish()
	body := &countReader{r: rd.Body(resp), n: &f.received}
	written, err := f.copyRawChunked(ctx, rd, start, body, tee, bar)
	f.endBody(err, fetchtrace.Event{Size: body.total, Framing: resp.Framing, Raw: true, Written: written})
	return body.total, err
}

// copyRawChunked is rawChunked's copy: it returns the wire bytes written.
func (f *fetcher) copyRawChunked(ctx context.Context, rd *rawhttp.Reader, start int64, body *countReader, tee *recvTee, bar Counter) (int64, error) {
	w := &errWriter{w: f.out.Body}
	buf, done := copyBuf()
	defer done()
	var written int64
	for {
		_, rerr := body.Read(buf)
		if k := rd.Offset() - start - written; k > 0 && int64(len(tee.wire)) >= k {
			if _, err := w.Write(tee.wire[:k]); err != nil {
				return written, writeError(err)
			}
			tee.wire = tee.wire[k:]
			written += k
			bar.Add(k)
		}
		if rerr == io.EOF {
			return written, nil
		}
		if rerr != nil {
			return written, f.bodyError(ctx, rerr, body.total)
		}
		if limit := f.req.MaxFileSize; limit > 0 && body.total > limit {
			return written, tooLarge(limit)
		}
	}
}

// contentEncodings returns the codings to undo, outermost first, or nil when
// the body is to be written as received.
func (f *fetcher) contentEncodings(resp *rawhttp.Response) []string {
	if !f.req.Compressed || f.req.Raw {
		return nil
	}
	var list []string
	for _, v := range resp.Values("Content-Encoding") {
		for _, e := range strings.Split(v, ",") {
			e = strings.ToLower(strings.TrimSpace(e))
			if e != "" && e != "identity" && e != "none" { // curl takes "none" for identity too
				list = append(list, e)
			}
		}
	}
	slices.Reverse(list) // the last coding applied is undone first
	return list
}

// errDecode marks a content coding that cannot be undone.
type errDecode struct{ msg string }

func (e *errDecode) Error() string { return e.msg }

// decoder undoes the content codings in order (outermost first).
func decoder(r io.Reader, codings []string) (io.Reader, error) {
	for _, c := range codings {
		br := bufio.NewReaderSize(r, copyBufSize)
		switch c {
		case "gzip", "x-gzip":
			if _, err := br.Peek(1); err == io.EOF {
				return br, nil // an empty body stays empty
			}
			zr, err := newGzipReader(br) // not gzip.NewReader: see gzipReader
			if err != nil {
				return nil, err
			}
			r = zr
		case "deflate":
			// RFC 9110 §8.4.1.2 says zlib; some servers send raw deflate.
			hdr, err := br.Peek(2)
			if err == io.EOF && len(hdr) == 0 {
				return br, nil
			}
			if len(hdr) == 2 && hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
				zr, err := zlib.NewReader(br)
				if err != nil {
					return nil, err
				}
				r = zr
			} else {
				r = flate.NewReader(br)
			}
		default:
			return nil, &errDecode{fmt.Sprintf("unrecognized content encoding %q (sockfetch decodes gzip and deflate)", c)}
		}
	}
	return r, nil
}

// bodyError classifies a failure while reading the body.
func (f *fetcher) bodyError(ctx context.Context, err error, got int64) error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	var pe *rawhttp.ProtocolError
	if errors.As(err, &pe) {
		return f.readError(ctx, err, false)
	}
	var de *errDecode
	var ce flate.CorruptInputError
	switch {
	case errors.As(err, &de):
		return errorf(ErrDecode, err, "%s", de.msg)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.Is(err, zlib.ErrHeader),
		errors.Is(err, zlib.ErrChecksum), errors.Is(err, zlib.ErrDictionary), errors.As(err, &ce),
		errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(ErrDecode, err, "error while decoding the body: %v", err)
	}
	return f.readError(ctx, err, false)
}

// readError classifies a failure to read the response (head, when inHead).
// A head cut short is partial (18) as a body is.
func (f *fetcher) readError(ctx context.Context, err error, inHead bool) error {
	var pe *rawhttp.ProtocolError
	if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
		return f.timeoutError(ctx, err)
	}
	switch {
	case errors.Is(err, rawhttp.ErrEmpty):
		return errorf(ErrEmptyReply, err, "empty reply from server")
	case errors.As(err, &pe) && pe.NoStatusLine: // curl 7.88: 52 as well
		return errorf(ErrEmptyReply, err, "empty reply from server: %s", pe.Msg)
	case errors.As(err, &pe) && errors.Is(err, rawhttp.ErrTruncated):
		return errorf(ErrPartial, err, "%s", pe.Msg) // a head cut short as well as a body
	case errors.As(err, &pe):
		return errorf(ResponseKind(err), err, "%s", pe.Msg).withHint(ruleHint(pe))
	}
	return f.netError(ctx, ErrRecv, err, "failure when receiving data from the peer")
}

// ruleHint names the broken rule, as a hint.
func ruleHint(pe *rawhttp.ProtocolError) string {
	if pe.Rule == "" {
		return ""
	}
	return "the response breaks " + pe.Rule
}

// netError classifies a network failure as kind (ErrSend, ErrRecv), or a
// timeout.
func (f *fetcher) netError(ctx context.Context, kind, err error, what string) error {
	if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
		return f.timeoutError(ctx, err)
	}
	return errorf(kind, err, "%s: %s", what, connReason(err))
}

// unwrapPath drops the *os.PathError's operation and path from a message.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// countReader counts the bytes read through it.
type countReader struct {
	r     io.Reader
	n     *int64  // also updated, when not nil
	bar   Counter // also counts them, when not nil
	total int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.total += int64(n)
	if c.n != nil {
		*c.n = c.total
	}
	if c.bar != nil {
		c.bar.Add(int64(n))
	}
	return n, err
}

// maxReader fails with ErrFileSize once more than max bytes were read.
type maxReader struct {
	r    io.Reader
	left int64 // bytes still allowed
	max  int64
}

func (m *maxReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if int64(n) > m.left {
		return int(m.left), tooLarge(m.max)
	}
	m.left -= int64(n)
	return n, err
}

// tooLarge is the error for a body of more than limit bytes
// (--max-filesize) whose length was not known in advance.
func tooLarge(limit int64) *Error {
	return errorf(ErrFileSize, nil, "maximum file size exceeded: more than %d bytes", limit)
}

// errWriter records the first write error, so that a failed copy can be
// told apart from a failed read.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}
