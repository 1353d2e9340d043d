package rawhttp

import (
	"bufio"
	"bytes"
)

// Response is a parsed response head.
//
// Head holds the head's bytes, and Reason and every field name and value
// are substrings sharing its memory (an obs-folded value is the one
// exception). Head must therefore not be modified.
//
// A Response may be reused: passed to ReadResponse again, it keeps its
// memory, so that reading response after response allocates nothing. The
// next message is then written over Head, and every string of the previous
// message (Reason, the names and values in Fields, and the Name and Value
// of its events) changes under whoever still holds it, as fasthttp's reused
// headers do. Copy what must outlive the next ReadResponse (strings.Clone),
// or pass nil to ReadResponse for a Response of its own, whose strings stay
// valid for good.
type Response struct {
	Major, Minor int
	Status       int
	Reason       string
	Fields       []Field
	Head         []byte      // the final head's exact bytes, status line to empty line
	Interim      []*Response // 1xx responses before this one, in order
	Framing      Framing
	HeadOffset   int64 // stream offset of the first byte of Head

	// fields is where Fields starts, so that a typical head costs no
	// allocation for its fields.
	fields [16]Field
}

// Reader reads responses from a buffered stream and counts bytes consumed.
//
// A Reader reads one message at a time: ReadResponse, then Body read to
// io.EOF, then the next ReadResponse. The body readers live inside the
// Reader, so Body costs no allocation and its result is valid until the
// next ReadResponse.
type Reader struct {
	Limits  Limits
	Observe func(Event) // nil: no events, no cost
	br      *bufio.Reader
	off     int64
	lim     Limits // Limits with defaults, set by ReadResponse
	scratch []byte // lines longer than br's buffer
	lx      lexer  // the lines of the head being read

	length  LengthReader
	chunked ChunkedReader
	toClose closeReader
	none    noBody
}

// NewReader returns a Reader over br.
func NewReader(br *bufio.Reader) *Reader { return &Reader{br: br} }

// Reset makes r read a new stream from br, offsets from 0, keeping its
// Limits, Observe and buffers.
func (r *Reader) Reset(br *bufio.Reader) {
	r.br = br
	r.off = 0
}

// Offset is the number of bytes consumed from the stream so far.
func (r *Reader) Offset() int64 { return r.off }

// ReadResponse is a convenience: NewReader(br).ReadResponse(nil, method).
func ReadResponse(br *bufio.Reader, method string) (*Response, error) {
	return NewReader(br).ReadResponse(nil, method)
}

// ReadResponse reads interim 1xx responses and the final response head to
// the request made with method, decides its framing, and stores it in resp
// (reused when not nil; see Response). It reads no byte past the head. On
// error, resp holds what was parsed before the problem.
//
// Each 1xx head is reported through Observe and appended to resp.Interim.
// 101 (Switching Protocols) is final: what follows it is not HTTP.
func (r *Reader) ReadResponse(resp *Response, method string) (*Response, error) {
	r.lim = r.Limits.orDefault()
	if resp == nil {
		resp = new(Response)
	}
	if resp.Fields == nil {
		resp.Fields = resp.fields[:0]
	}
	resp.Major, resp.Minor, resp.Status, resp.Reason = 0, 0, 0, ""
	resp.Fields, resp.Head, resp.Interim = resp.Fields[:0], resp.Head[:0], resp.Interim[:0]
	resp.Framing, resp.HeadOffset = Framing{}, 0
	start := r.off
	for {
		h, err := r.readHead(r.off == start)
		if err != nil {
			return resp, err
		}
		m := resp
		interim := r.lx.status < 200 && r.lx.status != 101
		if interim {
			if len(resp.Interim) == r.lim.MaxInterim {
				return resp, protoErr(ErrLimit, r.off-int64(len(h)), "Limits.MaxInterim", "more than "+itoa(r.lim.MaxInterim)+" 1xx responses (Limits.MaxInterim)", nil)
			}
			m = &Response{Framing: Framing{Kind: NoBody, Reason: reason1xx}}
			m.Fields = m.fields[:0]
		}
		h = append(m.Head[:0], h...) // the one copy, into the Response's memory
		if err := r.buildHead(m, h, r.off-int64(len(h))); err != nil {
			return resp, err
		}
		end := len(h) - emptyLineLen(h)
		if interim {
			resp.Interim = append(resp.Interim, m)
			if r.Observe != nil {
				r.emit(Event{Kind: EvInterimEnd, Offset: m.HeadOffset + int64(end), Raw: h[end:], Status: m.Status})
			}
			continue
		}
		if r.Observe != nil {
			r.emit(Event{Kind: EvHeadEnd, Offset: m.HeadOffset + int64(end), Raw: h[end:], Status: m.Status})
		}
		break
	}
	f, bad, err := decideFraming(method, resp.Status, resp.Major, resp.Minor, resp.Fields, r.lx.framing)
	if err != nil {
		err.Offset = resp.HeadOffset + int64(fieldOffset(resp.Head, bad))
		return resp, err
	}
	resp.Framing = f
	if r.Observe != nil {
		r.emit(Event{Kind: EvFraming, Offset: r.off, Status: resp.Status, Framing: &resp.Framing})
	}
	return resp, nil
}

// buildHead fills m from the head h, which starts at stream offset base
// and was just lexed into r.lx.
func (r *Reader) buildHead(m *Response, h []byte, base int64) error {
	l := &r.lx
	m.Head, m.HeadOffset = h, base
	if err := checkChars(h, l.crlf, base, true); err != nil {
		r.emitPartial(h, base, err)
		return err
	}
	m.Major, m.Minor, m.Status = l.major, l.minor, l.status
	m.Reason = str(h[l.reason[0]:l.reason[1]])
	if r.Observe != nil {
		r.emit(Event{Kind: EvStatusLine, Offset: base, Raw: firstLine(h), Status: m.Status})
	}
	m.Fields = r.buildFields(m.Fields[:0], h, l.spans, base, EvField)
	return nil
}

// emptyLineLen is the length of the empty line that ends the section b.
func emptyLineLen(b []byte) int {
	if len(b) >= 2 && b[len(b)-2] == '\r' {
		return 2
	}
	return 1
}

// parseStatusLine parses "HTTP/d.d SP ddd [SP reason]". A missing SP after
// the status code is accepted as an empty reason, as curl and net/http do.
// The status code must be 100 to 999.
func parseStatusLine(line []byte) (major, minor, status int, ok bool) {
	if len(line) < 12 || string(line[:5]) != "HTTP/" || line[6] != '.' || line[8] != ' ' {
		return 0, 0, 0, false
	}
	if !isDigit(line[5]) || !isDigit(line[7]) || !isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11]) {
		return 0, 0, 0, false
	}
	if len(line) > 12 && line[12] != ' ' {
		return 0, 0, 0, false
	}
	status = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	return int(line[5] - '0'), int(line[7] - '0'), status, status >= 100
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// fieldOffset returns the index in head of the line of field number n.
func fieldOffset(head []byte, n int) int {
	i := bytes.IndexByte(head, '\n') + 1
	for k := 0; i < len(head); k++ {
		for k > 0 && i < len(head) && (head[i] == ' ' || head[i] == '\t') { // folds
			i += bytes.IndexByte(head[i:], '\n') + 1
		}
		if k == n {
			return i
		}
		j := bytes.IndexByte(head[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return 0
}
