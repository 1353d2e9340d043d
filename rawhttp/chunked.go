package rawhttp

import (
	"bytes"
	"io"
)

// ChunkedReader decodes a chunked body (RFC 9112 §7.1).
//
// Chunk sizes are hex in any case with any number of leading zeros; chunk
// extensions are skipped but count against Limits.MaxChunkLine and
// Limits.MaxChunkExtras. Every chunk-size line and every chunk's data must
// end in CR LF: a bare LF there is an error (RFC 9112 erratum 7633, the
// fix of net/http's CVE-2025-22871). Trailer fields are parsed like header
// fields and kept apart (Trailers). Decoding allocates nothing per chunk.
type ChunkedReader struct {
	r        *Reader
	state    chunkState
	n        int64 // data bytes left in the current chunk
	size     int64 // size of the current chunk
	dataOff  int64 // stream offset of the current chunk's data
	total    int64 // data bytes so far
	excess   int64 // framing overhead beyond the allowance
	trailers []Field
	err      error // sticky; io.EOF when done
}

type chunkState uint8

const (
	stSize    chunkState = iota // next: a chunk-size line
	stData                      // next: chunk data (n bytes)
	stCRLF                      // next: the CR LF after chunk data
	stTrailer                   // next: the trailer section
)

// Rules cited by chunked errors.
const (
	ruleChunk    = "RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF"
	ruleChunkLF  = "RFC 9112 §7.1 (erratum 7633): chunk lines end in CRLF, not a bare LF"
	ruleChunkEnd = "RFC 9112 §7.1: a chunked body ends with a last chunk and an empty line"
)

// Trailers returns the trailer fields, valid once Read returned io.EOF.
func (c *ChunkedReader) Trailers() []Field { return c.trailers }

func (c *ChunkedReader) Read(p []byte) (n int, err error) {
	for c.err == nil {
		switch c.state {
		case stSize:
			if n > 0 && !c.lineBuffered() {
				return n, nil // do not block while holding data
			}
			c.err = c.readSize()
		case stData:
			if n == len(p) {
				return n, nil
			}
			m := min(int64(len(p)-n), c.n)
			k, err := c.r.br.Read(p[n : n+int(m)])
			n += k
			c.n -= int64(k)
			c.total += int64(k)
			c.r.off += int64(k)
			if err != nil {
				if isEOF(err) && c.n > 0 {
					c.err = c.truncated()
				} else if !isEOF(err) {
					c.err = err
				}
			}
			if c.n == 0 {
				c.state = stCRLF
			} else if c.err == nil {
				return n, nil // a short read; the next may block
			}
		case stCRLF:
			if n > 0 && c.r.br.Buffered() < 2 {
				return n, nil
			}
			c.err = c.readCRLF()
		case stTrailer:
			if n > 0 {
				return n, nil
			}
			c.err = c.readTrailers()
		}
	}
	return n, c.err
}

