package explain

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/safetext"
	"sockfetch/rawhttp"
)

// Verbose is -v: it writes "* " for what happens, "> " for each request
// head line and "< " for each response head line, as curl does.
type Verbose struct {
	w     io.Writer
	color bool
	heads heldHeads
}

// NewVerbose returns a Verbose writing to w, colouring each line when color
// is set (the CLI sets it for a terminal, without NO_COLOR or --no-color).
func NewVerbose(w io.Writer, color bool) *Verbose { return &Verbose{w: w, color: color} }

// SGR sequences for -v's lines, in --explain's colours; only with color.
const (
	sgrInfo = "\x1b[2m"  // "* " steps: dim
	sgrSent = "\x1b[32m" // "> " request lines: green
	sgrRecv = "\x1b[35m" // "< " response lines: magenta
)

// line writes one line: prefix and s, coloured with sgr when colour is on.
// s is escaped by the one rule (safetext.Clean): a header line or a message
// may carry a server's bytes, and curl's -v would write them raw.
func (v *Verbose) line(sgr, prefix string, b []byte) {
	s := safetext.Clean(string(b))
	if v.color {
		fmt.Fprintf(v.w, "%s%s%s%s\n", sgr, prefix, s, sgrReset)
		return
	}
	fmt.Fprintf(v.w, "%s%s\n", prefix, s)
}

func (v *Verbose) info(format string, args ...any) {
	v.line(sgrInfo, "* ", fmt.Appendf(nil, format, args...))
}

// Observe writes the lines for e.
func (v *Verbose) Observe(e fetchtrace.Event) {
	switch e.Kind {
	case fetchtrace.EvStart:
		v.heads = heldHeads{}
		v.info("fetching %s", e.URL)
	case fetchtrace.EvResolve:
		v.resolve(e)
	case fetchtrace.EvLock, fetchtrace.EvInfo:
		v.info("%s", e.Info)
	case fetchtrace.EvDial:
		v.info("trying %s", e.Dialled())
	case fetchtrace.EvConnect:
		peer := hostPortOf(e.Peer)
		if e.Role != fetchtrace.ToTarget {
			v.info("connected to %s at %s", e.Role, peer)
		} else {
			v.info("connected to %s (%s)", e.Host, peer)
		}
	case fetchtrace.EvSOCKSSend:
		v.info("SOCKS5 sent: %s", e.Info)
	case fetchtrace.EvSOCKSRecv:
		v.info("SOCKS5 received: %s", e.Info)
	case fetchtrace.EvSOCKSDone:
		if e.Err == nil {
			v.info("SOCKS5 %s", e.Info)
		}
	case fetchtrace.EvTLS:
		if e.TLS != nil {
			v.tls(e.TLS, e.Info)
		}
	case fetchtrace.EvRequest:
		head := e.Bytes[:e.Size]
		v.lines("> ", head)
		if body := int64(len(e.Bytes)) - e.Size; body > 0 {
			v.info("request body: %d bytes sent", body)
		}
	case fetchtrace.EvRecvHead:
		v.heads.hold(e)
	case fetchtrace.EvHTTP:
		for _, h := range v.heads.release(e) {
			v.lines("< ", h.bytes)
		}
	case fetchtrace.EvBodyEnd:
		v.info("%s", bodyEndText(e))
	case fetchtrace.EvRedirect:
		v.info("following the redirect to %s", e.URL)
	case fetchtrace.EvReuse:
		v.info("Re-using existing connection #%d with host %s", e.Conn, e.Host)
	case fetchtrace.EvConnEnd:
		switch {
		case e.Kept:
			v.info("Connection #%d to host %s left intact", e.Conn, e.Host)
		case e.Info != "":
			v.info("Closing connection #%d, not reusing it: %s", e.Conn, e.Info)
		}
	}
}

func (v *Verbose) resolve(e fetchtrace.Event) {
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
}

// lines writes each line of a head with prefix, without its CR LF.
func (v *Verbose) lines(prefix string, head []byte) {
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

func (v *Verbose) tls(st *tls.ConnectionState, info string) {
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

// bodyEndText says how the end of a body was found (EvBodyEnd), for -v
// and --explain.
func bodyEndText(e fetchtrace.Event) string {
	n := e.Size
	var s string
	switch e.Framing.Kind {
	case rawhttp.NoBody:
		return "no body: " + e.Framing.Reason
	case rawhttp.Length:
		s = fmt.Sprintf("all %d bytes announced by Content-Length received", n)
	case rawhttp.Chunked:
		s = fmt.Sprintf("last chunk (size 0) and the trailer section received: %d body bytes", n)
	case rawhttp.UntilClose:
		s = fmt.Sprintf("the server closed the connection after %d body bytes", n)
	default:
		s = fmt.Sprintf("%d body bytes", n)
	}
	if e.Raw {
		s += fmt.Sprintf(" (written raw: %d bytes with the chunk framing)", e.Written)
	}
	return s
}

// heldHeads keeps a response's heads (1xx heads first) until the parser's
// framing event says the last of them was accepted: -v and --trace show
// the heads of a response only once all of them parsed, and none of a
// response rejected.
type heldHeads struct{ heads []heldHead }

// heldHead is one head kept, with its status.
type heldHead struct {
	bytes  []byte
	status int
}

// hold keeps the head of an EvRecvHead event.
func (h *heldHeads) hold(e fetchtrace.Event) {
	h.heads = append(h.heads, heldHead{append([]byte(nil), e.Bytes...), e.Status})
}

// release returns the heads kept when e is the parser's framing event, and
// forgets them.
func (h *heldHeads) release(e fetchtrace.Event) []heldHead {
	if e.HTTP == nil || e.HTTP.Kind != rawhttp.EvFraming {
		return nil
	}
	hs := h.heads
	h.heads = nil
	return hs
}
