package rawhttp

import (
	"errors"
	"io"
	"strconv"
)

// Sentinel errors. Every error this package finds in a response wraps
// exactly one of them inside a *ProtocolError, so callers branch with
// errors.Is. Errors from the underlying reader other than io.EOF (a reset
// connection, a deadline) are returned unchanged.
var (
	// ErrEmpty: the connection ended before the first byte of a response
	// (curl's "empty reply from server", exit 52).
	ErrEmpty = errors.New("rawhttp: empty reply from server")
	// ErrMalformed: bytes that break RFC 9112.
	ErrMalformed = errors.New("rawhttp: malformed response")
	// ErrTruncated: the stream ended inside a message whose length is known
	// (inside the head, a Content-Length body or a chunked body).
	// errors.Is(err, io.ErrUnexpectedEOF) is true for it as well.
	ErrTruncated = errors.New("rawhttp: response truncated")
	// ErrLimit: a size limit in Limits was exceeded.
	ErrLimit = errors.New("rawhttp: limit exceeded")
	// ErrVersion: the response is not HTTP/1.x. Its first line names
	// another version ("HTTP/2.0 200", "HTTP/3 200"), is no status line at
	// all (HTTP/0.9 sends the body alone), or is otherwise not an HTTP/1.x
	// status line, such as one whose status code is not three digits from
	// 100 (curl's "unsupported protocol", exit 1, for each of these).
	// It is a kind of malformed response: errors.Is(err, ErrMalformed) is
	// true for it as well.
	ErrVersion = errors.New("rawhttp: not an HTTP/1.x response")
)

// maxNear is how many bytes of bad input a ProtocolError keeps, as
// net/textproto does when it quotes a bad line.
const maxNear = 80

// ProtocolError describes where and why a response was rejected.
type ProtocolError struct {
	Err    error  // one of ErrEmpty, ErrMalformed, ErrVersion, ErrTruncated, ErrLimit
	Offset int64  // byte offset in the stream where the problem was found
	Rule   string // the rule broken, e.g. "RFC 9112 §6.3: conflicting Content-Length"
	Msg    string // what happened, lowercase, e.g. "transfer closed with 12 bytes remaining"
	Near   []byte // up to ~80 bytes around Offset (quoted with %q by Error)
	InBody bool   // the problem is in the body (after a complete head)

	// NoStatusLine, with ErrTruncated, says that the stream ended before
	// the end of a status line: inside the first line of a head, or right
	// after a 1xx head. No final response began, which curl 7.88 calls an
	// empty reply (exit 52), as it does for no byte at all.
	NoStatusLine bool
}

// Error returns "rawhttp: " and the message, followed by the bytes near the
// problem, quoted, when there are any.
func (e *ProtocolError) Error() string {
	if len(e.Near) == 0 {
		return "rawhttp: " + e.Msg
	}
	return "rawhttp: " + e.Msg + ": " + strconv.Quote(string(e.Near))
}

// Unwrap returns the sentinel, and io.ErrUnexpectedEOF as well for
// ErrTruncated, ErrMalformed as well for ErrVersion.
func (e *ProtocolError) Unwrap() []error {
	switch e.Err {
	case ErrTruncated:
		return []error{e.Err, io.ErrUnexpectedEOF}
	case ErrVersion:
		return []error{e.Err, ErrMalformed}
	}
	return []error{e.Err}
}

// protoErr returns a *ProtocolError, keeping a capped copy of near.
func protoErr(sentinel error, off int64, rule, msg string, near []byte) *ProtocolError {
	if len(near) > maxNear {
		near = near[:maxNear]
	}
	var n []byte
	if len(near) > 0 {
		n = append([]byte(nil), near...)
	}
	return &ProtocolError{Err: sentinel, Offset: off, Rule: rule, Msg: msg, Near: n}
}

// HeaderError reports a user-supplied request field (or the method or
// request-target) that cannot be sent.
type HeaderError struct {
	Name   string
	Reason string // e.g. "value contains CR"
}

func (e *HeaderError) Error() string { return "rawhttp: header " + e.Name + ": " + e.Reason }

// isEOF reports whether err means the stream ended.
func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }
