package explain

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// stream builds a realistic fetch event stream, as fetch emits it, with a
// fake clock. The response side runs through the real rawhttp parser.
type stream struct {
	evs        []fetchtrace.Event
	at         time.Duration
	tim        fetchtrace.Timings // of the current hop, cumulative from its start
	hop        time.Duration      // At of the current hop's start
	sum        fetchtrace.Timings // over finished hops, as fetch sums them
	sent, recv int64
	tlsOver    int64 // bytes TLS adds each way, for the wire totals
	bodySize   int64
}

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

// add appends e, step after the previous event.
func (s *stream) add(step time.Duration, e fetchtrace.Event) {
	s.at += step
	e.At = s.at
	s.evs = append(s.evs, e)
}

func (s *stream) since() time.Duration { return s.at - s.hop }

func (s *stream) start(url string) {
	s.hop = s.at
	s.tim = fetchtrace.Timings{}
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvStart, URL: url})
}

func tcpAddr(hp string) *net.TCPAddr {
	a, err := net.ResolveTCPAddr("tcp", hp)
	if err != nil {
		panic(err)
	}
	return a
}

func (s *stream) resolve(step time.Duration, host string, ips ...string) {
	var addrs []net.IP
	for _, ip := range ips {
		addrs = append(addrs, net.ParseIP(ip))
	}
	s.add(step, fetchtrace.Event{Kind: fetchtrace.EvResolve, Host: host, Addrs: addrs})
	s.tim.NameLookup = s.since()
}

func (s *stream) connect(step time.Duration, local, peer string, role fetchtrace.Role) {
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvDial, Role: role, Network: "tcp", Addr: peer})
	s.add(step, fetchtrace.Event{Kind: fetchtrace.EvConnect, Local: tcpAddr(local), Peer: tcpAddr(peer), Role: role})
	s.tim.Connect = s.since()
}

func (s *stream) socks(step time.Duration, send bool, b []byte, info string) {
	k := fetchtrace.EvSOCKSRecv
	if send {
		k = fetchtrace.EvSOCKSSend
	}
	s.add(step, fetchtrace.Event{Kind: k, Bytes: b, Info: info})
}

func (s *stream) request(step time.Duration, q rawhttp.Request) {
	wire, err := q.Append(nil)
	if err != nil {
		panic(err)
	}
	s.tim.PreTransfer = s.since()
	s.add(step, fetchtrace.Event{Kind: fetchtrace.EvRequest, Bytes: wire, Size: int64(len(wire) - len(q.Body))})
	s.sent += int64(len(wire)) + s.tlsOver
}

// response feeds raw through rawhttp as fetch does: parse events as they
// happen, each head's end as EvRecvHead with the head, then the body to
// its end, whose EvBodyEnd carries the parser's. It returns the parser's
// error, if any, already reported as fetch would report it.
func (s *stream) response(wait time.Duration, raw, method string) error {
	s.at += wait
	s.tim.StartTransfer = s.since()
	s.recv += int64(len(raw)) + s.tlsOver
	rd := rawhttp.NewReader(bufio.NewReader(strings.NewReader(raw)))
	var head []byte
	var bodyEnd *rawhttp.Event
	rd.Observe = func(e rawhttp.Event) {
		e.Raw = append([]byte(nil), e.Raw...)
		if e.Framing != nil {
			fr := *e.Framing
			e.Framing = &fr
		}
		switch e.Kind {
		case rawhttp.EvStatusLine:
			head = append([]byte(nil), e.Raw...)
		case rawhttp.EvField:
			head = append(head, e.Raw...)
		case rawhttp.EvInterimEnd, rawhttp.EvHeadEnd:
			head = append(head, e.Raw...)
			s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvRecvHead, Bytes: head, Status: e.Status, HTTP: &e})
			return
		case rawhttp.EvBodyEnd:
			bodyEnd = &e
			return
		}
		s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvHTTP, HTTP: &e})
	}
	resp, err := rd.ReadResponse(nil, method)
	if err != nil {
		return s.fail(err)
	}
	if n := rd.Offset(); n < int64(len(raw)) && resp.Framing.Kind != rawhttp.NoBody {
		s.add(0, fetchtrace.Event{Kind: fetchtrace.EvRecvData, Bytes: []byte(raw[n:])})
	}
	if resp.Framing.Kind == rawhttp.NoBody {
		s.add(0, fetchtrace.Event{Kind: fetchtrace.EvBodyEnd, Framing: resp.Framing})
		return nil
	}
	n, err := io.Copy(io.Discard, rd.Body(resp))
	if err != nil {
		if bodyEnd != nil {
			s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvHTTP, HTTP: bodyEnd})
		}
		return s.fail(err)
	}
	s.bodySize = n
	s.add(ms(0.21), fetchtrace.Event{Kind: fetchtrace.EvBodyEnd, Size: n, Framing: resp.Framing, HTTP: bodyEnd})
	return nil
}

