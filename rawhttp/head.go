package rawhttp

import (
	"bufio"
	"bytes"
)

// headScan finds the end of a head in a growing buffer and enforces the
// line and head limits as the bytes arrive, so that a hostile server is
// stopped at the limit rather than at the end of its stream.
type headScan struct {
	line int // index of the first byte of the current (incomplete) line
}

// httpPrefix is how every status line begins.
const httpPrefix = "HTTP/"

// checkPrefix reports a first line that does not begin with "HTTP/". It is
// called once the first line is complete, too long, or cut short by the end
// of the stream, so that the bytes quoted do not depend on how the stream
// was split into reads.
func checkPrefix(b []byte, base int64) error {
	n := min(len(b), len(httpPrefix))
	if string(b[:n]) != httpPrefix[:n] {
		return protoErr(ErrMalformed, base, ruleStatusLine, "not an HTTP/1.x response", firstLine(b))
	}
	return nil
}

// scan looks at b, the head bytes so far (starting at stream offset base),
// and returns the length of the head once its empty line is in b, or 0.
func (s *headScan) scan(b []byte, base int64, lim *Limits) (int, error) {
	for {
		i := bytes.IndexByte(b[s.line:], '\n')
		if i < 0 {
			if len(b)-s.line > lim.MaxLine || len(b) > lim.MaxHead {
				if s.line == 0 {
					if err := checkPrefix(b, base); err != nil {
						return 0, err
					}
				}
				if len(b)-s.line > lim.MaxLine {
					return 0, limitErr(base+int64(s.line), "head line", lim.MaxLine, "Limits.MaxLine", b[s.line:])
				}
				return 0, limitErr(base, "head", lim.MaxHead, "Limits.MaxHead", nil)
			}
			return 0, nil
		}
		end := s.line + i + 1
		if s.line == 0 {
			if err := checkPrefix(b[:end], base); err != nil {
				return 0, err
			}
		}
		if i+1 > lim.MaxLine {
			return 0, limitErr(base+int64(s.line), "head line", lim.MaxLine, "Limits.MaxLine", b[s.line:end])
		}
		if end > lim.MaxHead {
			return 0, limitErr(base, "head", lim.MaxHead, "Limits.MaxHead", nil)
		}
		if s.line > 0 && (i == 0 || i == 1 && b[s.line] == '\r') {
			return end, nil
		}
		s.line = end
	}
}

// quickEnd finds the end of a head that lies whole in b and is shorter
// than both the line and the head limits (so that no limit needs checking
// line by line): the first empty line is the first LF followed by LF or by
// CR LF. Two vector searches replace one search per line. It returns 0 when
// the head is not found so.
func quickEnd(b []byte, lim *Limits) (int, error) {
	maxLen := min(len(b), lim.MaxLine, lim.MaxHead)
	b = b[:maxLen]
	end := 0
	if i := bytes.Index(b, crlfEnd); i >= 0 {
		end = i + len(crlfEnd)
		b = b[:i+1]
	}
	if i := bytes.Index(b, lfEnd); i >= 0 {
		end = i + len(lfEnd)
	}
	if end > 0 {
		if err := checkPrefix(b, 0); err != nil {
			return 0, nil // let scan report it with the right offset
		}
	}
	return end, nil
}

var (
	crlfEnd = []byte("\n\r\n")
	lfEnd   = []byte("\n\n")
)

// limitErr reports that what is longer than max bytes.
func limitErr(off int64, what string, max int, name string, near []byte) *ProtocolError {
	return protoErr(ErrLimit, off, name, what+" longer than "+itoa(max)+" bytes ("+name+")", near)
}

// firstLine returns b up to its first line end.
func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// readHead reads one head, status line through empty line, and returns it
// in a new buffer of its exact size. It reads no byte beyond the head. empty
// says that nothing was read yet for this response, so that EOF at once is
// ErrEmpty rather than ErrTruncated.
//
// The usual head is already in br's buffer after the first read: it is
// found with Peek and copied once. A head larger than br's buffer is
// gathered in r.scratch line by line.
func (r *Reader) readHead(empty bool) ([]byte, error) {
	base := r.off
	var s headScan
	n := r.br.Buffered()
	if n == 0 {
		if _, err := r.br.Peek(1); err != nil {
			return nil, r.headEOF(err, base, nil, false, empty)
		}
		n = r.br.Buffered()
	}
	for {
		buf, _ := r.br.Peek(n)
		end, err := quickEnd(buf, &r.lim)
		if end == 0 {
			end, err = s.scan(buf, base, &r.lim)
		}
		if err != nil {
			return nil, err
		}
		if end > 0 {
			h := make([]byte, end)
			copy(h, buf)
			r.br.Discard(end)
			r.off += int64(end)
			return h, nil
		}
		if n == r.br.Size() {
			break
		}
		if _, err := r.br.Peek(n + 1); err != nil {
			buf, _ = r.br.Peek(n) // Peek may have moved the bytes
			return nil, r.headEOF(err, base, buf, s.line == 0, false)
		}
		n = r.br.Buffered()
	}

	// The head is larger than br's buffer.
	buf, _ := r.br.Peek(n)
	r.scratch = append(r.scratch[:0], buf...)
	r.br.Discard(n)
	r.off += int64(n)
	for {
		line, err := r.br.ReadSlice('\n')
		r.scratch = append(r.scratch, line...)
		r.off += int64(len(line))
		if err != nil && err != bufio.ErrBufferFull {
			return nil, r.headEOF(err, base, r.scratch, s.line == 0, false)
		}
		end, serr := s.scan(r.scratch, base, &r.lim)
		if serr != nil {
			return nil, serr
		}
		if end > 0 {
			h := make([]byte, end)
			copy(h, r.scratch)
			if cap(r.scratch) > 64<<10 {
				r.scratch = nil // do not keep a huge head's buffer
			}
			return h, nil
		}
	}
}

// headEOF turns a read error after the head bytes b into the error to
// return; first says that b is part of the first line.
func (r *Reader) headEOF(err error, base int64, b []byte, first, empty bool) error {
	if !isEOF(err) {
		return err
	}
	if empty && len(b) == 0 {
		return protoErr(ErrEmpty, base, "RFC 9112 §2.1: a response begins with a status line", "empty reply from server", nil)
	}
	if first {
		if err := checkPrefix(b, base); err != nil {
			return err
		}
	}
	return protoErr(ErrTruncated, base+int64(len(b)), ruleHeadEnd, "connection closed inside the response head after "+itoa(len(b))+" bytes", nil)
}
