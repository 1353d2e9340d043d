package fetch

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sockfetch/internal/progress"
	"sockfetch/internal/testserver"
)

// bodyOf returns n bytes of a repeating pattern.
func bodyOf(n int) []byte {
	return bytes.Repeat([]byte("0123456789abcdef"), n/16)
}

// chunked frames body in chunks of 64 KiB, with a trailer.
func chunked(body []byte) []byte {
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
	for len(body) > 0 {
		n := min(len(body), 64<<10)
		fmt.Fprintf(&b, "%x\r\n", n)
		b.Write(body[:n])
		b.WriteString("\r\n")
		body = body[n:]
	}
	b.WriteString("0\r\nX-Sum: 1\r\n\r\n")
	return b.Bytes()
}

// TestProgress checks which bodies get a bar, with which total, and that
// the bar counts every byte written, on each copy path.
func TestProgress(t *testing.T) {
	body := bodyOf(3 << 20)
	withLength := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))), body...)
	untilClose := append([]byte("HTTP/1.1 200 OK\r\n\r\n"), body...)
	chunkedRaw := chunked(body)
	srv := testserver.Start(t, map[string]testserver.Reply{
		"/length":   {Raw: withLength},
		"/close":    {Raw: untilClose},
		"/chunked":  {Raw: chunkedRaw},
		"/redirect": {Raw: []byte("HTTP/1.1 302 Found\r\nLocation: /length\r\nContent-Length: 5\r\n\r\nmoved")},
		"/204":      {Raw: testserver.Fixture(t, "204.http")},
		"/404":      {Raw: testserver.Fixture(t, "404.http")},
	})
	tests := []struct {
		name   string
		req    Request
		toFile bool    // the body goes to an *os.File (the splice path)
		totals []int64 // Progress's calls
		count  int64   // bytes the bar counted
	}{
		{"length to a file", Request{URL: srv.URL + "/length"}, true, []int64{3 << 20}, 3 << 20},
		{"length to memory", Request{URL: srv.URL + "/length"}, false, []int64{3 << 20}, 3 << 20},
		{"until close to a file", Request{URL: srv.URL + "/close"}, true, []int64{-1}, 3 << 20},
		{"chunked", Request{URL: srv.URL + "/chunked"}, true, []int64{-1}, 3 << 20},
		{"chunked --raw", Request{URL: srv.URL + "/chunked", Raw: true}, true, []int64{-1}, int64(len(chunkedRaw) - len("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))},
		{"redirect followed", Request{URL: srv.URL + "/redirect", Follow: true, MaxRedirects: 1}, true, []int64{3 << 20}, 3 << 20},
		{"redirect not followed", Request{URL: srv.URL + "/redirect"}, true, []int64{5}, 5},
		{"HEAD", Request{URL: srv.URL + "/length", Method: "HEAD"}, true, nil, 0},
		{"204", Request{URL: srv.URL + "/204"}, true, nil, 0},
		{"404 with Fail", Request{URL: srv.URL + "/404", Fail: true}, true, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var totals []int64
			var counter *countingFile
			out := Output{Progress: func(total int64) Counter {
				totals = append(totals, total)
				counter = newCountingFile(t, filepath.Join(dir, "bar"))
				return progress.New(counter.f, total, progress.Options{})
			}}
			var mem bytes.Buffer
			out.Body = &mem
			if tt.toFile {
				f, err := os.Create(filepath.Join(dir, "body"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				out.Body = f
			}
			req := tt.req
			if _, err := Fetch(context.Background(), &req, out); (err != nil) != (req.Fail && tt.totals == nil) {
				t.Fatalf("fetch: %v", err)
			}
			if fmt.Sprint(totals) != fmt.Sprint(tt.totals) {
				t.Fatalf("Progress called with %v, want %v", totals, tt.totals)
			}
			if counter == nil {
				return
			}
			drawn := counter.read(t)
			if want := progressCount(tt.count); !strings.Contains(drawn, want) {
				t.Errorf("the bar's last state does not show %q:\n%q", want, lastLine(drawn))
			}
		})
	}
}

// countingFile is a file a bar draws on, read back after the fetch.
type countingFile struct{ f *os.File }

func newCountingFile(t *testing.T, path string) *countingFile {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &countingFile{f}
}

func (c *countingFile) read(t *testing.T) string {
	b, err := os.ReadFile(c.f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// progressCount is how the bar writes a byte count: "3.0 MiB", "5 B".
func progressCount(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// lastLine returns the last state drawn: the text after the last CR.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// countOnly is a Counter without Copy: the splice path counts it after
// one io.Copy.
type countOnly struct{ n, finished int64 }

func (c *countOnly) Add(n int64) { c.n += n }
func (c *countOnly) Finish()     { c.finished++ }

// TestCounter: a nil Counter from Progress means no bar (no panic on the
// typed-nil trap's other side), and a Counter without Copy still counts
// every byte on the splice path and is finished once.
func TestCounter(t *testing.T) {
	body := bodyOf(1 << 20)
	withLength := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))), body...)
	srv := testserver.Start(t, map[string]testserver.Reply{"/length": {Raw: withLength}})
	for _, c := range []*countOnly{nil, {}} {
		f, err := os.Create(filepath.Join(t.TempDir(), "body"))
		if err != nil {
			t.Fatal(err)
		}
		out := Output{Body: f, Progress: func(int64) Counter {
			if c == nil {
				return nil
			}
			return c
		}}
		res, err := Fetch(context.Background(), &Request{URL: srv.URL + "/length"}, out)
		f.Close()
		if err != nil || res.BodySize != int64(len(body)) {
			t.Fatalf("counter %v: %v, %d bytes", c != nil, err, res.BodySize)
		}
		if c != nil && (c.n != int64(len(body)) || c.finished != 1) {
			t.Errorf("counted %d bytes, finished %d times; want %d, 1", c.n, c.finished, len(body))
		}
	}
}
