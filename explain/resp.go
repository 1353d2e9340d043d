package explain

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"sockfetch/rawhttp"
)

// shownChunks is how many chunks are drawn one by one before the rest are
// counted and summed up in one line.
const shownChunks = 3

// respView renders the response side from rawhttp's parse events; View and
// ParseView share it.
type respView struct {
	p       *printer
	offsets bool // a column with each line's stream offset (the parse view)

	framing     rawhttp.Framing
	haveFraming bool
	status      int
	interim     int // 1xx responses seen
	sawEvent    bool

	chunks      int   // data chunks seen (the last, empty one not counted)
	hidden      int   // chunks counted but not drawn
	hiddenBytes int64 // their data bytes
	trailers    int

	headBytes    int64 // status lines, field lines and empty lines, 1xx included
	framingBytes int64 // chunk-size lines, CR LF after chunk data, trailers
	bodyBytes    int64
	bodyStart    int64 // stream offset of the first body byte
	ended        bool
}

// prefix returns the start of a line showing received bytes at off.
func (r *respView) prefix(off int64) string {
	if r.offsets {
		return fmt.Sprintf("%7d  ", off)
	}
	return "   ← "
}

// blankPrefix lines up a line that shows no bytes with those that do.
func (r *respView) blankPrefix() string {
	if r.offsets {
		return strings.Repeat(" ", 9)
	}
	return "     "
}

func (r *respView) glossIndent() int {
	if r.offsets {
		return 13
	}
	return 7
}

// wire writes received bytes, made visible, and their explanation.
func (r *respView) wire(off int64, raw []byte, gloss string) {
	r.p.bw.WriteString(r.prefix(off))
	r.p.line(0, stRecv, r.p.m.text(visible(raw)))
	if gloss != "" {
		r.p.gloss(r.glossIndent(), gloss)
	}
}

// pseudo writes a stand-in for bytes not shown one by one, such as
// "[26 bytes of data]" followed by the visible end of line, if any.
func (r *respView) pseudo(off int64, what string, tail []byte, gloss string) {
	r.p.bw.WriteString(r.prefix(off))
	r.p.line(0, stRecv, "["+what+"]"+visible(tail))
	if gloss != "" {
		r.p.gloss(r.glossIndent(), gloss)
	}
}

// note writes a line that is not wire bytes: a decision or a summary.
func (r *respView) note(st style, s string) {
	n := len(r.blankPrefix())
	r.p.para(n, n+2, st, r.p.m.text(clean(s)))
}

// event renders one parse event.
func (r *respView) event(e *rawhttp.Event) {
	r.sawEvent = true
	switch e.Kind {
	case rawhttp.EvStatusLine:
		r.status = e.Status
		r.headBytes += int64(len(e.Raw))
		r.wire(e.Offset, e.Raw, statusGloss(e.Raw, e.Status))
	case rawhttp.EvField:
		r.headBytes += int64(len(e.Raw))
		r.wire(e.Offset, e.Raw, responseFieldText(e.Name, e.Value))
	case rawhttp.EvInterimEnd:
		r.interim++
		r.headBytes += int64(len(e.Raw))
		r.endOfHead(e, "empty line: the end of this interim response; the real answer follows")
	case rawhttp.EvHeadEnd:
		r.headBytes += int64(len(e.Raw))
		r.bodyStart = e.Offset + int64(len(e.Raw))
		r.endOfHead(e, "empty line: the end of the head; the body, if any, starts right after it")
	case rawhttp.EvFraming:
		if e.Framing != nil {
			r.framing, r.haveFraming = *e.Framing, true
			r.showFraming()
		}
	case rawhttp.EvChunkSize:
		r.framingBytes += int64(len(e.Raw))
		r.chunkSize(e)
	case rawhttp.EvChunkData:
		r.framingBytes += 2
		r.bodyBytes += e.Size
		if r.hidden > 0 {
			r.hiddenBytes += e.Size
			return
		}
		g := ""
		if r.chunks == 1 {
			g = "the chunk's data, then CR LF"
		}
		r.pseudo(e.Offset, plural(e.Size, "byte", "bytes")+" of data", []byte("\r\n"), g)
	case rawhttp.EvTrailer:
		r.flushHidden()
		r.trailers++
		r.framingBytes += int64(len(e.Raw))
		g := "a trailer field: a header field sent after the body"
		if t := responseFieldText(e.Name, e.Value); t != "" {
			g += "; " + t
		}
		r.wire(e.Offset, e.Raw, g)
	case rawhttp.EvBodyEnd:
		r.bodyEnd(e)
	}
}