// fail wraps a parser error as fetch does and returns it.
func (s *stream) fail(err error) error {
	var pe *rawhttp.ProtocolError
	if errors.As(err, &pe) {
		return &fetch.Error{Kind: fetch.ErrMalformed, Msg: pe.Msg, Hint: "the response breaks " + pe.Rule, Cause: err}
	}
	return err
}

// endHop closes a hop's timings.
func (s *stream) endHop() {
	t := s.tim
	t.Total = s.since()
	s.sum.NameLookup += t.NameLookup
	s.sum.Connect += t.Connect
	s.sum.ProxyConnect += t.ProxyConnect
	s.sum.AppConnect += t.AppConnect
	s.sum.PreTransfer += t.PreTransfer
	s.sum.StartTransfer += t.StartTransfer
	s.sum.Total += t.Total
}

// done ends the stream with EvDone.
func (s *stream) done(err error) []fetchtrace.Event {
	s.endHop()
	tim := s.sum
	var hint string
	if fe := (*fetch.Error)(nil); errors.As(err, &fe) {
		hint = fe.Hint
	}
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvDone, Timings: &tim, Sent: s.sent, Recv: s.recv, Size: s.bodySize, Err: err, Hint: hint})
	return s.evs
}

func get(host string) rawhttp.Request {
	return rawhttp.Request{Method: "GET", Target: "/", Host: host, UserAgent: "sockfetch/0.1"}
}

// The synthetic fetches of the golden tests.

func directFetch() []fetchtrace.Event {
	var s stream
	s.start("http://example.com/")
	s.resolve(ms(3.1), "example.com", "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
	s.connect(ms(11.4), "192.168.1.20:51514", "93.184.215.14:80", fetchtrace.ToTarget)
	s.request(ms(0.1), get("example.com"))
	s.response(ms(12.2), "HTTP/1.1 200 OK\r\n"+
		"Date: Wed, 25 Nov 2026 14:00:00 GMT\r\n"+
		"Server: ECS (nyd/D13E)\r\n"+
		"Content-Type: text/html; charset=UTF-8\r\n"+
		"Content-Length: 13\r\n"+
		"Cache-Control: max-age=604800\r\n"+
		"Connection: close\r\n"+
		"\r\n"+
		"<h1>hi</h1>\r\n", "GET")
	return s.done(nil)
}

// socksFetch is a fetch through microsocks with socks5h://: the handshake
// bytes are those x/net/proxy sends and microsocks answers.
func socksFetch() []fetchtrace.Event {
	var s stream
	s.start("http://example.com/")
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "proxy socks5h://127.0.0.1:1080 (from -x)"})
	s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvResolve, Host: "example.com", Remote: true})
	s.connect(ms(0.3), "127.0.0.1:40312", "127.0.0.1:1080", fetchtrace.ToProxy)
	s.socks(ms(0.05), true, []byte{0x05, 0x01, 0x00}, "version 5, 1 method offered: no authentication (00)")
	s.socks(ms(0.2), false, []byte{0x05, 0x00}, "version 5, method chosen: no authentication (00)")
	connect := append([]byte{0x05, 0x01, 0x00, 0x03, 11}, "example.com"...)
	connect = append(connect, 0x00, 0x50)
	s.socks(ms(0.05), true, connect, `version 5, CONNECT (01), address type domain name (03): "example.com" (11 bytes), port 80`)
	s.socks(ms(24.7), false, []byte{0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x9d, 0x5a},
		"version 5, reply 00: succeeded, bound address, type IPv4 (01): 127.0.0.1, port 40282")
	s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvSOCKSDone, Host: "example.com", Info: "tunnel open to example.com:80"})
	s.tim.ProxyConnect = s.since()
	s.request(ms(0.1), get("example.com"))
	s.response(ms(13.5), "HTTP/1.1 200 OK\r\n"+
		"Content-Type: text/plain\r\n"+
		"Content-Length: 6\r\n"+
		"\r\n"+
		"hello\n", "GET")
	return s.done(nil)
}

