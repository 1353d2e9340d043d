package rawhttp

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestRequestAppend(t *testing.T) {
	const ua = "sockfetch/1.0"
	tests := []struct {
		name string
		q    Request
		want string
	}{
		{"defaults", Request{Method: "GET", Target: "/", Host: "example.com", UserAgent: ua},
			"GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: sockfetch/1.0\r\nAccept: */*\r\n\r\n"},
		{"no user agent", Request{Method: "GET", Target: "/a?b=c", Host: "h"},
			"GET /a?b=c HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n"},
		{"http/1.0", Request{Method: "HEAD", Target: "/", Host: "h", HTTP10: true},
			"HEAD / HTTP/1.0\r\nHost: h\r\nAccept: */*\r\n\r\n"},
		{"user fields in order", Request{Method: "GET", Target: "/", Host: "h", Fields: []Field{{"X-B", "2"}, {"X-A", "1"}, {"X-B", "3"}}},
			"GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-B: 2\r\nX-A: 1\r\nX-B: 3\r\n\r\n"},
		{"replace default in the user's order", Request{Method: "GET", Target: "/", Host: "h", UserAgent: ua, Fields: []Field{{"X-A", "1"}, {"accept", "text/html"}}},
			"GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: sockfetch/1.0\r\nX-A: 1\r\naccept: text/html\r\n\r\n"},
		{"replace host", Request{Method: "GET", Target: "/", Host: "h", Fields: []Field{{"X-A", "1"}, {"HOST", "other"}}},
			"GET / HTTP/1.1\r\nHOST: other\r\nAccept: */*\r\nX-A: 1\r\n\r\n"},
		{"first user host only", Request{Method: "GET", Target: "/", Host: "h", Fields: []Field{{"Host", "one"}, {"X-A", "1"}, {"Host", "two"}}},
			"GET / HTTP/1.1\r\nHost: one\r\nAccept: */*\r\nX-A: 1\r\n\r\n"},
		{"remove defaults", Request{Method: "GET", Target: "/", Host: "h", UserAgent: ua, Remove: []string{"Accept", "user-agent", "Connection"}},
			"GET / HTTP/1.1\r\nHost: h\r\n\r\n"},
		{"remove host", Request{Method: "GET", Target: "/", Host: "h", Remove: []string{"HOST", "X-Not-A-Default"}},
			"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"},
		{"empty user value sent empty", Request{Method: "GET", Target: "/", Host: "h", Fields: []Field{{"X-Empty", ""}, {"X-A", "1"}, {"Accept", ""}}},
			"GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-A: 1\r\nAccept:\r\n\r\n"},
		{"curl's order of defaults", Request{Method: "POST", Target: "/", Host: "h", Auth: "Basic YTpi", UserAgent: ua,
			Extra: []Field{{"Accept-Encoding", "deflate, gzip"}, {"Referer", "http://r/"}}, Fields: []Field{{"X-A", "1"}}, Body: []byte("x=1"), ContentType: "application/x-www-form-urlencoded"},
			"POST / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic YTpi\r\nUser-Agent: sockfetch/1.0\r\nAccept: */*\r\n" +
				"Accept-Encoding: deflate, gzip\r\nReferer: http://r/\r\nX-A: 1\r\nContent-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nx=1"},
		{"Range after Authorization, before User-Agent", Request{Method: "GET", Target: "/", Host: "h", Auth: "Basic YTpi", Range: "bytes=100-", UserAgent: ua},
			"GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic YTpi\r\nRange: bytes=100-\r\nUser-Agent: sockfetch/1.0\r\nAccept: */*\r\n\r\n"},
		{"user Range replaces the default", Request{Method: "GET", Target: "/", Host: "h", Range: "bytes=100-", Fields: []Field{{"range", "bytes=1-2"}}},
			"GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nrange: bytes=1-2\r\n\r\n"},
		{"user replaces a default content-type", Request{Method: "POST", Target: "/", Host: "h", Fields: []Field{{"content-type", "text/plain"}}, Body: []byte("x"), ContentType: "application/x-www-form-urlencoded"},
			"POST / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\ncontent-type: text/plain\r\nContent-Length: 1\r\n\r\nx"},
		{"body", Request{Method: "POST", Target: "/p", Host: "h", Fields: []Field{{"Content-Type", "text/plain"}}, Body: []byte("hello")},
			"POST /p HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"},
		{"empty body", Request{Method: "POST", Target: "/p", Host: "h", Body: []byte{}},
			"POST /p HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nContent-Length: 0\r\n\r\n"},
		{"user content-length", Request{Method: "POST", Target: "/p", Host: "h", Fields: []Field{{"content-length", "5"}, {"X-A", "1"}}, Body: []byte("hello")},
			"POST /p HTTP/1.1\r\nHost: h\r\nAccept: */*\r\ncontent-length: 5\r\nX-A: 1\r\n\r\nhello"},
		{"content-length stays with a body", Request{Method: "POST", Target: "/p", Host: "h", Remove: []string{"Content-Length"}, Body: []byte("hello")},
			"POST /p HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nContent-Length: 5\r\n\r\nhello"},
		{"the cookie engine's Cookie after Extra, beside a user Cookie (curl)", Request{Method: "GET", Target: "/", Host: "h",
			Extra: []Field{{"Referer", "r"}}, Cookie: "a=1; b=2", Fields: []Field{{"Cookie", "x=y"}}},
			"GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nReferer: r\r\nCookie: a=1; b=2\r\nCookie: x=y\r\n\r\n"},
		{"tab and obs-text allowed in value", Request{Method: "GET", Target: "/", Host: "h", Fields: []Field{{"X", "a\tb\xff"}}},
			"GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX: a\tb\xff\r\n\r\n"},
	}
	for _, tt := range tests {
		got, err := tt.q.Append([]byte("prefix:"))
		if err != nil {
			t.Errorf("%s: error %v", tt.name, err)
			continue
		}
		if string(got) != "prefix:"+tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, "prefix:"+tt.want)
		}
	}
}

