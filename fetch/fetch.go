package fetch

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// Request says what to fetch and how. The zero value of each option is
// curl's default.
type Request struct {
	URL         string          // absolute http:// or https:// URL
	Method      string          // "" means GET, or POST when Body is not nil
	Fields      []rawhttp.Field // the user's header fields in order, each sent as given (an empty Value as "Name:")
	Remove      []string        // names of default fields not to send (-H 'Name:')
	Auth        string          // Authorization value (-u), sent only to the first URL's origin; "" for none (the URL's userinfo then)
	Referer     string          // Referer of the first request (-e); "" for none
	AutoReferer bool            // on a redirect, send the previous URL as Referer (-e ';auto')
	PathAsIs    bool            // keep "." and ".." segments in the path (--path-as-is)
	Body        []byte          // request body, sent with Content-Length; nil for none
	Upload      *Upload         // a body streamed after the head (upload.go); nil for none (Body is nil then)
	Expect      bool            // with Upload: send Expect: 100-continue and wait for it, as curl (upload.go)
	ContentType string          // Content-Type for Body unless Fields name one; dropped with the body on a redirect to GET
	UserAgent   string          // default User-Agent; "" sends none
	HTTP10      bool            // send HTTP/1.0

	Follow         bool          // follow redirects (-L)
	MaxRedirects   int           // redirects allowed with Follow; negative: no limit
	MaxTime        time.Duration // the whole operation, redirects included; 0: none
	ConnectTimeout time.Duration // per hop: TCP, SOCKS and TLS; 0: none
	MaxFileSize    int64         // largest body accepted; 0: no limit
	Fail           bool          // status >= 400 is ErrHTTPStatus and no body is written (-f)
	Compressed     bool          // ask for gzip or deflate and decode the body
	Raw            bool          // write the body as it came off the wire: chunk framing kept, nothing decoded (--raw)
	Range          string        // bytes to ask for, as -r gives them ("0-99", "-500"); "" for all (see rangeValue)
	ResumeFrom     int64         // resume at this offset (-C): ask for the rest, check the answer (resumeCheck); 0: no resume

	Insecure bool   // skip certificate verification (-k)
	CACert   string // PEM file of trusted roots instead of the system's; "" for the system's

	Cookies CookieJar // decides each hop's Cookie field and takes each response's Set-Cookie fields (-b, -c); nil: none

	Dialer     *Dialer                // how to connect; nil: directly
	Pool       *Pool                  // connections kept for reuse across fetches; nil: this fetch's own, for its redirects
	NoReuse    bool                   // close every connection after its response (--no-keepalive)
	ReadBuffer int                    // the read buffer of a plain connection, when not 0 (256 KiB; many transfers at once want less)
	Observe    func(fetchtrace.Event) // receives every step; nil: nothing is recorded
}

// Output says where the response goes.
type Output struct {
	Body    io.Writer // the body of the last response (and the heads with Include)
	Include bool      // also write every head received to Body (-i, -I)
	Headers io.Writer // every head received (-D); nil for none

	// Progress, when not nil, is called once the body of the last response
	// starts, with its length (-1 when unknown), and returns the Counter to
	// count the body's bytes on, or nil for none. Fetch finishes the
	// Counter before it returns. A body that is not written (a redirect's,
	// one refused with Fail) never gets one.
	Progress func(total int64) Counter
}

// Counter counts a body's bytes as they are written, for a progress bar:
// Add after each piece, Finish once at the end, complete or not. Fetch
// draws nothing itself.
type Counter interface {
	Add(n int64)
	Finish()
}

// Result describes a fetch, complete or not, for -w.
type Result struct {
	URL         string             // the last URL requested (url_effective)
	Method      string             // the last request's method
	Referer     string             // the Referer the last request sent by default (-e, ;auto); "" for none
	Status      int                // the last response's status code; 0 when none arrived
	Response    *rawhttp.Response  // the last response head; nil when none arrived
	Redirects   int                // redirects followed
	Connects    int                // connections opened
	Timings     fetchtrace.Timings // curl's sums over all hops; Total is the whole operation
	Redirect    time.Duration      // from the start until the last hop began, when a redirect was followed (time_redirect)
	BodySize    int64              // body bytes received (after chunk decoding, before content decoding)
	HeadSize    int64              // head bytes received, all hops, 1xx included
	RequestSize int64              // request bytes sent (heads and bodies), all hops
	UploadSize  int64              // request body bytes sent, all hops
	RemoteIP    string             // the last connection's peer (the proxy's when proxied)
	RemotePort  int
	LocalIP     string
	LocalPort   int
}