func (r *respView) endOfHead(e *rawhttp.Event, gloss string) {
	if len(e.Raw) == 0 {
		r.note(stGloss, gloss)
		return
	}
	r.wire(e.Offset, e.Raw, gloss)
}

// statusGloss explains a status line.
func statusGloss(raw []byte, status int) string {
	version := "HTTP/1.1"
	if i := bytes.IndexByte(raw, ' '); i > 0 {
		version = visible(raw[:i])
	}
	what := "the status line"
	if status/100 == 1 {
		what = "the status line of an interim (1xx) response"
	}
	return fmt.Sprintf("%s: protocol %s, status %d, %s", what, version, status, statusText(status))
}

// showFraming writes the framing decision of RFC 9112 §6.3 and what it means.
func (r *respView) showFraming() {
	fr := r.framing
	r.note(stHead, "how the body ends: "+fr.Reason)
	var g string
	switch fr.Kind {
	case rawhttp.NoBody:
		g = "There is no body: this kind of response never has one."
	case rawhttp.Length:
		g = fmt.Sprintf("The body is the next %s; then the response is over.", plural(fr.Length, "byte", "bytes"))
		if fr.Length == 0 {
			g = "Content-Length is 0: there is no body."
		}
	case rawhttp.Chunked:
		g = "The body comes in chunks. Each chunk starts with its size in hexadecimal (base 16) on a line of its own; a chunk of size 0 ends the body."
	case rawhttp.UntilClose:
		g = "Nothing says how long the body is: it is everything until the server closes the connection. A connection cut short would look just the same."
	}
	if fr.Kind == rawhttp.Length {
		r.p.gloss(r.glossIndent(), g)
	} else {
		r.p.intro(fmt.Sprint("framing-", fr.Kind), r.glossIndent(), g)
	}
	if fr.BothTECL {
		r.p.gloss(r.glossIndent(), "Warning: the response has both Transfer-Encoding and Content-Length. Transfer-Encoding wins and Content-Length is ignored; two programs that disagree on this can be tricked (request smuggling).")
	}
	if fr.Faulty {
		r.p.gloss(r.glossIndent(), "Warning: the framing was faulty; it was read the safest way the rules allow, and the connection is not used again.")
	}
}

// chunkSize writes a chunk-size line, or counts it once enough were shown.
func (r *respView) chunkSize(e *rawhttp.Event) {
	if e.Size == 0 {
		r.flushHidden()
		r.wire(e.Offset, e.Raw, "size 0: the last chunk; trailer fields may follow, then an empty line")
		return
	}
	r.chunks++
	if r.chunks > shownChunks {
		r.hidden++
		return
	}
	g := ""
	if r.chunks == 1 {
		g = fmt.Sprintf("chunk size %s in hexadecimal = %s of data follow", chunkHex(e.Raw), plural(e.Size, "byte", "bytes"))
		if bytes.IndexByte(e.Raw, ';') >= 0 {
			g += "; after ';' comes a chunk extension, which is ignored"
		}
	} else {
		g = fmt.Sprintf("the next chunk: %s", plural(e.Size, "byte", "bytes"))
	}
	r.wire(e.Offset, e.Raw, g)
}

// chunkHex returns the hex digits of a chunk-size line.
func chunkHex(raw []byte) string {
	end := 0
	for end < len(raw) && isHex(raw[end]) {
		end++
	}
	return string(raw[:end])
}

// flushHidden writes the one line that stands for the chunks not shown.
func (r *respView) flushHidden() {
	if r.hidden == 0 {
		return
	}
	what := "chunks"
	if r.hidden == 1 {
		what = "chunk"
	}
	r.note(stRecv, fmt.Sprintf("… %d more %s (%s of data), each a size line, its data and CR LF",
		r.hidden, what, plural(r.hiddenBytes, "byte", "bytes")))
	r.hidden, r.hiddenBytes = 0, 0
}