func TestRequestAppendRefuses(t *testing.T) {
	ok := Request{Method: "GET", Target: "/", Host: "h"}
	tests := []struct {
		name     string
		edit     func(*Request)
		wantName string
		wantMsg  string
	}{
		{"CR in value", func(q *Request) { q.Fields = []Field{{"X-A", "a\rb"}} }, "X-A", "value contains CR"},
		{"LF in value", func(q *Request) { q.Fields = []Field{{"X-A", "a\nInjected: 1"}} }, "X-A", "value contains LF"},
		{"NUL in value", func(q *Request) { q.Fields = []Field{{"X-A", "a\x00"}} }, "X-A", "value contains NUL"},
		{"CRLF in name", func(q *Request) { q.Fields = []Field{{"X\r\nY", "1"}} }, `"X\r\nY"`, "name is not a token"},
		{"space in name", func(q *Request) { q.Fields = []Field{{"X A", "1"}} }, `"X A"`, "name is not a token"},
		{"colon in name", func(q *Request) { q.Fields = []Field{{"X:", "1"}} }, `"X:"`, "name is not a token"},
		{"empty name", func(q *Request) { q.Fields = []Field{{"", "1"}} }, `""`, "empty name"},
		{"LF in host", func(q *Request) { q.Host = "h\nX: 1" }, "Host", "value contains LF"},
		{"CR in user agent", func(q *Request) { q.UserAgent = "a\r" }, "User-Agent", "value contains CR"},
		{"LF in auth", func(q *Request) { q.Auth = "Basic x\n" }, "Authorization", "value contains LF"},
		{"CR in an extra default", func(q *Request) { q.Extra = []Field{{"Referer", "a\r\nX: 1"}} }, "Referer", "value contains CR"},
		{"CR in the cookie", func(q *Request) { q.Cookie = "a=1\r\nX: 1" }, "Cookie", "value contains CR"},
		{"CRLF in range", func(q *Request) { q.Range = "bytes=0-\r\nX: 1" }, "Range", "value contains CR"},
		{"LF in content type", func(q *Request) { q.ContentType = "a\nb" }, "Content-Type", "value contains LF"},
		{"method with space", func(q *Request) { q.Method = "GET /" }, "method", `not a token: "GET /"`},
		{"empty method", func(q *Request) { q.Method = "" }, "method", `not a token: ""`},
		{"target with space", func(q *Request) { q.Target = "/a b" }, "request-target", "contains SP"},
		{"target with LF", func(q *Request) { q.Target = "/a\nb" }, "request-target", "contains LF"},
		{"target with DEL", func(q *Request) { q.Target = "/a\x7f" }, "request-target", `contains '\x7f'`},
		{"empty target", func(q *Request) { q.Target = "" }, "request-target", "empty"},
	}
	for _, tt := range tests {
		q := ok
		tt.edit(&q)
		got, err := q.Append(nil)
		var he *HeaderError
		if !errors.As(err, &he) {
			t.Errorf("%s: got %q, %v; want *HeaderError", tt.name, got, err)
			continue
		}
		if he.Name != tt.wantName || he.Reason != tt.wantMsg {
			t.Errorf("%s: got name %q reason %q, want %q %q", tt.name, he.Name, he.Reason, tt.wantName, tt.wantMsg)
		}
		if len(got) != 0 {
			t.Errorf("%s: appended %q despite the error", tt.name, got)
		}
		if !strings.HasPrefix(err.Error(), "rawhttp: header ") {
			t.Errorf("%s: message %q", tt.name, err)
		}
	}
}

