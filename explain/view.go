package explain

import (
	"bytes"
	"crypto/tls"
	"errors"
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

// Options say how a view is drawn.
type Options struct {
	Color bool // ANSI colour; the CLI sets it only for a terminal, without NO_COLOR or --no-color
	Width int  // columns for headings and the waterfall; 0 means 80
	Mask  bool // hide timings, addresses and ports (golden files, tests)
}

// View is --explain: it writes one section per layer as the events of a
// fetch arrive (nothing is held back until the end), then totals and a
// waterfall of the time when Finish is called. A View is not safe for
// concurrent use; fetch calls Observe from one goroutine.
type View struct {
	p   *printer
	hop int    // the request being shown, from 1; 0 before the legend is written
	sec int    // sections written
	cur string // key of the open section

	url      *url.URL
	resolved bool          // a name-resolution section was written in this hop
	prev     time.Duration // At of the last step, for "took" times
	isTLS    bool

	socks socksDecoder
	resp  *respView
	below below // the layers under HTTP: TLS records, DNS messages

	reqHead, reqBody int64
	bodyDone         bool // fetch's EvBodyEnd was written

	// Sums over the hops before this one: fetch counts the wire bytes
	// and sums the timings over all hops, as curl does.
	hops                         int
	sumReqHead, sumReqBody       int64
	sumHead, sumBody, sumFraming int64

	done     bool
	timings  fetchtrace.Timings
	sent     int64
	recv     int64
	shown    []error // errors already written
	hinted   bool
	finished bool
}

// New returns a View writing to w.
func New(w io.Writer, o Options) *View {
	v := &View{p: newPrinter(w, o.Color, o.Width, o.Mask)}
	v.newHop()
	return v
}

func (v *View) newHop() {
	if v.resp != nil {
		v.hops++
		v.sumReqHead += v.reqHead
		v.sumReqBody += v.reqBody
		v.sumHead += v.resp.headBytes
		v.sumBody += v.resp.bodyBytes
		v.sumFraming += v.resp.framingBytes
	}
	v.sec, v.cur = 0, ""
	v.resolved, v.isTLS = false, false
	v.socks.reset(v.p.m)
	v.below = below{live: v.below.live, lookedUp: v.below.lookedUp}
	v.resp = &respView{p: v.p}
	v.reqHead, v.reqBody = 0, 0
	v.bodyDone = false
}

// Observe writes what e shows.
func (v *View) Observe(e fetchtrace.Event) {
	if v.finished {
		return
	}
	if v.hop == 0 && e.Kind != fetchtrace.EvStart {
		v.start(fetchtrace.Event{At: e.At})
	}
	switch e.Kind {
	case fetchtrace.EvStart:
		v.start(e)
	case fetchtrace.EvResolve:
		v.resolve(e)
	case fetchtrace.EvLock:
		v.lock(e)
	case fetchtrace.EvConnect:
		v.connect(e)
	case fetchtrace.EvSOCKSSend, fetchtrace.EvSOCKSRecv:
		v.socksMsg(e)
	case fetchtrace.EvSOCKSDone:
		v.socksDone(e)
	case fetchtrace.EvTLS:
		v.tlsState(e)
	case fetchtrace.EvRequest:
		v.request(e)
	case fetchtrace.EvHTTP, fetchtrace.EvRecvHead:
		if e.HTTP != nil {
			v.responseSection(e.At)
			v.resp.event(e.HTTP)
		}
	case fetchtrace.EvBodyEnd:
		if e.HTTP != nil {
			v.responseSection(e.At)
			v.resp.event(e.HTTP)
		}
		v.bodyEnd(e)
	case fetchtrace.EvRedirect:
		v.redirect(e)
	case fetchtrace.EvReuse:
		v.reuse(e)
	case fetchtrace.EvConnEnd:
		v.connEnd(e)
	case fetchtrace.EvDial:
		v.tcpSection(e.At)
		v.p.para(3, 5, stGloss, "· "+v.p.m.text(clean("trying "+e.Dialled())))
	case fetchtrace.EvTCPInfo:
		v.tcpInfo(e)
	case fetchtrace.EvTLSRecord:
		v.tlsRecord(e)
	case fetchtrace.EvDNS:
		v.dnsMsg(e)
	case fetchtrace.EvInfo:
		if e.Info != "" {
			v.p.para(3, 5, stGloss, "· "+v.p.m.text(clean(e.Info)))
		}
	case fetchtrace.EvDone:
		v.done = true
		if e.Timings != nil {
			v.timings = *e.Timings
		}
		v.sent, v.recv = e.Sent, e.Recv
	}
	if e.Err != nil {
		v.fail(e)
	}
	v.p.flush()
}

// section opens a numbered section unless it is the one already open.
func (v *View) section(key, title string, at time.Duration) {
	if v.cur == key {
		return
	}
	v.cur = key
	v.sec++
	v.p.heading(strconv.Itoa(v.sec)+". "+title, v.p.m.dur(at))
}

// took returns the time since the previous step and moves the mark.
func (v *View) took(at time.Duration) string {
	d := at - v.prev
	if d < 0 {
		d = 0
	}
	v.prev = at
	return v.p.m.dur(d)
}

func (v *View) start(e fetchtrace.Event) {
	if e.URL != "" {
		v.p.m.learnURL(e.URL)
		v.url, _ = url.Parse(e.URL)
	}
	v.prev = e.At
	if v.hop == 0 {
		what := "this fetch"
		if e.URL != "" {
			what = "the fetch of " + v.p.m.text(clean(e.URL))
		}
		v.p.para(0, 0, stHead, "Explaining "+what+", layer by layer, in the order things happen.")
		v.p.gloss(0, "How to read it: → marks bytes we send and ← bytes we receive. "+
			"[2.1 ms] is the time since the fetch began. "+
			"␍␊ stands for the two invisible bytes CR and LF (hex 0d 0a) that end each line of HTTP.")
		v.hop = 1
		return
	}
	v.hop++
	v.newHop()
	v.p.blank()
	v.p.para(0, 0, stHead, fmt.Sprintf("Request %d, after the redirect: %s", v.hop, v.p.m.text(clean(e.URL))))
}

// host returns the URL's host name, or "the server".
func (v *View) host() string {
	if v.url == nil || v.url.Hostname() == "" {
		return "the server"
	}
	return v.p.m.text(clean(v.url.Hostname()))
}

func (v *View) resolve(e fetchtrace.Event) {
	for _, ip := range e.Addrs {
		v.p.m.learnIP(ip)
	}
	v.resolved = true
	name := clean(e.Host)
	if name == "" {
		name = v.host()
	}
	v.section("dns", "name resolution", e.At)
	if e.Remote {
		v.took(e.At)
		if ip := net.ParseIP(e.Host); ip != nil {
			v.p.para(3, 3, stNone, "nothing to resolve: "+v.p.m.ip(ip)+" is already an IP address; it goes to the proxy as it is")
			return
		}
		v.p.line(3, stNone, "name sent to the proxy, not resolved here")
		v.p.intro("remote-dns", 3, "The proxy looks up "+name+" itself, so no DNS query for it leaves this machine: "+
			"nobody watching our network learns which site we asked for.")
		return
	}
	if ip := net.ParseIP(e.Host); ip != nil {
		v.took(e.At)
		v.p.linef(3, "nothing to resolve: %s is already an IP address", v.p.m.ip(ip))
		return
	}
	v.below.lookedUp = true
	v.p.intro("dns", 3, "Computers reach each other by number (an IP address), not by name. "+
		"DNS, the internet's phone book, turns the name into addresses.")
	if e.Err != nil {
		return
	}
	addrs := make([]string, 0, len(e.Addrs))
	for i, ip := range e.Addrs {
		if i == 3 {
			addrs = append(addrs, fmt.Sprintf("and %d more", len(e.Addrs)-3))
			break
		}
		addrs = append(addrs, v.p.m.ip(ip))
	}
	v.p.linef(3, "resolved %s → %s (%s)", name, strings.Join(addrs, ", "), v.took(e.At))
}

func (v *View) lock(e fetchtrace.Event) {
	v.section("lock", "kernel lock", e.At)
	v.p.gloss(3, "sockfetch asks the Linux kernel (Landlock) to refuse this process every "+
		"connection but the one it needs, so that no bug can send traffic around the proxy.")
	if e.Info != "" {
		v.p.line(3, stNone, v.p.m.text(clean(e.Info)))
	}
}

// peerRole says who the remote end of the TCP connection is.
func (v *View) peerRole(e fetchtrace.Event) string {
	switch e.Role {
	case fetchtrace.ToTor:
		return "Tor's SOCKS port (the proxy); the server is reached through Tor"
	case fetchtrace.ToProxy:
		return "the " + e.Role.String() + "; the server is reached through it"
	}
	return "the server"
}

// tcpSection opens the TCP section with its explanation.
func (v *View) tcpSection(at time.Duration) {
	if v.cur == "tcp" {
		return
	}
	if !v.resolved && v.url != nil && net.ParseIP(v.url.Hostname()) != nil {
		v.resolved = true
		v.section("dns", "name resolution", v.prev)
		v.p.linef(3, "nothing to resolve: %s is already an IP address", v.p.m.text(v.host()))
	}
	v.section("tcp", "TCP connection", at)
	v.p.intro("tcp", 3, "TCP gives two programs a reliable two-way stream of bytes. "+
		"Each end is a socket address: an IP address (which machine) plus a port number (which program on it).")
}

func (v *View) connect(e fetchtrace.Event) {
	v.p.m.learnAddr(e.Local)
	v.p.m.learnAddr(e.Peer)
	v.tcpSection(e.At)
	if e.Local != nil {
		v.p.kv(3, 6, stNone, "local", v.p.m.addr(e.Local)+": this machine; the kernel picked the port")
	}
	if e.Peer != nil {
		v.p.kv(3, 6, stNone, "remote", v.p.m.addr(e.Peer)+": "+v.peerRole(e))
	}
	if e.Err == nil {
		v.p.linef(3, "connected in %s (one round trip: SYN →, ← SYN-ACK, ACK →)", v.took(e.At))
	}
}

// socksIntro is written once, when the SOCKS5 section opens.
const socksIntro = "A SOCKS5 proxy (RFC 1928) opens connections on our behalf. " +
	"Before any HTTP, we tell it where to connect. Each message is shown byte by byte " +
	"in hexadecimal (two digits per byte), with what each byte means."

func (v *View) socksMsg(e fetchtrace.Event) {
	if v.cur != "socks" {
		v.section("socks", "SOCKS5 handshake with the proxy", e.At)
		v.p.intro("socks", 3, socksIntro)
	}
	send := e.Kind == fetchtrace.EvSOCKSSend
	var m socksMsg
	if send {
		m = v.socks.send(e.Bytes)
	} else {
		m = v.socks.recv(e.Bytes)
	}
	arrow, st := "← ", stRecv
	if send {
		arrow, st = "→ ", stSent
	}
	v.p.line(3, st, arrow+m.title+" ("+plural(int64(len(e.Bytes)), "byte", "bytes")+")")
	if m.ok {
		for _, fl := range m.fields {
			v.field(fl, st)
		}
		return
	}
	v.rawRows(e.Bytes, st)
	if m.why != "" {
		v.p.gloss(7, m.why)
	}
	if e.Info != "" {
		v.p.gloss(7, v.p.m.text(clean(e.Info)))
	}
}

// field writes one SOCKS field: its bytes in hex, eight to a row, and its
// meaning beside the first row.
func (v *View) field(fl socksField, st style) {
	const per = 8
	b := fl.b
	for i := 0; i == 0 || i < len(b); i += per {
		end := min(i+per, len(b))
		hx := hexBytes(b[i:end])
		if fl.hide {
			hx = strings.TrimSuffix(strings.Repeat("xx ", end-i), " ")
		}
		var mean []string
		if i == 0 {
			mean = wrap(v.p.m.text(fl.meaning), v.p.width-32)
		}
		v.p.bw.WriteString("       ")
		v.p.bw.WriteString(v.p.paint(st, fmt.Sprintf("%-24s", hx)))
		if len(mean) > 0 {
			v.p.bw.WriteString(" " + mean[0])
		}
		v.p.bw.WriteByte('\n')
		for _, m := range mean[min(1, len(mean)):] {
			v.p.line(32, stNone, m)
		}
	}
}

// rawRows writes bytes that did not decode: hex, then the same as text.
func (v *View) rawRows(b []byte, st style) {
	const per = 8
	for i := 0; i < len(b); i += per {
		end := min(i+per, len(b))
		v.p.line(7, st, fmt.Sprintf("%-24s %s", hexBytes(b[i:end]), visible(b[i:end])))
	}
}

func (v *View) socksDone(e fetchtrace.Event) {
	if v.cur != "socks" {
		v.section("socks", "SOCKS5 handshake with the proxy", e.At)
	}
	if e.Err != nil {
		return
	}
	target := v.host()
	if v.url != nil {
		target = v.p.m.text(clean(v.url.Host))
	}
	v.p.line(3, stGood, "tunnel open after "+v.took(e.At))
	v.p.gloss(3, "From here on, the bytes we send reach "+target+" through the proxy, which only passes them along.")
}

// tlsSection opens the TLS section with its explanation.
func (v *View) tlsSection(at time.Duration) {
	v.isTLS = true
	v.section("tls", "TLS: encryption and the server's identity", at)
	v.p.intro("tls", 3, "TLS encrypts everything that follows and checks, with a certificate, that the server really is "+v.host()+".")
}

func (v *View) tlsState(e fetchtrace.Event) {
	v.below.tlsDone = true
	v.tlsSection(e.At)
	cs := e.TLS
	if cs == nil {
		return
	}
	row := func(k, val string) { v.p.kv(3, 13, stNone, k, val) }
	row("version", tls.VersionName(cs.Version))
	row("cipher suite", tls.CipherSuiteName(cs.CipherSuite)+" (how the bytes are encrypted)")
	if cs.NegotiatedProtocol != "" {
		row("ALPN", clean(cs.NegotiatedProtocol)+" (the protocol both sides agreed to speak inside)")
	} else {
		row("ALPN", "none chosen; HTTP/1.1 it is")
	}
	if cs.ServerName != "" {
		row("SNI", clean(cs.ServerName)+" (the name we asked for; it travels unencrypted)")
	}
	if len(cs.PeerCertificates) > 0 {
		c := cs.PeerCertificates[0]
		row("certificate", "subject "+clean(c.Subject.String()))
		row("", "issuer  "+clean(c.Issuer.String()))
		row("", "valid   "+v.p.m.date(c.NotBefore)+" to "+v.p.m.date(c.NotAfter))
		if len(c.DNSNames) > 0 {
			names := c.DNSNames
			more := ""
			if len(names) > 4 {
				more = fmt.Sprintf(" and %d more", len(names)-4)
				names = names[:4]
			}
			row("", "names   "+clean(strings.Join(names, ", "))+more)
		}
	}
	switch {
	case e.Err != nil:
		// written by fail
	case len(cs.VerifiedChains) > 0:
		row("verified", "yes: "+v.trustRoot(e.CAFile)+" vouches for it, and it is made out to "+v.host())
	default:
		v.p.kv(3, 13, stWarn, "verified", "NO (--insecure): anyone in between could pretend to be this server")
	}
	if e.Err == nil {
		v.p.linef(3, "handshake done in %s", v.took(e.At))
	}
}

// requestIntro is written once, when the request section opens.
const requestIntro = "HTTP is plain text. A request is a head (one item per line, each line " +
	"ending in ␍␊), then an empty line, then the body if there is one. These are the exact bytes sent."

func (v *View) request(e fetchtrace.Event) {
	v.section("request", "HTTP request", e.At)
	v.p.intro("request", 3, requestIntro)
	head := e.Bytes
	if e.Size > 0 && e.Size <= int64(len(head)) {
		head = head[:e.Size]
	} else if i := bytes.Index(head, []byte("\r\n\r\n")); i >= 0 {
		head = head[:i+4]
	}
	v.reqHead = int64(len(head))
	v.reqBody = int64(len(e.Bytes) - len(head))
	for i, ln := range splitLines(head) {
		var g string
		switch {
		case i == 0:
			g = requestLineGloss(ln)
		case len(bytes.TrimRight(ln, "\r\n")) == 0:
			g = "empty line: the end of the head"
		default:
			name, val, _ := bytes.Cut(ln, []byte(":"))
			g = requestFieldText(string(name), string(bytes.TrimRight(val, "\r\n")))
		}
		v.p.line(3, stSent, "→ "+v.p.m.text(visible(ln)))
		if g != "" {
			v.p.gloss(7, g)
		}
	}
	if v.reqBody > 0 {
		v.p.line(3, stSent, "→ ["+plural(v.reqBody, "byte", "bytes")+" of body]")
	}
	if v.reqBody == 0 && announcesBody(head) {
		// An upload (-T, -F with files) streams its body from its source
		// after the head: its bytes are never in the request event.
		v.p.linef(3, "sent %s of head; the body follows, streamed as it is built from the form, the file or stdin (its bytes are not shown here)", plural(v.reqHead, "byte", "bytes"))
		return
	}
	v.p.linef(3, "sent %s of head and %s of body", plural(v.reqHead, "byte", "bytes"), plural(v.reqBody, "byte", "bytes"))
}

// announcesBody reports whether a request head says a body follows: a
// Content-Length above 0, or chunked framing.
func announcesBody(head []byte) bool {
	for _, ln := range splitLines(head) {
		name, val, ok := bytes.Cut(ln, []byte(":"))
		if !ok {
			continue
		}
		v := strings.TrimSpace(string(val))
		switch strings.ToLower(string(name)) {
		case "content-length":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
				return true
			}
		case "transfer-encoding":
			if strings.EqualFold(v, "chunked") {
				return true
			}
		}
	}
	return false
}

