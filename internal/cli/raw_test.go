package cli

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sockfetch/internal/testserver"
)

// gzipped returns b compressed with gzip.
func gzipped(b []byte) []byte {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// chunkedWire frames body as chunks of size n after head, ending with a
// trailer section.
func chunkedWire(head string, body []byte, n int) []byte {
	b := bytes.NewBufferString(head)
	for len(body) > 0 {
		k := min(n, len(body))
		fmt.Fprintf(b, "%x;ext=1\r\n", k)
		b.Write(body[:k])
		b.WriteString("\r\n")
		body = body[k:]
	}
	b.WriteString("0\r\nX-Checksum: 42\r\nX-Other: yes\r\n\r\n")
	return b.Bytes()
}

// TestBinaryRawInclude: --raw -i writes the response exactly as the test
// server sent it, byte for byte (chunk framing, trailers, compressed bytes
// and interim responses included), and not one byte after its end; --raw
// alone writes the body part of those bytes. Through the built binary, to
// a pipe and to an -o file (the splice path).
func TestBinaryRawInclude(t *testing.T) {
	zipped := gzipped(bytes.Repeat([]byte("sockfetch --raw keeps the bytes as they came. "), 2000))
	big := bigBody(3 << 20)
	tests := []struct {
		name       string
		wire       []byte
		args       []string // more options
		untilClose bool     // the body ends when the server closes
	}{
		{name: "chunked with trailers", wire: fixture(t, "chunked.http")},
		{name: "chunked, extensions, many chunks", wire: chunkedWire("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n", big, 100000)},
		{name: "gzip with Content-Length", wire: append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(zipped))), zipped...)},
		{name: "gzip with --compressed", wire: append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(zipped))), zipped...), args: []string{"--compressed"}},
		{name: "gzip, chunked", wire: chunkedWire("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", zipped, 4096), args: []string{"--compressed"}},
		{name: "interim responses", wire: fixture(t, "interim.http")},
		{name: "until close", wire: fixture(t, "close.http"), untilClose: true},
		{name: "big Content-Length", wire: append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(big))), big...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.wire
			served := raw
			if !tt.untilClose {
				// Bytes after the end of a framed response are not part of it.
				served = append(append([]byte(nil), raw...), "JUNK AFTER THE END"...)
			}
			srv := testserver.StartRaw(t, served)
			head := headsLen(raw)

			r := runBinary(t, append(append([]string{"--raw", "-i"}, tt.args...), srv.URL)...)
			if r.code != 0 || r.stdout != string(raw) {
				t.Errorf("--raw -i to a pipe: exit %d (%s), %d bytes; want the %d bytes sent%s", r.code, r.stderr, len(r.stdout), len(raw), firstDiff([]byte(r.stdout), raw))
			}
			r = runBinary(t, append(append([]string{"--raw"}, tt.args...), srv.URL)...)
			if r.code != 0 || r.stdout != string(raw[head:]) {
				t.Errorf("--raw to a pipe: exit %d (%s), %d bytes; want the %d body bytes sent%s", r.code, r.stderr, len(r.stdout), len(raw)-head, firstDiff([]byte(r.stdout), raw[head:]))
			}
			out := filepath.Join(t.TempDir(), "resp.bin")
			r = runBinary(t, append(append([]string{"--raw", "-i", "-o", out}, tt.args...), srv.URL)...)
			got, _ := os.ReadFile(out)
			if r.code != 0 || !bytes.Equal(got, raw) {
				t.Errorf("--raw -i -o FILE: exit %d (%s), %d bytes; want the %d bytes sent%s", r.code, r.stderr, len(got), len(raw), firstDiff(got, raw))
			}
		})
	}
}

// headsLen returns the length of the heads at the start of a response:
// every 1xx head and the final one.
func headsLen(raw []byte) int {
	n := 0
	for {
		end := bytes.Index(raw[n:], []byte("\r\n\r\n")) + 4
		interim := bytes.HasPrefix(raw[n:], []byte("HTTP/1.1 1"))
		n += end
		if !interim {
			return n
		}
	}
}

// firstDiff describes where got and want part, for a failure message.
func firstDiff(got, want []byte) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("; first difference at byte %d: got %q, want %q", i, got[i:min(i+20, len(got))], want[i:min(i+20, len(want))])
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("; one is a prefix of the other (%d and %d bytes)", len(got), len(want))
	}
	return ""
}
