package fetch

import (
	"errors"
	"fmt"
)

// Sentinel errors, one per kind of failure a caller (the CLI's exit-code
// table) tells apart. Every error Fetch returns is an *Error wrapping exactly
// one of them, so callers branch with errors.Is.
var (
	ErrUnsupportedScheme = errors.New("unsupported protocol")              // the URL's scheme is not http or https
	ErrUsage             = errors.New("bad setting")                       // a bad proxy setting or a header that cannot be sent
	ErrBadURL            = errors.New("malformed url")                     // the URL cannot be parsed
	ErrProxyResolve      = errors.New("could not resolve proxy")           // the proxy's name did not resolve
	ErrResolve           = errors.New("could not resolve host")            // the target's name did not resolve (or must not be)
	ErrConnect           = errors.New("could not connect")                 // TCP to the target, the proxy or Tor failed
	ErrVersion           = errors.New("unsupported http version")          // the response is not HTTP/1.x (another version, HTTP/0.9, no valid status line)
	ErrMalformed         = errors.New("malformed response")                // the response head breaks RFC 9112
	ErrPartial           = errors.New("partial file")                      // the body ended before its announced end
	ErrHTTPStatus        = errors.New("http error status")                 // status >= 400 with Fail set
	ErrWrite             = errors.New("write error")                       // the output could not be written
	ErrReadFile          = errors.New("read error")                        // a local file (CA bundle) could not be read
	ErrTimeout           = errors.New("timeout")                           // MaxTime or ConnectTimeout expired
	ErrTLS               = errors.New("tls handshake failed")              // the TLS handshake failed
	ErrCertificate       = errors.New("certificate not trusted")           // the server certificate did not verify
	ErrTooManyRedirects  = errors.New("too many redirects")                // more than MaxRedirects redirects
	ErrEmptyReply        = errors.New("empty reply")                       // the server closed without a byte
	ErrSend              = errors.New("send failed")                       // the request could not be written
	ErrRecv              = errors.New("receive failed")                    // the connection failed while receiving, a limit was passed, or the chunk framing broke
	ErrDecode            = errors.New("bad content encoding")              // --compressed body did not decode
	ErrFileSize          = errors.New("maximum file size exceeded")        // the body is larger than MaxFileSize
	ErrProxy             = errors.New("proxy refused or failed handshake") // the SOCKS proxy refused or spoke no SOCKS5
	ErrLock              = errors.New("kernel lock not applied")           // Lock.Required and the kernel cannot lock, or the lock failed
	ErrRange             = errors.New("range not honoured")                // a resume request (-C) got something other than the rest of the file
)

// Error is a failed step of a fetch. Its message is one lowercase line for
// the user; Hint, when set, is a second line saying what to try.
type Error struct {
	Kind  error  // one of the sentinel errors above
	Msg   string // what happened
	Hint  string // what to try, or ""
	Cause error  // the underlying error, or nil
}

// Error returns Msg, the line for the user.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the sentinel and the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// errorf returns an *Error of kind with a formatted message.
func errorf(kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Cause: cause}
}

// withHint sets e's hint and returns e.
func (e *Error) withHint(hint string) *Error {
	e.Hint = hint
	return e
}
