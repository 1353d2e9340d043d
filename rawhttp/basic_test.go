package rawhttp

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestBasics checks a few whole responses end to end: the head, the body
// and the bytes left unread.
func TestBasics(t *testing.T) {
	tests := []struct {
		in, method string
		status     int
		kind       FramingKind
		body, rest string
		err        error
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", "GET", 200, Length, "hello", "EXTRA", nil},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\nEXTRA", "GET", 200, Chunked, "hello", "EXTRA", nil},
		{"HTTP/1.0 200 OK\n\nall of it", "GET", 200, UntilClose, "all of it", "", nil},
		{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "GET", 200, Length, "short", "", ErrTruncated},
		{"HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nabc", "GET", 204, NoBody, "", "abc", nil},
		{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", "HEAD", 200, NoBody, "", "abc", nil},
	}
	for _, tt := range tests {
		br := bufio.NewReader(strings.NewReader(tt.in))
		r := NewReader(br)
		resp, err := r.ReadResponse(nil, tt.method)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if resp.Status != tt.status || resp.Framing.Kind != tt.kind {
			t.Errorf("%q: status %d framing %v, want %d %v", tt.in, resp.Status, resp.Framing.Kind, tt.status, tt.kind)
		}
		body, err := io.ReadAll(r.Body(resp))
		if string(body) != tt.body || !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("%q: body %q, %v; want %q, %v", tt.in, body, err, tt.body, tt.err)
		}
		if rest, _ := io.ReadAll(br); string(rest) != tt.rest {
			t.Errorf("%q: left %q, want %q", tt.in, rest, tt.rest)
		}
	}
}
