package explain

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sockfetch/rawhttp"
)

// parseAll runs rawhttp over raw as `sockfetch parse` does, with a
// ParseView watching.
func parseAll(raw, method string, o Options) []byte {
	var b bytes.Buffer
	pv := NewParseView(&b, o)
	pv.SetInput([]byte(raw))
	rd := rawhttp.NewReader(bufio.NewReader(strings.NewReader(raw)))
	rd.Observe = pv.Observe
	resp, err := rd.ReadResponse(nil, method)
	if err == nil {
		_, err = io.Copy(io.Discard, rd.Body(resp))
	}
	if err != nil {
		pv.Fail(err)
	}
	return b.Bytes()
}

var parseCases = []struct {
	name, method, raw string
}{
	{"length", "GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"},
	{"head", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"},
	{"chunked", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\nhello\r\n7;ext=1\r\n, world\r\n1\r\n!\r\n1\r\n\n\r\n0\r\nX-Sum: 42\r\n\r\n"},
	{"interim", "GET", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"},
	{"until-close", "GET", "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of this until the end"},
	{"bare-lf", "GET", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"},
	{"te-and-cl", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"},
	{"bad-conflicting-length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"},
	{"bad-space-before-colon", "GET", "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"},
	{"bad-status-line", "GET", "HTTP/1.1 2OO OK\r\n\r\n"},
	{"bad-chunk-size", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"},
	{"truncated-length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"},
	{"truncated-head", "GET", "HTTP/1.1 200 OK\r\nContent-Le"},
	{"empty", "GET", ""},
	{"escape-in-field", "GET", "HTTP/1.1 200 OK\r\nX-Evil: \x1b]0;pwned\x07\r\n\r\n"},
}

func TestParseViewGolden(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, "parse-"+tt.name+".golden", parseAll(tt.raw, tt.method, Options{}))
		})
	}
}

// TestParseViewFixtures runs the view over every response fixture of
// rawhttp (valid and malformed): it must show a rejection exactly when the
// parser fails, the end of the body otherwise, and nothing a terminal would
// act on.
func TestParseViewFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "rawhttp", "testdata", "responses", "*.http"))
	if len(files) == 0 {
		t.Skip("no fixtures in ../rawhttp/testdata/responses")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".http")
		t.Run(name, func(t *testing.T) {
			method := "GET"
			if strings.HasPrefix(name, "head") {
				method = "HEAD"
			}
			rd := rawhttp.NewReader(bufio.NewReader(bytes.NewReader(raw)))
			resp, perr := rd.ReadResponse(nil, method)
			if perr == nil {
				_, perr = io.Copy(io.Discard, rd.Body(resp))
			}
			out := string(parseAll(string(raw), method, Options{Width: 80}))
			if got := strings.Contains(out, "✗ rejected"); got != (perr != nil) {
				t.Errorf("rejection shown: %v, parse error: %v\n%s", got, perr, out)
			}
			if perr == nil && !strings.Contains(out, "end of body: ") {
				t.Errorf("no end of body in\n%s", out)
			}
			for _, r := range out {
				if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
					t.Fatalf("control character %U in the output", r)
				}
			}
		})
	}
}

// TestParseViewNear shows the bytes the error kept when the whole input is
// not at hand.
func TestParseViewNear(t *testing.T) {
	raw := "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"
	var b bytes.Buffer
	pv := NewParseView(&b, Options{})
	rd := rawhttp.NewReader(bufio.NewReader(strings.NewReader(raw)))
	rd.Observe = pv.Observe
	_, err := rd.ReadResponse(nil, "GET")
	if err == nil {
		t.Fatal("no error")
	}
	pv.Fail(err)
	out := b.String()
	for _, want := range []string{"✗ rejected: whitespace before the colon", "where: at byte 31 (0x1f)", "bytes: Content-Length : 5"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
