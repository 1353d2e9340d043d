package socks

import (
	"crypto/rand"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Addr is a proxy address: Network "tcp" with Address "host:port", or Network
// "unix" with Address a socket path.
type Addr struct {
	Network string
	Address string
}

// String returns the address as ParseAddr reads it: "127.0.0.1:9050" or
// "unix:/run/tor/socks".
func (a Addr) String() string {
	if a.Network == "unix" {
		return "unix:" + a.Address
	}
	return a.Address
}

// ParseAddr parses a proxy address: "host:port", "[::1]:9050", a bare port
// such as "9050" (meaning 127.0.0.1, as in a torrc), or "unix:/path".
func ParseAddr(s string) (Addr, error) {
	if path, ok := strings.CutPrefix(s, "unix:"); ok {
		if path == "" {
			return Addr{}, fmt.Errorf("socks: bad proxy address %q: empty socket path", s)
		}
		return Addr{Network: "unix", Address: path}, nil
	}
	if strings.Contains(s, "://") {
		return Addr{}, fmt.Errorf("socks: bad proxy address %q: give host:port or unix:/path, not a URL", s)
	}
	if p, err := strconv.Atoi(s); err == nil {
		if p < 1 || p > 65535 {
			return Addr{}, fmt.Errorf("socks: bad proxy address %q: port out of range", s)
		}
		return Addr{Network: "tcp", Address: net.JoinHostPort("127.0.0.1", s)}, nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return Addr{}, fmt.Errorf("socks: bad proxy address %q: want host:port or unix:/path", s)
	}
	if host == "" {
		return Addr{}, fmt.Errorf("socks: bad proxy address %q: empty host", s)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return Addr{}, fmt.Errorf("socks: bad proxy address %q: bad port %q", s, port)
	}
	return Addr{Network: "tcp", Address: net.JoinHostPort(host, port)}, nil
}

// IsOnion reports whether host is .onion or a name under it (RFC 7686), in
// any case and with any number of final dots ("x.onion.", "x.onion.."):
// OnionName drops them. Such a name is reached only through Tor and must
// never be looked up in DNS.
func IsOnion(host string) bool {
	h := strings.ToLower(OnionName(host))
	return h == "onion" || strings.HasSuffix(h, ".onion")
}

// OnionName returns host without its final dots when it is a .onion name,
// and host unchanged otherwise. This is the name to send to Tor: Tor takes
// a name apart at its last dot (parse_extended_hostname in Tor's
// connection_edge.c), so "x.onion." has an empty last label, is not
// recognised as an onion service, and would go to an exit relay, whose
// resolver would be asked for it in DNS, the leak RFC 7686 forbids.
func OnionName(host string) string {
	h := strings.TrimRight(host, ".")
	if l := strings.ToLower(h); l == "onion" || strings.HasSuffix(l, ".onion") {
		return h
	}
	return host
}

// Auth holds RFC 1929 username/password credentials.
type Auth struct {
	User     string
	Password string
}

// NewCircuitAuth returns random credentials. Tor isolates streams by SOCKS
// credentials (IsolateSOCKSAuth, on by default), so a connection made with
// them gets a circuit of its own.
func NewCircuitAuth() *Auth {
	return &Auth{User: rand.Text(), Password: rand.Text()}
}

// DefaultTorAddrs are the Tor SOCKS addresses tried when none is given, in
// this order: the tor daemon, then Tor Browser.
var DefaultTorAddrs = []Addr{
	{Network: "tcp", Address: "127.0.0.1:9050"},
	{Network: "tcp", Address: "127.0.0.1:9150"},
}

// TorAddrs returns the Tor SOCKS addresses to try: flag (the value of
// --tor-addr) when set, else env (the value of $SOCKFETCH_TOR_ADDR, read by the
// caller) when set, else DefaultTorAddrs. explicit reports that the address
// came from flag or env; an explicit address gets no fallback.
func TorAddrs(flag, env string) (addrs []Addr, explicit bool, err error) {
	for _, src := range []struct{ name, val string }{
		{"--tor-addr", flag},
		{"SOCKFETCH_TOR_ADDR", env},
	} {
		if src.val == "" {
			continue
		}
		a, err := ParseAddr(src.val)
		if err != nil {
			return nil, true, fmt.Errorf("%s: %w", src.name, err)
		}
		return []Addr{a}, true, nil
	}
	return append([]Addr(nil), DefaultTorAddrs...), false, nil
}