func TestHostValue(t *testing.T) {
	tests := []struct {
		scheme, host string
		port         int
		want         string
	}{
		{"http", "example.com", 80, "example.com"},
		{"http", "example.com", 0, "example.com"},
		{"http", "example.com", 8080, "example.com:8080"},
		{"http", "example.com", 443, "example.com:443"},
		{"https", "example.com", 443, "example.com"},
		{"HTTPS", "example.com", 443, "example.com"},
		{"https", "example.com", 80, "example.com:80"},
		{"http", "127.0.0.1", 80, "127.0.0.1"},
		{"http", "::1", 80, "[::1]"},
		{"http", "::1", 8080, "[::1]:8080"},
		{"http", "fe80::1%eth0", 8080, "[fe80::1]:8080"},
		{"http", "::1%lo", 80, "[::1]"},
		{"https", "[2001:db8::1]", 8443, "[2001:db8::1]:8443"},
		{"http", "abcdefghijklmnop.onion", 80, "abcdefghijklmnop.onion"},
	}
	for _, tt := range tests {
		if got := HostValue(tt.scheme, tt.host, tt.port); got != tt.want {
			t.Errorf("HostValue(%q, %q, %d) = %q, want %q", tt.scheme, tt.host, tt.port, got, tt.want)
		}
	}
}

func TestDefaultPort(t *testing.T) {
	tests := []struct {
		scheme string
		want   int
	}{
		{"http", 80},
		{"https", 443},
		{"HTTP", 80},
		{"HTTPS", 443},
		{"Https", 443},
		{"", -1},
		{"ftp", -1},
		{"socks5h", -1},
		{"http ", -1},
		{"httpss", -1},
	}
	for _, tt := range tests {
		if got := DefaultPort(tt.scheme); got != tt.want {
			t.Errorf("DefaultPort(%q) = %d, want %d", tt.scheme, got, tt.want)
		}
	}
}

func TestIsToken(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"GET", true},
		{"M-SEARCH", true},
		{"head", true},
		{"Content-Type", true},
		{"X_Custom.1", true},
		{"!#$%&'*+-.^_`|~", true},
		{"", false},
		{"GET ", false},
		{" GET", false},
		{"GE T", false},
		{"Name:", false},
		{"a/b", false},
		{`"quoted"`, false},
		{"a\tb", false},
		{"a\x00b", false},
		{"a\x7fb", false},
		{"caf\u00e9", false},
		{"(comment)", false},
		{"{}", false},
	}
	for _, tt := range tests {
		if got := IsToken(tt.s); got != tt.want {
			t.Errorf("IsToken(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
	// Every byte alone, against RFC 9110 §5.6.2 as written there: tchar is
	// "!#$%&'*+-.^_`|~", DIGIT or ALPHA.
	for c := 0; c < 256; c++ {
		want := strings.IndexByte("!#$%&'*+-.^_`|~", byte(c)) >= 0 ||
			'0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
		if got := IsToken(string([]byte{byte(c)})); got != want {
			t.Errorf("IsToken(%q) = %v, want %v", byte(c), got, want)
		}
	}
}

func TestBasicAuth(t *testing.T) {
	tests := []struct {
		user, pass string
		want       string
	}{
		{"Aladdin", "open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}, // RFC 7617 §2
		{"user", "", "Basic dXNlcjo="},
		{"", "", "Basic Og=="},
		{"", "secret", "Basic OnNlY3JldA=="},
		{"a", "b:c", "Basic YTpiOmM="},
		{"test", "123\u00a3", "Basic dGVzdDoxMjPCow=="}, // RFC 7617 §2.1: UTF-8
	}
	for _, tt := range tests {
		got := BasicAuth(tt.user, tt.pass)
		if got != tt.want {
			t.Errorf("BasicAuth(%q, %q) = %q, want %q", tt.user, tt.pass, got, tt.want)
		}
		// The same as net/http's.
		r := &http.Request{Header: http.Header{}}
		r.SetBasicAuth(tt.user, tt.pass)
		if w := r.Header.Get("Authorization"); got != w {
			t.Errorf("BasicAuth(%q, %q) = %q, net/http sends %q", tt.user, tt.pass, got, w)
		}
	}
}
