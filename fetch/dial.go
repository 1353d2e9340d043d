package fetch

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/fetch/socks"
)

// Resolver resolves host names. *net.Resolver implements it; tests pass one
// that fails when called, to prove a path never resolves a name locally.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Tor says how to reach Tor's SocksPort.
type Tor struct {
	Addr string // --tor-addr: host:port or unix:/path; "" for none
	Env  string // the value of $SOCKFETCH_TOR_ADDR; "" for none
}

// addrs returns the SocksPort addresses to try in order, and whether the
// user named one (socks.TorAddrs); a bad address is an ErrUsage error.
// Check reports a bad --tor-addr or $SOCKFETCH_TOR_ADDR before anything
// connects (an ErrUsage error).
func (t *Tor) Check() error {
	_, _, err := t.addrs()
	return err
}

func (t *Tor) addrs() ([]socks.Addr, bool, error) {
	addrs, explicit, err := socks.TorAddrs(t.Addr, t.Env)
	if err != nil {
		return nil, false, errorf(ErrUsage, err, "%v", err).withHint("give --tor-addr HOST:PORT or --tor-addr unix:/path/to/socket")
	}
	return addrs, explicit, nil
}

// Dialer opens the connection for each hop of a fetch: directly, through a
// SOCKS5 proxy, or through Tor. Every hop of one fetch uses the same Dialer,
// so a redirect never leaves the proxy or Tor.
type Dialer struct {
	// Network is "tcp" (any address family), "tcp4" (-4) or "tcp6" (-6).
	// It is about the target alone: it filters the target's addresses
	// where they are known here (a direct or socks5:// connection, or an
	// IP literal in the URL), and never the address of the proxy or of
	// Tor. With socks5h:// and Tor the target's name goes to the proxy,
	// which picks the address family itself.
	Network string

	// Tor, when set, sends every connection through Tor; Proxy is ignored.
	Tor *Tor

	// Proxy says which SOCKS5 proxy to use per URL; nil: always direct.
	Proxy *ProxySettings

	// NewCircuit sends random SOCKS credentials (socks.NewCircuitAuth), so
	// Tor (IsolateSOCKSAuth) puts the Dialer's connections on a circuit of
	// their own: one set of credentials for the Dialer's life (a run), so
	// that its connections, reopened ones included, share that circuit.
	NewCircuit bool
	circuit    *socks.Auth // the NewCircuit credentials, once made (under circuitMu)

	// Auth, when set, are the SOCKS credentials sent to Tor or the proxy,
	// instead of the proxy URL's or NewCircuit's: WithFreshCircuit sets
	// new random ones to retry on a fresh circuit.
	Auth *socks.Auth

	// Resolver resolves names here (targets of direct and socks5://
	// connections, proxy host names). nil: net.DefaultResolver.
	Resolver Resolver

	// DialContext opens TCP (and, for Tor, unix) connections. Its address is
	// always an IP literal with a port, or a socket path. nil: a net.Dialer.
	DialContext func(ctx context.Context, network, address string) (net.Conn, error)

	// Lock, when set, holds the process to the proxy's or Tor's port with
	// the kernel lock, from before the first connection on (see Lock).
	Lock *Lock
}

// circuitMu guards every Dialer's circuit.
var circuitMu sync.Mutex

// circuitAuth returns the Dialer's --new-circuit credentials, made once.
func (d *Dialer) circuitAuth() *socks.Auth {
	circuitMu.Lock()
	defer circuitMu.Unlock()
	if d.circuit == nil {
		d.circuit = socks.NewCircuitAuth()
	}
	return d.circuit
}

// route is how one hop is connected.
type route struct {
	tor   bool
	proxy *Proxy // nil when direct (and for Tor)
}

// remoteDNS reports whether the target's name goes to the proxy.
func (r route) remoteDNS() bool { return r.tor || r.proxy != nil && r.proxy.RemoteDNS }

// route decides how to connect to u. prev is the proxy of the previous hop:
// when the settings give no proxy for u but the fetch was proxied so far, it
// stays proxied unless a no-proxy list names u's host.
func (d *Dialer) route(u *url.URL, prev *Proxy) (route, error) {
	if d.Tor != nil {
		return route{tor: true}, nil
	}
	p, err := d.Proxy.For(u)
	if err != nil {
		return route{}, err
	}
	if p == nil && prev != nil && !d.Proxy.excluded(u) {
		p = prev
	}
	return route{proxy: p}, nil
}

func (d *Dialer) resolver() Resolver {
	if d.Resolver != nil {
		return d.Resolver
	}
	return net.DefaultResolver
}

func (d *Dialer) network() string {
	if d.Network == "" {
		return "tcp"
	}
	return d.Network
}

