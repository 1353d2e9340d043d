package explain

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// Trace writes curl's --trace (hex and text) or --trace-ascii (text only)
// layout: "== Info:" lines, "=> Send header, 78 bytes (0x4e)" records
// followed by a dump, one "<= Recv header" record per received header line,
// "<= Recv data" for the body as it came off the wire (TLS payload
// decrypted, as curl records it). Beyond curl, the SOCKS5 handshake is
// recorded as "=> Send SOCKS" and "<= Recv SOCKS". Each event is flushed as
// it is written, so a trace to "%" (stderr) interleaves with other output.
type Trace struct {
	bw       *bufio.Writer
	ascii    bool
	withTime bool
	now      func() time.Time // the clock for --trace-time; tests replace it

	host    string // the URL's host, for "Connected to"
	port    string
	remote  bool // the name goes to the proxy
	proxied bool
	socks   int    // SOCKS records written in this hop
	tried   bool   // a "Trying" line was written for this connection
	addr    net.IP // the first address resolved here, which socks5:// sends
	tlsVer  uint16 // the TLS version of the hellos, for curl's Info lines
	heads   heldHeads
}

// NewTrace returns a Trace writing to w: curl's --trace layout, or its
// --trace-ascii layout when ascii is set; withTime prefixes each record with
// the wall-clock time as --trace-time does ("15:04:05.000000 ").
func NewTrace(w io.Writer, ascii, withTime bool) *Trace {
	return &Trace{bw: bufio.NewWriter(w), ascii: ascii, withTime: withTime, now: time.Now}
}

// Observe writes the records for e.
func (t *Trace) Observe(e fetchtrace.Event) {
	switch e.Kind {
	case fetchtrace.EvStart:
		t.start(e.URL)
	case fetchtrace.EvResolve:
		t.remote = e.Remote
		t.addr = nil
		if len(e.Addrs) > 0 {
			t.addr = e.Addrs[0]
		}
	case fetchtrace.EvDial:
		// curl says "  Trying 10.0.0.1:80...", whatever it dials.
		t.tried = true
		t.info("  Trying " + e.DialAddr() + "...")
	case fetchtrace.EvInfo:
		t.info(e.Info)
	case fetchtrace.EvLock:
		t.info(e.Info)
	case fetchtrace.EvConnect:
		t.connect(e)
	case fetchtrace.EvSOCKSSend:
		if t.socks == 0 {
			t.socksConnect()
		}
		t.socks++
		t.dump("=> Send SOCKS", e.Bytes)
	case fetchtrace.EvSOCKSRecv:
		t.socks++
		t.dump("<= Recv SOCKS", e.Bytes)
	case fetchtrace.EvSOCKSDone:
		if e.Err == nil {
			t.info("SOCKS5 request granted.")
		}
	case fetchtrace.EvTLS:
		t.tls(e.TLS)
	case fetchtrace.EvTLSRecord:
		t.tlsRecord(e.Record)
	case fetchtrace.EvDNS:
		t.dnsMsg(e.DNS)
	case fetchtrace.EvRequest:
		head := e.Bytes
		if e.Size > 0 && e.Size <= int64(len(head)) {
			head = head[:e.Size]
		}
		t.dump("=> Send header", head)
		if body := e.Bytes[len(head):]; len(body) > 0 {
			t.dump("=> Send data", body)
		}
	case fetchtrace.EvRecvHead:
		t.heads.hold(e)
	case fetchtrace.EvHTTP:
		for _, h := range t.heads.release(e) {
			t.head(h)
		}
	case fetchtrace.EvRecvData:
		if len(e.Bytes) > 0 {
			t.dump("<= Recv data", e.Bytes)
		}
	case fetchtrace.EvRedirect:
		t.info(fmt.Sprintf("Issue another request to this URL: '%s'", e.URL))
	case fetchtrace.EvReuse:
		t.info(fmt.Sprintf("Re-using existing connection #%d with host %s", e.Conn, e.Host))
	case fetchtrace.EvConnEnd:
		if e.Kept {
			t.info(fmt.Sprintf("Connection #%d to host %s left intact", e.Conn, e.Host))
		} else {
			t.info(fmt.Sprintf("Closing connection %d", e.Conn))
		}
	}
	if e.Err != nil {
		t.info(e.Err.Error())
	}
	t.bw.Flush()
}

// head records one response head, a record per line.
func (t *Trace) head(h heldHead) {
	lines := splitLines(h.bytes)
	if h.status/100 == 1 && len(lines) > 1 {
		// curl records no empty line after a 1xx head.
		lines = lines[:len(lines)-1]
	}
	for _, ln := range lines {
		t.dump("<= Recv header", ln)
	}
}

// start resets the state of a hop to url.
func (t *Trace) start(rawURL string) {
	t.heads = heldHeads{}
	t.remote, t.proxied, t.socks, t.tried = false, false, 0, false
	t.host, t.port = "", ""
	if u, err := url.Parse(rawURL); err == nil {
		t.host, t.port = u.Hostname(), u.Port()
		if t.port == "" {
			t.port = strconv.Itoa(rawhttp.DefaultPort(u.Scheme))
		}
	}
}