// splitLines splits b after each LF; a last line without LF is kept.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// requestLineGloss explains "GET /path HTTP/1.1".
func requestLineGloss(ln []byte) string {
	parts := strings.Fields(string(bytes.TrimRight(ln, "\r\n")))
	if len(parts) != 3 {
		return "the request line"
	}
	verb := "method " + clean(parts[0])
	switch parts[0] {
	case "GET":
		verb += " (send me this)"
	case "HEAD":
		verb += " (send me only the head, no body)"
	case "POST":
		verb += " (here is data for you)"
	}
	return fmt.Sprintf("the request line: %s, target %s (which resource), version %s",
		verb, clean(parts[1]), clean(parts[2]))
}

// responseIntro is written once, when the response section opens.
const responseIntro = "The answer has the same shape: a status line, header fields, " +
	"an empty line, then the body. How the body's end will be found is decided from the head (RFC 9112 §6.3)."

func (v *View) responseSection(at time.Duration) {
	if v.cur != "response" {
		v.section("response", "HTTP response", at)
		v.p.intro("response", 3, responseIntro)
	}
}

func (v *View) bodyEnd(e fetchtrace.Event) {
	v.responseSection(e.At)
	v.resp.flushHidden()
	how := clean(bodyEndText(e))
	v.bodyDone = true
	v.resp.bodyBytes = e.Size
	v.p.para(3, 5, stGood, "end of body: "+v.p.m.text(how))
	v.decoded(e)
}