func (d *Dialer) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if d.DialContext != nil {
		return d.DialContext(ctx, network, address)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

// lookup resolves host here (the target, or a proxy's name). An IP literal
// is returned as is (an IPv6 zone dropped), and localhost and the names
// under .localhost are loopback (localhostIPs), without asking the
// resolver; family then keeps the target's addresses of -4/-6.
func (d *Dialer) lookup(ctx context.Context, host string) ([]net.IP, error) {
	var ips []net.IP
	if ip := parseIPZone(host); ip != nil {
		ips = []net.IP{ip}
	} else if lo, ok := localhostIPs(host); ok {
		ips = lo
	} else if pinned, ok := d.pin(host); ok {
		ips = pinned
	} else {
		addrs, err := d.lookupHost(ctx, host)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	return ips, nil
}

// family keeps the target's addresses of the Dialer's family (-4, -6); an
// error when none is left.
func (d *Dialer) family(host string, ips []net.IP) ([]net.IP, error) {
	var kept []net.IP
	for _, ip := range ips {
		v4 := ip.To4() != nil
		if d.network() == "tcp4" && !v4 || d.network() == "tcp6" && v4 {
			continue
		}
		kept = append(kept, ip)
	}
	if len(kept) == 0 {
		fam := "IPv4"
		if d.network() == "tcp6" {
			fam = "IPv6"
		}
		return nil, &net.DNSError{Err: "no " + fam + " address", Name: host}
	}
	return kept, nil
}

// dnsReason words a resolver error briefly.
func dnsReason(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		switch {
		case de.IsNotFound:
			return "no such name"
		case de.IsTimeout:
			return "timed out"
		}
		return de.Err
	}
	return err.Error()
}

// connReason words a dial error briefly: "connection refused".
func connReason(err error) string {
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		return errno.Error()
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

// conn is an open connection to the target (or the tunnel to it).
type conn struct {
	net.Conn        // raw connection, positioned after any SOCKS handshake
	peer     string // remote IP (the proxy's when proxied)
	port     int    // remote port
	local    net.Addr
}

// connect opens the connection for one hop to host:port along rt.
func (f *fetcher) connect(ctx context.Context, h *hop, rt route, host string, port int) (*conn, error) {
	d := f.dialer
	if socks.IsOnion(host) && !rt.remoteDNS() {
		how := "without a proxy"
		if rt.proxy != nil {
			how = "through " + rt.proxy.String() + ", which resolves names here"
		}
		return nil, errorf(ErrResolve, nil, "refusing to resolve %s %s: .onion names are not in DNS (RFC 7686)", host, how).
			withHint("use --tor, or -x socks5h://HOST:PORT so that Tor resolves the name")
	}
	if ip := net.ParseIP(host); ip != nil && rt.remoteDNS() {
		if _, err := d.family(host, []net.IP{ip}); err != nil {
			return nil, errorf(ErrResolve, err, "could not resolve host: %s (%s)", host, dnsReason(err))
		}
	}
	if rt.remoteDNS() {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvResolve, Host: host, Remote: true})
		f.emitRemoteDNS(rt, host)
		if err := f.lock(ctx); err != nil {
			return nil, err
		}
		if rt.tor {
			return f.connectTor(ctx, h, host, port)
		}
		return f.connectSOCKS(ctx, h, rt.proxy, host, port)
	}
	if err := f.lock(ctx); err != nil {
		return nil, err
	}

	ips, err := d.lookup(ctx, host)
	if err == nil {
		ips, err = d.family(host, ips)
	}
	if err != nil {
		if expired(ctx, err) {
			return nil, f.connectTimeout(ctx, err)
		}
		return nil, errorf(ErrResolve, err, "could not resolve host: %s (%s)", host, dnsReason(err))
	}
	h.tim.NameLookup = h.since()
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvResolve, Host: host, Addrs: ips})
	if rt.proxy != nil {
		return f.connectSOCKS(ctx, h, rt.proxy, ips[0].String(), port)
	}

	c, ip, errs := f.dialEach(ctx, h, ips, strconv.Itoa(port), host, fetchtrace.ToTarget)
	if c != nil {
		return &conn{Conn: c, peer: ip.String(), port: port, local: c.LocalAddr()}, nil
	}
	err = errors.Join(errs...)
	if expired(ctx, err) {
		return nil, f.tcpTimeout(ctx, h, err, host, port)
	}
	e := errorf(ErrConnect, err, "failed to connect to %s port %d after %d ms: %s",
		host, port, h.since().Milliseconds(), connReason(errs[len(errs)-1]))
	if hint, ok := f.lockRefused(err); ok {
		e.Hint = hint
	}
	return nil, e
}