// Buffer sizes.
const (
	plainBufSize = 256 << 10 // read buffer for a plain TCP connection: few reads for a chunked body (BENCHMARKS.md)
	tlsBufSize   = 64 << 10  // read buffer over TLS (records are up to 16 KiB)
	copyBufSize  = 256 << 10 // body copy buffer
)

// fetcher is the state of one Fetch.
type fetcher struct {
	req       *Request
	out       Output
	dialer    *Dialer
	obs       func(fetchtrace.Event)
	start     time.Time
	overall   context.Context // MaxTime
	received  int64           // body bytes of the current hop, for timeout messages
	sent      int64           // wire totals, counted when observing
	recv      int64
	tlsConf   *tls.Config
	prevProxy *Proxy
	origin    string // scheme://host:port of the first URL: credentials go only there
	firstHost string // the first URL's host name: a user Host field goes only there
	locked    bool   // the Dialer's Lock was applied (or found applied) and reported
	pool      *Pool  // kept connections
	connID    int    // the number of the connection being opened

	referer string         // the Referer of the current hop
	upload  *Upload        // the current hop's streamed body; nil for none
	expect  bool           // with upload: Expect: 100-continue
	held    bool           // a final status came instead of the 100: the body was not sent
	again   bool           // the hop's 417 answered Expect: the request goes again without it
	head    []byte         // the head being parsed, from the parser's events, when observing
	bodyEnd *rawhttp.Event // the parser's end of the body, for fetch's EvBodyEnd to carry
}

// hop is the state of one request and response.
type hop struct {
	start time.Time
	tim   fetchtrace.Timings
}

func (h *hop) since() time.Duration { return time.Since(h.start) }

// emit reports e to the observer.
func (f *fetcher) emit(e fetchtrace.Event) {
	if f.obs == nil {
		return
	}
	e.At = time.Since(f.start)
	f.obs(e)
}

// Fetch fetches req.URL, follows redirects when asked, and writes the
// response to out. It returns a Result even on failure (for -w); every error
// is an *Error wrapping one of the package's sentinel errors.
func Fetch(ctx context.Context, req *Request, out Output) (*Result, error) {
	f := &fetcher{req: req, out: out, dialer: req.Dialer, obs: req.Observe, start: time.Now()}
	if f.dialer == nil {
		f.dialer = &Dialer{}
	}
	if out.Body == nil {
		f.out.Body = io.Discard
	}
	if req.MaxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.MaxTime)
		defer cancel()
	}
	f.overall = ctx
	ctx = watchDNS(ctx, f)
	if f.pool = req.Pool; f.pool == nil {
		f.pool = NewPool()
		defer f.pool.Close()
	}
	f.out.Body = stallGuard(ctx, f.out.Body)
	f.out.Headers = stallGuard(ctx, f.out.Headers)
	res := &Result{}
	err := f.run(ctx, res)
	if errors.Is(err, errStalled) {
		err = f.timeoutError(ctx, err)
	}
	res.Timings.Total = time.Since(f.start)
	if f.obs != nil {
		tim := res.Timings
		var hint string
		if fe := (*Error)(nil); errors.As(err, &fe) {
			hint = fe.Hint
		}
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvDone, URL: res.URL, Timings: &tim, Sent: f.sent, Recv: f.recv, Size: res.BodySize, Err: err, Hint: hint})
	}
	return res, err
}

