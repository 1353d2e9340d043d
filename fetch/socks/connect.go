package socks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/proxy"
)

// Config says which proxy to use and how.
type Config struct {
	Proxy Addr
	Auth  *Auth // RFC 1929 credentials offered besides "no authentication"; nil: none

	// Dial dials the proxy. nil: a net.Dialer. The connection it returns is
	// the one Connect returns after the handshake.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	// Observe, when set, receives every handshake message as soon as it is
	// complete, in wire order, on the goroutine that called Connect.
	Observe func(m Message)

	// Tor says the proxy is Tor: errors are worded as Tor means its codes.
	// Tor's extended codes F0–F7 are recognised without it.
	Tor bool
}

// MaxFieldLen is the longest domain name (RFC 1928 §5), username or password
// (RFC 1929 §2) SOCKS5 carries: each goes after a length byte.
const MaxFieldLen = 255

// Limits of the failure analysis.
const (
	maxSniff  = 512 // bytes kept of an answer that is not SOCKS5
	maxQuoted = 80  // bytes of such an answer quoted in an error
	sniffWait = 100 * time.Millisecond
)

// dialFunc makes a function a proxy.ContextDialer.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (f dialFunc) Dial(network, addr string) (net.Conn, error) {
	return f(context.Background(), network, addr)
}

func (f dialFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

// Connect dials the proxy and asks it to CONNECT to host:port. host is sent as
// a name (address type 0x03) unless it is an IP literal; the name is never
// resolved here. A .onion name is sent without final dots (OnionName). Connect returns the connection Config.Dial made (a
// *net.TCPConn or *net.UnixConn with the default dialer), positioned right
// after the proxy's reply, with no deadline set. Every error is an *Error.
func Connect(ctx context.Context, c Config, host string, port int) (net.Conn, error) {
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	target := net.JoinHostPort(host, strconv.Itoa(port))
	if what := c.check(host, port); what != "" {
		return nil, &Error{Kind: KindUsage, Proxy: c.Proxy.String(), Target: target, Tor: c.Tor, what: what}
	}
	dial := c.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	offered := []byte{byte(AuthNone)}
	var auth *proxy.Auth
	if c.Auth != nil {
		offered = append(offered, byte(AuthUserPass))
		auth = &proxy.Auth{User: c.Auth.User, Password: c.Auth.Password}
	}

	var (
		raw     net.Conn
		cp      *capture
		dialErr error
	)
	forward := dialFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			dialErr = err
			return nil, err
		}
		raw = conn
		cp = newCapture(conn, c.Observe, c.Tor, offered)
		return cp, nil
	})
	d, err := proxy.SOCKS5(c.Proxy.Network, c.Proxy.Address, auth, forward)
	if err != nil {
		return nil, &Error{Kind: KindUsage, Proxy: c.Proxy.String(), Target: target, Tor: c.Tor, Err: err, what: err.Error()}
	}
	// Messages name the target as given; the wire carries an onion name
	// without its final dots.
	sent := net.JoinHostPort(OnionName(host), strconv.Itoa(port))
	_, err = d.(proxy.ContextDialer).DialContext(ctx, "tcp", sent)
	switch {
	case dialErr != nil:
		return nil, c.dialError(ctx, dialErr)
	case err != nil && raw == nil:
		return nil, &Error{Kind: KindDial, Proxy: c.Proxy.String(), Target: target, Tor: c.Tor, Err: err,
			tried: []tried{{c.Proxy, reason(err)}}}
	case err != nil:
		e := cp.failure(ctx, err, host)
		e.Proxy, e.Target = c.Proxy.String(), target
		raw.Close()
		return nil, e
	}
	return raw, nil
}

// check returns what makes the request impossible, or "".
func (c *Config) check(host string, port int) string {
	switch {
	case host == "":
		return "empty host"
	case len(host) > MaxFieldLen:
		return fmt.Sprintf("host name of %d bytes; SOCKS5 carries at most %d", len(host), MaxFieldLen)
	case strings.ContainsAny(host, "%") && net.ParseIP(host) == nil:
		return fmt.Sprintf("host %q: an IPv6 zone cannot be sent to a proxy", host)
	case port < 1 || port > 65535:
		return fmt.Sprintf("port %d out of range", port)
	case c.Auth != nil && (c.Auth.User == "" || len(c.Auth.User) > MaxFieldLen):
		return fmt.Sprintf("proxy username of %d bytes; RFC 1929 takes 1 to %d", len(c.Auth.User), MaxFieldLen)
	case c.Auth != nil && len(c.Auth.Password) > MaxFieldLen:
		return fmt.Sprintf("proxy password of %d bytes; RFC 1929 takes at most %d", len(c.Auth.Password), MaxFieldLen)
	}
	for i := 0; i < len(host); i++ {
		if host[i] <= ' ' || host[i] == 0x7f {
			return fmt.Sprintf("host %q contains a space or control character", host)
		}
	}
	return ""
}

