package rawhttp

import (
	"encoding/base64"
	"strconv"
	"strings"
)

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

// Append appends the request's exact bytes (head and body) to dst.
//
// The request line comes first, then Host, then the defaults in this
// order: User-Agent (if UserAgent is set), "Accept: */*", "Connection:
// close"; then the user's Fields in order; then Content-Length when Body is
// not nil. A user field named like one of these (in any case) replaces it:
// it is sent in the default's place, spelled as the user spelled it, and an
// empty value removes the default. A user field with an empty value is
// never sent (as curl's -H 'Name:'), and a user Content-Length stays among
// the user's fields in its order.
//
// A method that is not a token, a request-target with a control character
// or space, a field name that is not a token, or CR, LF or NUL in a value is
// a *HeaderError naming it; nothing is appended then.
func (q *Request) Append(dst []byte) ([]byte, error) {
	if !IsToken(q.Method) {
		return dst, &HeaderError{Name: "method", Reason: "not a token: " + quote(q.Method)}
	}
	if q.Target == "" {
		return dst, &HeaderError{Name: "request-target", Reason: "empty"}
	}
	for i := 0; i < len(q.Target); i++ {
		if c := q.Target[i]; c <= ' ' || c == 0x7f {
			return dst, &HeaderError{Name: "request-target", Reason: "contains " + charName(c)}
		}
	}
	if err := checkValue("Host", q.Host); err != nil {
		return dst, err
	}
	if err := checkValue("User-Agent", q.UserAgent); err != nil {
		return dst, err
	}
	for _, f := range q.Fields {
		if f.Name == "" {
			return dst, &HeaderError{Name: quote(f.Name), Reason: "empty name"}
		}
		if !IsToken(f.Name) {
			return dst, &HeaderError{Name: quote(f.Name), Reason: "name is not a token"}
		}
		if err := checkValue(f.Name, f.Value); err != nil {
			return dst, err
		}
	}

	dst = append(dst, q.Method...)
	dst = append(dst, ' ')
	dst = append(dst, q.Target...)
	if q.HTTP10 {
		dst = append(dst, " HTTP/1.0\r\n"...)
	} else {
		dst = append(dst, " HTTP/1.1\r\n"...)
	}
	defaults := [...]Field{
		{"Host", q.Host},
		{"User-Agent", q.UserAgent},
		{"Accept", "*/*"},
		{"Connection", "close"},
	}
	for _, d := range defaults {
		replaced := false
		for _, f := range q.Fields {
			if equalFold(f.Name, d.Name) {
				replaced = true
				dst = appendField(dst, f)
			}
		}
		if !replaced {
			dst = appendField(dst, d)
		}
	}
	userCL := false
	for _, f := range q.Fields {
		if isDefault(f.Name, defaults[:]) {
			continue
		}
		if equalFold(f.Name, "Content-Length") {
			userCL = true
		}
		dst = appendField(dst, f)
	}
	if q.Body != nil && !userCL {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, int64(len(q.Body)), 10)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	return append(dst, q.Body...), nil
}

// appendField appends "Name: value" CR LF, or nothing for an empty value.
func appendField(dst []byte, f Field) []byte {
	if f.Value == "" {
		return dst
	}
	dst = append(dst, f.Name...)
	dst = append(dst, ": "...)
	dst = append(dst, f.Value...)
	return append(dst, "\r\n"...)
}

func isDefault(name string, defaults []Field) bool {
	for _, d := range defaults {
		if equalFold(name, d.Name) {
			return true
		}
	}
	return false
}

// checkValue refuses CR, LF and NUL in a value: they would let a value
// end the field or the head early (header injection).
func checkValue(name, v string) error {
	if i := strings.IndexAny(v, "\r\n\x00"); i >= 0 {
		return &HeaderError{Name: name, Reason: "value contains " + charName(v[i])}
	}
	return nil
}

// charName names a control character for an error message.
func charName(c byte) string {
	switch c {
	case '\r':
		return "CR"
	case '\n':
		return "LF"
	case 0:
		return "NUL"
	case ' ':
		return "SP"
	case '\t':
		return "HTAB"
	}
	return strconv.QuoteRune(rune(c))
}

// quote returns s quoted, capped at maxNear bytes.
func quote(s string) string {
	if len(s) > maxNear {
		s = s[:maxNear]
	}
	return strconv.Quote(s)
}

// HostValue is the Host field for host and port under scheme ("http" or
// "https"): the port only when it is not the scheme's default (and not 0),
// an IPv6 literal in brackets.
func HostValue(scheme, host string, port int) string {
	if strings.IndexByte(host, ':') >= 0 && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	if port == 0 || port == DefaultPort(scheme) {
		return host
	}
	return host + ":" + strconv.Itoa(port)
}

// DefaultPort returns the port a URL scheme implies: 80 for http, 443 for
// https (in any case), and -1 for any other scheme.
func DefaultPort(scheme string) int {
	switch {
	case equalFold(scheme, "http"):
		return 80
	case equalFold(scheme, "https"):
		return 443
	}
	return -1
}

// BasicAuth returns the Authorization field value of HTTP Basic
// authentication (RFC 7617) for user and pass: "Basic " and the base64 of
// "user:pass", the bytes as given. RFC 7617 allows no colon in user; that is
// not checked here.
func BasicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