// run makes each hop in turn.
func (f *fetcher) run(ctx context.Context, res *Result) error {
	u, err := parseURL(f.req.URL, f.req.PathAsIs)
	if err != nil {
		res.URL = f.req.URL
		return err
	}
	f.origin = origin(u)
	f.firstHost, _ = hostPort(u)
	method := f.req.Method
	if method == "" {
		method = "GET"
		if f.req.Body != nil || f.req.Upload != nil {
			method = "POST"
		}
	}
	body, ctype := f.req.Body, f.req.ContentType
	f.upload, f.expect = f.req.Upload, f.req.Expect
	f.referer = f.req.Referer
	res.URL, res.Method, res.Referer = u.String(), method, f.referer
	// The whole request is checked before anything connects: a header that
	// cannot be sent must not cost a connection (nor, through Tor, a circuit).
	if q := f.request(u, method, body, ctype); q.Check() != nil {
		return requestError(q.Check())
	}
	for {
		res.URL, res.Method, res.Referer = u.String(), method, f.referer
		next, status, err := f.hop(ctx, res, u, method, body, ctype)
		if err != nil || next == nil {
			return err
		}
		// curl counts the request sent again after a 417 as a redirect
		// (%{num_redirects}, --max-redirs), -L or not.
		if f.req.AutoReferer && !f.again {
			f.referer = refererOf(u)
		}
		if f.req.MaxRedirects >= 0 && res.Redirects >= f.req.MaxRedirects {
			return errorf(ErrTooManyRedirects, nil, "maximum (%d) redirects followed", f.req.MaxRedirects).
				withHint("raise the limit with --max-redirs N (-1 for none)")
		}
		res.Redirects++
		res.Redirect = time.Since(f.start)
		f.again = false
		switch {
		case status == 303 && method != "HEAD",
			(status == 301 || status == 302) && method == "POST":
			method, body, ctype = "GET", nil, ""
			f.upload, f.expect = nil, false
		}
		if err := checkURL(next, next.String()); err != nil {
			return err
		}
		u = next
	}
}

// parseURL parses an absolute http or https URL as curl does: the scheme in
// any case with one to three slashes, no space or control character, bytes
// above 0x7e in the path percent-encoded, dot segments removed unless
// asIs, and "/" for an empty path.
func parseURL(s string, asIs bool) (*url.URL, error) {
	if err := checkJunk(s, false); err != nil {
		return nil, err
	}
	fixed, err := fixSlashes(s)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(encodePath(fixed))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, errorf(ErrBadURL, err, "malformed URL %s: %v", quote(s), err)
	}
	if err := checkURL(u, s); err != nil {
		return nil, err
	}
	normalizePath(u, asIs)
	return u, nil
}

// checkURL checks the scheme, host and port of u, parsed from s.
func checkURL(u *url.URL, s string) error {
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return errorf(ErrUnsupportedScheme, nil, "protocol %q not supported", u.Scheme).
			withHint("sockfetch fetches http:// and https:// URLs")
	}
	if u.Hostname() == "" {
		return errorf(ErrBadURL, nil, "malformed URL %s: no host", quote(s))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return errorf(ErrBadURL, nil, "malformed URL %s: bad port %q", quote(s), p)
		}
	}
	return nil
}

// refererOf is the Referer ;auto sends after a response from u: u without
// its userinfo and fragment, as curl.
func refererOf(u *url.URL) string {
	r := *u
	r.User, r.Fragment, r.RawFragment = nil, "", ""
	return r.String()
}

// quote quotes s for a message, capped at 80 bytes.
func quote(s string) string {
	if len(s) > 80 {
		return strconv.Quote(s[:80]) + "..."
	}
	return strconv.Quote(s)
}

// hostPort returns u's host (without brackets) and port.
func hostPort(u *url.URL) (string, int) {
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
		return u.Hostname(), n
	}
	return u.Hostname(), rawhttp.DefaultPort(u.Scheme)
}

func origin(u *url.URL) string {
	h, p := hostPort(u)
	return u.Scheme + "://" + strings.ToLower(h) + ":" + strconv.Itoa(p)
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// hop makes one request. It returns the next URL when the response is a
// redirect to follow, and the response's status.
func (f *fetcher) hop(ctx context.Context, res *Result, u *url.URL, method string, body []byte, ctype string) (next *url.URL, status int, err error) {
	h := &hop{start: time.Now()}
	f.received = 0
	defer func() { addTimings(&res.Timings, &h.tim) }()
	if f.obs != nil {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvStart, URL: u.String()})
	}
	hc, r, err := f.exchange(ctx, h, res, u, method, body, ctype)
	if err != nil {
		return nil, 0, err
	}
	defer func() { f.endHop(hc, r, next, err) }()
	f.takeCookies(u, r.Response)
	return f.deliver(ctx, res, hc, r, u)
}