func (v *View) redirect(e fetchtrace.Event) {
	v.p.m.learnURL(e.URL)
	v.section("redirect", "redirect", e.At)
	v.p.intro("redirect", 3, "The server sent us elsewhere. A new request starts from the beginning: "+
		"name, connection, request, response.")
	v.p.para(3, 9, stNone, "next: "+v.p.m.text(clean(e.URL)))
	if e.Info != "" {
		v.p.para(3, 9, stGloss, "why:  "+v.p.m.text(clean(e.Info)))
	}
}

// fail writes an error once, however many events carry it (fetch reports
// a failed step, then wraps the same error for EvDone), with its hint.
func (v *View) fail(e fetchtrace.Event) {
	err := e.Err
	seen := false
	for _, s := range v.shown {
		if errors.Is(err, s) || s.Error() == err.Error() {
			seen = true
			break
		}
	}
	v.shown = append(v.shown, err)
	if !seen {
		var pe *rawhttp.ProtocolError
		if errors.As(err, &pe) {
			v.responseSection(e.At)
			v.resp.reject(err, nil)
		} else {
			v.p.para(3, 5, stBad, "✗ "+v.p.m.text(clean(err.Error())))
			if e.Kind == fetchtrace.EvTLS {
				v.certNames(e)
				v.p.gloss(5, "The TLS handshake failed, so not a single byte of HTTP was sent: "+
					"sockfetch will not talk to a server whose identity it cannot check (unless told --insecure).")
			}
		}
	}
	if e.Hint != "" && !v.hinted {
		v.hinted = true
		v.p.para(5, 11, stWarn, "hint: "+v.p.m.text(clean(e.Hint)))
	}
}

