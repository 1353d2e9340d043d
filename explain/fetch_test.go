package explain

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sockfetch/fetch"
	"sockfetch/internal/testenv"
	"sockfetch/rawhttp"
)

// serve answers every connection on a loopback port with answer(request
// head) in one write, then closes it. It returns the port.
func serve(t *testing.T, answer func(req string) string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				var req strings.Builder
				for !strings.HasSuffix(req.String(), "\r\n\r\n") {
					line, err := br.ReadString('\n')
					req.WriteString(line)
					if err != nil {
						return
					}
				}
				c.Write([]byte(answer(req.String())))
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// chunkedAnswer is a chunked body of twelve chunks with a trailer.
func chunkedAnswer() string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 14:00:00 GMT\r\nServer: test\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\nTrailer: X-Lines\r\n\r\n")
	for i := 1; i <= 12; i++ {
		line := fmt.Sprintf("line %d\n", i)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(line), line)
	}
	b.WriteString("0\r\nX-Lines: 12\r\n\r\n")
	return b.String()
}

func routes(req string) string {
	switch {
	case strings.HasPrefix(req, "GET /old "):
		return "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"
	case strings.HasPrefix(req, "GET /chunked "):
		return chunkedAnswer()
	case strings.HasPrefix(req, "GET /hostile "):
		return "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc"
	}
	return "HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 14:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"
}

// startMicrosocks runs Debian's microsocks on a free loopback port.
func startMicrosocks(t *testing.T) string {
	t.Helper()
	bin := testenv.RequireTool(t, "microsocks")
	for try := 0; try < 5; try++ {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(testenv.FreePort(t)))
		host, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(bin, "-i", host, "-p", port)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start microsocks: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		for {
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				t.Cleanup(func() { cmd.Process.Kill(); <-exited })
				return addr
			}
			select {
			case <-exited:
			case <-time.After(10 * time.Millisecond):
				continue
			}
			break
		}
	}
	t.Fatal("microsocks did not start")
	return ""
}

// fetchWith runs a real fetch of req with obs watching (nil: nobody) and
// returns the body written.
func fetchWith(t *testing.T, req fetch.Request, obs func(fetch.Event)) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req.Observe = obs
	var body bytes.Buffer
	_, err := fetch.Fetch(ctx, &req, fetch.Output{Body: &body})
	return body.Bytes(), err
}

// TestExplainRealFetch runs --explain over real fetches against a loopback
// server (and microsocks), compares with golden files (masked), and checks
// that watching a fetch changes nothing in its body.
func TestExplainRealFetch(t *testing.T) {
	port := serve(t, routes)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	tests := []struct {
		name    string
		path    string
		socks   bool
		follow  bool
		wantErr bool
	}{
		{"direct", "/", false, false, false},
		{"redirect", "/old", false, true, false},
		{"hostile", "/hostile", false, false, true},
		{"microsocks-chunked", "/chunked", true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := fetch.Request{URL: base + tt.path, UserAgent: "sockfetch/test", Follow: tt.follow, MaxRedirects: fetch.DefaultMaxRedirects}
			if tt.socks {
				req.Dialer = &fetch.Dialer{Proxy: &fetch.ProxySettings{Flag: "socks5h://" + startMicrosocks(t)}}
			}
			var out, trace bytes.Buffer
			v := New(&out, Options{Mask: true})
			tr := NewTrace(&trace, true, false)
			watched, err := fetchWith(t, req, func(e fetch.Event) { v.Observe(e); tr.Observe(e) })
			v.Finish()
			tr.Close()
			if (err != nil) != tt.wantErr {
				t.Fatalf("fetch error %v, want error %v", err, tt.wantErr)
			}
			plain, _ := fetchWith(t, req, nil)
			if !bytes.Equal(watched, plain) {
				t.Errorf("the body differs when watched:\n%q\n%q", watched, plain)
			}
			golden(t, "fetch-"+tt.name+".golden", out.Bytes())
			if testing.Verbose() {
				var full bytes.Buffer
				v := New(&full, Options{})
				fetchWith(t, req, v.Observe)
				v.Finish()
				t.Logf("--explain, unmasked:\n%s", full.String())
			}
		})
	}
}

// TestTraceRealFetchLikeCurl fetches the same URL with curl --trace-ascii
// and with sockfetch sending the same request bytes, and compares the
// traces record for record and row for row.
func TestTraceRealFetchLikeCurl(t *testing.T) {
	curl := testenv.RequireTool(t, "curl")
	ver, err := exec.Command(curl, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	ua := "curl/" + strings.Fields(string(ver))[1]
	port := serve(t, func(req string) string {
		if strings.HasPrefix(req, "GET /chunked ") {
			return chunkedAnswer()
		}
		return routes(req)
	})
	for _, path := range []string{"/", "/chunked"} {
		for _, flag := range []string{"--trace-ascii", "--trace"} {
			t.Run(path+flag, func(t *testing.T) {
				url := "http://127.0.0.1:" + strconv.Itoa(port) + path
				want, err := exec.Command(curl, "-s", flag, "-", "-o", "/dev/null", url).Output()
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				tr := NewTrace(&got, flag == "--trace-ascii", false)
				// curl's request: no Connection field.
				req := fetch.Request{URL: url, UserAgent: ua, Fields: []rawhttp.Field{{Name: "Connection", Value: ""}}}
				if _, err := fetchWith(t, req, tr.Observe); err != nil {
					t.Fatal(err)
				}
				tr.Close()
				gr, _ := split(got.Bytes())
				wr, _ := split(want)
				if strings.Join(gr, "") != strings.Join(wr, "") {
					t.Errorf("records differ\ncurl:\n%s\nsockfetch:\n%s", want, got.String())
				}
			})
		}
	}
}
