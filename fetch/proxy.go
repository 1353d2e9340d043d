package fetch

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"sockfetch/fetch/socks"
)

// Proxy is a SOCKS5 proxy to tunnel through.
type Proxy struct {
	Host      string // name or address of the proxy
	Port      int
	RemoteDNS bool   // socks5h: the proxy resolves the target's name
	User      string // RFC 1929 credentials, used when HasAuth
	Password  string
	HasAuth   bool
	From      string // where the setting came from: "-x", "ALL_PROXY", ...
}

// Addr returns the proxy's host:port.
func (p *Proxy) Addr() string { return net.JoinHostPort(p.Host, strconv.Itoa(p.Port)) }

// String returns the proxy as a URL without its password.
func (p *Proxy) String() string {
	s := "socks5://"
	if p.RemoteDNS {
		s = "socks5h://"
	}
	if p.HasAuth {
		s += url.User(p.User).String() + ":***@"
	}
	return s + p.Addr()
}

// defaultSOCKSPort is the port of a proxy URL without one, as curl.
const defaultSOCKSPort = 1080

// ParseProxy parses a proxy URL: socks5://[user:pass@]host[:port] (names
// resolved here) or socks5h://... (names resolved by the proxy). from names
// the setting in error messages ("-x", "ALL_PROXY"). Any other scheme, and a
// value without one (which curl would take as an HTTP proxy), is an ErrUsage
// error: sockfetch never falls back to a direct connection.
func ParseProxy(s, from string) (*Proxy, error) {
	bad := func(why string) error {
		return errorf(ErrUsage, nil, "%s: bad proxy %q: %s", from, s, why).
			withHint("write the proxy as socks5h://HOST:PORT (the proxy resolves names) or socks5://HOST:PORT")
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return nil, bad("no scheme (sockfetch speaks SOCKS5 only, not HTTP proxies)")
	}
	p := &Proxy{From: from, Port: defaultSOCKSPort}
	switch strings.ToLower(scheme) {
	case "socks5":
	case "socks5h":
		p.RemoteDNS = true
	case "http", "https":
		return nil, bad(scheme + " proxies are not supported, only SOCKS5")
	default:
		return nil, bad("unsupported proxy scheme " + strconv.Quote(scheme) + ", only socks5 and socks5h")
	}
	u, err := url.Parse("socks5://" + rest)
	if err != nil {
		return nil, bad("cannot parse it")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		return nil, bad("a proxy URL has no path")
	}
	p.Host = u.Hostname()
	if p.Host == "" {
		return nil, bad("no host")
	}
	if ps := u.Port(); ps != "" {
		n, err := strconv.Atoi(ps)
		if err != nil || n < 1 || n > 65535 {
			return nil, bad("bad port " + strconv.Quote(ps))
		}
		p.Port = n
	}
	if u.User != nil {
		p.HasAuth = true
		p.User = u.User.Username()
		p.Password, _ = u.User.Password()
		if len(p.User) > socks.MaxFieldLen || len(p.Password) > socks.MaxFieldLen {
			return nil, bad("user name and password are limited to " + strconv.Itoa(socks.MaxFieldLen) + " bytes each (RFC 1929)")
		}
	}
	return p, nil
}

// ProxySettings say where the proxy for a URL comes from, as curl: the -x
// flag, else the environment (http_proxy for http, https_proxy or
// HTTPS_PROXY for https, then ALL_PROXY or all_proxy), except for hosts
// matched by --noproxy or else NO_PROXY/no_proxy.
type ProxySettings struct {
	Flag    string              // -x value, "" for none
	NoProxy *string             // --noproxy value; nil: take NO_PROXY from the environment
	Getenv  func(string) string // nil: no environment
}

// envVars lists the proxy variables consulted per scheme, in order. Like
// curl, http uses only the lowercase http_proxy (HTTP_PROXY can be set by a
// CGI request's Proxy header).
var envVars = map[string][]string{
	"http":  {"http_proxy", "ALL_PROXY", "all_proxy"},
	"https": {"https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"},
}

func (s *ProxySettings) getenv(name string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(name)
}

// For returns the proxy for u, or nil for a direct connection.
func (s *ProxySettings) For(u *url.URL) (*Proxy, error) {
	if s == nil || s.excluded(u) {
		return nil, nil
	}
	if s.Flag != "" {
		return ParseProxy(s.Flag, "-x")
	}
	for _, name := range envVars[u.Scheme] {
		if v := s.getenv(name); v != "" {
			return ParseProxy(v, name)
		}
	}
	return nil, nil
}

// excluded reports whether the no-proxy list names u's host: --noproxy,
// else NO_PROXY or no_proxy. Unlike curl, the environment's list does not
// apply to a proxy given with -x: an explicit proxy is only bypassed when
// --noproxy says so on the same command line.
func (s *ProxySettings) excluded(u *url.URL) bool {
	if s == nil {
		return false
	}
	var list string
	switch {
	case s.NoProxy != nil:
		list = *s.NoProxy
	case s.Flag != "":
		return false
	default:
		list = s.getenv("NO_PROXY")
		if list == "" {
			list = s.getenv("no_proxy")
		}
	}
	return noProxyMatch(list, u.Hostname())
}

// noProxyMatch reports whether host is covered by list, curl's NO_PROXY
// syntax: comma-separated entries, "*" for every host, a domain (with or
// without a leading dot) for itself and its subdomains, an IP address, or an
// IP network in CIDR notation.
func noProxyMatch(list, host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	ip := net.ParseIP(host)
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(strings.ToLower(e))
		if e == "" {
			continue
		}
		if e == "*" {
			return true
		}
		if ip != nil {
			if _, n, err := net.ParseCIDR(e); err == nil && n.Contains(ip) {
				return true
			}
			if eip := net.ParseIP(strings.Trim(e, "[]")); eip != nil && eip.Equal(ip) {
				return true
			}
			continue
		}
		e = strings.TrimSuffix(strings.TrimPrefix(e, "."), ".")
		if host == e || strings.HasSuffix(host, "."+e) {
			return true
		}
	}
	return false
}