// authFetch logs in to the proxy with a username and a password.
func authFetch() []fetchtrace.Event {
	var s stream
	s.start("http://10.0.0.5:8080/")
	s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvResolve, Host: "10.0.0.5", Addrs: []net.IP{net.ParseIP("10.0.0.5")}})
	s.tim.NameLookup = s.since()
	s.connect(ms(0.3), "127.0.0.1:40312", "127.0.0.1:1080", fetchtrace.ToProxy)
	s.socks(ms(0.05), true, []byte{0x05, 0x02, 0x00, 0x02}, "version 5, 2 methods offered: no authentication (00), username/password (02)")
	s.socks(ms(0.2), false, []byte{0x05, 0x02}, "version 5, method chosen: username/password (02)")
	auth := append([]byte{0x01, 5}, "alice"...)
	auth = append(auth, 6)
	auth = append(auth, "******"...)
	s.socks(ms(0.05), true, auth, `username/password version 1, username "alice" (5 bytes), password masked (6 bytes)`)
	s.socks(ms(0.2), false, []byte{0x01, 0x00}, "username/password version 1, status 00: accepted")
	s.socks(ms(0.05), true, []byte{0x05, 0x01, 0x00, 0x01, 10, 0, 0, 5, 0x1f, 0x90}, "version 5, CONNECT (01), address type IPv4 (01): 10.0.0.5, port 8080")
	s.socks(ms(1.7), false, []byte{0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0}, "version 5, reply 05: connection refused, bound address, type IPv4 (01): 0.0.0.0, port 0")
	err := errors.New("socks: connect to 10.0.0.5:8080 through 127.0.0.1:1080: SOCKS5 reply 0x05: connection refused")
	s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvSOCKSDone, Err: err})
	return s.done(&fetch.Error{Kind: fetch.ErrProxy, Msg: "proxy: connection refused by 10.0.0.5:8080", Cause: err})
}

// onionFetch asks Tor for a .onion that does not exist, on a SocksPort with
// ExtendedErrors: the reply carries Tor's code F6.
func onionFetch() []fetchtrace.Event {
	var s stream
	host := "abcdefghijklmnop.onion"
	s.start("http://" + host + "/")
	s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvResolve, Host: host, Remote: true})
	s.add(ms(0.02), fetchtrace.Event{Kind: fetchtrace.EvLock, Info: "kernel lock: only TCP port 9050 on 127.0.0.1 may be connected to"})
	s.connect(ms(0.2), "127.0.0.1:40312", "127.0.0.1:9050", fetchtrace.ToTor)
	s.socks(ms(0.05), true, []byte{0x05, 0x01, 0x00}, "version 5, 1 method offered: no authentication (00)")
	s.socks(ms(0.2), false, []byte{0x05, 0x00}, "version 5, method chosen: no authentication (00)")
	connect := append([]byte{0x05, 0x01, 0x00, 0x03, byte(len(host))}, host...)
	connect = append(connect, 0x00, 0x50)
	s.socks(ms(0.05), true, connect, "")
	s.socks(ms(2.3), false, []byte{0x05, 0xf6, 0x00, 0x01, 0, 0, 0, 0, 0, 0}, "version 5, reply F6: invalid onion address (Tor extended error)")
	err := errors.New("socks: Tor extended error 0xF6: invalid onion address")
	s.add(ms(0.01), fetchtrace.Event{Kind: fetchtrace.EvSOCKSDone, Err: err})
	return s.done(&fetch.Error{Kind: fetch.ErrProxy, Msg: "Tor: invalid onion address " + host, Hint: "a v3 .onion name is 56 characters before .onion", Cause: err})
}

