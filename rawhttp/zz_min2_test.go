package rawhttp

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestZZChunkMin(t *testing.T) {
	for _, size := range []int{1 << 10, 16 << 10} {
		data := chunkedMessage(1<<20, size)
		rd := bytes.NewReader(data)
		br := bufio.NewReader(rd)
		r := NewReader(br)
		var resp Response
		ours := func() {
			rd.Reset(data)
			br.Reset(rd)
			r.Reset(br)
			r.ReadResponse(&resp, "GET")
			io.Copy(io.Discard, r.Body(&resp))
		}
		req := &http.Request{Method: "GET"}
		theirs := func() {
			rd.Reset(data)
			br.Reset(rd)
			resp, _ := http.ReadResponse(br, req)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		min := func(f func()) time.Duration {
			best := time.Hour
			for range 3 {
				t0 := time.Now()
				for range 50 {
					f()
				}
				if d := time.Since(t0) / 50; d < best {
					best = d
				}
			}
			return best
		}
		a, b := time.Hour, time.Hour
		for range 30 {
			a = min2(a, min(ours))
			b = min2(b, min(theirs))
		}
		t.Logf("chunk %d: ours %v  net/http %v  ratio %.2f", size, a, b, float64(b)/float64(a))
	}
}

func min2(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}
