// Package rawhttp builds HTTP/1.1 request bytes and parses response bytes by
// hand, as RFC 9112 describes them, with no net/http underneath.
//
// It never touches a socket: requests are appended to a []byte, responses are
// read from a *bufio.Reader, so every rule can be tested and fuzzed alone.
//
// # Requests
//
// Request.Append writes the request line, Host, the defaults (User-Agent,
// Accept, Connection), the caller's fields and the body, byte for byte the
// same every time. A field that could end a line early (CR, LF or NUL in it)
// or a name that is not a token is a *HeaderError and nothing is written.
//
// # Responses
//
// A response is read in two steps. Reader.ReadResponse reads the head (any
// 1xx interim responses, then the final status line and header fields) and
// decides the body's framing with DecideFraming, in the order of RFC 9112
// §6.3. It reads no byte past the head. Reader.Body then returns an
// io.Reader that yields exactly the body bytes: a fixed length
// (Content-Length, a *LengthReader), chunked (RFC 9112 §7.1, a
// *ChunkedReader, trailers kept apart), or everything up to the end of the
// connection. Reading it to io.EOF means the body is complete.
//
// The head is lexed once where it lies in the bufio.Reader's buffer and then
// copied into one buffer that the Response's strings share. A Response
// passed to ReadResponse again keeps that buffer, so a Reader and a Response
// reused for response after response allocate nothing, but the previous
// response's strings are then overwritten (see Response).
//
// Field lines may end in a bare LF (RFC 9112 §2.2) and obs-fold becomes SP
// (§5.2); inside a chunked body every line must end in CR LF (RFC 9112
// erratum 7633). Whitespace after a chunk size and a ";" with no extension
// are taken, as they cannot move the end of the body; a quoted extension
// value left open at the line end is refused, as it could.
//
// # Events
//
// A Reader's Observe hook, when set, sees every step: the status line, each
// field, the end of each head, the framing decision and why, each chunk-size
// line and chunk, each trailer and the end of the body, with the stream
// offset of its bytes. This is what sockfetch's teaching view (--explain)
// shows. When Observe is nil no Event is built.
//
// # Errors and limits
//
// Every size has a limit (see Limits and DefaultLimits), and every problem in
// a response is reported as a *ProtocolError that wraps one of the sentinel
// errors (ErrMalformed, ErrVersion, ErrTruncated, ErrLimit, ErrEmpty) and
// names the byte offset in the stream and the rule broken, so callers branch
// with errors.Is and learners see where and why.
package rawhttp