func testCert() (*x509.Certificate, *x509.Certificate) {
	root := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "Example Test Root", Organization: []string{"Example"}},
		Issuer:    pkix.Name{CommonName: "Example Test Root", Organization: []string{"Example"}},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:  time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	leaf := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "example.com"},
		Issuer:    root.Subject,
		NotBefore: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
		NotAfter:  time.Date(2027, 2, 15, 23, 59, 59, 0, time.UTC),
		DNSNames:  []string{"example.com", "www.example.com"},
	}
	return leaf, root
}

func tlsFetch() []fetchtrace.Event {
	var s stream
	s.start("https://example.com/")
	s.resolve(ms(2.9), "example.com", "93.184.215.14")
	s.connect(ms(11.0), "192.168.1.20:51516", "93.184.215.14:443", fetchtrace.ToTarget)
	leaf, root := testCert()
	st := &tls.ConnectionState{
		Version:            tls.VersionTLS13,
		CipherSuite:        tls.TLS_AES_128_GCM_SHA256,
		NegotiatedProtocol: "http/1.1",
		ServerName:         "example.com",
		HandshakeComplete:  true,
		PeerCertificates:   []*x509.Certificate{leaf, root},
		VerifiedChains:     [][]*x509.Certificate{{leaf, root}},
	}
	s.add(ms(23.5), fetchtrace.Event{Kind: fetchtrace.EvTLS, Host: "example.com", TLS: st, Info: "certificate verified"})
	s.tim.AppConnect = s.since()
	s.sent, s.recv = 1480, 4123 // the handshake
	s.tlsOver = 22
	s.request(ms(0.1), get("example.com"))
	s.response(ms(12.0), "HTTP/1.1 200 OK\r\n"+
		"Content-Type: application/json\r\n"+
		"Content-Length: 16\r\n"+
		"Set-Cookie: session=1f2e3d; Path=/; HttpOnly\r\n"+
		"Strict-Transport-Security: max-age=31536000\r\n"+
		"\r\n"+
		`{"ok": true}`+"\r\n\r\n", "GET")
	return s.done(nil)
}

func tlsFailFetch() []fetchtrace.Event {
	var s stream
	s.start("https://self-signed.example/")
	s.resolve(ms(2.9), "self-signed.example", "203.0.113.7")
	s.connect(ms(11.0), "192.168.1.20:51516", "203.0.113.7:443", fetchtrace.ToTarget)
	err := errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority")
	s.add(ms(20.1), fetchtrace.Event{Kind: fetchtrace.EvTLS, Host: "self-signed.example", Err: err})
	return s.done(&fetch.Error{Kind: fetch.ErrCertificate, Msg: "SSL certificate problem: self-signed certificate (unknown authority)", Hint: "to trust it, give --cacert FILE; to skip the check, -k", Cause: err})
}

// chunkedFetch has ten chunks (three shown, the rest summed up) and
// trailers.
func chunkedFetch() []fetchtrace.Event {
	var s stream
	s.start("http://127.0.0.1:8080/stream")
	s.resolve(0, "127.0.0.1", "127.0.0.1")
	s.connect(ms(0.2), "127.0.0.1:51000", "127.0.0.1:8080", fetchtrace.ToTarget)
	q := get("127.0.0.1:8080")
	q.Target = "/stream"
	s.request(ms(0.1), q)
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n")
	b.WriteString("1a;part=first\r\nabcdefghijklmnopqrstuvwxyz\r\n")
	for i := 0; i < 9; i++ {
		line := fmt.Sprintf("line %d of the stream\n", i)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(line), line)
	}
	b.WriteString("0\r\nX-Checksum: 9f86d081\r\n\r\n")
	s.response(ms(1.5), b.String(), "GET")
	return s.done(nil)
}

