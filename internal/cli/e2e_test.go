package cli

import (
	"strings"
	"testing"
	"time"

	"sockfetch/internal/testserver"
)

// TestEndToEnd runs sockfetch in-process against the raw test server, each
// case checking stdout's bytes, the error line and the exit status.
func TestEndToEnd(t *testing.T) {
	ok := "hello, world\n"
	okHead := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nX-Test: a, b\r\n\r\n"
	tests := []struct {
		name    string
		fixture string
		reply   testserver.Reply // Raw is filled from fixture
		args    []string         // "URL" stands for the server's URL
		code    int
		stdout  string
		stderr  []string // each must appear; none means stderr is empty
	}{
		{name: "get", fixture: "ok.http", args: []string{"URL"}, stdout: ok},
		{name: "no scheme means http", fixture: "ok.http", args: []string{"ADDR"}, stdout: ok},
		{name: "options after the URL", fixture: "404.http", args: []string{"URL", "-f"}, code: 22,
			stderr: []string{"sockfetch: the requested URL returned error: 404"}},
		{name: "combined short options", fixture: "404.http", args: []string{"-fsSL", "URL"}, code: 22,
			stderr: []string{"error: 404"}},
		{name: "silent hides errors", fixture: "404.http", args: []string{"-fs", "URL"}, code: 22},
		{name: "404 without -f prints the body", fixture: "404.http", args: []string{"URL"}, stdout: "not found\n"},
		{name: "500 with -f", fixture: "500.http", args: []string{"-f", "URL"}, code: 22, stderr: []string{"error: 500"}},
		{name: "include", fixture: "ok.http", args: []string{"-i", "URL"}, stdout: okHead + ok},
		{name: "head does not wait for a body", fixture: "head.http", reply: testserver.Reply{KeepOpen: true},
			args: []string{"-I", "URL"}, stdout: string(fixture(t, "head.http"))},
		{name: "chunked", fixture: "chunked.http", args: []string{"URL"}, stdout: "chunked body!!!\n"},
		{name: "chunked, connection kept open", fixture: "chunked.http", reply: testserver.Reply{KeepOpen: true},
			args: []string{"URL"}, stdout: "chunked body!!!\n"},
		{name: "length, connection kept open", fixture: "ok.http", reply: testserver.Reply{KeepOpen: true},
			args: []string{"URL"}, stdout: ok},
		{name: "204 kept open", fixture: "204.http", reply: testserver.Reply{KeepOpen: true}, args: []string{"URL"}},
		{name: "304 kept open", fixture: "304.http", reply: testserver.Reply{KeepOpen: true}, args: []string{"URL"}},
		{name: "read until close", fixture: "close.http", args: []string{"URL"}, stdout: "read until the server closes\n"},
		{name: "http/1.0 response", fixture: "http10.http", args: []string{"URL"}, stdout: "an HTTP/1.0 body\n"},
		{name: "interim responses", fixture: "interim.http", args: []string{"URL"}, stdout: "final\n"},
		{name: "interim heads with -i", fixture: "interim.http", args: []string{"-i", "URL"},
			stdout: string(fixture(t, "interim.http"))},
		{name: "short body", fixture: "short.http", args: []string{"URL"}, code: 18, stdout: "only 12 byte",
			stderr: []string{"sockfetch: transfer closed with 88 bytes remaining"}},
		{name: "short chunked body", fixture: "short-chunked.http", args: []string{"URL"}, code: 18, stdout: "only 8 b",
			stderr: []string{"sockfetch: "}},
		{name: "empty reply", fixture: "", args: []string{"URL"}, code: 52, stderr: []string{"sockfetch: empty reply from server"}},
		{name: "not http", fixture: "garbage.http", args: []string{"URL"}, code: 1, stderr: []string{"sockfetch: not an HTTP/1.x response"}}, // curl: (1) Received HTTP/0.9 when not allowed
		{name: "conflicting content-length", fixture: "conflicting-length.http", args: []string{"URL"}, code: 8,
			stderr: []string{"Content-Length"}},
		{name: "bad chunk size", fixture: "bad-chunk.http", args: []string{"URL"}, code: 56, stderr: []string{"sockfetch: invalid chunk size"}}, // curl: (56) Illegal or missing hexadecimal sequence
		{name: "reset mid-body", fixture: "big-length.http", reply: testserver.Reply{Reset: true, ResetAfter: 100},
			args: []string{"-s", "-S", "URL"}, code: 56, stdout: strings.Repeat("y", 100-len("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n")),
			stderr: []string{"sockfetch: failure when receiving data from the peer: connection reset by peer"}},
		{name: "never answers", reply: testserver.Reply{Silent: true}, args: []string{"-m", "0.3", "URL"}, code: 28,
			stderr: []string{"sockfetch: operation timed out after"}},
		{name: "drips too slowly", fixture: "ok.http", reply: testserver.Reply{Drip: 50 * time.Millisecond},
			args: []string{"--max-time", ".4", "URL"}, code: 28, stderr: []string{"operation timed out"}},
		{name: "drips within time", fixture: "ok.http", reply: testserver.Reply{Drip: time.Millisecond},
			args: []string{"--max-time", "20", "URL"}, stdout: ok},
		{name: "endless body over max-filesize", fixture: "close.http", reply: testserver.Reply{Endless: true},
			args: []string{"-o", "/dev/null", "--max-filesize", "100k", "URL"}, code: 63, stderr: []string{"maximum file size exceeded"}},
		{name: "endless body over max-time", fixture: "close.http", reply: testserver.Reply{Endless: true},
			args: []string{"-o", "/dev/null", "-m", "0.3", "URL"}, code: 28, stderr: []string{"operation timed out"}},
		{name: "content-length over max-filesize", fixture: "big-length.http", args: []string{"--max-filesize", "4999", "URL"},
			code: 63, stderr: []string{"the body is 5000 bytes"}},
		{name: "content-length at max-filesize", fixture: "big-length.http", args: []string{"--max-filesize", "5000", "URL"},
			stdout: strings.Repeat("y", 5000)},
		{name: "write-out", fixture: "ok.http", args: []string{"-s", "-w", `%{http_code} %{size_download} %header{x-test} %{exitcode}\n`, "URL"},
			stdout: ok + "200 13 a, b 0\n"},
		{name: "write-out after an error", fixture: "404.http", args: []string{"-sf", "-w", `%{http_code}|%{exitcode}|%{errormsg}`, "URL"},
			code: 22, stdout: "404|22|The requested URL returned error: 404"}, // curl 7.88.1 writes these bytes
		{name: "lf-only lines", fixture: "lf-only.http", args: []string{"URL"}, stdout: "lf\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply := tt.reply
			if tt.fixture != "" {
				reply.Raw = fixture(t, tt.fixture)
			}
			srv := testserver.Start(t, map[string]testserver.Reply{"": reply})
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				a = strings.ReplaceAll(a, "URL", srv.URL+"/")
				args[i] = strings.ReplaceAll(a, "ADDR", srv.Addr)
			}
			r := sockfetch(t, args...)
			r.want(t, tt.code, tt.stdout, tt.stderr...)
			if tt.code != 0 && len(tt.stderr) > 0 {
				r.errLine(t)
			}
		})
	}
}
