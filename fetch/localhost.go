package fetch

import (
	"net"
	"strings"
)

// localhostIPs returns the loopback addresses of localhost and of every
// name under .localhost (in any case), which RFC 6761 §6.3 lets a resolver
// answer without asking DNS, and whether host is such a name. curl 7.88
// does the same, in this order: 127.0.0.1, then ::1.
func localhostIPs(host string) ([]net.IP, bool) {
	h := strings.ToLower(host)
	if h != "localhost" && !strings.HasSuffix(h, ".localhost") {
		return nil, false
	}
	return []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, true
}

// parseIPZone parses an IP literal, an IPv6 one with or without a zone
// ("fe80::1%eth0", from the URL's "[fe80::1%25eth0]"); nil when host is
// not one. The zone is dropped: net.IP has no place for it.
func parseIPZone(host string) net.IP {
	if i := strings.IndexByte(host, '%'); i >= 0 && strings.IndexByte(host, ':') >= 0 {
		host = host[:i]
	}
	return net.ParseIP(host)
}
