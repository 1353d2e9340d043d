// Package rawhttp builds HTTP/1.1 request bytes and parses response bytes by
// hand, as RFC 9112 describes them, with no net/http underneath.
//
// It never touches a socket: requests are appended to a []byte, responses are
// read from a *bufio.Reader, so every rule can be tested and fuzzed alone.
//
// A response is read in two steps. ReadResponse reads the head (any 1xx
// interim responses, then the final status line and header fields) and
// decides the body's framing with DecideFraming (RFC 9112 §6.3). Body then
// returns an io.Reader that yields exactly the body bytes: a fixed length
// (Content-Length), chunked (RFC 9112 §7.1, trailers kept apart), or
// everything up to the end of the connection.
//
// Every size has a limit (see Limits), and every problem is reported as a
// *ProtocolError that wraps one of the sentinel errors (ErrMalformed,
// ErrTruncated, ErrLimit, ErrEmpty) and names the byte offset and the rule.
package rawhttp