// Finish writes the totals and the waterfall, once the fetch is over.
func (v *View) Finish() {
	if v.finished {
		return
	}
	v.resp.flushHidden()
	if v.resp.ended && !v.bodyDone {
		v.p.para(3, 5, stGood, "end of body: "+v.resp.endText()+"; "+plural(v.resp.bodyBytes, "byte", "bytes")+" of body")
	}
	v.finished = true
	if !v.done {
		v.p.blank()
		v.p.line(0, stWarn, "The fetch did not finish, so there are no totals.")
		v.p.flush()
		return
	}
	v.totals()
	v.waterfall()
	v.p.flush()
}

func (v *View) totals() {
	v.section("totals", "totals", v.timings.Total)
	r := v.resp
	reqHead, reqBody := v.sumReqHead+v.reqHead, v.sumReqBody+v.reqBody
	head, body, framing := v.sumHead+r.headBytes, v.sumBody+r.bodyBytes, v.sumFraming+r.framingBytes
	if v.hops > 0 {
		v.p.gloss(3, fmt.Sprintf("Sums over all %d requests, redirects included.", v.hops+1))
	}
	if v.sent == 0 && v.recv == 0 {
		v.p.line(3, stNone, "No HTTP bytes were sent or received.")
		v.p.linef(3, "time: %s from the start to the end", v.p.m.dur(v.timings.Total))
		return
	}
	v.p.gloss(3, "What travelled on the wire, in bytes, and how much of it was the body you asked for.")
	cols := []string{"on the wire", "head", "body"}
	sent := []int64{v.sent, reqHead, reqBody}
	recv := []int64{v.recv, head, body}
	if framing > 0 {
		cols = append(cols, "framing")
		sent, recv = append(sent, 0), append(recv, framing)
	}
	if v.isTLS {
		cols = append(cols, "TLS")
		sent = append(sent, max(0, v.sent-reqHead-reqBody))
		recv = append(recv, max(0, v.recv-head-body-framing))
	}
	row := func(name string, vals []int64) {
		var b strings.Builder
		fmt.Fprintf(&b, "%-9s", name)
		for i, n := range vals {
			if v.maskTLSBytes() && (i == 0 || cols[i] == "TLS") {
				// A handshake's size changes from run to run (signatures).
				fmt.Fprintf(&b, " %*s", max(8, len(cols[i])), maskedNum)
				continue
			}
			fmt.Fprintf(&b, " %*d", max(8, len(cols[i])), n)
		}
		v.p.line(3, stNone, b.String())
	}
	var hd strings.Builder
	hd.WriteString(strings.Repeat(" ", 9))
	for _, c := range cols {
		fmt.Fprintf(&hd, " %*s", max(8, len(c)), c)
	}
	v.p.line(3, stGloss, hd.String())
	row("sent", sent)
	row("received", recv)
	if framing > 0 {
		v.p.gloss(3, "framing: the chunk-size lines, the CR LF after each chunk's data, and the trailers.")
	}
	if v.isTLS {
		v.p.gloss(3, "TLS: the handshake, the certificates, and a few bytes of encryption overhead per record.")
	}
	if v.recv > 0 && v.maskTLSBytes() {
		v.p.gloss(3, maskedNum+"% of the bytes received were not body.")
	} else if v.recv > 0 {
		v.p.gloss(3, fmt.Sprintf("%.1f%% of the bytes received were not body.", 100*float64(v.recv-body)/float64(v.recv)))
	}
	v.p.linef(3, "time: %s from the start to the last byte", v.p.m.dur(v.timings.Total))
}

// reuse says that a connection kept from an earlier request carries this
// one, in place of the TCP section (and SOCKS and TLS ones).
func (v *View) reuse(e fetchtrace.Event) {
	v.p.m.learnAddr(e.Local)
	v.p.m.learnAddr(e.Peer)
	v.section("tcp", "TCP connection", e.At)
	v.p.linef(3, "reusing connection #%d to %s, kept open after the previous response", e.Conn, v.p.m.text(clean(e.Host)))
	v.p.intro("reuse", 3, "HTTP/1.1 lets one connection carry one request after another, so this one costs "+
		"no new TCP handshake, no SOCKS handshake or Tor stream and no TLS handshake.")
}

// connEnd says whether the connection stays open for another request,
// and why not when it does not.
func (v *View) connEnd(e fetchtrace.Event) {
	if e.Kept {
		v.p.para(3, 5, stGloss, fmt.Sprintf("· connection #%d stays open for another request to %s", e.Conn, v.p.m.text(clean(e.Host))))
		return
	}
	if e.Info != "" {
		v.p.para(3, 5, stGloss, fmt.Sprintf("· closing connection #%d, not reusing it: %s", e.Conn, v.p.m.text(clean(e.Info))))
	}
}