// hopConn is one hop's connection, from dial to close.
type hopConn struct {
	*conn
	stream  net.Conn   // what the request goes over: counted when observing, under TLS for https
	isTLS   bool       // https
	cc      *countConn // counts the wire bytes
	sentReq bool       // a request was written since the last TCP summary: one is worth a look
	stop    func() bool
	cancel  context.CancelFunc // ends --connect-timeout's context

	id     int           // the connection's number in the run (curl's #0)
	key    poolKey       // what the connection may be kept for
	host   string        // the host name it was opened for, for the events
	reused bool          // kept from an earlier request
	br     *bufio.Reader // the read buffer, kept with the connection
}

// tcpSummary reports, once per request, what the kernel did on the hop's
// connection: after the body and after EvConnEnd has said whether the
// connection is kept, before it is closed.
func (f *fetcher) tcpSummary(hc *hopConn) {
	if f.obs == nil || hc.cc == nil || !hc.sentReq {
		return
	}
	hc.sentReq = false
	ti := tcpInfo(hc.conn.Conn)
	ti.Reads = hc.cc.reads
	ti.Reads.TLS = hc.isTLS
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvTCPInfo, TCP: &ti})
}

// closeHop closes the hop's connection and adds up its wire bytes.
func (f *fetcher) closeHop(hc *hopConn) {
	f.tcpSummary(hc)
	f.addCounts(hc)
	hc.stop()
	hc.Close()
	hc.cancel()
}

// dialHop opens the connection to u along its route: TCP, any SOCKS
// tunnel, and TLS for https, all within --connect-timeout.
func (f *fetcher) dialHop(ctx context.Context, h *hop, res *Result, u *url.URL) (*hopConn, error) {
	host, port := hostPort(u)
	rt, err := f.dialer.route(u, f.prevProxy)
	if err != nil {
		return nil, err
	}
	if rt.proxy != nil {
		f.prevProxy = rt.proxy
	}
	if f.obs != nil && rt.proxy != nil {
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "proxy " + rt.proxy.String() + " (from " + rt.proxy.From + ")"})
	}

	hc := &hopConn{isTLS: u.Scheme == "https", cancel: func() {}}
	cctx := ctx
	if f.req.ConnectTimeout > 0 {
		cctx, hc.cancel = context.WithTimeout(ctx, f.req.ConnectTimeout)
	}
	c, err := f.connect(cctx, h, rt, host, port)
	if err != nil {
		hc.cancel()
		return nil, err
	}
	hc.conn = c
	res.Connects++
	res.RemoteIP, res.RemotePort = c.peer, c.port
	if ta, ok := c.local.(*net.TCPAddr); ok {
		res.LocalIP, res.LocalPort = ta.IP.String(), ta.Port
	}
	hc.stop = context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })

	hc.cc = &countConn{Conn: c.Conn}
	hc.stream = hc.cc
	if hc.isTLS {
		tc, err := f.handshake(cctx, hc.stream, host)
		if err != nil {
			f.closeHop(hc)
			return nil, err
		}
		hc.stream = tc
		h.tim.AppConnect = h.since()
	}
	if cctx.Err() != nil {
		err := f.connectTimeout(cctx, cctx.Err())
		f.closeHop(hc)
		return nil, err
	}
	return hc, nil
}

// send writes the request to the hop's connection.
func (f *fetcher) send(ctx context.Context, h *hop, res *Result, hc *hopConn, u *url.URL, method string, body []byte, ctype string) error {
	wire, headLen, err := f.buildRequest(u, method, body, ctype)
	if err != nil {
		return err
	}
	h.tim.PreTransfer = h.since()
	if hc.cc != nil {
		hc.cc.reads, hc.cc.counting = fetchtrace.Reads{}, true
	}
	if _, err := hc.stream.Write(wire); err != nil {
		return f.netError(ctx, ErrSend, err, "failed sending the request")
	}
	hc.sentReq = true
	res.RequestSize += int64(len(wire))
	res.UploadSize += int64(len(body))
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvRequest, Bytes: wire, Size: int64(headLen)})
	return f.sendUpload(ctx, res, hc)
}

