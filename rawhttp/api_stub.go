package rawhttp

// This file fixes the package's exported shape so that fetch, the teaching
// view and the CLI can be written against it while the parser is filled in.
// The rawhttp owner replaces it with real files keeping these names and
// signatures (adding to them is fine).

import (
	"bufio"
	"errors"
	"io"
)

// Field is one header or trailer field, name and value as received (the
// value with surrounding whitespace trimmed, obs-fold replaced by SP).
type Field struct {
	Name  string
	Value string
}

// Sentinel errors. Every error from this package wraps exactly one of them
// inside a *ProtocolError, so callers branch with errors.Is.
var (
	// ErrEmpty: the connection ended before the first byte of a response.
	ErrEmpty = errors.New("rawhttp: empty reply from server")
	// ErrMalformed: bytes that break RFC 9112.
	ErrMalformed = errors.New("rawhttp: malformed response")
	// ErrTruncated: the stream ended inside a message whose length is known
	// (inside the head, a Content-Length body or a chunked body).
	// errors.Is(err, io.ErrUnexpectedEOF) is true for it as well.
	ErrTruncated = errors.New("rawhttp: response truncated")
	// ErrLimit: a size limit in Limits was exceeded.
	ErrLimit = errors.New("rawhttp: limit exceeded")
)

// ProtocolError describes where and why a response was rejected.
type ProtocolError struct {
	Err    error  // one of ErrEmpty, ErrMalformed, ErrTruncated, ErrLimit
	Offset int64  // byte offset in the stream where the problem was found
	Rule   string // the rule broken, e.g. "RFC 9112 §6.3: conflicting Content-Length"
	Msg    string // what happened, lowercase, e.g. "transfer closed with 12 bytes remaining"
	Near   []byte // up to ~80 bytes around Offset (quoted with %q by Error)
	InBody bool   // the problem is in the body (after a complete head)
}

func (e *ProtocolError) Error() string { return "rawhttp: " + e.Msg }
func (e *ProtocolError) Unwrap() []error {
	if e.Err == ErrTruncated {
		return []error{e.Err, io.ErrUnexpectedEOF}
	}
	return []error{e.Err}
}

// Limits bounds every size the parser accepts. Zero fields take the default.
type Limits struct {
	MaxLine        int   // one line of the head
	MaxHead        int   // all head bytes of one response
	MaxFields      int   // header fields in one head
	MaxInterim     int   // 1xx responses in a row
	MaxChunkLine   int   // one chunk-size line, extensions included
	MaxTrailer     int   // all trailer bytes
	MaxChunkExtras int64 // framing overhead allowed per body beyond 2 bytes/chunk
}

// DefaultLimits are what a careful client uses; see limits.go for why.
var DefaultLimits = Limits{}

// FramingKind says how the end of a body is found.
type FramingKind uint8

const (
	NoBody     FramingKind = iota // HEAD, 1xx, 204, 304
	Length                        // Content-Length bytes
	Chunked                       // Transfer-Encoding: chunked
	UntilClose                    // read until the server closes
)

// Framing is the body-framing decision of RFC 9112 §6.3 for one response.
type Framing struct {
	Kind     FramingKind
	Length   int64  // for Length
	Reason   string // e.g. "chunked: Transfer-Encoding ends in chunked, RFC 9112 §6.3 rule 4"
	BothTECL bool   // both Transfer-Encoding and Content-Length were present
	Faulty   bool   // framing was faulty but recoverable (e.g. HTTP/1.0 with TE)
}

// DecideFraming decides the body framing from the request method, the status
// code, the protocol version and the header fields (RFC 9112 §6.3).
func DecideFraming(method string, status, major, minor int, fields []Field) (Framing, error) {
	panic("todo")
}

// EventKind names a step of the parse, for the teaching view.
type EventKind uint8