// dialError describes a failure to reach the proxy.
func (c *Config) dialError(ctx context.Context, err error) *Error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	e := &Error{Kind: KindDial, Proxy: c.Proxy.String(), Tor: c.Tor, Err: err,
		tried: []tried{{c.Proxy, reason(err)}}}
	if c.Tor {
		e.hint = hintTorDown
	}
	return e
}

// ConnectTor is Connect through Tor: it tries each address in order and
// keeps the first that accepts the connection (only a failure to reach an
// address moves on to the next; a handshake failure is reported at once).
// When none can be reached, the *Error (Kind KindDial) names every address
// tried. c.Proxy is ignored and c.Tor taken as true. It returns the
// connection and the address used.
func ConnectTor(ctx context.Context, addrs []Addr, c Config, host string, port int) (net.Conn, Addr, error) {
	c.Tor = true
	var (
		ts   []tried
		errs []error
	)
	for _, a := range addrs {
		c.Proxy = a
		conn, err := Connect(ctx, c, host, port)
		if err == nil {
			return conn, a, nil
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindDial {
			return nil, a, err
		}
		ts = append(ts, e.tried...)
		errs = append(errs, e.Err)
		if ctx.Err() != nil {
			break
		}
	}
	if len(ts) == 0 {
		return nil, Addr{}, &Error{Kind: KindUsage, Tor: true, Target: net.JoinHostPort(host, strconv.Itoa(port)), what: "no Tor address to try"}
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.addr.String()
	}
	return nil, Addr{}, &Error{
		Kind:   KindDial,
		Proxy:  strings.Join(names, ", "),
		Target: net.JoinHostPort(host, strconv.Itoa(port)),
		Tor:    true,
		Err:    errors.Join(errs...),
		hint:   hintTorDown,
		tried:  ts,
	}
}

// failure analyses a failed handshake: x/net's error xerr and the bytes the
// capture saw. It reports the message that was cut short to Observe.
func (c *capture) failure(ctx context.Context, xerr error, host string) *Error {
	var op *net.OpError
	if errors.As(xerr, &op) && strings.HasPrefix(op.Op, "socks") {
		xerr = op.Err
	}
	e := &Error{Kind: KindHandshake, Tor: c.tor, Step: c.step, Err: xerr}
	stage := stageWords(c.step)
	switch {
	case c.reply > 0:
		code := byte(c.reply)
		e.Kind, e.Code, e.Step = KindReply, code, 0
		e.Tor = c.tor || IsTorCode(code)
		e.what, e.hint = replyWords(code, e.Tor, host)
		if c.observe != nil && len(c.recv) > 0 {
			c.readMore(ctx, func() bool { return addrLen(c.recv) != 0 })
			n := addrLen(c.recv)
			if n <= 0 || n > len(c.recv) {
				n = len(c.recv)
			}
			c.report(StepReply, c.recv[:n], replyMeaning(c.recv[:n]))
		}
	case c.bad:
		e.what, e.hint = c.badWords(ctx)
	case c.method == int(AuthNoAcceptable):
		e.what = "the proxy accepts none of the offered authentication methods (" + methodList(c.offered) + ")"
		if len(c.offered) == 1 {
			e.hint = "the proxy wants a username and password: give them in the proxy URL (socks5h://user:pass@host:port)"
		}
	case errors.Is(xerr, errMethodNotOffered):
		e.what = fmt.Sprintf("the proxy chose authentication method %02X (%s), which was not offered", c.method, AuthMethod(c.method))
	case c.authStatus > 0:
		e.what = fmt.Sprintf("the proxy rejected the username and password (RFC 1929 status 0x%02X)", c.authStatus)
		e.hint = "check the username and password given for the proxy"
	case ctx.Err() != nil || errors.Is(xerr, os.ErrDeadlineExceeded) || errors.Is(xerr, context.DeadlineExceeded):
		e.Err = context.DeadlineExceeded
		if errors.Is(ctx.Err(), context.Canceled) {
			e.Err = context.Canceled
			e.what = "canceled " + stage
			break
		}
		c.reportPartial("no more bytes before the time limit")
		switch c.step {
		case StepMethod:
			e.what = "no answer to the SOCKS5 greeting before the time limit"
			e.hint = hintSilent
		case StepAuthStatus:
			e.what = "no answer to the username and password before the time limit"
		default:
			e.what = "no reply to the CONNECT request before the time limit"
			if c.tor {
				e.hint = "Tor may still be building a circuit or looking up the onion service; allow more time"
			}
		}
	case isClosed(xerr):
		verb := "closed"
		if errors.Is(xerr, syscall.ECONNRESET) {
			verb = "reset"
		}
		c.reportPartial("the proxy " + verb + " the connection")
		if len(c.recv) > 0 {
			stage = "in the middle of the " + c.step.String()
			if c.step == StepReply {
				stage = "in the middle of the reply to CONNECT"
			}
		}
		e.what = "the proxy " + verb + " the connection " + stage
		if c.step == StepMethod {
			e.hint = "is that port a SOCKS5 proxy, and does it serve this host?"
		}
	default:
		e.what = "SOCKS5 handshake failed " + stage + ": " + xerr.Error()
	}
	return e
}

// stageWords says where the handshake was when it failed.
func stageWords(s Step) string {
	switch s {
	case StepMethod:
		return "during the SOCKS5 greeting"
	case StepAuthStatus:
		return "during username/password authentication"
	case StepReply:
		return "before replying to CONNECT"
	}
	return "during the SOCKS5 handshake"
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, net.ErrClosed)
}