// response is a response whose head was read, with what reads its body.
type response struct {
	*rawhttp.Response
	br  *bufio.Reader
	rd  *rawhttp.Reader
	tee *recvTee // reports (and for --raw keeps) the bytes after the head; nil when not needed
}

// readHead reads the response head (1xx heads first) and reports it.
func (f *fetcher) readHead(ctx context.Context, h *hop, res *Result, hc *hopConn, method string) (*response, error) {
	r := &response{}
	var src io.Reader = hc.stream
	if f.obs != nil || f.req.Raw {
		r.tee = &recvTee{r: hc.stream, f: f}
		src = r.tee
	}
	size := plainBufSize
	if f.req.ReadBuffer > 0 {
		size = f.req.ReadBuffer
	}
	if hc.isTLS {
		size = min(size, tlsBufSize)
	}
	r.br = hc.reader(src, size)
	r.rd = rawhttp.NewReader(r.br)
	if f.obs != nil {
		r.rd.Observe = f.observeHTTP
	}
	if _, err := r.br.Peek(1); err == nil {
		h.tim.StartTransfer = h.since()
	}
	resp, err := r.rd.ReadResponse(nil, method)
	if err != nil {
		return nil, f.readError(ctx, err, true)
	}
	if h.tim.StartTransfer == 0 {
		h.tim.StartTransfer = h.since()
	}
	r.Response = resp
	res.Status, res.Response = resp.Status, resp
	if err := f.heads(res, resp); err != nil {
		return nil, err
	}
	if r.tee != nil {
		r.tee.on = true
		if n := r.br.Buffered(); n > 0 {
			b, _ := r.br.Peek(n)
			f.emit(fetchtrace.Event{Kind: fetchtrace.EvRecvData, Bytes: b})
			if f.req.Raw {
				r.tee.wire = append(r.tee.wire, b...)
			}
		}
	}
	return r, nil
}

// deliver returns the redirect to follow, or writes the response's body
// (readHead wrote its heads).
func (f *fetcher) deliver(ctx context.Context, res *Result, hc *hopConn, r *response, u *url.URL) (*url.URL, int, error) {
	status := r.Status
	if f.req.Follow && isRedirect(status) {
		if loc := r.Get("Location"); loc != "" {
			next, err := resolveLocation(u, loc, f.req.PathAsIs)
			if err != nil {
				return nil, status, errorf(ErrBadURL, err, "bad Location %s in the %d response", quote(loc), status)
			}
			next.Fragment, next.RawFragment = "", ""
			if f.obs != nil {
				f.emit(fetchtrace.Event{Kind: fetchtrace.EvRedirect, URL: next.String(), Status: status, Info: fmt.Sprintf("%d %s: Location: %s", status, r.Reason, loc)})
			}
			return next, status, nil
		}
	}
	if skip, err := f.resumeCheck(r); skip || err != nil {
		return nil, status, err
	}
	if f.req.Fail && status >= 400 {
		return nil, status, errorf(ErrHTTPStatus, nil, "the requested URL returned error: %d", status)
	}
	if status == 417 && f.held && f.expect && !closesConn(r.Response) {
		// curl 7.88: "Got 417 while waiting for a 100", and the same
		// request goes again without Expect (its body ignored), unless
		// the 417 closes the connection.
		f.expect, f.again = false, true
		if f.obs != nil {
			f.emit(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "got 417 while waiting for a 100: sending the request again without Expect"})
		}
		return u, status, nil
	}
	var err error
	if f.req.Raw && r.Framing.Kind == rawhttp.Chunked {
		res.BodySize, err = f.rawChunked(ctx, r.rd, r.Response, r.tee)
	} else {
		res.BodySize, err = f.body(ctx, hc.conn, hc.isTLS, r.br, r.rd, r.Response)
	}
	return nil, status, err
}

