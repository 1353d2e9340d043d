package socks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
)

// Kind classifies a failure of Connect.
type Kind uint8

const (
	// KindDial: the proxy could not be reached (curl exit 7; exit 5 when Err
	// is a *net.DNSError for the proxy's host; exit 28 on a timeout).
	KindDial Kind = iota + 1
	// KindHandshake: the proxy was reached but the SOCKS5 handshake failed:
	// the port does not speak SOCKS5, closed the connection, said nothing in
	// time, or refused the credentials (curl exit 97; 28 on a timeout).
	KindHandshake
	// KindReply: the proxy answered the CONNECT with a failure code (exit 97).
	KindReply
	// KindUsage: the request cannot be made as asked: a host name longer than
	// 255 bytes, a port out of range, credentials longer than 255 bytes.
	KindUsage
)

// String names the kind in one word, such as "dial".
func (k Kind) String() string {
	switch k {
	case KindDial:
		return "dial"
	case KindHandshake:
		return "handshake"
	case KindReply:
		return "reply"
	case KindUsage:
		return "usage"
	}
	return fmt.Sprintf("kind %d", k)
}

// Error is every failure of Connect and ConnectTor. Callers test
// errors.Is(err, context.DeadlineExceeded) for a timeout, which can come with
// any Kind.
type Error struct {
	Kind   Kind
	Proxy  string // proxy address; for ConnectTor, every address tried, comma-separated
	Target string // host:port asked for
	Code   byte   // reply code when Kind == KindReply
	Tor    bool   // the proxy is Tor: the caller said so, or the reply code is Tor's
	Step   Step   // the message that was awaited when the handshake failed
	Err    error  // underlying error (net error, context.DeadlineExceeded, ...)

	what  string // what happened, in words, after "socks5 proxy ADDR: "
	hint  string
	tried []tried // ConnectTor: every address and why it failed
}

type tried struct {
	addr   Addr
	reason string
}

// Error returns one lowercase line that says what happened.
func (e *Error) Error() string {
	switch e.Kind {
	case KindDial:
		if e.Tor {
			return "cannot reach Tor at " + triedList(e.tried)
		}
		var dnsErr *net.DNSError
		if errors.As(e.Err, &dnsErr) {
			return fmt.Sprintf("cannot resolve socks5 proxy host %q (%s)", dnsErr.Name, dnsReason(dnsErr))
		}
		return fmt.Sprintf("cannot connect to socks5 proxy %s (%s)", e.Proxy, reason(e.Err))
	case KindReply:
		return fmt.Sprintf("socks5 proxy %s refused connect to %s: %s (%s)", e.Proxy, e.Target, e.what, codeLabel(e.Code))
	case KindUsage:
		return fmt.Sprintf("socks5: cannot ask proxy %s for %s: %s", e.Proxy, e.Target, e.what)
	}
	return fmt.Sprintf("socks5 proxy %s: %s", e.Proxy, e.what)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Hint returns advice for the user, or "" when there is none.
func (e *Error) Hint() string { return e.hint }

// triedList names each address tried, with the reason once when all failed
// the same way: "127.0.0.1:9050 or 127.0.0.1:9150 (connection refused)".
func triedList(ts []tried) string {
	same := true
	for _, t := range ts[1:] {
		same = same && t.reason == ts[0].reason
	}
	var b strings.Builder
	for i, t := range ts {
		switch {
		case i == 0:
		case i == len(ts)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(t.addr.String())
		if !same {
			fmt.Fprintf(&b, " (%s)", t.reason)
		}
	}
	if same {
		fmt.Fprintf(&b, " (%s)", ts[0].reason)
	}
	return b.String()
}

// reason returns the short cause of a network error: "connection refused",
// "no such file or directory", "timed out".
func reason(err error) string {
	var dnsErr *net.DNSError
	var errno syscall.Errno
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve %q: %s", dnsErr.Name, dnsReason(dnsErr))
	case errors.As(err, &errno):
		return errno.Error()
	case err == nil:
		return "unknown error"
	}
	return err.Error()
}

func dnsReason(e *net.DNSError) string {
	if e.IsNotFound {
		return "no such host"
	}
	if e.IsTimeout {
		return "timed out"
	}
	return e.Err
}

const (
	hintTorDown = "start tor (`tor`, `systemctl start tor`) or Tor Browser, or give `--tor-addr`"
	hintHTTP    = "is it Tor's HTTPTunnelPort or an HTTP proxy? Tor's SocksPort is usually 9050 (Tor Browser's 9150)"
	hintSilent  = "the port took the connection but never answered: an HTTP port such as Tor's HTTPTunnelPort waits silently for a whole request; Tor's SocksPort is usually 9050 (Tor Browser's 9150)"
	hintExtErr  = "add ExtendedErrors to the SocksPort to learn why (torrc: `SocksPort 9050 ExtendedErrors`)"
)

// replyWords returns the words and hint for a failure reply code.
func replyWords(code byte, tor bool, host string) (what, hint string) {
	onion := IsOnion(host)
	what = ReplyText(code)
	if tor {
		what = torReplyText(code, onion)
	}
	switch Reply(code) {
	case ReplyGeneralFailure, ReplyHostUnreachable:
		switch {
		case tor && onion:
			hint = hintExtErr
		case onion:
			hint = "only Tor reaches .onion names; if this proxy is Tor, add ExtendedErrors to its SocksPort to learn why"
		}
	case ReplyNotAllowed:
		if !tor {
			hint = "the proxy's rules forbid this destination"
		}
	case ReplyAddrNotSupported:
		hint = "the proxy does not take this kind of address"
	case ReplyTorDescNotFound:
		hint = "the onion service is offline, or the address is mistyped"
	case ReplyTorDescInvalid:
		hint = "the onion service published a descriptor Tor cannot use; try again later"
	case ReplyTorIntroFailed:
		hint = "the onion service has left its introduction points (restarted or stopped); try again later"
	case ReplyTorRendFailed:
		hint = "try again; the rendezvous circuit failed"
	case ReplyTorMissingAuth:
		hint = "this onion service needs client authorization: put its key in tor's ClientOnionAuthDir"
	case ReplyTorBadAuth:
		hint = "the client authorization key in ClientOnionAuthDir is wrong for this onion service"
	case ReplyTorBadAddress:
		hint = "check the address: a v3 onion address is 56 characters (a–z, 2–7, ending in a checksum) followed by .onion"
	case ReplyTorIntroTimedOut:
		hint = "the onion service did not answer in time; try again"
	}
	return what, hint
}
