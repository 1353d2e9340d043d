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
	section  []byte // the trailer section as received, when it has fields
	err      error  // sticky; io.EOF when done
}

type chunkState uint8

const (
	stSize    chunkState = iota // next: a chunk-size line
	stData                      // next: chunk data (n bytes)
	stCRLF                      // next: the CR LF after chunk data
	stTrailer                   // next: the trailer section
)

// Trailers returns the trailer fields (RFC 9112 §7.1.2) in the order
// received, names and values as Response.Fields has them, once Read
// returned io.EOF; nil before and when there were none. They are never
// merged into the head. Their strings share the memory of TrailerSection,
// which belongs to this body alone, so they stay valid after the next
// ReadResponse.
//
// A caller that wraps the body (to count or decode it) keeps the
// *ChunkedReader that Reader.Body returned and asks it after the copy
// ended without error; for a body of another framing there are none.
func (c *ChunkedReader) Trailers() []Field { return c.trailers }

// TrailerSection returns the trailer section's bytes exactly as received,
// once Read returned io.EOF: every trailer field line (obs-fold lines
// included), then the empty line "\r\n" that ends the body. It is nil when
// the last chunk was followed by the empty line at once. This is what to
// write after the body for curl's -i and -D, which write the field lines
// as they came and leave the final empty line out.
func (c *ChunkedReader) TrailerSection() []byte { return c.section }

// Remaining returns how many data bytes of the current chunk are left to
// read: 0 between chunks, before the first Read and after the last chunk.
//
// For a zero-copy copy of large chunks, a caller may, whenever Remaining is
// not 0, read the Buffered bytes through Read (asking for no more than
// that), copy the rest of the chunk straight from the underlying
// connection, and report it with Advance; then call Read again, which goes
// on with the chunk's CR LF and the next size line. If the copy came up
// short, that Read returns the ErrTruncated error.
func (c *ChunkedReader) Remaining() int64 {
	if c.state != stData || c.err != nil {
		return 0
	}
	return c.n
}

// Buffered returns how many of the current chunk's remaining data bytes
// are already in the bufio.Reader.
func (c *ChunkedReader) Buffered() int {
	return int(min(int64(c.r.br.Buffered()), c.Remaining()))
}

// Advance records that n data bytes of the current chunk were read from the
// stream past the bufio.Reader (which must hold none of them: Buffered is
// 0). It panics if n is negative or more than Remaining.
func (c *ChunkedReader) Advance(n int64) {
	if n < 0 || n > c.Remaining() {
		panic("rawhttp: ChunkedReader.Advance beyond the chunk")
	}
	c.n -= n
	c.total += n
	c.r.off += n
	if c.n == 0 {
		c.state = stCRLF
	}
}

func (c *ChunkedReader) Read(p []byte) (n int, err error) {
	for c.err == nil {
		switch c.state {
		case stSize:
			// The usual size line is whole in the buffer: take it from
			// there. Otherwise read it, unless that may block while we
			// hold data for the caller.
			b, _ := c.r.br.Peek(c.r.br.Buffered())
			if i := bytes.IndexByte(b, '\n'); i >= 0 && i < c.r.lim.MaxChunkLine {
				start := c.r.off
				c.r.br.Discard(i + 1)
				c.r.off += int64(i + 1)
				c.err = c.sizeLine(start, b[:i+1]) // b stays valid: no read in between
			} else if n > 0 {
				return n, nil
			} else {
				c.err = c.readSize()
			}
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
	return c.sizeLine(start, line)
}

// sizeLine parses the chunk-size line that began at stream offset start.
func (c *ChunkedReader) sizeLine(start int64, line []byte) error {
	r := c.r
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
	// What may follow the size: BWS, then ";" and extensions. Two things
	// RFC 9112 §7.1.1 does not allow are taken, as curl, net/http and most
	// servers' peers take them: whitespace after the size with no ";"
	// ("5 \r\n"; BWS before ";" is in the chunk-ext grammar anyway) and a
	// ";" with no extension after it ("5;\r\n"). Neither can move the end
	// of the message: the line still ends at its CR LF and the size is the
	// same hex digits for every reader. What could move it stays refused: a
	// bare LF (below and in readCRLF) and a quoted value left open at the
	// line end, which a reader that lets quoted strings run on would end
	// somewhere else (request smuggling).
	rest := body[i:]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		rest = rest[1:]
	}
	if len(rest) > 0 && rest[0] != ';' {
		return c.malformed(start+int64(len(body)-len(rest)), ruleChunk, "invalid chunk size", line)
	}
	if k, msg := lineOK(rest); len(rest) > 0 && k >= 0 {
		return c.malformed(start+int64(len(body)-len(rest)+k), ruleChunk, "chunk extension "+msg, line)
	}
	if k := openQuote(rest); k >= 0 {
		return c.malformed(start+int64(len(body)-len(rest)+k), ruleChunkExt, "chunk extension has a quoted string not closed on its line", line)
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

// openQuote returns the index of the DQUOTE in the chunk extensions ext
// that opens a quoted-string (RFC 9110 §5.6.4) not closed before the end of
// ext, or -1. A backslash inside quotes escapes the next byte.
func openQuote(ext []byte) int {
	open := -1
	for i := 0; i < len(ext); i++ {
		switch {
		case open < 0 && ext[i] == '"':
			open = i
		case open >= 0 && ext[i] == '\\':
			i++
		case open >= 0 && ext[i] == '"':
			open = -1
		}
	}
	return open
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
	if b, _ := r.br.Peek(2); len(b) == 2 && b[0] == '\r' && b[1] == '\n' {
		r.br.Discard(2)
		r.off += 2
		if r.Observe != nil {
			r.emit(Event{Kind: EvChunkData, Offset: c.dataOff, Size: c.size})
		}
		c.state = stSize
		return nil
	}
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
		r.emit(Event{Kind: EvChunkData, Offset: c.dataOff, Size: c.size})
	}
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
		line, err := r.readLine(min(left, r.lim.MaxLine), "trailer section line", "Limits.MaxLine")
		if e, ok := err.(*ProtocolError); ok && e.Err == ErrLimit && left <= r.lim.MaxLine {
			// The section's budget, not the line's limit, ran out: say
			// what was left of it, not as if it were the limit.
			e.Rule = "Limits.MaxTrailer"
			e.Msg = "trailer section longer than " + itoa(r.lim.MaxTrailer) + " bytes (Limits.MaxTrailer): its next line is longer than the " + itoa(left) + " bytes left"
		}
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
			c.section = sec
			r.bodyEnd(c.total, line)
			return io.EOF
		}
		sec = append(sec, line...)
	}
}