// closesConn reports whether a response says its connection ends after
// it: Connection: close, or HTTP/1.0 without keep-alive.
func closesConn(r *rawhttp.Response) bool {
	keep := r.Major == 1 && r.Minor >= 1
	for _, v := range r.Values("Connection") {
		for _, t := range strings.Split(v, ",") {
			switch t = strings.TrimSpace(t); {
			case strings.EqualFold(t, "close"):
				return true
			case strings.EqualFold(t, "keep-alive"):
				keep = true
			}
		}
	}
	return !keep
}

// observeHTTP hands the parser's events on as EvHTTP, but for two: the
// end of each head is reported once, as EvRecvHead with the whole head and
// its status (and the parser's event), and the end of the body waits for
// fetch's EvBodyEnd to carry it (see endBody).
func (f *fetcher) observeHTTP(e rawhttp.Event) {
	switch e.Kind {
	case rawhttp.EvStatusLine:
		f.head = append(f.head[:0], e.Raw...)
	case rawhttp.EvField:
		f.head = append(f.head, e.Raw...)
	case rawhttp.EvInterimEnd, rawhttp.EvHeadEnd:
		f.head = append(f.head, e.Raw...)
		f.emit(fetchtrace.Event{Kind: fetchtrace.EvRecvHead, Bytes: f.head, Status: e.Status, HTTP: &e})
		return
	case rawhttp.EvBodyEnd:
		e.Raw = append([]byte(nil), e.Raw...)
		f.bodyEnd = &e
		return
	}
	f.emit(fetchtrace.Event{Kind: fetchtrace.EvHTTP, HTTP: &e})
}

// endBody reports the end of the body, found as fr says, with the parser's
// own event inside. When the body failed after the parser saw its end (a
// content coding that does not decode), the parser's event goes on alone.
func (f *fetcher) endBody(err error, e fetchtrace.Event) {
	if f.obs == nil {
		return
	}
	if err != nil {
		if f.bodyEnd != nil {
			f.emit(fetchtrace.Event{Kind: fetchtrace.EvHTTP, HTTP: f.bodyEnd})
		}
	} else {
		e.Kind, e.HTTP = fetchtrace.EvBodyEnd, f.bodyEnd
		f.emit(e)
	}
	f.bodyEnd = nil
}

// heads counts the heads of resp (1xx first) and writes them, as soon as
// they are read, to -D and with -i to the body's output: as curl, a
// redirect's head and the head of a status refused by -f included.
func (f *fetcher) heads(res *Result, resp *rawhttp.Response) error {
	for _, r := range resp.Interim {
		res.HeadSize += int64(len(r.Head))
		if err := f.writeHeadLines(r.Head); err != nil {
			return err
		}
	}
	res.HeadSize += int64(len(resp.Head))
	return f.writeHeadLines(resp.Head)
}

// trailers writes the trailer section of a chunked body read through
// body (what Reader.Body returned) where the heads went, after the body,
// as curl does: its field lines as received, without the empty line that
// ends it. A body of another framing has none.
func (f *fetcher) trailers(body io.Reader) error {
	cr, ok := body.(*rawhttp.ChunkedReader)
	if !ok {
		return nil
	}
	sec := cr.TrailerSection()
	return f.writeHeadLines(sec[:max(len(sec)-len("\r\n"), 0)])
}

// writeHeadLines writes the lines of b to -D and, with -i, to the body's
// output, line by line, as curl does: with -D - and -i both on standard
// output, each line comes twice in a row.
func (f *fetcher) writeHeadLines(b []byte) error {
	if f.out.Headers == nil && !f.out.Include {
		return nil
	}
	for len(b) > 0 {
		n := bytes.IndexByte(b, '\n') + 1
		if n == 0 {
			n = len(b)
		}
		if f.out.Headers != nil {
			if _, err := f.out.Headers.Write(b[:n]); err != nil {
				return writeError(err)
			}
		}
		if f.out.Include {
			if _, err := f.out.Body.Write(b[:n]); err != nil {
				return writeError(err)
			}
		}
		b = b[n:]
	}
	return nil
}