// dialEach dials port at each of ips in turn (dial) until one connects,
// and returns that connection and its address, or every attempt's error.
// Only the target is dialled in the Dialer's family: a proxy and Tor in any.
func (f *fetcher) dialEach(ctx context.Context, h *hop, ips []net.IP, port, host string, role fetchtrace.Role) (net.Conn, net.IP, []error) {
	network := "tcp"
	if role == fetchtrace.ToTarget {
		network = f.dialer.network()
	}
	var errs []error
	for _, ip := range ips {
		c, err := f.dial(ctx, h, network, net.JoinHostPort(ip.String(), port), host, role)
		if err == nil {
			return c, ip, nil
		}
		errs = append(errs, err)
		if expired(ctx, err) {
			break
		}
	}
	return nil, nil, errs
}

// dial says it tries address, dials it, records the connect time and
// reports the connection. host is the name asked for, and role says what
// is dialled (the target, a SOCKS5 proxy or Tor), for the events.
func (f *fetcher) dial(ctx context.Context, h *hop, network, address, host string, role fetchtrace.Role) (net.Conn, error) {
	if f.obs != nil {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvDial, Role: role, Network: network, Addr: address})
	}
	c, err := f.dialer.dialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	h.tim.Connect = h.since()
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvConnect, Host: host, Local: c.LocalAddr(), Peer: c.RemoteAddr(), Role: role, Conn: f.connID})
	return c, nil
}

// proxyDial is the socks.Config.Dial for a proxy reached over TCP: it
// resolves the proxy's name here (a proxy is not the target, so -4 and -6
// do not filter its addresses) and dials it.
func (f *fetcher) proxyDial(h *hop, role fetchtrace.Role) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if network == "unix" {
			return f.dial(ctx, h, network, address, role.String(), role)
		}
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		ips, err := f.dialer.lookup(ctx, host)
		if err != nil {
			return nil, err
		}
		c, _, errs := f.dialEach(ctx, h, ips, port, host, role)
		if c != nil {
			return c, nil
		}
		return nil, errors.Join(errs...)
	}
}

// observeSOCKS turns the handshake messages into events.
func (f *fetcher) observeSOCKS() func(socks.Message) {
	if f.obs == nil {
		return nil
	}
	return func(m socks.Message) {
		k := fetchtrace.EvSOCKSRecv
		if m.Send {
			k = fetchtrace.EvSOCKSSend
		}
		f.emit(fetchtrace.Event{Kind: k, Bytes: m.Bytes, Info: m.Meaning})
	}
}

// connectSOCKS opens a tunnel to host:port through proxy p. host is a name
// only with socks5h (it is then sent to the proxy as is).
func (f *fetcher) connectSOCKS(ctx context.Context, h *hop, p *Proxy, host string, port int) (*conn, error) {
	cfg := socks.Config{
		Proxy:   socks.Addr{Network: "tcp", Address: p.Addr()},
		Dial:    f.proxyDial(h, fetchtrace.ToProxy),
		Observe: f.observeSOCKS(),
	}
	if p.HasAuth {
		cfg.Auth = &socks.Auth{User: p.User, Password: p.Password}
	}
	if f.dialer.NewCircuit {
		cfg.Auth = f.dialer.circuitAuth()
	}
	if f.dialer.Auth != nil {
		cfg.Auth = f.dialer.Auth
	}
	c, err := socks.Connect(ctx, cfg, host, port)
	if err != nil {
		return nil, f.socksError(ctx, h, err)
	}
	return f.tunnelOpen(h, c, host, port), nil
}

// connectTor opens a tunnel to host:port through Tor; the name always goes
// to Tor.
func (f *fetcher) connectTor(ctx context.Context, h *hop, host string, port int) (*conn, error) {
	addrs, explicit, err := f.dialer.Tor.addrs()
	if err != nil {
		return nil, err
	}
	if f.obs != nil && !explicit && len(addrs) > 1 {
		names := make([]string, len(addrs))
		for i, a := range addrs {
			names[i] = a.String()
		}
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "looking for Tor at " + strings.Join(names, ", then ")})
	}
	cfg := socks.Config{
		Dial:    f.proxyDial(h, fetchtrace.ToTor),
		Observe: f.observeSOCKS(),
		Tor:     true,
	}
	if f.dialer.NewCircuit {
		cfg.Auth = f.dialer.circuitAuth()
	}
	if f.dialer.Auth != nil {
		cfg.Auth = f.dialer.Auth
	}
	c, used, err := socks.ConnectTor(ctx, addrs, cfg, host, port)
	if err != nil {
		return nil, f.socksError(ctx, h, err)
	}
	if f.obs != nil {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "using Tor at " + used.String()})
	}
	return f.tunnelOpen(h, c, host, port), nil
}

