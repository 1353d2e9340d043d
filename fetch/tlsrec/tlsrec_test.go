package tlsrec

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"reflect"
	"sync"
	"testing"
	"time"
)

// tap records the bytes written each way through a connection.
type tap struct {
	net.Conn
	mu         sync.Mutex
	sent, recv []byte
}

func (t *tap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.mu.Lock()
	t.recv = append(t.recv, p[:n]...)
	t.mu.Unlock()
	return n, err
}

func (t *tap) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.sent = append(t.sent, p...)
	t.mu.Unlock()
	return t.Conn.Write(p)
}

// handshake runs a real crypto/tls handshake with max as the highest
// version, and one message of application data each way, and returns the
// client's bytes sent and received.
func handshake(t *testing.T, max uint16) (sent, recv []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "example.test"},
		DNSNames: []string{"example.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cc, sc := net.Pipe()
	tp := &tap{Conn: cc}
	srv := tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		NextProtos: []string{"http/1.1"}, MaxVersion: max})
	go func() {
		defer sc.Close()
		buf := make([]byte, 5)
		if _, err := io.ReadFull(srv, buf); err == nil {
			srv.Write([]byte("world"))
		}
		srv.Close()
	}()
	cl := tls.Client(tp, &tls.Config{ServerName: "example.test", InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err := cl.Handshake(); err != nil {
		t.Fatal(err)
	}
	cl.Write([]byte("hello"))
	io.ReadAll(cl)
	cl.Close()
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.sent, tp.recv
}

func scan(b []byte, piece int) []Record {
	var s Scanner
	var out []Record
	for len(b) > 0 {
		n := min(piece, len(b))
		s.Write(b[:n], func(r Record) { out = append(out, r) })
		b = b[n:]
	}
	return out
}

// TestRealHandshake reads the records of real TLS 1.3 and 1.2 handshakes,
// whole and one byte at a time, and checks the hellos' fields.
func TestRealHandshake(t *testing.T) {
	for _, tt := range []struct {
		name    string
		max     uint16
		version uint16 // chosen, as the ServerHello says it
	}{
		{"TLS 1.3", tls.VersionTLS13, tls.VersionTLS13},
		{"TLS 1.2", tls.VersionTLS12, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sent, recv := handshake(t, tt.max)
			cs, ss := scan(sent, len(sent)), scan(recv, len(recv))
			if !reflect.DeepEqual(cs, scan(sent, 1)) || !reflect.DeepEqual(ss, scan(recv, 1)) {
				t.Error("records differ when fed one byte at a time")
			}
			total := 0
			for _, r := range cs {
				total += HeaderLen + r.Length
			}
			if total != len(sent) {
				t.Errorf("records cover %d of %d bytes sent", total, len(sent))
			}
			ch, sh := cs[0].Hello, ss[0].Hello
			if cs[0].Type != Handshake || ch == nil || !ch.Client {
				t.Fatalf("first record sent %+v", cs[0])
			}
			if ch.SNI != "example.test" || !reflect.DeepEqual(ch.ALPN, []string{"http/1.1"}) || len(ch.CipherSuites) < 2 {
				t.Errorf("ClientHello %+v", ch)
			}
			if ch.Versions[0] != tls.VersionTLS13 {
				t.Errorf("offered versions %x", ch.Versions)
			}
			if ss[0].Type != Handshake || sh == nil || sh.Client || len(sh.CipherSuites) != 1 {
				t.Fatalf("first record received %+v", ss[0])
			}
			if tt.version != 0 && !reflect.DeepEqual(sh.Versions, []uint16{tt.version}) {
				t.Errorf("ServerHello versions %x, want %x", sh.Versions, tt.version)
			}
			if tt.version == 0 && (sh.Version != tls.VersionTLS12 || len(sh.Versions) != 0) {
				t.Errorf("TLS 1.2 ServerHello %+v", sh)
			}
			var last Record
			for _, r := range ss {
				if r.Hello != nil && r != ss[0] {
					t.Errorf("a second hello in %+v", r)
				}
				last = r
			}
			if last.Type != ApplicationData && last.Type != Alert {
				t.Errorf("last record received %+v", last)
			}
		})
	}
}

func TestScannerRejects(t *testing.T) {
	for name, b := range map[string][]byte{
		"http":        []byte("HTTP/1.1 200 OK\r\n"),
		"bad version": {22, 2, 0, 0, 1, 0},
		"too long":    {23, 3, 3, 0xff, 0xff},
	} {
		rs := scan(b, len(b))
		if len(rs) != 1 || rs[0].Err != ErrNotTLS {
			t.Errorf("%s: %+v", name, rs)
		}
	}
	// An empty record is a record.
	if rs := scan([]byte{23, 3, 3, 0, 0}, 5); len(rs) != 1 || rs[0].Err != nil || rs[0].Length != 0 {
		t.Errorf("empty record: %+v", rs)
	}
}

func TestContentTypeString(t *testing.T) {
	if Handshake.String() != "handshake" || ContentType(99).String() != "type 99" {
		t.Error(Handshake.String(), ContentType(99).String())
	}
}

// FuzzScanner feeds any bytes, whole and in pieces: no panic, the same
// records either way, never more bytes in records than were fed, and a
// hello only in a handshake record.
func FuzzScanner(f *testing.F) {
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0}, uint8(1))
	f.Add([]byte{22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3, 23, 3, 3, 0, 0}, uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, piece uint8) {
		whole := scan(b, len(b)+1)
		parts := scan(b, int(piece)+1)
		if !reflect.DeepEqual(whole, parts) {
			t.Fatalf("whole %+v, in pieces of %d %+v", whole, piece+1, parts)
		}
		n := 0
		for _, r := range whole {
			if r.Err == nil {
				n += HeaderLen + r.Length
			}
			if r.Hello != nil && r.Type != Handshake {
				t.Fatalf("hello in %+v", r)
			}
		}
		if n > len(b) {
			t.Fatalf("records of %d bytes from %d", n, len(b))
		}
		ParseHello(b)
	})
}