// interimFetch is a POST answered with 100 Continue and 103 Early Hints
// before the real 201.
func interimFetch() []fetchtrace.Event {
	var s stream
	s.start("http://api.example/items")
	s.resolve(ms(1.0), "api.example", "198.51.100.20")
	s.connect(ms(5.0), "192.168.1.20:51517", "198.51.100.20:80", fetchtrace.ToTarget)
	q := get("api.example")
	q.Method, q.Target = "POST", "/items"
	q.Fields = []rawhttp.Field{{Name: "Content-Type", Value: "application/json"}}
	q.Body = []byte(`{"name":"cup"}`)
	s.request(ms(0.1), q)
	s.response(ms(8.0), "HTTP/1.1 100 Continue\r\n\r\n"+
		"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"+
		"HTTP/1.1 201 Created\r\nLocation: /items/42\r\nContent-Length: 0\r\n\r\n", "POST")
	return s.done(nil)
}

// redirectFetch follows a 301 to a second hop.
func redirectFetch() []fetchtrace.Event {
	var s stream
	s.start("http://example.com/old")
	s.resolve(ms(3.0), "example.com", "93.184.215.14")
	s.connect(ms(11.0), "192.168.1.20:51518", "93.184.215.14:80", fetchtrace.ToTarget)
	q := get("example.com")
	q.Target = "/old"
	s.request(ms(0.1), q)
	s.response(ms(12.0), "HTTP/1.1 301 Moved Permanently\r\n"+
		"Location: http://www.example.com/new\r\n"+
		"Content-Length: 0\r\n"+
		"\r\n", "GET")
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvRedirect, URL: "http://www.example.com/new", Info: "301 Moved Permanently: Location: http://www.example.com/new"})
	s.endHop()
	s.start("http://www.example.com/new")
	s.resolve(ms(2.0), "www.example.com", "93.184.215.14")
	s.connect(ms(11.0), "192.168.1.20:51519", "93.184.215.14:80", fetchtrace.ToTarget)
	q = get("www.example.com")
	q.Target = "/new"
	s.request(ms(0.1), q)
	s.response(ms(12.0), "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew", "GET")
	return s.done(nil)
}

// hostileFetch gets a response with two different Content-Length values,
// a classic desynchronisation trick; rawhttp rejects it.
func hostileFetch() []fetchtrace.Event {
	var s stream
	s.start("http://evil.example/")
	s.resolve(ms(1.0), "evil.example", "203.0.113.66")
	s.connect(ms(5.0), "192.168.1.20:51520", "203.0.113.66:80", fetchtrace.ToTarget)
	s.request(ms(0.1), get("evil.example"))
	err := s.response(ms(3.0), "HTTP/1.1 200 OK\r\n"+
		"Content-Length: 5\r\n"+
		"Content-Length: 45\r\n"+
		"\r\n"+
		"hello", "GET")
	return s.done(err)
}

// escapeFetch carries bytes a terminal would act on: C1 controls in a field
// value (obs-text, which the parser accepts), an escape sequence in an Info
// line and in a field line the parser rejects.
func escapeFetch() []fetchtrace.Event {
	var s stream
	s.start("http://evil.example/")
	s.resolve(ms(1.0), "evil.example", "203.0.113.66")
	s.add(0, fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "note \x1b[31mred\x1b[0m"})
	s.connect(ms(5.0), "192.168.1.20:51520", "203.0.113.66:80", fetchtrace.ToTarget)
	s.request(ms(0.1), get("evil.example"))
	err := s.response(ms(3.0), "HTTP/1.1 200 OK\r\n"+
		"Server: \x9b2J\xc2\x9b31m\r\n"+
		"X-Evil: \x1b]0;pwned\x07\r\n"+
		"\r\n", "GET")
	return s.done(err)
}
