package fetch

import (
	"crypto/tls"
	"net"
	"slices"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/fetch/tlsrec"
)

// tlsWatch sits under crypto/tls when a fetch is observed: it passes every
// byte through unchanged and reports each TLS record's header (and the
// hellos' readable fields) as it crosses, in either direction.
type tlsWatch struct {
	net.Conn
	f          *fetcher
	send, recv tlsrec.Scanner
	onSend     func(tlsrec.Record)
	onRecv     func(tlsrec.Record)

	tls13           bool // the ServerHello chose TLS 1.3: every later record is encrypted
	retry           bool // a HelloRetryRequest came: TLS 1.3, whose ServerHello follows
	sentCCS, gotCCS bool // a change_cipher_spec went that way: under TLS 1.2 what follows is encrypted
}

func newTLSWatch(c net.Conn, f *fetcher) *tlsWatch {
	w := &tlsWatch{Conn: c, f: f}
	w.onSend = func(r tlsrec.Record) { w.record(r, true) }
	w.onRecv = func(r tlsrec.Record) { w.record(r, false) }
	return w
}

func (w *tlsWatch) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.recv.Write(p[:n], w.onRecv)
	return n, err
}

func (w *tlsWatch) Write(p []byte) (int, error) {
	n, err := w.Conn.Write(p)
	w.send.Write(p[:n], w.onSend)
	return n, err
}

// record reports r, with whether its payload is encrypted.
func (w *tlsWatch) record(r tlsrec.Record, send bool) {
	enc := false
	switch {
	case r.Type == tlsrec.ChangeCipherSpec:
		if send {
			w.sentCCS = true
		} else {
			w.gotCCS = true
		}
	case w.tls13:
		enc = true
	case w.retry:
		// TLS 1.3 (a HelloRetryRequest): change_cipher_spec is a no-op,
		// encryption starts after the ServerHello.
	case send && w.sentCCS, !send && w.gotCCS:
		enc = true
	}
	switch h := r.Hello; {
	case h != nil && h.Retry:
		// The server asks for another ClientHello: both hellos again.
		w.retry = true
		w.send.ExpectHello()
		w.recv.ExpectHello()
	case h != nil && !h.Client && slices.Contains(h.Versions, tls.VersionTLS13):
		w.tls13 = true
	}
	w.f.emit(fetchtrace.Event{Kind: fetchtrace.EvTLSRecord, Record: &fetchtrace.TLSRecord{
		Header: r.Header, Send: send, Hello: r.Hello, Encrypted: enc, Err: r.Err,
	}})
}
