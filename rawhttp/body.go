package rawhttp

import (
	"bufio"
	"io"
	"strconv"
)

// Body returns a reader of resp's body bytes per resp.Framing. Reading to
// io.EOF means the body was complete; a body cut short is a *ProtocolError
// with ErrTruncated and InBody set. It is a *LengthReader for Length and a
// *ChunkedReader for Chunked. For NoBody it returns io.EOF at once without
// reading; for UntilClose everything up to the end of the stream.
//
// Body is called once per response, after ReadResponse. The reader belongs
// to r and is valid until the next ReadResponse.
func (r *Reader) Body(resp *Response) io.Reader {
	r.lim = r.Limits.orDefault()
	switch resp.Framing.Kind {
	case Length:
		r.length = LengthReader{r: r, n: resp.Framing.Length, total: resp.Framing.Length}
		return &r.length
	case Chunked:
		r.chunked = ChunkedReader{r: r}
		return &r.chunked
	case UntilClose:
		r.toClose = closeReader{r: r}
		return &r.toClose
	}
	r.none = noBody{r: r}
	return &r.none
}

// bodyEnd reports the end of a body of size bytes.
func (r *Reader) bodyEnd(size int64, raw []byte) {
	if r.Observe != nil {
		r.emit(Event{Kind: EvBodyEnd, Offset: r.off - int64(len(raw)), Raw: raw, Size: size})
	}
}

// LengthReader reads a body of known length (Content-Length).
//
// For a zero-copy copy from the socket, a caller may read the part of the
// body already buffered through Read (Buffered bytes), then copy the rest
// straight from the underlying connection and report how many bytes it
// copied with Advance. If that copy came up short, one more Read returns the
// ErrTruncated error (it reads from the now drained bufio.Reader and meets
// the end of the stream).
type LengthReader struct {
	r        *Reader
	n, total int64
	done     bool
	err      error
}

// Remaining returns the number of body bytes not yet read.
func (l *LengthReader) Remaining() int64 { return l.n }

// Buffered returns how many of the remaining body bytes are already in the
// bufio.Reader, so that reading them through Read does not touch the stream.
func (l *LengthReader) Buffered() int {
	return int(min(int64(l.r.br.Buffered()), l.n))
}

// Advance records that n body bytes were read from the stream past the
// bufio.Reader (which must hold no body bytes then: Buffered is 0). It
// panics if n is negative or more than Remaining.
func (l *LengthReader) Advance(n int64) {
	if n < 0 || n > l.n {
		panic("rawhttp: LengthReader.Advance beyond the body")
	}
	l.n -= n
	l.r.off += n
}

func (l *LengthReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.n <= 0 {
		if !l.done {
			l.done = true
			l.r.bodyEnd(l.total, nil)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.br.Read(p)
	l.n -= int64(n)
	l.r.off += int64(n)
	if err != nil && isEOF(err) {
		if l.n == 0 {
			return n, nil
		}
		got := l.total - l.n
		e := protoErr(ErrTruncated, l.r.off, ruleBodyShort,
			"transfer closed with "+strconv.FormatInt(l.n, 10)+" bytes remaining to read ("+
				strconv.FormatInt(got, 10)+" of "+strconv.FormatInt(l.total, 10)+" bytes)", nil)
		e.InBody = true
		l.err = e
		return n, e
	}
	return n, err
}

// closeReader reads everything up to the end of the stream.
type closeReader struct {
	r    *Reader
	size int64
	done bool
}

func (c *closeReader) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	n, err := c.r.br.Read(p)
	c.size += int64(n)
	c.r.off += int64(n)
	if err == io.EOF {
		c.done = true
		c.r.bodyEnd(c.size, nil)
	}
	return n, err
}

// noBody is the body of a response that has none.
type noBody struct {
	r    *Reader
	done bool
}

func (b *noBody) Read(p []byte) (int, error) {
	if !b.done {
		b.done = true
		b.r.bodyEnd(0, nil)
	}
	return 0, io.EOF
}

// readLine reads one line through its LF from the stream, at most max bytes
// in all; what names the line and limit for the error. The line is valid
// until the next read. A line longer than br's buffer is gathered in
// r.scratch.
func (r *Reader) readLine(max int, what, limit string) ([]byte, error) {
	start := r.off
	line, err := r.br.ReadSlice('\n')
	r.off += int64(len(line))
	if err == bufio.ErrBufferFull {
		r.scratch = append(r.scratch[:0], line...)
		for err == bufio.ErrBufferFull && len(r.scratch) <= max {
			line, err = r.br.ReadSlice('\n')
			r.off += int64(len(line))
			r.scratch = append(r.scratch, line...)
		}
		line = r.scratch
	}
	if len(line) > max {
		return nil, limitErr(start, what, max, limit, line)
	}
	if err != nil {
		if isEOF(err) {
			return line, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return line, nil
}