// lineBuffered reports whether a whole line is in the buffer.
func (c *ChunkedReader) lineBuffered() bool {
	b, _ := c.r.br.Peek(c.r.br.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

// truncated is the error for a stream that ends inside the body.
func (c *ChunkedReader) truncated() error {
	e := protoErr(ErrTruncated, c.r.off, ruleChunkEnd, "transfer closed with outstanding read data remaining", nil)
	e.InBody = true
	return e
}

// malformed is the error for bad framing at off.
func (c *ChunkedReader) malformed(off int64, rule, msg string, near []byte) error {
	e := protoErr(ErrMalformed, off, rule, msg, near)
	e.InBody = true
	return e
}

// readSize reads and parses one chunk-size line.
func (c *ChunkedReader) readSize() error {
	r := c.r
	start := r.off
	line, err := r.readLine(r.lim.MaxChunkLine, "chunk-size line", "Limits.MaxChunkLine")
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			return c.truncated()
		}
		if e, ok := err.(*ProtocolError); ok {
			e.InBody = true
		}
		return err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return c.malformed(start+int64(len(line)-1), ruleChunkLF, "chunk-size line ends in a bare LF", line)
	}
	body := line[:len(line)-2]
	var size int64
	i := 0
	for ; i < len(body); i++ {
		d := unhex(body[i])
		if d < 0 {
			break
		}
		if size > (1<<63-1)>>4 {
			return c.malformed(start, ruleChunk, "chunk size overflows", line)
		}
		size = size<<4 | int64(d)
	}
	if i == 0 {
		return c.malformed(start, ruleChunk, "invalid chunk size", line)
	}
	// What may follow the size: BWS, then ";" and extensions.
	rest := body[i:]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		rest = rest[1:]
	}
	if len(rest) > 0 && rest[0] != ';' {
		return c.malformed(start+int64(len(body)-len(rest)), ruleChunk, "invalid chunk size", line)
	}
	if k, msg := lineOK(rest); k >= 0 {
		return c.malformed(start+int64(len(body)-len(rest)+k), ruleChunk, "chunk extension "+msg, line)
	}
	// Overhead allowance as in net/http: 16 bytes per chunk plus twice the
	// data size; the rest counts against MaxChunkExtras.
	c.excess += int64(len(line))
	c.excess -= 16 + 2*min(size, 1<<40)
	c.excess = max(c.excess, 0)
	if c.excess > r.lim.MaxChunkExtras {
		e := protoErr(ErrLimit, start, "Limits.MaxChunkExtras",
			"chunked framing overhead beyond "+itoa(int(r.lim.MaxChunkExtras))+" bytes (Limits.MaxChunkExtras)", line)
		e.InBody = true
		return e
	}
	if r.Observe != nil {
		r.emit(Event{Kind: EvChunkSize, Offset: start, Raw: line, Size: size})
	}
	c.size, c.n, c.dataOff = size, size, r.off
	if size == 0 {
		c.state = stTrailer
	} else {
		c.state = stData
	}
	return nil
}

// unhex returns the value of hex digit b, or -1.
func unhex(b byte) int {
	switch {
	case '0' <= b && b <= '9':
		return int(b - '0')
	case 'a' <= b && b <= 'f':
		return int(b-'a') + 10
	case 'A' <= b && b <= 'F':
		return int(b-'A') + 10
	}
	return -1
}

// readCRLF reads the CR LF after chunk data.
func (c *ChunkedReader) readCRLF() error {
	r := c.r
	start := r.off
	for _, want := range [2]byte{'\r', '\n'} {
		b, err := r.br.ReadByte()
		if err != nil {
			if isEOF(err) {
				return c.truncated()
			}
			return err
		}
		r.off++
		if b != want {
			if b == '\n' {
				return c.malformed(r.off-1, ruleChunkLF, "chunk data ends in a bare LF", []byte{b})
			}
			return c.malformed(r.off-1, ruleChunk, "chunk data not followed by CRLF", []byte{b})
		}
	}
	if r.Observe != nil {
		r.emit(Event{Kind: EvChunkData, Offset: c.dataOff, Raw: nil, Size: c.size})
	}
	_ = start
	c.state = stSize
	return nil
}

// readTrailers reads the trailer section after the last chunk, up to and
// including its empty line, and ends the body. As everywhere in a chunked
// body, lines must end in CR LF: the final empty line is framing, and a
// bare LF in the trailer fields would let two parsers disagree on where
// the body ends (net/http refuses it as well).
func (c *ChunkedReader) readTrailers() error {
	r := c.r
	start := r.off
	var sec []byte // the trailer section, once there is a field
	for {
		left := r.lim.MaxTrailer - len(sec)
		line, err := r.readLine(min(left, r.lim.MaxLine), "trailer", "Limits.MaxTrailer")
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return c.truncated()
			}
			if e, ok := err.(*ProtocolError); ok {
				e.InBody = true
			}
			return err
		}
		if len(line) < 2 || line[len(line)-2] != '\r' {
			return c.malformed(r.off-1, ruleChunkLF, "trailer line ends in a bare LF", line)
		}
		if len(line) == 2 {
			if sec == nil {
				r.bodyEnd(c.total, line)
				return io.EOF
			}
			sec = append(sec, line...)
			var l lexer
			l.reset(false, start, &r.lim)
			if _, err := l.lex(sec); err != nil {
				err.(*ProtocolError).InBody = true
				return err
			}
			if err := checkChars(sec, l.crlf, start, false); err != nil {
				err.(*ProtocolError).InBody = true
				return err
			}
			c.trailers = r.buildFields(nil, sec, l.spans, start, EvTrailer)
			r.bodyEnd(c.total, line)
			return io.EOF
		}
		sec = append(sec, line...)
	}
}
