package explain

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/testenv"
	"sockfetch/rawhttp"
)

// traceAll runs a Trace over evs.
func traceAll(t *testing.T, evs []fetchtrace.Event, ascii, withTime bool) []byte {
	t.Helper()
	var b bytes.Buffer
	tr := NewTrace(&b, ascii, withTime)
	tr.now = func() time.Time { return time.Date(2026, 11, 25, 14, 3, 7, 123456789, time.Local) }
	for _, e := range evs {
		tr.Observe(e)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTraceGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		evs  func() []fetchtrace.Event
	}{
		{"socks5", socksFetch},
		{"tls", tlsFetch},
		{"interim-1xx", interimFetch},
		{"tor-onion-error", onionFetch},
	} {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, "trace-ascii-"+tt.name+".golden", traceAll(t, tt.evs(), true, false))
			golden(t, "trace-"+tt.name+".golden", traceAll(t, tt.evs(), false, true))
		})
	}
}

// TestDump checks the row layout of curl's dump, corner cases included: a
// CR LF that falls on a row's end, a lone CR, bytes outside ASCII.
func TestDump(t *testing.T) {
	tests := []struct {
		ascii bool
		in    string
		want  string
	}{
		{true, "ab\r\ncd\r\n", "0000: ab\n0004: cd\n"},
		{true, "\r\n", "0000: \n"},
		{true, "a\rb\x00\xff", "0000: a.b..\n"},
		{true, "~\x7f\x1b[2J", "0000: ~..[2J\n"}, // DEL is not printable: curl writes '.'
		{false, "\x7f", "0000: 7f                                              .\n"},
		{true, strings.Repeat("x", 64) + "\r\ny", "0000: " + strings.Repeat("x", 64) + "\n0042: y\n"},
		{true, strings.Repeat("x", 63) + "\r\ny", "0000: " + strings.Repeat("x", 63) + "\n0041: y\n"},
		{true, strings.Repeat("x", 70), "0000: " + strings.Repeat("x", 64) + "\n0040: xxxxxx\n"},
		{false, "GET / HTTP/1.1\r\n\r\n",
			"0000: 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a GET / HTTP/1.1..\n" +
				"0010: 0d 0a                                           ..\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		tr := NewTrace(&b, tt.ascii, false)
		tr.dump("=> Send data", []byte(tt.in))
		tr.Close()
		want := fmt.Sprintf("=> Send data, %d bytes (0x%x)\n", len(tt.in), len(tt.in)) + tt.want
		if got := b.String(); got != want {
			t.Errorf("dump(%q, ascii=%v):\n got %q\nwant %q", tt.in, tt.ascii, got, want)
		}
	}
}

// oneShot serves one connection: it reads the request head, answers with
// resp in one write, closes, and hands back the request bytes.
func oneShot(t *testing.T, resp string) (addr string, req <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			ch <- nil
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		var got []byte
		for !bytes.HasSuffix(got, []byte("\r\n\r\n")) {
			line, err := br.ReadBytes('\n')
			got = append(got, line...)
			if err != nil {
				break
			}
		}
		ch <- got
		c.Write([]byte(resp))
	}()
	return ln.Addr().String(), ch
}

// curlTrace fetches from a one-shot server with curl and returns curl's
// trace, and the events a fetch of the same exchange emits.
func curlTrace(t *testing.T, curl, flag, resp string) ([]byte, []fetchtrace.Event) {
	t.Helper()
	addr, reqc := oneShot(t, resp)
	url := "http://" + addr + "/"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, curl, "-s", flag, "-", "-o", "/dev/null", url).Output()
	if err != nil {
		t.Fatalf("curl: %v", err)
	}
	req := <-reqc

	// The same exchange as fetch reports it.
	var s stream
	s.start(url)
	s.resolve(0, "127.0.0.1", "127.0.0.1")
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvDial, Network: "tcp", Addr: addr})
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvConnect, Local: tcpAddr("127.0.0.1:50000"), Peer: tcpAddr(addr)})
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvRequest, Bytes: req, Size: int64(len(req))})
	rest := resp
	for {
		i := strings.Index(rest, "\r\n\r\n")
		head := rest[:i+4]
		rest = rest[i+4:]
		status, _ := strconv.Atoi(head[len("HTTP/1.1 "):len("HTTP/1.1 200")])
		s.add(0, fetchtrace.Event{Kind: fetchtrace.EvRecvHead, Bytes: []byte(head), Status: status})
		if !strings.HasPrefix(head, "HTTP/1.1 1") {
			break
		}
	}
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvHTTP, HTTP: &rawhttp.Event{Kind: rawhttp.EvFraming}})
	if rest != "" {
		s.add(0, fetchtrace.Event{Kind: fetchtrace.EvRecvData, Bytes: []byte(rest)})
	}
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvBodyEnd, Size: int64(len(rest)), Framing: rawhttp.Framing{Kind: rawhttp.UntilClose}})
	return out, s.done(nil)
}

