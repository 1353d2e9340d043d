package fetch

import (
	"bufio"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Pool keeps connections open between requests, as curl's connection
// cache does: a request to the origin (scheme, host, port) of a kept
// connection, over the same route (directly; through the same proxy with
// the same credentials; through Tor with the same isolation credentials)
// and with the same TLS settings, goes out on that connection again
// instead of a new one. Only a connection whose last response HTTP lets
// persist (rawhttp.Persistent) and whose body was read to its end is kept.
//
// A Pool is safe for use by several goroutines; a connection is used by
// one request at a time. Close closes the connections it keeps.
type Pool struct {
	mu     sync.Mutex
	idle   map[poolKey][]*hopConn
	nidle  int
	nextID int
	closed bool
}

// Pool limits: enough for serial transfers and a few at once, and a bound
// on the descriptors a long run keeps open.
const (
	maxIdlePerKey = 8  // kept connections to one origin over one route
	maxIdle       = 64 // kept connections in all
	drainMax      = 64 << 10
)

// NewPool returns an empty Pool.
func NewPool() *Pool { return &Pool{idle: make(map[poolKey][]*hopConn)} }

// poolKey is what a kept connection may be used for: one origin along one
// route with one TLS configuration, through one Dialer (which holds the
// proxy settings, the Tor addresses and the --new-circuit credentials).
type poolKey struct {
	dialer   *Dialer
	route    string // "direct", "tor", or the proxy with its credentials
	origin   string // scheme://host:port, the host in lower case
	insecure bool
	caCert   string
}

// newID returns the number of the next connection opened (curl's #0, #1).
func (p *Pool) newID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := p.nextID
	p.nextID++
	return id
}

// take removes and returns the connection kept last for k, or nil.
func (p *Pool) take(k poolKey) *hopConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.idle[k]
	if len(list) == 0 {
		return nil
	}
	hc := list[len(list)-1]
	list[len(list)-1] = nil
	if list = list[:len(list)-1]; len(list) == 0 {
		delete(p.idle, k)
	} else {
		p.idle[k] = list
	}
	p.nidle--
	return hc
}

// put keeps hc for k; it returns why it could not, or "".
func (p *Pool) put(k poolKey, hc *hopConn) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return "the run is over"
	case len(p.idle[k]) >= maxIdlePerKey || p.nidle >= maxIdle:
		return "enough connections are kept open already"
	}
	p.idle[k] = append(p.idle[k], hc)
	p.nidle++
	return ""
}

// Close closes every kept connection; the Pool keeps no other afterwards.
func (p *Pool) Close() error {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.nidle, p.closed = nil, 0, true
	p.mu.Unlock()
	for _, list := range idle {
		for _, hc := range list {
			hc.Close()
		}
	}
	return nil
}

// poolKey returns the key of a connection to u along rt.
func (f *fetcher) poolKey(u *url.URL, rt route) poolKey {
	k := poolKey{dialer: f.dialer, route: "direct", origin: origin(u), insecure: f.req.Insecure, caCert: f.req.CACert}
	switch {
	case rt.tor:
		k.route = "tor"
	case rt.proxy != nil:
		p := rt.proxy
		k.route = strings.Join([]string{strconv.FormatBool(p.RemoteDNS), p.Host, strconv.Itoa(p.Port),
			strconv.FormatBool(p.HasAuth), strconv.Quote(p.User), strconv.Quote(p.Password)}, " ")
	}
	return k
}

// reader returns the connection's read buffer over src: one buffer for
// the connection's life, so that a kept connection allocates none again.
func (hc *hopConn) reader(src io.Reader, size int) *bufio.Reader {
	if hc.br == nil || hc.br.Size() != size {
		hc.br = bufio.NewReaderSize(src, size)
	} else {
		hc.br.Reset(src)
	}
	return hc.br
}

// peer returns the connection's remote address, for the events.
func (hc *hopConn) peer() net.Addr { return hc.conn.RemoteAddr() }
