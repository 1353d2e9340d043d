package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"syscall"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/fetch/socks"
	"sockfetch/netlock"
)

// Lock asks a Dialer to hold this process, with the kernel lock of package
// netlock, to TCP connects to the port of Tor's SocksPort (every candidate
// address's: 9050 and 9150 without an explicit one; none for a unix socket)
// or of the proxy given as ProxySettings.Flag, which must be socks5h://.
//
// The lock is applied once, before the Dialer's first connection and after
// the proxy's host name, if it has one, is resolved here (no DNS query gets
// out afterwards). It cannot be undone: every later connection of the
// process runs under it, redirects, retries and other fetches included.
// Every Fetch through the Dialer reports it as an fetchtrace.EvLock event.
type Lock struct {
	// Required makes a kernel (or a build) that cannot apply the lock an
	// ErrLock error; otherwise the fetch goes on and fetchtrace.EvLock says why.
	Required bool

	// Restrict applies the lock; nil means netlock.Restrict. Tests that run
	// a fetch in their own process replace it: the real lock would hold the
	// test process for the rest of its life.
	Restrict func(ports []int, required bool) (netlock.Status, error)

	once   sync.Once
	status netlock.Status
	err    error
	pinned map[string][]net.IP // proxy host names resolved before the lock
}

// Status returns what the lock did, once applied: the zero Status before.
func (l *Lock) Status() netlock.Status { return l.status }

// lockHint is the advice on ErrLock errors.
const lockHint = "the kernel lock needs Linux 6.7 or later with Landlock enabled (Landlock ABI 4), " +
	"and below ABI 8 a build with CGO_ENABLED=0; --no-lock goes without it"

// lock applies the Dialer's Lock, if any, before the first connection of
// the fetch, and reports it.
func (f *fetcher) lock(ctx context.Context) error {
	l := f.dialer.Lock
	if l == nil || f.locked {
		return nil
	}
	f.locked = true
	l.once.Do(func() { l.status, l.err = f.dialer.applyLock(ctx, l) })
	if l.status.Reason != "" || l.status.Applied {
		s := l.status
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvLock, Info: s.String(),
			Lock: &fetchtrace.Lock{Applied: s.Applied, ABI: s.ABI, Ports: s.Ports, UDP: s.UDP, Reason: s.Reason}})
	}
	return l.err
}

// applyLock resolves the proxy's host name, if any, and restricts the
// process to the proxy's ports.
func (d *Dialer) applyLock(ctx context.Context, l *Lock) (netlock.Status, error) {
	addrs, err := d.lockAddrs()
	if err != nil {
		return netlock.Status{}, err
	}
	ports := []int{}
	for _, a := range addrs {
		if a.Network != "tcp" {
			continue
		}
		host, port, err := net.SplitHostPort(a.Address)
		if err != nil {
			return netlock.Status{}, errorf(ErrUsage, err, "bad proxy address %s", a)
		}
		n, _ := strconv.Atoi(port)
		ports = append(ports, n)
		if net.ParseIP(host) != nil {
			continue
		}
		ips, err := d.lookup(ctx, host)
		if err != nil {
			return netlock.Status{}, errorf(ErrProxyResolve, err, "could not resolve proxy: %s (%s)", host, dnsReason(err))
		}
		if l.pinned == nil {
			l.pinned = make(map[string][]net.IP)
		}
		l.pinned[host] = ips
	}
	restrict := l.Restrict
	if restrict == nil {
		restrict = netlock.Restrict
	}
	st, err := restrict(ports, l.Required)
	switch {
	case errors.Is(err, netlock.ErrUnavailable):
		return st, errorf(ErrLock, err, "%s (--require-lock)", st.Reason).withHint(lockHint)
	case err != nil:
		return st, errorf(ErrLock, err, "cannot apply the kernel lock: %v", err).withHint(lockHint)
	}
	return st, nil
}

// lockAddrs returns the proxy addresses the lock must leave open.
func (d *Dialer) lockAddrs() ([]socks.Addr, error) {
	if d.Tor != nil {
		addrs, _, err := d.Tor.addrs()
		return addrs, err
	}
	if d.Proxy == nil || d.Proxy.Flag == "" {
		return nil, errorf(ErrUsage, nil, "the kernel lock needs Tor or a proxy given with -x")
	}
	p, err := ParseProxy(d.Proxy.Flag, "-x")
	if err != nil {
		return nil, err
	}
	if !p.RemoteDNS {
		return nil, errorf(ErrUsage, nil, "the kernel lock needs -x socks5h://, not %s: with socks5:// names are resolved here, and the lock forbids DNS", p).
			withHint("use -x socks5h://" + p.Addr())
	}
	return []socks.Addr{{Network: "tcp", Address: p.Addr()}}, nil
}

// pin returns the addresses a proxy's host name resolved to before the lock.
func (d *Dialer) pin(host string) ([]net.IP, bool) {
	if d.Lock == nil {
		return nil, false
	}
	ips, ok := d.Lock.pinned[host]
	return ips, ok
}

// lockRefused reports whether err is the lock refusing a connect, and then
// returns the advice for it.
func (f *fetcher) lockRefused(err error) (string, bool) {
	l := f.dialer.Lock
	if l == nil || !l.status.Applied || !errors.Is(err, syscall.EACCES) {
		return "", false
	}
	return fmt.Sprintf("%s: a connection around the proxy is refused", l.status), true
}
