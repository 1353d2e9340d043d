package rawhttp

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Request is an HTTP/1.1 request to be written by hand.
type Request struct {
	Method      string   // "GET", "HEAD", "POST", ...
	Target      string   // request-target, e.g. "/a/b?c=d"
	Host        string   // Host field value; see HostValue
	HTTP10      bool     // send HTTP/1.0 instead of HTTP/1.1
	Auth        string   // Authorization value, sent after Host (-u, the URL's userinfo); "" sends none
	Range       string   // Range value ("bytes=100-"), sent after Authorization (-r, -C); "" sends none
	UserAgent   string   // default User-Agent; "" sends none
	Extra       []Field  // further defaults, after Accept (Accept-Encoding, Referer)
	Cookie      string   // the cookie engine's Cookie value, after Extra; sent even beside a user Cookie field, as curl sends both
	Fields      []Field  // the user's fields in order, each sent as given (an empty Value as "Name:")
	Remove      []string // names of defaults not to send (curl's -H 'Name:')
	Body        []byte   // sent with Content-Length when non-nil
	ContentType string   // default Content-Type, after Content-Length when Body is not nil; "" sends none

	// BodySize, when Body is nil and BodySize is not 0, announces a body the
	// caller writes after the head: Content-Length BodySize, or for -1
	// Transfer-Encoding: chunked (the caller frames it). ContentType is
	// sent for it as for Body.
	BodySize int64
	// Expect sends "Expect: 100-continue" last (the caller waits for the
	// 100 before it writes the body), unless a user field names Expect or
	// Remove does.
	Expect bool
}

// Append appends the request's exact bytes (head and body) to dst, in
// curl's order.
//
// The request line comes first, then Host, then the defaults in this
// order: Authorization (if Auth is set), Range (if Range is set), User-Agent
// (if UserAgent is set), "Accept: */*", the Extra fields; then the user's
// Fields in order; then Content-Length and Content-Type when Body is not
// nil. A default named (in any case) by a user field or by Remove is not
// sent: a user field replaces it in the user's order, as curl's -H does,
// but for Host, which keeps its place first and of which only the first
// user field is sent. A user Content-Length replaces the computed one;
// Remove never drops Content-Length from a request with a body, which
// would leave the server no way to find the body's end.
//
// A method that is not a token, a request-target with a control character
// or space, a field name that is not a token, or CR, LF or NUL in a value is
// a *HeaderError naming it (see Check); nothing is appended then.
func (q *Request) Append(dst []byte) ([]byte, error) {
	if err := q.Check(); err != nil {
		return dst, err
	}
	dst = append(dst, q.Method...)
	dst = append(dst, ' ')
	dst = append(dst, q.Target...)
	if q.HTTP10 {
		dst = append(dst, " HTTP/1.0\r\n"...)
	} else {
		dst = append(dst, " HTTP/1.1\r\n"...)
	}
	if f, ok := q.user("Host"); ok {
		dst = appendField(dst, f)
	} else if !q.removed("Host") {
		dst = appendField(dst, Field{"Host", q.Host})
	}
	defaults := append([]Field{
		{"Authorization", q.Auth},
		{"Range", q.Range},
		{"User-Agent", q.UserAgent},
		{"Accept", "*/*"},
	}, q.Extra...)
	for _, d := range defaults {
		if _, ok := q.user(d.Name); ok || d.Value == "" || q.removed(d.Name) {
			continue
		}
		dst = appendField(dst, d)
	}
	if q.Cookie != "" {
		dst = appendField(dst, Field{"Cookie", q.Cookie})
	}
	for _, f := range q.Fields {
		if !equalFold(f.Name, "Host") {
			dst = appendField(dst, f)
		}
	}
	size := q.BodySize
	if q.Body != nil {
		size = int64(len(q.Body))
	}
	if q.Body != nil || size != 0 {
		_, userLength := q.user("Content-Length")
		switch {
		case size < 0:
			if _, ok := q.user("Transfer-Encoding"); !ok {
				dst = append(dst, "Transfer-Encoding: chunked\r\n"...)
			}
		case !userLength:
			dst = append(dst, "Content-Length: "...)
			dst = strconv.AppendInt(dst, size, 10)
			dst = append(dst, "\r\n"...)
		}
		if _, ok := q.user("Content-Type"); !ok && q.ContentType != "" && !q.removed("Content-Type") {
			dst = appendField(dst, Field{"Content-Type", q.ContentType})
		}
	}
	if _, ok := q.user("Expect"); q.Expect && !ok && !q.removed("Expect") {
		dst = append(dst, "Expect: 100-continue\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	return append(dst, q.Body...), nil
}

// Check reports what Append refuses, without building the bytes: a caller
// checks a request before it opens a connection to send it.
func (q *Request) Check() error {
	if !IsToken(q.Method) {
		return &HeaderError{Name: "method", Reason: "not a token: " + quote(q.Method)}
	}
	if q.Target == "" {
		return &HeaderError{Name: "request-target", Reason: "empty"}
	}
	for i := 0; i < len(q.Target); i++ {
		if c := q.Target[i]; c <= ' ' || c == 0x7f {
			return &HeaderError{Name: "request-target", Reason: "contains " + charName(c)}
		}
	}
	for _, f := range [...]Field{{"Host", q.Host}, {"Authorization", q.Auth}, {"Range", q.Range}, {"User-Agent", q.UserAgent}, {"Content-Type", q.ContentType}, {"Cookie", q.Cookie}} {
		if err := checkValue(f.Name, f.Value); err != nil {
			return err
		}
	}
	for _, fs := range [...][]Field{q.Extra, q.Fields} {
		for _, f := range fs {
			if err := checkField(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkField refuses a field whose name is not a token or whose value
// could end the field early.
func checkField(f Field) error {
	if f.Name == "" {
		return &HeaderError{Name: quote(f.Name), Reason: "empty name"}
	}
	if !IsToken(f.Name) {
		return &HeaderError{Name: quote(f.Name), Reason: "name is not a token"}
	}
	return checkValue(f.Name, f.Value)
}

// user returns the first user field named name (in any case).
func (q *Request) user(name string) (Field, bool) {
	for _, f := range q.Fields {
		if equalFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// removed reports whether Remove names name (in any case).
func (q *Request) removed(name string) bool {
	for _, r := range q.Remove {
		if equalFold(r, name) {
			return true
		}
	}
	return false
}

// appendField appends "Name: value" CR LF, or "Name:" CR LF for an empty
// value (curl's -H 'Name;').
func appendField(dst []byte, f Field) []byte {
	dst = append(dst, f.Name...)
	dst = append(dst, ':')
	if f.Value != "" {
		dst = append(dst, ' ')
		dst = append(dst, f.Value...)
	}
	return append(dst, "\r\n"...)
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
// an IPv6 literal in brackets and without its zone ("fe80::1%eth0" is
// "[fe80::1]": a zone names an interface of this host, which means nothing
// to the server; RFC 6874 §4, as curl).
func HostValue(scheme, host string, port int) string {
	if strings.IndexByte(host, ':') >= 0 && !strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, '%'); i >= 0 {
			host = host[:i]
		}
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
