package explain

import (
	"bytes"
	"strings"
	"testing"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/fetch/tlsrec"
)

// FuzzDNSView feeds any bytes to --explain and --trace as a DNS message
// sent and received: no panic, and no raw control byte but the line ends
// in what they write.
func FuzzDNSView(f *testing.F) {
	f.Add([]byte("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04site\x04test\x00\x00\x01\x00\x01"))
	f.Add([]byte("\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x04site\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01"))
	f.Add([]byte("\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03\x1b[1\x00\x00\x01\x00\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var out, tr bytes.Buffer
		v := New(&out, Options{})
		trace := NewTrace(&tr, true, false)
		for _, send := range []bool{true, false} {
			e := fetchtrace.Event{Kind: fetchtrace.EvDNS, Host: "site.test", DNS: &fetchtrace.DNSMsg{Send: send, Network: "udp", Server: "127.0.0.1:53", Local: "127.0.0.1:5353", Bytes: b, Host: "site.test"}}
			v.Observe(e)
			trace.Observe(e)
		}
		v.Finish()
		trace.Close()
		for name, s := range map[string]string{"--explain": out.String(), "--trace-ascii": tr.String()} {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
				t.Fatalf("%s wrote a raw control byte:\n%q", name, s)
			}
		}
	})
}

// FuzzTLSRecordView reads any bytes as TLS records received (tlsrec) and
// feeds them to --explain and --trace: no panic, and no raw control byte
// from a hello's names.
func FuzzTLSRecordView(f *testing.F) {
	f.Add([]byte("\x16\x03\x01\x00\x30\x01\x00\x00\x2c\x03\x03" + strings.Repeat("r", 32) + "\x00\x00\x02\x13\x01\x01\x00\x00\x0e\x00\x00\x00\x0a\x00\x08\x00\x00\x05\x1b]0;x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var out, tr bytes.Buffer
		v := New(&out, Options{})
		trace := NewTrace(&tr, false, false)
		for _, send := range []bool{true, false} {
			var s tlsrec.Scanner
			s.Write(b, func(r tlsrec.Record) {
				e := fetchtrace.Event{Kind: fetchtrace.EvTLSRecord, Record: &fetchtrace.TLSRecord{Header: r.Header, Send: send, Hello: r.Hello, Err: r.Err}}
				v.Observe(e)
				trace.Observe(e)
			})
		}
		v.Finish()
		trace.Close()
		for name, s := range map[string]string{"--explain": out.String(), "--trace": tr.String()} {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
				t.Fatalf("%s wrote a raw control byte:\n%q", name, s)
			}
		}
	})
}
