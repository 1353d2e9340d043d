// Package testserver is a raw HTTP/1.1 test server for sockfetch's tests.
// Unlike net/http/httptest it writes exactly the bytes a test gives it (from
// testdata fixtures), and it misbehaves on demand: it drips bytes slowly,
// never answers, resets the connection mid-body, sends an endless body, or
// keeps the connection open after a complete response.
//
// It listens on 127.0.0.1 on a free port and records every request it reads,
// so tests can assert what the client sent.
package testserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is what the server does with one request.
type Reply struct {
	// Raw is written as is, byte for byte.
	Raw []byte

	// Drip pauses before each byte of Raw.
	Drip time.Duration

	// Silent reads the request and never answers; the connection stays
	// open until the client closes it or the server is closed.
	Silent bool

	// ResetAfter, when Reset is set, resets the connection (TCP RST) after
	// this many bytes of Raw.
	Reset      bool
	ResetAfter int

	// Endless writes 'x' bytes after Raw until the client goes away.
	Endless bool

	// KeepOpen keeps the connection open after Raw until the client closes
	// it (instead of closing it, which ends a body read until close).
	KeepOpen bool

	// Immediate writes Raw as soon as the connection is accepted, without
	// reading a request (as a server answering garbage, such as a TLS
	// ClientHello, with an error). Only for the route "".
	Immediate bool

	// KeepAlive reads the next request on the same connection after Raw
	// (a persistent connection, RFC 9112 §9.3) instead of closing it.
	KeepAlive bool
	// Continue answers a request head with Expect: 100-continue with
	// "HTTP/1.1 100 Continue" before the body is read.
	Continue bool

	// BeforeBody answers with Raw as soon as the head is read, without
	// reading the body (a server refusing an upload); the body the client
	// sends after all is then read and recorded.
	BeforeBody bool

	// ExpectFailed, when set, answers a request head with Expect:
	// 100-continue with these bytes (a 417) before its body: the request is
	// recorded without one and the connection reads the next request, or,
	// when the 417 says Connection: close, as BeforeBody. A request without
	// Expect gets Raw as usual.
	ExpectFailed []byte

	// Handle, when set, takes over the connection after the request was
	// read; the fields above are ignored.
	Handle func(c net.Conn, req *Request)
}

// Request is a request as the server read it.
type Request struct {
	Head   []byte // request line to the empty line, as received
	Body   []byte // Content-Length bytes after the head, or a chunked body's bytes as sent (framing kept)
	Method string
	Target string
	Conn   int // the connection it came on: 1 for the first accepted
}

// Header returns the value of the first field named name (case-insensitive),
// and whether there was one.
func (r *Request) Header(name string) (string, bool) {
	lines := strings.Split(string(r.Head), "\r\n")
	for _, l := range lines[1:] {
		n, v, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(n, name) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// Server is a running test server.
type Server struct {
	URL  string // http://127.0.0.1:PORT
	Addr string // 127.0.0.1:PORT
	Port int

	ln     net.Listener
	routes map[string]Reply
	t      testing.TB

	mu       sync.Mutex
	requests []*Request
	conns    map[net.Conn]bool
	accepted int
	wg       sync.WaitGroup
	closed   chan struct{}
}

// Start starts a server answering each request by its path (the target
// without the query) in routes; the route "" answers every other path. It
// is closed when the test ends.
func Start(t testing.TB, routes map[string]Reply) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testserver: listen: %v", err)
	}
	s := &Server{
		Addr:   ln.Addr().String(),
		Port:   ln.Addr().(*net.TCPAddr).Port,
		ln:     ln,
		routes: routes,
		t:      t,
		conns:  map[net.Conn]bool{},
		closed: make(chan struct{}),
	}
	s.URL = "http://" + s.Addr
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// StartRaw starts a server answering every request with raw.
func StartRaw(t testing.TB, raw []byte) *Server {
	return Start(t, map[string]Reply{"": {Raw: raw}})
}

// Close stops the server and closes every connection.
func (s *Server) Close() {
	select {
	case <-s.closed:
		return
	default:
	}
	close(s.closed)
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Requests returns the requests read so far.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.requests...)
}

// Accepted returns the number of connections accepted so far.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.accepted++
		n := s.accepted
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.handle(c, n)
		}()
	}
}

// maxHead bounds the request head the server reads.
const maxHead = 64 << 10

func (s *Server) handle(c net.Conn, n int) {
	if r := s.routes[""]; r.Immediate {
		c.Write(r.Raw)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		s.waitClient(c)
		return
	}
	br := bufio.NewReader(c)
	for s.answer(c, br, n) {
	}
}