const (
	EvStatusLine EventKind = iota + 1 // Raw: the status line; Status set
	EvField                           // Raw: the field line(s); Name, Value
	EvInterimEnd                      // a 1xx head ended; Status set
	EvHeadEnd                         // the final head ended (Raw: the empty line)
	EvFraming                         // Framing set
	EvChunkSize                       // Raw: the chunk-size line; Size
	EvChunkData                       // Size: chunk-data bytes consumed (once per chunk, after its CRLF)
	EvTrailer                         // Raw: the trailer line; Name, Value
	EvBodyEnd                         // Size: body bytes; Raw: the last framing bytes if any
)

// Event is one step of the parse. Raw is only valid during the callback.
type Event struct {
	Kind    EventKind
	Offset  int64 // stream offset of the first byte of Raw
	Raw     []byte
	Status  int
	Name    string
	Value   string
	Size    int64
	Framing *Framing
}

// Response is a parsed response head.
type Response struct {
	Major, Minor int
	Status       int
	Reason       string
	Fields       []Field
	Head         []byte      // the final head's exact bytes, status line to empty line
	Interim      []*Response // 1xx responses before this one, in order
	Framing      Framing
	HeadOffset   int64 // stream offset of the first byte of Head
}

// Get returns the first value of the named field (case-insensitive), or "".
func (r *Response) Get(name string) string { panic("todo") }

// Values returns every value of the named field in order.
func (r *Response) Values(name string) []string { panic("todo") }

// Reader reads responses from a buffered stream and counts bytes consumed.
type Reader struct {
	Limits  Limits
	Observe func(Event) // nil: no events, no cost
	br      *bufio.Reader
	off     int64
}

// NewReader returns a Reader over br.
func NewReader(br *bufio.Reader) *Reader { return &Reader{br: br} }

// Offset is the number of bytes consumed from the stream so far.
func (r *Reader) Offset() int64 { return r.off }

// ReadResponse reads interim 1xx responses and the final response head to
// the request made with method, decides its framing, and stores it in resp
// (reused when not nil).
func (r *Reader) ReadResponse(resp *Response, method string) (*Response, error) { panic("todo") }

// Body returns a reader of resp's body bytes per resp.Framing. Reading
// to io.EOF means the body was complete. For Chunked it is a *ChunkedReader.
func (r *Reader) Body(resp *Response) io.Reader { panic("todo") }

// ChunkedReader decodes a chunked body (RFC 9112 §7.1).
type ChunkedReader struct{}

func (c *ChunkedReader) Read(p []byte) (int, error) { panic("todo") }

// Trailers returns the trailer fields, valid once Read returned io.EOF.
func (c *ChunkedReader) Trailers() []Field { panic("todo") }

// ReadResponse is a convenience: NewReader(br).ReadResponse(nil, method).
func ReadResponse(br *bufio.Reader, method string) (*Response, error) {
	return NewReader(br).ReadResponse(nil, method)
}

// Request is an HTTP/1.1 request to be written by hand.
type Request struct {
	Method    string  // "GET", "HEAD", "POST", ...
	Target    string  // request-target, e.g. "/a/b?c=d"
	Host      string  // Host field value; see HostValue
	HTTP10    bool    // send HTTP/1.0 instead of HTTP/1.1
	UserAgent string  // default User-Agent; "" sends none
	Fields    []Field // the user's fields in order; an empty Value removes a default
	Body      []byte  // sent with Content-Length when non-nil
}

// Defaults after Host, in this order: User-Agent (if set), Accept: */*,
// Connection: close; then Content-Length for a body.

// Append appends the request's exact bytes (head and body) to dst.
func (q *Request) Append(dst []byte) ([]byte, error) { panic("todo") }

// HostValue is the Host field for host and port under scheme ("http" or
// "https"): the port only when it is not the scheme's default, an IPv6
// literal in brackets.
func HostValue(scheme, host string, port int) string { panic("todo") }

// HeaderError reports a user-supplied field that cannot be sent.
type HeaderError struct {
	Name   string
	Reason string // e.g. "value contains CR"
}

func (e *HeaderError) Error() string { return "rawhttp: header " + e.Name + ": " + e.Reason }
