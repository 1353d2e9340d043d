package rawhttp

import (
	"bufio"
	"bytes"
)

// span locates one field of a head or trailer section, as offsets from the
// section's first byte (int32: a section is at most maxSection bytes).
type span struct {
	line  int32 // first byte of the field line
	colon int32 // the colon; the name is line up to it
	next  int32 // first byte after the field's last line
	fold  bool  // continuation lines follow (obs-fold)
}

// maxSection caps the limits on a head or trailer section, whatever Limits
// say, so that offsets in it fit a span.
const maxSection = 1<<31 - 1

// inlineSpans is how many fields a lexer holds without allocating: more
// than an ordinary response has.
const inlineSpans = 32

// lexer splits a head or a trailer section into lines as its bytes arrive
// and checks each complete line once: the status line's syntax, each field
// name and colon, the limits. It keeps offsets only, so it runs over bufio's
// buffer before the head is copied, and resumes where it stopped when more
// bytes arrive. Whatever way the bytes are split into reads, it sees the same
// lines in the same order, so it reports the same first error.
//
// NUL and bare CR are looked for later, in one pass over the whole section
// (see checkChars), as crlf counts the CR LF line ends; values are trimmed
// when the fields are built (see buildFields).
type lexer struct {
	head   bool  // the first line is a status line
	base   int64 // stream offset of the section
	pos    int   // first byte of the first line not yet lexed
	crlf   int   // lines ending in CR LF
	spans  []span
	lim    *Limits
	maxLen int

	major, minor, status int
	reason               [2]int // reason phrase offsets

	framing framingIndex // where the fields that decide the framing are

	inline [inlineSpans]span // where spans starts
}

// reset prepares l for a new section at stream offset base.
func (l *lexer) reset(head bool, base int64, lim *Limits) {
	if l.spans == nil {
		l.spans = l.inline[:0]
	}
	l.head, l.base, l.pos, l.crlf, l.spans, l.lim = head, base, 0, 0, l.spans[:0], lim
	l.framing = framingIndex{}
	if head {
		l.maxLen = min(lim.MaxHead, maxSection)
	} else {
		l.maxLen = min(lim.MaxTrailer, maxSection)
	}
}

// lex lexes the complete lines of b not lexed yet (b holds the section from
// its first byte) and returns the section's length once its empty line is
// in b, or 0.
//
// A field line is read in one pass: token characters (a table lookup per
// byte) up to what should be the colon, then a search for the LF from there.
// Only a line that is not "token:" is looked at again, to tell the empty
// line, an obs-fold and the errors apart.
func (l *lexer) lex(b []byte) (int, error) {
	if l.head && l.pos == 0 {
		if done, err := l.firstLine(b); !done || err != nil {
			return 0, err
		}
	}
	for {
		start := l.pos
		c := start
		for c < len(b) && isTchar[b[c]] {
			c++
		}
		i := bytes.IndexByte(b[c:], '\n')
		if i < 0 {
			return 0, l.short(b)
		}
		next := c + i + 1
		end := next - 1 // the LF
		if end > start && b[end-1] == '\r' {
			end--
			l.crlf++
		}
		if next-start > l.lim.MaxLine {
			return 0, l.lineErr(start, b[start:next])
		}
		if next > l.maxLen {
			return 0, l.sectionErr()
		}
		l.pos = next
		if c > start && b[c] == ':' {
			if len(l.spans) == l.lim.MaxFields {
				return 0, protoErr(ErrLimit, l.base+int64(start), "Limits.MaxFields", "more than "+itoa(l.lim.MaxFields)+" fields (Limits.MaxFields)", nil)
			}
			if n := c - start; n == len("Content-Length") || n == len("Transfer-Encoding") {
				noteField(&l.framing, b[start:c], len(l.spans))
			}
			l.spans = append(l.spans, span{line: int32(start), colon: int32(c), next: int32(next)})
			continue
		}
		line := b[start:end]
		switch {
		case len(line) == 0:
			return next, nil
		case line[0] == ' ' || line[0] == '\t':
			if len(l.spans) == 0 {
				return 0, protoErr(ErrMalformed, l.base+int64(start), ruleFoldFirst, "whitespace-preceded line before the first field", line)
			}
			s := &l.spans[len(l.spans)-1]
			s.fold, s.next = true, int32(next)
		default:
			return 0, nameErr(line, l.base+int64(start))
		}
	}
}

// firstLine lexes the status line of a head, reporting whether it is
// complete in b.
func (l *lexer) firstLine(b []byte) (bool, error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return false, l.short(b)
	}
	next := i + 1
	if err := checkPrefix(b[:next], l.base); err != nil {
		return false, err
	}
	if next > l.lim.MaxLine {
		return false, l.lineErr(0, b[:next])
	}
	if next > l.maxLen {
		return false, l.sectionErr()
	}
	line := b[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
		l.crlf++
	}
	if err := l.statusLine(line); err != nil {
		return false, err
	}
	l.pos = next
	return true, nil
}

// short reports, when b ends inside the line at l.pos, whether that line or
// the section is too long already.
func (l *lexer) short(b []byte) error {
	if len(b)-l.pos <= l.lim.MaxLine && len(b) <= l.maxLen {
		return nil
	}
	if l.head && l.pos == 0 {
		if err := checkPrefix(b, l.base); err != nil {
			return err
		}
	}
	if len(b)-l.pos > l.lim.MaxLine {
		return l.lineErr(l.pos, b[l.pos:])
	}
	return l.sectionErr()
}

