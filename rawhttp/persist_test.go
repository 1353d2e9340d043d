package rawhttp

import (
	"bufio"
	"strings"
	"testing"
)

func TestPersistent(t *testing.T) {
	tests := []struct {
		name, method, wire string
		keep               bool
		reason             string
	}{
		{"http11-length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", true, reasonKeep11},
		{"http11-chunked", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, reasonKeep11},
		{"http11-head", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", true, reasonKeep11},
		{"http11-204", "GET", "HTTP/1.1 204 No Content\r\n\r\n", true, reasonKeep11},
		{"http11-close", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n", false, reasonNoKeepClose},
		{"http11-close-case-list", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: Upgrade , CLOSE\r\n\r\n", false, reasonNoKeepClose},
		{"http11-close-second-field", "GET", "HTTP/1.1 200 OK\r\nConnection: x\r\nContent-Length: 2\r\nconnection: close\r\n\r\n", false, reasonNoKeepClose},
		{"http11-until-close", "GET", "HTTP/1.1 200 OK\r\n\r\n", false, reasonNoKeepUntilClose},
		{"http11-te-not-chunked", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, reasonNoKeepUntilClose},
		{"http10", "GET", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", false, reasonNoKeep10},
		{"http10-keep-alive", "GET", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: Keep-Alive\r\n\r\n", true, reasonKeep10},
		{"http10-keep-alive-until-close", "GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", false, reasonNoKeepUntilClose},
		{"http10-keep-alive-and-close", "GET", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive, close\r\n\r\n", false, reasonNoKeepClose},
		{"keep-alive-substring", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: closed\r\n\r\n", true, reasonKeep11},
		{"101", "GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", false, reasonNoKeep101},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := ReadResponse(bufio.NewReader(strings.NewReader(tc.wire)), tc.method)
			if err != nil {
				t.Fatal(err)
			}
			got := Persistent(resp)
			if got.Keep != tc.keep || got.Reason != tc.reason {
				t.Errorf("Persistent(%q) = %v, %q; want %v, %q", tc.wire, got.Keep, got.Reason, tc.keep, tc.reason)
			}
		})
	}
}
