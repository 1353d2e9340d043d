package rawhttp

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"
)

// The benchmarks run our parser and net/http.ReadResponse on the same
// bytes: a CDN response head (611 bytes, 13 fields) with a 45-byte body,
// and a 1 MiB chunked body in 16 KiB or 1 KiB chunks. Both read through a
// bufio.Reader of the default size, reset for each response, and read the
// body to the end with io.Copy to io.Discard. Compare them with
//
//	go test -run '^$' -bench . -benchmem -count 6 ./rawhttp/ > bench.txt
//	benchstat -col /impl bench.txt

func BenchmarkHead(b *testing.B) {
	data := readFixture(b, "cdn")
	rd := bytes.NewReader(data)
	br := bufio.NewReader(rd)

	b.Run("impl=rawhttp", func(b *testing.B) {
		r := NewReader(br)
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			rd.Reset(data)
			br.Reset(rd)
			r.Reset(br)
			resp, err := r.ReadResponse(nil, "GET")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r.Body(resp)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=net-http", func(b *testing.B) {
		req := &http.Request{Method: "GET"}
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			rd.Reset(data)
			br.Reset(rd)
			resp, err := http.ReadResponse(br, req)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
}

// BenchmarkHeadReused is BenchmarkHead with one Response reused, as a
// caller reading response after response on one connection would: no
// allocation (the head is copied over the previous one's bytes).
func BenchmarkHeadReused(b *testing.B) { benchHeadReused(b, nil) }

// BenchmarkHeadObserved is BenchmarkHeadReused with an Observe hook, as
// the teaching view runs.
func BenchmarkHeadObserved(b *testing.B) {
	n := 0
	benchHeadReused(b, func(Event) { n++ })
}

// benchHeadReused parses the CDN fixture again and again with one Reader
// and one Response, observed by observe when it is not nil.
func benchHeadReused(b *testing.B, observe func(Event)) {
	data := readFixture(b, "cdn")
	rd := bytes.NewReader(data)
	br := bufio.NewReader(rd)

	b.Run("impl=rawhttp", func(b *testing.B) {
		r := NewReader(br)
		r.Observe = observe
		var resp Response
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			rd.Reset(data)
			br.Reset(rd)
			r.Reset(br)
			if _, err := r.ReadResponse(&resp, "GET"); err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r.Body(&resp)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// chunkedMessage returns a response with a chunked body of total bytes in
// chunks of size bytes.
func chunkedMessage(total, size int) []byte {
	msg := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	for left := total; left > 0; left -= size {
		n := min(size, left)
		msg = strconv.AppendInt(msg, int64(n), 16)
		msg = append(msg, "\r\n"...)
		msg = append(msg, chunk[:n]...)
		msg = append(msg, "\r\n"...)
	}
	return append(msg, "0\r\n\r\n"...)
}

func BenchmarkChunked(b *testing.B) {
	const total = 1 << 20
	for _, size := range []int{16 << 10, 1 << 10} {
		data := chunkedMessage(total, size)
		rd := bytes.NewReader(data)
		br := bufio.NewReader(rd)
		name := "chunk=" + strconv.Itoa(size>>10) + "KiB"
		b.Run(name+"/impl=rawhttp", func(b *testing.B) {
			r := NewReader(br)
			var resp Response
			b.ReportAllocs()
			b.SetBytes(total)
			for b.Loop() {
				rd.Reset(data)
				br.Reset(rd)
				r.Reset(br)
				if _, err := r.ReadResponse(&resp, "GET"); err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, r.Body(&resp)); err != nil || n != total {
					b.Fatal(n, err)
				}
			}
		})
		b.Run(name+"/impl=net-http", func(b *testing.B) {
			req := &http.Request{Method: "GET"}
			b.ReportAllocs()
			b.SetBytes(total)
			for b.Loop() {
				rd.Reset(data)
				br.Reset(rd)
				resp, err := http.ReadResponse(br, req)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, resp.Body); err != nil || n != total {
					b.Fatal(n, err)
				}
				resp.Body.Close()
			}
		})
	}
}