func (r *respView) bodyEnd(e *rawhttp.Event) {
	r.flushHidden()
	r.ended = true
	r.bodyBytes = e.Size
	switch {
	case r.haveFraming && r.framing.Kind == rawhttp.Chunked:
		r.framingBytes += int64(len(e.Raw))
		if len(e.Raw) > 0 {
			r.wire(e.Offset, e.Raw, "empty line: the end of the trailers; the chunked body is complete")
		}
	case e.Size > 0:
		where := "the body itself; it goes to standard output or to the -o file, not here"
		if r.offsets { // the parse view: parse prints no body
			where = "the body itself, not shown here; parse -o FILE saves it"
		}
		r.pseudo(r.bodyStart, plural(e.Size, "byte", "bytes")+" of body", nil, where)
	}
}

// endText says how the end of the body was found, from the framing.
func (r *respView) endText() string {
	if !r.haveFraming {
		return "the body ended"
	}
	switch r.framing.Kind {
	case rawhttp.NoBody:
		return "there is no body"
	case rawhttp.Length:
		return fmt.Sprintf("after exactly %s, as Content-Length said", plural(r.framing.Length, "byte", "bytes"))
	case rawhttp.Chunked:
		return "at the chunk of size 0 and the empty line after the trailers"
	}
	return "when the server closed the connection"
}

// reject writes where and why the response was rejected. input, when not
// nil, is the whole stream, so the bad line can be shown with a caret.
func (r *respView) reject(err error, input []byte) {
	r.flushHidden()
	var pe *rawhttp.ProtocolError
	if !errors.As(err, &pe) {
		r.note(stBad, "✗ "+err.Error())
		return
	}
	ind := r.glossIndent()
	r.note(stBad, "✗ rejected: "+pe.Msg)
	where := fmt.Sprintf("at byte %d (0x%x), counting from 0", pe.Offset, pe.Offset)
	if pe.InBody {
		where += ", in the body"
	}
	r.p.kv(ind, 6, stNone, "where:", where)
	if pe.Rule != "" {
		r.p.kv(ind, 6, stNone, "rule:", clean(pe.Rule))
	}
	if line, caret, ok := around(input, pe.Offset); ok && len(input) > 0 {
		r.p.line(ind, stNone, "bytes: "+r.p.m.text(line))
		r.p.line(ind, stBad, "       "+strings.Repeat(" ", caret)+"^")
	} else if len(pe.Near) > 0 {
		r.p.line(ind, stNone, "bytes: "+r.p.m.text(visible(pe.Near)))
	}
	r.p.gloss(ind, kindText(pe.Err))
}

// around returns the line of input holding off, made visible and capped at
// about 80 bytes, and the column of off in it.
func around(input []byte, off int64) (string, int, bool) {
	if input == nil || off < 0 || off > int64(len(input)) {
		return "", 0, false
	}
	o := int(off)
	start := bytes.LastIndexByte(input[:o], '\n') + 1
	end := len(input)
	if i := bytes.IndexByte(input[o:], '\n'); i >= 0 {
		end = o + i + 1
	}
	if o-start > 60 {
		start = o - 60
	}
	if end-start > 80 {
		end = start + 80
		if end < o {
			end = o
		}
	}
	line := input[start:end]
	return visible(line), utf8.RuneCountInString(visible(input[start:o])), true
}

// kindText explains a rawhttp sentinel error.
func kindText(err error) string {
	switch err {
	case rawhttp.ErrMalformed, rawhttp.ErrVersion:
		return "These bytes break the rules of HTTP/1.1 (RFC 9112). A careful client stops here instead of guessing: two programs that guess differently can be played against each other."
	case rawhttp.ErrTruncated:
		return "The data ended before the message was complete: what came is not all of it."
	case rawhttp.ErrLimit:
		return "A size limit was passed. The limits protect against a server that sends endless or huge pieces."
	case rawhttp.ErrEmpty:
		return "The connection ended before a single byte of an answer came."
	}
	return ""
}