// answer reads one request on c (the n-th accepted) and answers it; it
// reports whether the connection carries another.
func (s *Server) answer(c net.Conn, br *bufio.Reader, n int) bool {
	req, err := readHead(br)
	if err != nil {
		return false
	}
	req.Conn = n
	path, _, _ := strings.Cut(req.Target, "?")
	r, ok := s.routes[path]
	if !ok {
		r, ok = s.routes[""]
	}
	if !ok {
		r = Reply{Raw: []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")}
	}
	record := func() {
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
	}
	if e, _ := req.Header("Expect"); r.Continue && strings.EqualFold(e, "100-continue") {
		if _, err := c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
			return false
		}
	}
	if e, _ := req.Header("Expect"); r.ExpectFailed != nil && strings.EqualFold(e, "100-continue") {
		if !bytes.Contains(bytes.ToLower(r.ExpectFailed), []byte("\r\nconnection: close\r\n")) {
			// The connection carries the next request: a client that sent
			// the body after all has its bytes read as that request's
			// head, which fails, and no second request is recorded.
			c.Write(r.ExpectFailed)
			record()
			return true
		}
		r = Reply{Raw: r.ExpectFailed, BeforeBody: true}
	}
	if r.BeforeBody {
		c.Write(r.Raw)
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		readBody(br, req)
		record()
		return false
	}
	if err := readBody(br, req); err != nil {
		return false
	}
	record()
	if r.Handle != nil {
		r.Handle(c, req)
		return false
	}
	if r.Silent {
		s.waitClient(c)
		return false
	}
	raw := r.Raw
	if r.Reset && r.ResetAfter < len(raw) {
		raw = raw[:r.ResetAfter]
	}
	if r.Drip > 0 {
		for i := range raw {
			select {
			case <-s.closed:
				return false
			case <-time.After(r.Drip):
			}
			if _, err := c.Write(raw[i : i+1]); err != nil {
				return false
			}
		}
	} else if _, err := c.Write(raw); err != nil {
		return false
	}
	switch {
	case r.Reset:
		// Unread request bytes and SO_LINGER 0 make Close send RST.
		if tc, ok := c.(*net.TCPConn); ok {
			time.Sleep(20 * time.Millisecond) // let the bytes written go first
			tc.SetLinger(0)
		}
	case r.Endless:
		chunk := bytes.Repeat([]byte("x"), 32<<10)
		for {
			select {
			case <-s.closed:
				return false
			default:
			}
			if _, err := c.Write(chunk); err != nil {
				return false
			}
		}
	case r.KeepOpen:
		s.waitClient(c)
	case r.KeepAlive:
		return true
	}
	return false
}

// waitClient returns when the client closed c or the server is closing.
func (s *Server) waitClient(c net.Conn) {
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, c)
		close(done)
	}()
	select {
	case <-done:
	case <-s.closed:
	}
}

// readHead reads a request head.
func readHead(br *bufio.Reader) (*Request, error) {
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if err != nil {
			return nil, err
		}
		if len(head) > maxHead {
			return nil, io.ErrShortBuffer
		}
		if string(line) == "\r\n" || string(line) == "\n" {
			break
		}
	}
	req := &Request{Head: head}
	first, _, _ := strings.Cut(string(head), "\r\n")
	parts := strings.Fields(first)
	if len(parts) >= 2 {
		req.Method, req.Target = parts[0], parts[1]
	}
	return req, nil
}

// readBody reads the body of req: Content-Length bytes (under 64 MiB), or
// a chunked body to its last chunk and empty trailer section, framing
// kept.
func readBody(br *bufio.Reader, req *Request) error {
	if te, _ := req.Header("Transfer-Encoding"); strings.EqualFold(te, "chunked") {
		for {
			line, err := br.ReadString('\n')
			req.Body = append(req.Body, line...)
			if err != nil {
				return err
			}
			size, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
			if err != nil || size < 0 || size > 64<<20 {
				return errors.New("testserver: bad chunk size")
			}
			if size == 0 {
				end, err := br.ReadString('\n')
				req.Body = append(req.Body, end...)
				return err
			}
			chunk := make([]byte, size+2)
			if _, err := io.ReadFull(br, chunk); err != nil {
				return err
			}
			req.Body = append(req.Body, chunk...)
		}
	}
	if v, ok := req.Header("Content-Length"); ok {
		n, err := strconv.Atoi(v)
		if err == nil && n > 0 && n < 64<<20 {
			req.Body = make([]byte, n)
			got, err := io.ReadFull(br, req.Body)
			req.Body = req.Body[:got]
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// Fixture returns the bytes of one of this package's wire fixtures
// (testdata/<name>), failing the test when it cannot be read.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Testdata(), name))
	if err != nil {
		t.Fatalf("testserver: fixture: %v", err)
	}
	return b
}

// Testdata returns the path of this package's folder of wire fixtures.
func Testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata")
}
