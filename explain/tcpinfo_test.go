package explain

import (
	"bytes"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
)

// TestExplainTCPReads fetches a body of 1 MiB that the server writes in
// pieces, and checks that the TCP section counts every byte of the
// response in its reads, gives the kernel's figures (on Linux), and says
// that one recv(4096) would have cut the page.
func TestExplainTCPReads(t *testing.T) {
	const size = 1 << 20
	body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	head := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n"
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
				buf := make([]byte, 4096)
				c.Read(buf)
				c.Write([]byte(head))
				for i := 0; i < size; i += 64 << 10 {
					c.Write(body[i : i+64<<10])
				}
			}()
		}
	}()
	url := "http://" + ln.Addr().String() + "/big"
	var out bytes.Buffer
	var info *fetchtrace.TCPInfo
	v := New(&out, Options{Width: 200})
	got, err := fetchWith(t, fetch.Request{URL: url}, func(e fetchtrace.Event) {
		if e.Kind == fetchtrace.EvTCPInfo {
			ti := *e.TCP
			info = &ti
		}
		v.Observe(e)
	})
	if err != nil {
		t.Fatal(err)
	}
	v.Finish()
	if !bytes.Equal(got, body) {
		t.Fatalf("body of %d bytes, want %d", len(got), len(body))
	}
	plain, _ := fetchWith(t, fetch.Request{URL: url}, nil)
	if !bytes.Equal(plain, body) {
		t.Fatalf("unwatched body of %d bytes, want %d", len(plain), len(body))
	}
	if info == nil {
		t.Fatal("no EvTCPInfo")
	}
	total := int64(len(head) + size)
	if info.Reads.Bytes != total {
		t.Errorf("reads counted %d bytes, want %d", info.Reads.Bytes, total)
	}
	if info.Reads.Count < 2 || info.Reads.First >= total {
		t.Errorf("reads %+v: the response cannot come in one read", info.Reads)
	}
	s := out.String()
	order := []string{"TCP connection", "HTTP request", "HTTP response", "TCP: what the kernel saw", "totals", "waterfall"}
	at := 0
	for _, h := range order {
		i := strings.Index(s[at:], h)
		if i < 0 {
			t.Fatalf("section %q missing or out of order in\n%s", h, s)
		}
		at += i
	}
	want := regexp.MustCompile(`the first read returned [0-9,]+ of ` + grouped(total) + ` bytes: a single recv\(4096\), as in the proof of concept, would have`)
	if !want.MatchString(s) {
		t.Errorf("no recv(4096) comparison in\n%s", s)
	}
	if !strings.Contains(s, "reads        "+strconv.FormatInt(info.Reads.Count, 10)+" reads got the "+grouped(total)+" bytes of the response: ") {
		t.Errorf("no reads line in\n%s", s)
	}
	if tcpInfoAvailable {
		if !info.Available || info.SegsIn == 0 || info.SegsOut == 0 || info.SndMSS == 0 {
			t.Errorf("TCP_INFO %+v", info)
		}
		for _, w := range []string{"round trip   ", "MSS          ", "segments     ", "retransmits  "} {
			if !strings.Contains(s, w) {
				t.Errorf("missing %q in\n%s", w, s)
			}
		}
	} else if info.Available || !strings.Contains(s, "not available on this system") {
		t.Errorf("TCP_INFO %+v, view\n%s", info, s)
	}
}

func TestGrouped(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1048857: "1,048,857", -4096: "-4,096"} {
		if got := grouped(n); got != want {
			t.Errorf("grouped(%d) = %q, want %q", n, got, want)
		}
	}
}
