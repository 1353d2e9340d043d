package explain

import (
	"bytes"
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
)

// TestExplainBelowHTTPS fetches https://localhost over real TLS and
// compares --explain (masked) with a golden file: the TCP connect, the
// TLS records with the hellos' fields, the HTTP bytes, the framing, the
// TCP summary and the waterfall, in that order. The body is the same
// watched or not.
func TestExplainBelowHTTPS(t *testing.T) {
	caFile, cfg := testTLSNames(t, "localhost")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, func(string) string { return routes("GET / ") })
	port := ln.Addr().(*net.TCPAddr).Port
	req := fetch.Request{URL: "https://localhost:" + strconv.Itoa(port) + "/", CACert: caFile, UserAgent: "sockfetch/test", Dialer: &fetch.Dialer{Network: "tcp4"}}
	var out bytes.Buffer
	var records []fetchtrace.TLSRecord
	v := New(&out, Options{Mask: true})
	body, err := fetchWith(t, req, func(e fetchtrace.Event) {
		if e.Kind == fetchtrace.EvTLSRecord {
			records = append(records, *e.Record)
		}
		v.Observe(e)
	})
	if err != nil {
		t.Fatal(err)
	}
	v.Finish()
	plain, _ := fetchWith(t, req, nil)
	if string(body) != "hello\n" || !bytes.Equal(body, plain) {
		t.Errorf("body %q watched, %q not", body, plain)
	}
	if len(records) < 4 || records[0].Hello == nil || records[0].Hello.SNI != "localhost" || !records[0].Send {
		t.Fatalf("records %+v", records)
	}
	golden(t, "fetch-https-below.golden", out.Bytes())
	assertOrder(t, out.String(), "name resolution", "TCP connection", "→ record handshake: ClientHello",
		"← record handshake: ServerHello", "From here on (TLS 1.3", "HTTP request", "HTTP response",
		"end of body", "TCP: what the kernel saw", "waterfall")
}

// assertOrder checks that each of want is in s, after the one before it.
func assertOrder(t *testing.T, s string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order in\n%s", w, s)
		}
		at += i + len(w)
	}
}