func writeError(err error) *Error {
	return errorf(ErrWrite, err, "failed writing output: %v", unwrapPath(err))
}

// request returns the request to send to u.
func (f *fetcher) request(u *url.URL, method string, body []byte, ctype string) *rawhttp.Request {
	host, port := hostPort(u)
	sameOrigin := origin(u) == f.origin
	q := &rawhttp.Request{
		Method:    method,
		Host:      rawhttp.HostValue(u.Scheme, host, port),
		HTTP10:    f.req.HTTP10,
		UserAgent: f.req.UserAgent,
		Remove:    f.req.Remove,
		Body:      body,
		Range:     f.rangeValue(body),
	}
	switch {
	case !sameOrigin:
	case f.req.Auth != "":
		q.Auth = f.req.Auth
	case u.User != nil:
		pass, _ := u.User.Password()
		q.Auth = rawhttp.BasicAuth(u.User.Username(), pass)
	}
	if f.req.Compressed {
		q.Extra = append(q.Extra, rawhttp.Field{Name: "Accept-Encoding", Value: "deflate, gzip"})
	}
	if f.referer != "" {
		q.Extra = append(q.Extra, rawhttp.Field{Name: "Referer", Value: f.referer})
	}
	q.Cookie = f.cookie(u)
	if body != nil {
		q.ContentType = ctype
	}
	f.streamFields(q, ctype)
	firstHost := strings.EqualFold(host, f.firstHost)
	for _, fl := range f.req.Fields {
		switch {
		case !sameOrigin && (strings.EqualFold(fl.Name, "Authorization") || strings.EqualFold(fl.Name, "Cookie")),
			!firstHost && strings.EqualFold(fl.Name, "Host"): // curl: a custom Host is for the first host name only
			continue
		}
		q.Fields = append(q.Fields, fl)
	}
	q.Target = u.RequestURI()
	if u.Opaque == "" && !strings.HasPrefix(q.Target, "/") {
		q.Target = "/" + q.Target
	}
	return q
}

// buildRequest returns the request's bytes and the length of its head.
func (f *fetcher) buildRequest(u *url.URL, method string, body []byte, ctype string) ([]byte, int, error) {
	wire, err := f.request(u, method, body, ctype).Append(make([]byte, 0, 512+len(body)))
	if err != nil {
		return nil, 0, requestError(err)
	}
	return wire, len(wire) - len(body), nil
}

// requestError is a request that cannot be sent: a usage error.
func requestError(err error) *Error {
	return errorf(ErrUsage, err, "cannot send the request: %v", strings.TrimPrefix(err.Error(), "rawhttp: "))
}

// addTimings adds one hop's timings to t, as curl sums them over
// redirects. Fetch sets t.Total itself: the whole operation.
func addTimings(t, h *fetchtrace.Timings) {
	t.NameLookup += h.NameLookup
	t.Connect += h.Connect
	t.ProxyConnect += h.ProxyConnect
	t.AppConnect += h.AppConnect
	t.PreTransfer += h.PreTransfer
	t.StartTransfer += h.StartTransfer
}

// countConn counts the bytes written to and read from a connection, and,
// once counting, the reads of the response (their number and sizes: what
// each recv returned).
type countConn struct {
	net.Conn
	sent, recv int64
	counting   bool
	reads      fetchtrace.Reads
	wrote      atomic.Bool // a write since the last read: the next read may spin (spin_linux.go)
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := readConn(c.Conn, p, c.wrote.Swap(false))
	c.recv += int64(n)
	if c.counting {
		c.reads.Add(n)
	}
	return n, err
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.sent += int64(n)
	c.wrote.Store(true)
	return n, err
}

// recvTee reports the bytes read after the head as fetchtrace.EvRecvData and, for
// --raw, keeps them in wire until they are written.
type recvTee struct {
	r    io.Reader
	f    *fetcher
	on   bool
	wire []byte
}

func (t *recvTee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if t.on && n > 0 {
		t.f.emit(fetchtrace.Event{Kind: fetchtrace.EvRecvData, Bytes: p[:n]})
		if t.f.req.Raw {
			t.wire = append(t.wire, p[:n]...)
		}
	}
	return n, err
}
