package testserver

import (
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
)

// SOCKS5 is a minimal SOCKS5 server (RFC 1928, RFC 1929) on 127.0.0.1 for
// tests that must see what a client asks a proxy for: it records every
// CONNECT (address type, host as sent, port) and credentials, resolves names
// only through its Hosts table, and can refuse with a chosen reply code (Tor's
// extended codes included) to test error handling without a real Tor.
type SOCKS5 struct {
	Addr string // 127.0.0.1:PORT
	Port int

	// Hosts is the proxy's own name table: a name maps to an IP address
	// ("127.0.0.1"), a "name:port" to an "ip:port". Names not in it are
	// answered with reply 4 (host unreachable); nothing is looked up in DNS.
	// Set it before the first connection.
	Hosts map[string]string

	// Reply, when not zero, is the reply code sent to every CONNECT instead
	// of connecting.
	Reply byte

	// User and Password, when User is set, are required (method 2).
	User, Password string

	ln     net.Listener
	mu     sync.Mutex
	reqs   []SOCKSRequest
	closed chan struct{}
	wg     sync.WaitGroup
}

// SOCKSRequest is one CONNECT as the proxy received it.
type SOCKSRequest struct {
	ATYP     byte   // 1 IPv4, 3 domain name, 4 IPv6
	Host     string // the name or address sent
	Port     int
	User     string // RFC 1929 credentials, if any
	Password string
}

// StartSOCKS5 starts a SOCKS5 server, closed when the test ends.
func StartSOCKS5(t testing.TB) *SOCKS5 {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testserver: socks listen: %v", err)
	}
	s := &SOCKS5{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, ln: ln, Hosts: map[string]string{}, closed: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		close(s.closed)
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// Requests returns the CONNECT requests received so far.
func (s *SOCKS5) Requests() []SOCKSRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SOCKSRequest(nil), s.reqs...)
}

func (s *SOCKS5) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.handle(c)
		}()
	}
}

func (s *SOCKS5) handle(c net.Conn) {
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil || hdr[0] != 5 {
		return
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return
	}
	want := byte(0)
	if s.User != "" {
		want = 2
	}
	offered := false
	for _, m := range methods {
		offered = offered || m == want
	}
	// A client offering user/password gets it even when not required, so
	// the credentials are recorded (as Tor does for IsolateSOCKSAuth).
	for _, m := range methods {
		if m == 2 {
			want, offered = 2, true
		}
	}
	if !offered {
		c.Write([]byte{5, 0xff})
		return
	}
	c.Write([]byte{5, want})
	var req SOCKSRequest
	if want == 2 {
		var v [2]byte
		if _, err := io.ReadFull(c, v[:]); err != nil {
			return
		}
		user := make([]byte, v[1])
		io.ReadFull(c, user)
		var pl [1]byte
		io.ReadFull(c, pl[:])
		pass := make([]byte, pl[0])
		if _, err := io.ReadFull(c, pass); err != nil {
			return
		}
		req.User, req.Password = string(user), string(pass)
		if s.User != "" && (req.User != s.User || req.Password != s.Password) {
			c.Write([]byte{1, 1})
			return
		}
		c.Write([]byte{1, 0})
	}
	var rh [4]byte
	if _, err := io.ReadFull(c, rh[:]); err != nil || rh[0] != 5 {
		return
	}
	req.ATYP = rh[3]
	switch rh[3] {
	case 1, 4:
		b := make([]byte, 4)
		if rh[3] == 4 {
			b = make([]byte, 16)
		}
		if _, err := io.ReadFull(c, b); err != nil {
			return
		}
		req.Host = net.IP(b).String()
	case 3:
		var l [1]byte
		io.ReadFull(c, l[:])
		b := make([]byte, l[0])
		if _, err := io.ReadFull(c, b); err != nil {
			return
		}
		req.Host = string(b)
	default:
		return
	}
	var pb [2]byte
	if _, err := io.ReadFull(c, pb[:]); err != nil {
		return
	}
	req.Port = int(binary.BigEndian.Uint16(pb[:]))
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()

	reply := func(code byte) { c.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0}) }
	if rh[1] != 1 {
		reply(7)
		return
	}
	if s.Reply != 0 {
		reply(s.Reply)
		return
	}
	hp := net.JoinHostPort(req.Host, strconv.Itoa(req.Port))
	target := ""
	switch {
	case s.Hosts[hp] != "":
		target = s.Hosts[hp]
	case s.Hosts[req.Host] != "":
		target = net.JoinHostPort(s.Hosts[req.Host], strconv.Itoa(req.Port))
	case req.ATYP != 3:
		target = hp
	default:
		reply(4) // host unreachable: the name is unknown here
		return
	}
	up, err := net.Dial("tcp", target)
	if err != nil {
		reply(5)
		return
	}
	defer up.Close()
	reply(0)
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); up.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(c, up); c.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	select {
	case <-done:
		<-done
	case <-s.closed:
	}
}