// socksConnect says where the SOCKS5 request asks to connect, in curl's
// words: "SOCKS5 connect to example.com:80 (remotely resolved)", or "to
// IPv4 93.184.215.14:80 (locally resolved)".
func (t *Trace) socksConnect() {
	switch {
	case t.remote || t.addr == nil:
		t.info(fmt.Sprintf("SOCKS5 connect to %s (remotely resolved)", net.JoinHostPort(t.host, t.port)))
	case t.addr.To4() != nil:
		t.info(fmt.Sprintf("SOCKS5 connect to IPv4 %s (locally resolved)", net.JoinHostPort(t.addr.String(), t.port)))
	default:
		t.info(fmt.Sprintf("SOCKS5 connect to IPv6 %s (locally resolved)", net.JoinHostPort(t.addr.String(), t.port)))
	}
}

// Close flushes the trace and returns the first write error. It does not
// close the writer handed to NewTrace.
func (t *Trace) Close() error { return t.bw.Flush() }

// stamp returns the --trace-time prefix, or "".
func (t *Trace) stamp() string {
	if !t.withTime {
		return ""
	}
	n := t.now()
	return fmt.Sprintf("%02d:%02d:%02d.%06d ", n.Hour(), n.Minute(), n.Second(), n.Nanosecond()/1000)
}

// info writes "== Info: " lines, one per line of s.
func (t *Trace) info(s string) {
	if s == "" {
		return
	}
	for _, ln := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		t.bw.WriteString(t.stamp() + "== Info: " + clean(ln) + "\n")
	}
}

func (t *Trace) connect(e fetchtrace.Event) {
	if e.Err != nil || e.Peer == nil {
		return
	}
	ip, port, err := net.SplitHostPort(e.Peer.String())
	if err != nil {
		// A unix socket (Tor's SocksPort can be one): no port.
		t.info(fmt.Sprintf("Connected to %s (%s) (#%d)", e.Role, e.Peer.String(), e.Conn))
		return
	}
	name := t.host
	if e.Role != fetchtrace.ToTarget || t.remote || port != t.port {
		// The connection goes to the proxy, known here only by address.
		t.proxied = true
		name = ip
	}
	if !t.tried {
		t.info(fmt.Sprintf("  Trying %s...", net.JoinHostPort(ip, port)))
	}
	t.tried = false
	t.info(fmt.Sprintf("Connected to %s (%s) port %s (#%d)", name, ip, port, e.Conn))
}

func (t *Trace) tls(cs *tls.ConnectionState) {
	if cs == nil {
		return
	}
	t.info(fmt.Sprintf("SSL connection using %s / %s", strings.ReplaceAll(tls.VersionName(cs.Version), " ", "v"), tls.CipherSuiteName(cs.CipherSuite)))
	if cs.NegotiatedProtocol != "" {
		t.info("ALPN: server accepted " + cs.NegotiatedProtocol)
	} else {
		t.info("ALPN: server did not agree on a protocol. Uses default.")
	}
	if len(cs.PeerCertificates) == 0 {
		return
	}
	c := cs.PeerCertificates[0]
	const layout = "Jan _2 15:04:05 2006 GMT"
	t.info("Server certificate:")
	t.info(" subject: " + c.Subject.String())
	t.info(" start date: " + c.NotBefore.UTC().Format(layout))
	t.info(" expire date: " + c.NotAfter.UTC().Format(layout))
	t.info(" issuer: " + c.Issuer.String())
	if len(cs.VerifiedChains) > 0 {
		t.info(" SSL certificate verify ok.")
	} else {
		t.info(" SSL certificate verify result: not verified (--insecure), continuing anyway.")
	}
}

// dump writes one record as curl's tool_cb_dbg.c does: the header line,
// then rows of 16 bytes in hex and text (--trace), or of up to 64
// characters of text, broken after each CR LF (--trace-ascii). Bytes
// outside printable ASCII (0x20–0x7e; DEL is not printable) print as '.'.
func (t *Trace) dump(text string, b []byte) {
	size := len(b)
	fmt.Fprintf(t.bw, "%s%s, %d bytes (0x%x)\n", t.stamp(), text, size, size)
	width := 0x10
	if t.ascii {
		width = 0x40
	}
	row := make([]byte, 0, 8+4*width)
	for i := 0; i < size; i += width {
		row = appendOffset(row[:0], i)
		if !t.ascii {
			for c := 0; c < width; c++ {
				if i+c < size {
					row = append(row, hexDigits[b[i+c]>>4], hexDigits[b[i+c]&0xf], ' ')
				} else {
					row = append(row, "   "...)
				}
			}
		}
		for c := 0; c < width && i+c < size; c++ {
			// In text mode a CR LF ends the row; the next row starts after it.
			if t.ascii && i+c+1 < size && b[i+c] == '\r' && b[i+c+1] == '\n' {
				i += c + 2 - width
				break
			}
			ch := b[i+c]
			if ch < 0x20 || ch >= 0x7f {
				ch = '.'
			}
			row = append(row, ch)
			// A CR LF right after this byte also ends the row, so that a
			// row exactly width long gets no extra empty row.
			if t.ascii && i+c+2 < size && b[i+c+1] == '\r' && b[i+c+2] == '\n' {
				i += c + 3 - width
				break
			}
		}
		row = append(row, '\n')
		t.bw.Write(row)
	}
}

const hexDigits = "0123456789abcdef"

// appendOffset appends a row's offset as curl's "%04zx: ".
func appendOffset(dst []byte, n int) []byte {
	var buf [16]byte
	i := len(buf)
	for n > 0 || i > len(buf)-4 {
		i--
		buf[i] = hexDigits[n&0xf]
		n >>= 4
	}
	dst = append(dst, buf[i:]...)
	return append(dst, ':', ' ')
}
