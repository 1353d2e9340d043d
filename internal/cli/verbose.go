package cli

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"

	"sockfetch/fetch"
)

// verbose writes -v's lines: "* " for what happens, "> " for each request
// head line, "< " for each response head line, as curl.
type verbose struct {
	w     io.Writer
	color bool // colour each line: stderr is a terminal, and neither NO_COLOR nor --no-color
}

// SGR sequences for -v's lines, in --explain's colours; only with color.
const (
	sgrInfo  = "\x1b[2m"  // "* " steps: dim
	sgrSent  = "\x1b[32m" // "> " request lines: green
	sgrRecv  = "\x1b[35m" // "< " response lines: magenta
	sgrReset = "\x1b[0m"
)

// line writes one line: prefix and s, coloured with sgr when colour is on.
func (v *verbose) line(sgr, prefix string, s []byte) {
	if v.color {
		fmt.Fprintf(v.w, "%s%s%s%s\n", sgr, prefix, s, sgrReset)
		return
	}
	fmt.Fprintf(v.w, "%s%s\n", prefix, s)
}

func (v *verbose) info(format string, args ...any) {
	v.line(sgrInfo, "* ", fmt.Appendf(nil, format, args...))
}

func (v *verbose) observe(e fetch.Event) {
	switch e.Kind {
	case fetch.EvStart:
		v.info("fetching %s", e.URL)
	case fetch.EvResolve:
		switch {
		case e.Remote:
			v.info("name %s is sent to the proxy, not resolved here", e.Host)
		case len(e.Addrs) == 1 && e.Addrs[0].String() == e.Host:
			// An address: nothing was resolved.
		default:
			ips := make([]string, len(e.Addrs))
			for i, ip := range e.Addrs {
				ips[i] = ip.String()
			}
			v.info("host %s resolved to %s", e.Host, strings.Join(ips, ", "))
		}
	case fetch.EvLock, fetch.EvInfo:
		v.info("%s", e.Info)
	case fetch.EvConnect:
		peer := hostPortOf(e.Peer)
		if e.Info != "" {
			v.info("connected to %s at %s", e.Info, peer)
		} else {
			v.info("connected to %s (%s)", e.Host, peer)
		}
	case fetch.EvSOCKSSend:
		v.info("SOCKS5 sent: %s", e.Info)
	case fetch.EvSOCKSRecv:
		v.info("SOCKS5 received: %s", e.Info)
	case fetch.EvSOCKSDone:
		if e.Err == nil {
			v.info("SOCKS5 %s", e.Info)
		}
	case fetch.EvTLS:
		if e.TLS != nil {
			v.tls(e.TLS, e.Info)
		}
	case fetch.EvRequest:
		head := e.Bytes[:e.Size]
		v.lines("> ", head)
		if body := int64(len(e.Bytes)) - e.Size; body > 0 {
			v.info("request body: %d bytes sent", body)
		}
	case fetch.EvRecvHead:
		v.lines("< ", e.Bytes)
	case fetch.EvBodyEnd:
		v.info("%s", e.Info)
	case fetch.EvRedirect:
		v.info("following the redirect to %s", e.URL)
	}
}

// lines writes each line of a head with prefix, without its CR LF.
func (v *verbose) lines(prefix string, head []byte) {
	sgr := sgrRecv
	if prefix == "> " {
		sgr = sgrSent
	}
	for len(head) > 0 {
		line, rest, _ := bytes.Cut(head, []byte("\n"))
		v.line(sgr, prefix, bytes.TrimSuffix(line, []byte("\r")))
		head = rest
	}
}

func (v *verbose) tls(st *tls.ConnectionState, info string) {
	alpn := st.NegotiatedProtocol
	if alpn == "" {
		alpn = "none"
	}
	v.info("TLS connection using %s / %s, ALPN %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), alpn)
	if len(st.PeerCertificates) > 0 {
		c := st.PeerCertificates[0]
		v.info("server certificate: subject %s; issuer %s; expires %s", c.Subject, c.Issuer, c.NotAfter.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	if info != "" {
		v.info("%s", info)
	}
}

// hostPortOf words a connection address as curl: "127.0.0.1 port 80".
func hostPortOf(a net.Addr) string {
	if a == nil {
		return "?"
	}
	if ta, ok := a.(*net.TCPAddr); ok {
		return fmt.Sprintf("%s port %d", ta.IP, ta.Port)
	}
	return a.String()
}