// report sends one received message to Observe.
func (c *capture) report(s Step, b []byte, meaning string) {
	if c.observe != nil {
		c.observe(Message{Step: s, Bytes: clone(b), Meaning: meaning})
	}
}

// reportPartial reports received bytes that do not make a whole message.
func (c *capture) reportPartial(why string) {
	if len(c.recv) > 0 {
		c.report(c.step, c.recv, fmt.Sprintf("incomplete %s (%s): %s", c.step, plural(len(c.recv), "byte", "bytes"), why))
	}
}

// readMore reads what the proxy has already sent, until done reports true,
// maxSniff bytes are kept, or nothing comes for sniffWait. It runs only after
// a failure.
func (c *capture) readMore(ctx context.Context, done func() bool) {
	deadline := time.Now().Add(sniffWait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.Conn.SetReadDeadline(deadline)
	buf := make([]byte, maxSniff)
	for !done() && len(c.recv) < maxSniff {
		n, err := c.Conn.Read(buf[:maxSniff-len(c.recv)])
		c.recv = append(c.recv, buf[:n]...)
		if err != nil {
			break
		}
	}
}

// badWords explains bytes that are not the SOCKS5 message expected, and
// reports them to Observe.
func (c *capture) badWords(ctx context.Context) (what, hint string) {
	switch c.step {
	case StepAuthStatus:
		c.report(c.step, c.recv, fmt.Sprintf("not an RFC 1929 status: version %02X, not 01", c.recv[0]))
		return fmt.Sprintf("malformed username/password status (version 0x%02X, not 0x01)", c.recv[0]), ""
	case StepReply:
		if Version(c.recv[0]) != Version5 {
			c.report(c.step, c.recv, fmt.Sprintf("not a SOCKS5 reply: version %02X, not 05", c.recv[0]))
			return fmt.Sprintf("malformed reply to CONNECT (version 0x%02X, not 0x05)", c.recv[0]), ""
		}
		c.report(c.step, c.recv, fmt.Sprintf("not a SOCKS5 reply: unknown address type %02X", c.recv[3]))
		return fmt.Sprintf("malformed reply to CONNECT (unknown address type 0x%02X)", c.recv[3]), ""
	case StepMethod:
	default:
		c.report(c.step, c.recv, "bytes after the handshake")
		return "unexpected bytes after the SOCKS5 handshake", ""
	}
	c.readMore(ctx, func() bool { return strings.Contains(string(c.recv), "\n") })
	line, _, _ := strings.Cut(string(c.recv), "\n")
	line = strings.TrimSuffix(line, "\r")
	if len(line) > maxQuoted {
		line = line[:maxQuoted] + "…"
	}
	if strings.HasPrefix(line, "HTTP/") || strings.HasPrefix("HTTP/", line) {
		c.report(c.step, c.recv, fmt.Sprintf("not SOCKS5: an HTTP response %q", line))
		return fmt.Sprintf("that port speaks HTTP, not SOCKS5 (it answered %q)", line), hintHTTP
	}
	if printable(line) {
		c.report(c.step, c.recv, fmt.Sprintf("not SOCKS5: text %q", line))
		return fmt.Sprintf("that port does not speak SOCKS5 (it answered %q)", line),
			"check the port: Tor's SocksPort is usually 9050 (Tor Browser's 9150)"
	}
	c.report(c.step, c.recv, fmt.Sprintf("not SOCKS5: a SOCKS5 answer begins 05, this one %02X", c.recv[0]))
	return fmt.Sprintf("that port does not speak SOCKS5 (its answer begins 0x%02X, not 0x05)", c.recv[0]),
		"check the port: Tor's SocksPort is usually 9050 (Tor Browser's 9150)"
}

func printable(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if r < ' ' && r != '\t' || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return true
}