// split separates records from the "== Info:" lines.
func split(trace []byte) (records, infos []string) {
	for _, ln := range strings.SplitAfter(string(trace), "\n") {
		if ln == "" {
			continue
		}
		if strings.HasPrefix(stripTime(ln), "== Info: ") {
			infos = append(infos, stripTime(ln))
		} else {
			records = append(records, stripTime(ln))
		}
	}
	return records, infos
}

var timePrefix = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} `)

func stripTime(ln string) string { return timePrefix.ReplaceAllString(ln, "") }

// TestTraceLikeCurl compares the trace with curl's own, record for record
// and row for row, over the same bytes: the request curl sent and the
// response a server gave it. Only Info lines may differ: curl writes some
// that sockfetch does not; every Info line sockfetch writes for a plain
// fetch must be one curl writes too.
func TestTraceLikeCurl(t *testing.T) {
	curl := testenv.RequireTool(t, "curl")
	responses := map[string]string{
		"length": "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n",
		"chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
			"5\r\nhello\r\n1a\r\n" + strings.Repeat("z", 26) + "\r\n0\r\nX-Sum: 1\r\n\r\n",
		"interim": "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" +
			"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
		"long-lines": "HTTP/1.1 200 OK\r\nX-Long: " + strings.Repeat("0123456789", 15) + "\r\nContent-Length: 80\r\nConnection: close\r\n\r\n" +
			strings.Repeat("binary\x00\x01\xfe\xff", 8),
		"control-bytes": "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\n~\x7f\x1b[2J\x80\x9b",
	}
	for name, resp := range responses {
		for _, flag := range []string{"--trace-ascii", "--trace"} {
			t.Run(name+flag, func(t *testing.T) {
				want, evs := curlTrace(t, curl, flag, resp)
				got := traceAll(t, evs, flag == "--trace-ascii", false)
				gr, gi := split(got)
				wr, wi := split(want)
				if strings.Join(gr, "") != strings.Join(wr, "") {
					for i := 0; i < len(gr) || i < len(wr); i++ {
						var g, w string
						if i < len(gr) {
							g = gr[i]
						}
						if i < len(wr) {
							w = wr[i]
						}
						if g != w {
							t.Fatalf("record line %d:\n got %q\nwant %q\n\ncurl's trace:\n%s\nours:\n%s", i+1, g, w, want, got)
						}
					}
				}
				// Our Info lines, in order, among curl's.
				j := 0
				for _, g := range gi {
					for j < len(wi) && wi[j] != g {
						j++
					}
					if j == len(wi) {
						t.Errorf("Info line curl does not write: %q\ncurl's:\n%s", g, strings.Join(wi, ""))
						break
					}
				}
			})
		}
	}
}

// TestTraceTimeLikeCurl checks the --trace-time layout against curl's: the
// time before each record and Info line, none before dump rows.
func TestTraceTimeLikeCurl(t *testing.T) {
	curl := testenv.RequireTool(t, "curl")
	addr, _ := oneShot(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	out, err := exec.Command(curl, "-s", "--trace-time", "--trace-ascii", "-", "-o", "/dev/null", "http://"+addr+"/").Output()
	if err != nil {
		t.Fatal(err)
	}
	check := func(who string, trace []byte) {
		for _, ln := range strings.Split(strings.TrimSpace(string(trace)), "\n") {
			rest := stripTime(ln)
			rec := strings.HasPrefix(rest, "== Info: ") || strings.HasPrefix(rest, "=> ") || strings.HasPrefix(rest, "<= ")
			if rec != (rest != ln) {
				t.Errorf("%s: time prefix on a dump row or missing on a record: %q", who, ln)
			}
		}
	}
	check("curl", out)
	ours := traceAll(t, directFetch(), true, true)
	check("sockfetch", ours)
	if !strings.HasPrefix(string(ours), "14:03:07.123456 ") {
		t.Errorf("time prefix: got %q", strings.SplitN(string(ours), "\n", 2)[0])
	}
}

func BenchmarkTraceHex(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef\r\n"), 2000)
	tr := NewTrace(io.Discard, false, false)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		tr.Observe(fetchtrace.Event{Kind: fetchtrace.EvRecvData, Bytes: data})
	}
}

func BenchmarkTraceASCII(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef\r\n"), 2000)
	tr := NewTrace(io.Discard, true, false)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		tr.Observe(fetchtrace.Event{Kind: fetchtrace.EvRecvData, Bytes: data})
	}
}
