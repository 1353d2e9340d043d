package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os/exec"
	"strings"
	"testing"

	"sockfetch/internal/testserver"
)

// wireCase is one response on the wire, what sockfetch shows for it and
// what curl 7.88.1 did with the same bytes.
type wireCase struct {
	name   string
	wire   string
	args   []string
	code   int    // sockfetch's exit status
	stdout string // sockfetch's stdout
	stderr string // in sockfetch's one error line; "" for none
	curl   int    // curl 7.88.1's exit status (it printed the same stdout when equal to code)
}

const chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

// bigHead is a head of n fields of size bytes each.
func bigHead(n, size int) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\n")
	for i := range n {
		fmt.Fprintf(&b, "X-F%d: %s\r\n", i, strings.Repeat("b", size))
	}
	b.WriteString("Content-Length: 2\r\n\r\nhi")
	return b.String()
}

var wireCases = []wireCase{
	// Rejected by both: curl's exit status.
	{name: "bad chunk size", wire: chunkedHead + "zz\r\nhello\r\n0\r\n\r\n", code: 56, stderr: "sockfetch: invalid chunk size", curl: 56},
	{name: "chunk size overflows", wire: chunkedHead + "1ffffffffffffffff\r\nhello\r\n0\r\n\r\n", code: 56, stderr: "sockfetch: chunk size overflows", curl: 56},
	{name: "chunk data too long", wire: chunkedHead + "3\r\nhello\r\n0\r\n\r\n", code: 56, stdout: "hel", stderr: "sockfetch: chunk data not followed by CRLF", curl: 56},
	{name: "head over MaxHead", wire: bigHead(150, 2100), code: 56, stderr: "sockfetch: head longer than 262144 bytes (Limits.MaxHead)", curl: 56},
	{name: "HTTP/3.0", wire: "HTTP/3.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: unsupported HTTP version", curl: 1},
	{name: "HTTP/0.9 version", wire: "HTTP/0.9 200 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: unsupported HTTP version", curl: 1},
	{name: "HTTP/0.9, no status line", wire: "hello world\r\n", code: 1, stderr: "sockfetch: not an HTTP/1.x response", curl: 1},
	{name: "status code of two digits", wire: "HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: malformed status line", curl: 1},
	{name: "status code of four digits", wire: "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: malformed status line", curl: 1},
	{name: "status code below 100", wire: "HTTP/1.1 099 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: malformed status line", curl: 1},
	{name: "status code of letters", wire: "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: malformed status line", curl: 1},
	{name: "head cut inside the status code", wire: "HTTP/1.1 20", code: 52, stderr: "sockfetch: empty reply from server: connection closed inside the response head after 11 bytes", curl: 52},
	{name: "head cut inside the version", wire: "HTTP/1.", code: 52, stderr: "sockfetch: empty reply from server", curl: 52},
	{name: "head cut before the status line's LF", wire: "HTTP/1.1 200 OK\r", code: 52, stderr: "sockfetch: empty reply from server", curl: 52},
	{name: "head cut after a 1xx head", wire: "HTTP/1.1 100 Continue\r\n\r\n", code: 52, stderr: "sockfetch: empty reply from server", curl: 52},
	{name: "head cut inside a status line after a 1xx head", wire: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 20", code: 52, stderr: "sockfetch: empty reply from server", curl: 52},
	{name: "unknown transfer coding", wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: identityx\r\n\r\nhello", code: 61, stderr: `sockfetch: unrecognized transfer coding "identityx"`, curl: 61},
	{name: "unknown transfer coding before chunked", wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: identityx, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", code: 61, stderr: `sockfetch: unrecognized transfer coding "identityx"`, curl: 61},

	// Taken by both.
	{name: "chunk size with trailing whitespace", wire: chunkedHead + "5 \r\nhello\r\n5\t\r\nworld\r\n0\r\n\r\n", stdout: "helloworld"},
	{name: "empty chunk extension", wire: chunkedHead + "5;\r\nhello\r\n0;\r\n\r\n", stdout: "hello"},
	{name: "Content-Encoding none", wire: "HTTP/1.1 200 OK\r\nContent-Encoding: none\r\nContent-Length: 5\r\n\r\nhello", args: []string{"--compressed"}, stdout: "hello"},
	{name: "Content-Encoding NONE, identity", wire: "HTTP/1.1 200 OK\r\nContent-Encoding: NONE, identity\r\nContent-Length: 5\r\n\r\nhello", args: []string{"--compressed"}, stdout: "hello"},
	{name: "Transfer-Encoding identity", wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nhello", stdout: "hello"},
	{name: "Transfer-Encoding gzip", wire: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + gzipString("hello gzip\n"), stdout: "hello gzip\n"},
	{name: "Transfer-Encoding gzip, chunked", wire: chunkedHead[:len(chunkedHead)-len("chunked\r\n\r\n")] + "gzip, chunked\r\n\r\n" + chunk(gzipString("hello gzip\n")) + "0\r\n\r\n", stdout: "hello gzip\n"},
	{name: "gzip with FEXTRA and a long FCOMMENT", wire: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + string(gzipExtra("hello member\n", 600)), args: []string{"--compressed"}, stdout: "hello member\n"},

	// Taken by sockfetch alone: every gzip member is decoded, as
	// compress/gzip and gunzip do; curl 7.88 stops after the first with
	// "(23) Failed writing received data to disk/application".
	{name: "gzip, two members, FEXTRA", wire: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + string(gzipExtra("one ", 0)) + string(gzipExtra("two\n", 1000)), args: []string{"--compressed"}, stdout: "one two\n", curl: 23},

	// A higher minor version: RFC 9112 §2.3 would read it as 1.1, curl 7.88
	// says "(1) Unsupported HTTP version (1.2) in response", and so do we.
	{name: "HTTP/1.2", wire: "HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: unsupported HTTP version (1.2) in response", curl: 1},
	{name: "HTTP/1.9", wire: "HTTP/1.9 200 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: unsupported HTTP version (1.9) in response", curl: 1},

	// Refused by sockfetch alone (README: where sockfetch differs from curl).
	{name: "bare LF after a chunk size", wire: chunkedHead + "5\nhello\r\n0\r\n\r\n", code: 56, stderr: "sockfetch: chunk-size line ends in a bare LF", curl: 0},
	{name: "bare LF after chunk data", wire: chunkedHead + "5\r\nhello\n0\r\n\r\n", code: 56, stdout: "hello", stderr: "sockfetch: chunk data ends in a bare LF", curl: 0},
	{name: "quoted chunk extension left open", wire: chunkedHead + "5;a=\"\r\nhello\r\n0\r\n\r\n", code: 56, stderr: "sockfetch: chunk extension has a quoted string not closed on its line", curl: 0},
	{name: "HTTP/2.0 on an HTTP/1.1 connection", wire: "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", code: 1, stderr: "sockfetch: unsupported HTTP version", curl: 0},
	{name: "head cut after its status line", wire: "HTTP/1.1 200 OK\r\n", code: 18, stderr: "sockfetch: connection closed inside the response head after 17 bytes", curl: 0},
	{name: "head cut after a field", wire: "HTTP/1.1 200 OK\r\nX-A: 1\r\n", code: 18, stderr: "sockfetch: connection closed inside the response head", curl: 0},
	{name: "head line over MaxLine", wire: bigHead(1, 70000), code: 56, stderr: "sockfetch: head line longer than 65536 bytes (Limits.MaxLine)", curl: 0},
	{name: "more than MaxFields", wire: bigHead(201, 1), code: 56, stderr: "sockfetch: more than 200 fields (Limits.MaxFields)", curl: 0},
}

// TestWire runs each wireCase through sockfetch and, when it is installed,
// through curl on the same raw server: the exit status (and, when curl
// agrees, the stdout) of both are what the case says.
func TestWire(t *testing.T) {
	curl, _ := exec.LookPath("curl")
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.StartRaw(t, []byte(tc.wire))
			r := sockfetch(t, append(append([]string{"-sS"}, tc.args...), srv.URL)...)
			if tc.stderr == "" {
				r.want(t, tc.code, tc.stdout)
			} else {
				r.want(t, tc.code, tc.stdout, tc.stderr)
				if line := r.errLine(t); !strings.HasPrefix(line, tc.stderr) {
					t.Errorf("error line %q, want it to begin with %q", line, tc.stderr)
				}
			}
			if curl == "" {
				return
			}
			cmd := exec.Command(curl, append(append([]string{"-sS"}, tc.args...), srv.URL)...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			code := 0
			if err := cmd.Run(); err != nil {
				ee, ok := err.(*exec.ExitError)
				if !ok {
					t.Fatal(err)
				}
				code = ee.ExitCode()
			}
			if code != tc.curl {
				t.Errorf("curl exit %d (%s), the case says curl exits %d", code, strings.TrimSpace(errb.String()), tc.curl)
			}
			if code == tc.code && code == 0 && out.String() != tc.stdout {
				t.Errorf("curl stdout %q, sockfetch's %q", out.String(), tc.stdout)
			}
		})
	}
}

func gzipString(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// chunk frames s as one chunk.
func chunk(s string) string { return fmt.Sprintf("%x\r\n%s\r\n", len(s), s) }

// gzipExtra returns one gzip member of s with FEXTRA, FNAME, a FCOMMENT of
// comment bytes (when not 0) and FHCRC set, its data stored in a raw
// deflate stream from a gzip.Writer's output.
func gzipExtra(s string, comment int) []byte {
	plain := []byte(gzipString(s))
	deflated := plain[10 : len(plain)-8] // gzip.Writer writes a bare 10-byte header
	flags := byte(0x04 | 0x08 | 0x02)    // FEXTRA, FNAME, FHCRC
	if comment > 0 {
		flags |= 0x10 // FCOMMENT
	}
	h := []byte{0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255}
	extra := []byte("AB\x04\x00data")
	h = binary.LittleEndian.AppendUint16(h, uint16(len(extra)))
	h = append(h, extra...)
	h = append(h, "name.txt\x00"...)
	if comment > 0 {
		h = append(h, bytes.Repeat([]byte("c"), comment)...)
		h = append(h, 0)
	}
	h = binary.LittleEndian.AppendUint16(h, uint16(crc32.ChecksumIEEE(h)))
	m := append(h, deflated...)
	m = binary.LittleEndian.AppendUint32(m, crc32.ChecksumIEEE([]byte(s)))
	return binary.LittleEndian.AppendUint32(m, uint32(len(s)))
}