// lineErr reports that the line at start, near, is longer than
// Limits.MaxLine.
func (l *lexer) lineErr(start int, near []byte) error {
	what := "trailer section line"
	if l.head {
		what = "head line"
	}
	return limitErr(l.base+int64(start), what, l.lim.MaxLine, "Limits.MaxLine", near)
}

// sectionErr reports that the section is longer than its limit.
func (l *lexer) sectionErr() error {
	if l.head {
		return limitErr(l.base, "head", l.maxLen, "Limits.MaxHead", nil)
	}
	return limitErr(l.base, "trailer section", l.maxLen, "Limits.MaxTrailer", nil)
}

// statusLine checks the status line (line end removed) and keeps its parts.
func (l *lexer) statusLine(line []byte) error {
	// A status line that does not parse is not HTTP/1.x (ErrVersion): curl
	// too says "unsupported protocol" (exit 1) for a first line it cannot
	// read.
	major, minor, status, ok := parseStatusLine(line)
	if !ok {
		return protoErr(ErrVersion, l.base, ruleStatusLine, "malformed status line", line)
	}
	if major != 1 {
		return protoErr(ErrVersion, l.base, ruleStatusLine, "unsupported HTTP version", line)
	}
	// RFC 9112 §2.3 says a higher minor version (HTTP/1.2) SHOULD be read
	// as the highest known, 1.1; sockfetch's contract is curl's exit code,
	// and curl 7.88 refuses it: "(1) Unsupported HTTP version (1.2) in
	// response".
	if minor > 1 {
		return protoErr(ErrVersion, l.base, ruleStatusLine, "unsupported HTTP version (1."+itoa(minor)+") in response", line)
	}
	l.major, l.minor, l.status = major, minor, status
	l.reason = [2]int{min(13, len(line)), len(line)}
	return nil
}

// httpPrefix is how every status line begins.
const httpPrefix = "HTTP/"

// checkPrefix reports a first line that does not begin with "HTTP/" (an
// HTTP/0.9 response, or no HTTP at all) as ErrVersion. It is
// called once the first line is complete, too long, or cut short by the end
// of the stream, so that the bytes quoted do not depend on how the stream
// was split into reads.
func checkPrefix(b []byte, base int64) error {
	n := min(len(b), len(httpPrefix))
	if string(b[:n]) != httpPrefix[:n] {
		return protoErr(ErrVersion, base, ruleStatusLine, "not an HTTP/1.x response", firstLine(b))
	}
	return nil
}

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

// readHead reads one head, status line through empty line, and returns
// its bytes, which stay valid until the next read from br: the caller
// copies them. r.lx holds its lines. It reads no byte beyond the head.
// empty says that nothing was read yet for this response, so that EOF at
// once is ErrEmpty rather than ErrTruncated.
//
// The usual head is in br's buffer after the first read or two: it is
// lexed there with Peek and returned in place (Discard of buffered bytes
// reads nothing, so they stay where they are). A head larger than br's
// buffer is gathered in r.scratch line by line.
func (r *Reader) readHead(empty bool) ([]byte, error) {
	base := r.off
	l := &r.lx
	l.reset(true, base, &r.lim)
	n := r.br.Buffered()
	if n == 0 {
		if _, err := r.br.Peek(1); err != nil {
			return nil, r.headEOF(err, base, nil, false, empty)
		}
		n = r.br.Buffered()
	}
	for {
		buf, _ := r.br.Peek(n)
		end, err := l.lex(buf)
		if err != nil {
			r.emitPartial(buf, base, err)
			return nil, err
		}
		if end > 0 {
			r.br.Discard(end)
			r.off += int64(end)
			return buf[:end], nil
		}
		if n == r.br.Size() {
			break
		}
		if _, err := r.br.Peek(n + 1); err != nil {
			buf, _ = r.br.Peek(n) // Peek may have moved the bytes
			return nil, r.headEOF(err, base, buf, l.pos == 0, false)
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
			return nil, r.headEOF(err, base, r.scratch, l.pos == 0, false)
		}
		end, lerr := l.lex(r.scratch)
		if lerr != nil {
			r.emitPartial(r.scratch, base, lerr)
			return nil, lerr
		}
		if end > 0 {
			h := r.scratch[:end]
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
		return protoErr(ErrEmpty, base, ruleEmpty, "empty reply from server", nil)
	}
	if first {
		if err := checkPrefix(b, base); err != nil {
			return err
		}
	}
	pe := protoErr(ErrTruncated, base+int64(len(b)), ruleHeadEnd, "connection closed inside the response head after "+itoa(len(b))+" bytes", nil)
	pe.NoStatusLine = first || len(b) == 0
	return pe
}

// emitPartial reports, when the head b (at stream offset base) is rejected
// with err, the status line and the field lines before the bad byte that
// were read whole, so that a learner sees how far the parse got. It does
// nothing without an observer.
func (r *Reader) emitPartial(b []byte, base int64, err error) {
	pe, ok := err.(*ProtocolError)
	if r.Observe == nil || !ok || pe.Offset <= base {
		return
	}
	upto := min(int(pe.Offset-base), len(b))
	first := firstLine(b[:upto])
	if len(first) == 0 || first[len(first)-1] != '\n' {
		return
	}
	c := append([]byte(nil), b[:upto]...) // events may keep Name and Value
	r.emit(Event{Kind: EvStatusLine, Offset: base, Raw: c[:len(first)], Status: r.lx.status})
	spans := r.lx.spans
	for len(spans) > 0 && int(spans[len(spans)-1].next) > upto {
		spans = spans[:len(spans)-1]
	}
	r.buildFields(nil, c, spans, base, EvField)
}