// tunnelOpen records an open SOCKS tunnel.
func (f *fetcher) tunnelOpen(h *hop, c net.Conn, host string, port int) *conn {
	h.tim.ProxyConnect = h.since()
	if f.obs != nil {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvSOCKSDone, Host: host, Info: "tunnel open to " + net.JoinHostPort(host, strconv.Itoa(port))})
	}
	cn := &conn{Conn: c, local: c.LocalAddr()}
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		cn.peer, cn.port = ta.IP.String(), ta.Port
	}
	return cn
}

// socksError turns a failure of socks.Connect into an *Error.
func (f *fetcher) socksError(ctx context.Context, h *hop, err error) error {
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvSOCKSDone, Err: err})
	var se *socks.Error
	if !errors.As(err, &se) {
		return errorf(ErrProxy, err, "%v", err)
	}
	if expired(ctx, err) {
		e := f.connectTimeout(ctx, err)
		// The TCP connect to the proxy or to Tor (one address) is worded
		// as the connect to the target.
		if phost, pport, perr := net.SplitHostPort(se.Proxy); se.Kind == socks.KindDial && perr == nil {
			if n, aerr := strconv.Atoi(pport); aerr == nil {
				e = f.tcpTimeout(ctx, h, err, phost, n)
			}
		}
		if e.Hint == "" {
			e.Hint = se.Hint()
		}
		return e
	}
	kind := ErrProxy
	switch se.Kind {
	case socks.KindDial:
		kind = ErrConnect
		var de *net.DNSError
		if errors.As(se.Err, &de) {
			kind = ErrProxyResolve
		}
	case socks.KindUsage:
		kind = ErrUsage
	}
	return (&Error{Kind: kind, Msg: se.Error(), Cause: err}).withHint(se.Hint())
}

// expired reports whether a time limit ran out: ctx's, or the deadline a
// dial or a read took from it. That error can come back before ctx.Err()
// is set (the poller's timer and the context's are two timers), so the
// error is looked at as well as ctx. It is an os.ErrDeadlineExceeded from
// the poller, or net's timeout error, which is context.DeadlineExceeded.
// The kernel's own ETIMEDOUT is no time limit of ours (curl: exit 7).
func expired(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}

// connectLimitFirst reports whether ctx's deadline is --connect-timeout's
// rather than --max-time's (the earlier one is what runs out). It reads the
// deadlines, not which context is done yet, so the answer does not race.
func (f *fetcher) connectLimitFirst(ctx context.Context) bool {
	cd, ok := ctx.Deadline()
	if !ok {
		return false
	}
	od, ok := f.overall.Deadline()
	return !ok || cd.Before(od)
}

// connectTimeout describes a time limit that ran out while the hop was
// being connected (name, TCP, SOCKS, TLS): curl says "Connection timed out
// after N milliseconds" there for -m and --connect-timeout alike. A
// canceled fetch (Ctrl-C) is timeoutError's.
func (f *fetcher) connectTimeout(ctx context.Context, cause error) *Error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return f.timeoutError(ctx, cause)
	}
	return errorf(ErrTimeout, cause, "connection timed out after %d milliseconds", time.Since(f.start).Milliseconds())
}

// tcpTimeout describes a time limit that ran out during the TCP connect to
// host:port (the target, a proxy or Tor). An expired --connect-timeout is
// worded as curl: "Failed to connect to H port P after N ms: Timeout was
// reached"; an expired -m as connectTimeout.
func (f *fetcher) tcpTimeout(ctx context.Context, h *hop, cause error, host string, port int) *Error {
	if errors.Is(ctx.Err(), context.Canceled) || !f.connectLimitFirst(ctx) {
		return f.connectTimeout(ctx, cause)
	}
	return errorf(ErrTimeout, cause, "failed to connect to %s port %d after %d ms: timeout was reached", host, port, h.since().Milliseconds())
}

// timeoutError describes an expired MaxTime or ConnectTimeout.
func (f *fetcher) timeoutError(ctx context.Context, cause error) *Error {
	ms := time.Since(f.start).Milliseconds()
	if f.overall.Err() != nil {
		return errorf(ErrTimeout, cause, "operation timed out after %d milliseconds with %d bytes received", ms, f.received)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(cause, context.DeadlineExceeded) || errors.Is(cause, os.ErrDeadlineExceeded) {
		return errorf(ErrTimeout, cause, "connection timed out after %d milliseconds", ms)
	}
	return errorf(ErrTimeout, cause, "operation aborted after %d milliseconds: %v", ms, cause)
}

// String of a route, for -v.
func (r route) String() string {
	switch {
	case r.tor:
		return "Tor"
	case r.proxy != nil:
		return r.proxy.String()
	}
	return "direct"
}
