package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/valyala/fasthttp"

	"sockfetch/rawhttp"
)

// cdnResponse is a typical CDN response: a 609-byte head with 17 fields,
// then a 1256-byte body that the head parsers leave unread.
func cdnResponse(b *testing.B) (head, msg []byte) {
	head, err := os.ReadFile("testdata/cdn-head.http")
	if err != nil {
		b.Fatal(err)
	}
	body, err := os.ReadFile("testdata/cdn-body.html")
	if err != nil {
		b.Fatal(err)
	}
	return head, append(append([]byte{}, head...), body...)
}

// stubbed turns a panic from a rawhttp function that is not written yet
// into a skip, so the other parsers are still measured.
func stubbed(b *testing.B) {
	if r := recover(); r != nil {
		b.Skipf("rawhttp not ready: %v", r)
	}
}

// BenchmarkHead parses the CDN response head, reusing everything a caller
// can reuse between responses: the bufio.Reader and the parsed result.
func BenchmarkHead(b *testing.B) {
	head, msg := cdnResponse(b)
	rd := bytes.NewReader(msg)
	br := bufio.NewReader(rd)
	next := func() *bufio.Reader {
		rd.Reset(msg)
		br.Reset(rd)
		return br
	}

	// rawhttp as a connection reading response after response uses it:
	// one Reader (Reset to the stream) and one Response, both reused, as
	// fasthttp reuses its ResponseHeader.
	b.Run("impl=rawhttp", func(b *testing.B) {
		defer stubbed(b)
		var resp rawhttp.Response
		rd := rawhttp.NewReader(next())
		got, err := rd.ReadResponse(&resp, "GET")
		if err != nil || got.Status != 200 || len(got.Fields) != 17 {
			b.Fatalf("rawhttp: status %d, %d fields, err %v; want 200, 17 fields", got.Status, len(got.Fields), err)
		}
		b.SetBytes(int64(len(head)))
		b.ReportAllocs()
		for b.Loop() {
			rd.Reset(next())
			if _, err := rd.ReadResponse(&resp, "GET"); err != nil {
				b.Fatal(err)
			}
		}
	})

	// rawhttp with a new Reader per response and the Response reused:
	// rawhttp.NewReader(br).ReadResponse(&resp, "GET").
	b.Run("impl=rawhttp-newreader", func(b *testing.B) {
		defer stubbed(b)
		var resp rawhttp.Response
		b.SetBytes(int64(len(head)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rawhttp.NewReader(next()).ReadResponse(&resp, "GET"); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("impl=fasthttp", func(b *testing.B) {
		var h fasthttp.ResponseHeader
		if err := h.Read(next()); err != nil || h.StatusCode() != 200 || h.Len() != 17 {
			b.Fatalf("fasthttp: status %d, %d fields, err %v; want 200, 17 fields", h.StatusCode(), h.Len(), err)
		}
		b.SetBytes(int64(len(head)))
		b.ReportAllocs()
		for b.Loop() {
			if err := h.Read(next()); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("impl=nethttp", func(b *testing.B) {
		resp, err := http.ReadResponse(next(), nil)
		if err != nil || resp.StatusCode != 200 || len(resp.Header) != 17 {
			b.Fatalf("net/http: %v", err)
		}
		b.SetBytes(int64(len(head)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := http.ReadResponse(next(), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// chunkedResponse is a response carrying 1 MiB of data in chunks of size
// chunk.
func chunkedResponse(chunk int) []byte {
	const size = 1 << 20
	data := bytes.Repeat([]byte("0123456789abcdef"), chunk/16)
	var w bytes.Buffer
	w.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
	for range size / chunk {
		fmt.Fprintf(&w, "%x\r\n", chunk)
		w.Write(data)
		w.WriteString("\r\n")
	}
	w.WriteString("0\r\n\r\n")
	return w.Bytes()
}

// drain reads r to the end with buf and returns how many bytes it gave.
func drain(r io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// BenchmarkChunked decodes a 1 MiB chunked body (head included) through a
// 32 KiB bufio.Reader into a 32 KiB buffer.
func BenchmarkChunked(b *testing.B) {
	for _, chunk := range []int{1 << 10, 16 << 10} {
		msg := chunkedResponse(chunk)
		rd := bytes.NewReader(msg)
		br := bufio.NewReaderSize(rd, 32<<10)
		buf := make([]byte, 32<<10)
		next := func() *bufio.Reader {
			rd.Reset(msg)
			br.Reset(rd)
			return br
		}
		name := fmt.Sprintf("chunk=%dk", chunk>>10)

		b.Run(name+"/impl=rawhttp", func(b *testing.B) {
			defer stubbed(b)
			var resp rawhttp.Response
			b.SetBytes(1 << 20)
			b.ReportAllocs()
			for b.Loop() {
				r := rawhttp.NewReader(next())
				if _, err := r.ReadResponse(&resp, "GET"); err != nil {
					b.Fatal(err)
				}
				if n, err := drain(r.Body(&resp), buf); err != nil || n != 1<<20 {
					b.Fatalf("rawhttp: %d body bytes, err %v", n, err)
				}
			}
		})

		b.Run(name+"/impl=nethttp", func(b *testing.B) {
			b.SetBytes(1 << 20)
			b.ReportAllocs()
			for b.Loop() {
				resp, err := http.ReadResponse(next(), nil)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := drain(resp.Body, buf); err != nil || n != 1<<20 {
					b.Fatalf("net/http: %d body bytes, err %v", n, err)
				}
			}
		})
	}
}
