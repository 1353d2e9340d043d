package fetch

import (
	"context"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"sockfetch/fetch/fetchtrace"
)

// dnsWatchKey carries the observed fetch in a lookup's context.
type dnsWatchKey struct{}

// watchDNS returns ctx carrying f, so that the names it resolves here are
// looked up by a resolver whose datagrams f reports (lookupHost).
func watchDNS(ctx context.Context, f *fetcher) context.Context {
	if f.obs == nil {
		return ctx
	}
	return context.WithValue(ctx, dnsWatchKey{}, f)
}

// lookupHost resolves host with the Dialer's resolver. When the fetch is
// observed and the resolver is a *net.Resolver (the default one too), the
// same lookup runs through Go's own resolver (PreferGo) with a Dial hook
// that records each DNS message as it crosses; they are reported once the
// lookup is over, one exchange after the other, from this goroutine (Go
// asks for A and AAAA at once, on two sockets). A lookup that sent no
// message was answered from the hosts file.
func (d *Dialer) lookupHost(ctx context.Context, host string) ([]net.IPAddr, error) {
	f, _ := ctx.Value(dnsWatchKey{}).(*fetcher)
	r := d.resolver()
	nr, ok := r.(*net.Resolver)
	if f == nil || !ok {
		return r.LookupIPAddr(ctx, host)
	}
	w := &dnsWatch{f: f, host: host}
	dial := nr.Dial
	if dial == nil {
		var nd net.Dialer
		dial = nd.DialContext
	}
	watched := &net.Resolver{PreferGo: true, StrictErrors: nr.StrictErrors,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			c, err := dial(ctx, network, address)
			if err != nil {
				return nil, err
			}
			return w.wrap(c), nil
		}}
	addrs, err := watched.LookupIPAddr(ctx, host)
	w.report(err)
	return addrs, err
}

// dnsWatch collects the messages of one lookup.
type dnsWatch struct {
	f    *fetcher
	host string
	mu   sync.Mutex
	done bool
	next int // exchanges started
	msgs []dnsSeen
}

// dnsSeen is one message, with the exchange (socket) it belongs to.
type dnsSeen struct {
	exchange int
	at       time.Duration
	msg      fetchtrace.DNSMsg
}

func (w *dnsWatch) wrap(c net.Conn) net.Conn {
	w.mu.Lock()
	w.next++
	n := w.next
	w.mu.Unlock()
	dc := &dnsConn{Conn: c, w: w, exchange: n}
	if pc, ok := c.(net.PacketConn); ok {
		// Go's resolver speaks UDP to a PacketConn, with a length prefix
		// (RFC 1035 §4.2.2) to anything else.
		return &dnsPacketConn{dnsConn: dc, pc: pc}
	}
	return dc
}

// seen records one message (a stream's with its 2-byte length cut off).
func (w *dnsWatch) seen(c *dnsConn, send bool, b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || len(w.msgs) >= maxDNSMessages {
		return
	}
	network := "udp"
	if _, ok := c.Conn.(net.PacketConn); !ok {
		network = "tcp"
	}
	w.msgs = append(w.msgs, dnsSeen{exchange: c.exchange, at: time.Since(w.f.start), msg: fetchtrace.DNSMsg{
		Send: send, Network: network, Server: c.RemoteAddr().String(), Local: c.LocalAddr().String(),
		Bytes: slices.Clone(b), Host: w.host,
	}})
}

// maxDNSMessages bounds what one lookup records: search domains and
// retries send a few each, never this many.
const maxDNSMessages = 64

// report hands the messages on, exchange by exchange, or says that none
// was sent.
func (w *dnsWatch) report(err error) {
	w.mu.Lock()
	w.done = true
	msgs := w.msgs
	w.mu.Unlock()
	if len(msgs) == 0 {
		if err == nil {
			src := "this machine"
			if inHostsFile(hostsFile, w.host) {
				src = hostsFile
			}
			w.f.emit(fetchtrace.Event{Kind: fetchtrace.EvDNS, Host: w.host, DNS: &fetchtrace.DNSMsg{Host: w.host, Source: src}})
		}
		return
	}
	slices.SortStableFunc(msgs, func(a, b dnsSeen) int { return a.exchange - b.exchange })
	for _, m := range msgs {
		if w.f.obs != nil {
			w.f.obs(fetchtrace.Event{Kind: fetchtrace.EvDNS, At: m.at, Host: w.host, DNS: &m.msg})
		}
	}
}

// dnsConn records the messages written to and read from a DNS socket.
type dnsConn struct {
	net.Conn
	w        *dnsWatch
	exchange int
	in, out  []byte // a stream's bytes not yet a whole message
}

func (c *dnsConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.record(true, p[:n])
	return n, err
}

func (c *dnsConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.record(false, p[:n])
	return n, err
}

// record notes a datagram, or a stream's messages as they become whole.
func (c *dnsConn) record(send bool, b []byte) {
	if len(b) == 0 {
		return
	}
	if _, ok := c.Conn.(net.PacketConn); ok {
		c.w.seen(c, send, b)
		return
	}
	buf := &c.in
	if send {
		buf = &c.out
	}
	*buf = append(*buf, b...)
	for len(*buf) >= 2 {
		n := int((*buf)[0])<<8 | int((*buf)[1])
		if len(*buf) < 2+n {
			break
		}
		c.w.seen(c, send, (*buf)[2:2+n])
		*buf = (*buf)[2+n:]
	}
}

// dnsPacketConn is a dnsConn over a datagram socket: Go's resolver checks
// for net.PacketConn to send plain datagrams.
type dnsPacketConn struct {
	*dnsConn
	pc net.PacketConn
}

func (c *dnsPacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, addr, err := c.pc.ReadFrom(p)
	c.record(false, p[:n])
	return n, addr, err
}

func (c *dnsPacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	n, err := c.pc.WriteTo(p, addr)
	c.record(true, p[:n])
	return n, err
}

// emitRemoteDNS says that the target's name goes to the proxy or to Tor:
// no DNS message leaves this machine for it.
func (f *fetcher) emitRemoteDNS(rt route, host string) {
	if f.obs == nil || net.ParseIP(host) != nil {
		return
	}
	who := "Tor (an exit relay)"
	if !rt.tor && rt.proxy != nil {
		who = "the SOCKS5 proxy " + rt.proxy.String()
	}
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvDNS, Host: host, DNS: &fetchtrace.DNSMsg{Host: host, Source: who}})
}

// hostsFile is where Go's resolver looks names up before asking DNS.
const hostsFile = "/etc/hosts"

// inHostsFile reports whether the hosts file at path lists host (its first
// MiB: a hosts file is a few lines).
func inHostsFile(path, host string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	host = strings.TrimSuffix(host, ".")
	for _, ln := range strings.Split(string(b), "\n") {
		ln, _, _ = strings.Cut(ln, "#")
		fields := strings.Fields(ln)
		for _, name := range fields[min(1, len(fields)):] {
			if strings.EqualFold(strings.TrimSuffix(name, "."), host) {
				return true
			}
		}
	}
	return false
}
