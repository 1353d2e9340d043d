package explain

import (
	"bytes"
	"fmt"
	"net"

	"sockfetch/fetch/socks"
)

// socksField is one field of a SOCKS message: its bytes and their meaning.
type socksField struct {
	b       []byte
	meaning string
	hide    bool // print the bytes as "xx" (masked: they change between runs)
}

// socksMsg is one handshake message taken apart.
type socksMsg struct {
	title  string
	fields []socksField
	ok     bool   // every byte was accounted for
	why    string // when not ok: what is wrong, in words
}

// socksDecoder takes apart the handshake messages in the order they come.
// fetch/socks reports each message whole; a message that does not decode is
// shown as raw bytes with the reason.
type socksDecoder struct {
	sends, recvs int
	method       int // method the proxy chose; -1 until known
	onion        bool
	m            *masker
}

func (d *socksDecoder) reset(m *masker) { *d = socksDecoder{method: -1, m: m} }

func methodText(c byte) string {
	switch socks.AuthMethod(c) {
	case socks.AuthNone:
		return "no login needed"
	case socks.AuthGSSAPI:
		return "GSSAPI (Kerberos)"
	case socks.AuthUserPass:
		return "username and password (RFC 1929)"
	case socks.AuthNoAcceptable:
		return "none of them is acceptable"
	}
	if c >= 0x80 {
		return "a private method"
	}
	return "an unassigned method"
}

// replyText returns a SOCKS5 reply code in words, Tor's extended codes
// (sent on a SocksPort with ExtendedErrors) included.
func replyText(code byte, onion bool) string {
	switch socks.Reply(code) {
	case socks.ReplySucceeded:
		return "succeeded: the proxy is now connected to the target"
	case socks.ReplyGeneralFailure:
		return "general failure: the proxy could not connect (through Tor: the exit refused or could not reach the target)"
	case socks.ReplyNotAllowed:
		return "connection not allowed by the proxy's rules (or a Tor exit policy)"
	case socks.ReplyNetUnreachable:
		return "network unreachable"
	case socks.ReplyHostUnreachable:
		if onion {
			return "host unreachable: the onion service could not be reached, reason unknown (add ExtendedErrors to Tor's SocksPort to learn why)"
		}
		return "host unreachable: the name could not be resolved or the host not reached"
	case socks.ReplyRefused:
		return "connection refused: the host was reached but nothing listens on that port"
	case socks.ReplyTTLExpired:
		return "TTL expired: the connection attempt timed out"
	case socks.ReplyCmdNotSupported:
		return "command not supported"
	case socks.ReplyAddrNotSupported:
		return "address type not supported"
	case socks.ReplyTorDescNotFound:
		return "Tor: onion service descriptor not found (the service is unknown or offline)"
	case socks.ReplyTorDescInvalid:
		return "Tor: onion service descriptor is invalid"
	case socks.ReplyTorIntroFailed:
		return "Tor: introduction to the onion service failed"
	case socks.ReplyTorRendFailed:
		return "Tor: rendezvous with the onion service failed"
	case socks.ReplyTorMissingAuth:
		return "Tor: the onion service needs client authorization and none was given"
	case socks.ReplyTorBadAuth:
		return "Tor: the client authorization given was wrong"
	case socks.ReplyTorBadAddress:
		return "Tor: invalid .onion address"
	case socks.ReplyTorIntroTimedOut:
		return "Tor: introduction to the onion service timed out"
	}
	return "an unknown reply code"
}

func f(b []byte, format string, args ...any) socksField {
	return socksField{b: b, meaning: fmt.Sprintf(format, args...)}
}

// send takes apart a message we sent.
func (d *socksDecoder) send(b []byte) socksMsg {
	d.sends++
	switch {
	case d.sends == 1:
		return d.greeting(b)
	case len(b) > 0 && b[0] == socks.UserPassVersion:
		return d.auth(b)
	default:
		return d.request(b)
	}
}

// recv takes apart a message from the proxy.
func (d *socksDecoder) recv(b []byte) socksMsg {
	d.recvs++
	switch {
	case d.recvs == 1:
		return d.choice(b)
	case d.method == int(socks.AuthUserPass) && d.recvs == 2:
		return d.authStatus(b)
	default:
		return d.reply(b)
	}
}

func bad(title, why string) socksMsg { return socksMsg{title: title, why: why} }

func (d *socksDecoder) greeting(b []byte) socksMsg {
	const t = "greeting: the ways to log in we offer"
	if len(b) < 2 || socks.Version(b[0]) != socks.Version5 || len(b) != 2+int(b[1]) {
		return bad(t, "not a SOCKS5 greeting")
	}
	m := socksMsg{title: t, ok: true}
	m.fields = append(m.fields,
		f(b[:1], "version 5 (SOCKS5)"),
		f(b[1:2], "%s offered:", plural(int64(b[1]), "way to log in is", "ways to log in are")))
	for i := 2; i < len(b); i++ {
		m.fields = append(m.fields, f(b[i:i+1], "  %02x = %s", b[i], methodText(b[i])))
	}
	return m
}

func (d *socksDecoder) choice(b []byte) socksMsg {
	const t = "method choice: how we will log in"
	if len(b) != 2 || socks.Version(b[0]) != socks.Version5 {
		return bad(t, notSOCKS(b))
	}
	d.method = int(b[1])
	return socksMsg{title: t, ok: true, fields: []socksField{
		f(b[:1], "version 5"),
		f(b[1:2], "the proxy picked %02x = %s", b[1], methodText(b[1])),
	}}
}

func (d *socksDecoder) auth(b []byte) socksMsg {
	const t = "login: username and password (RFC 1929)"
	if len(b) < 2 {
		return bad(t, "too short")
	}
	ul := int(b[1])
	if len(b) < 3+ul {
		return bad(t, "too short")
	}
	pl := int(b[2+ul])
	if len(b) != 3+ul+pl {
		return bad(t, "the lengths do not add up")
	}
	// The password is never shown, whatever fetch handed over.
	stars := bytes.Repeat([]byte{'*'}, pl)
	return socksMsg{title: t, ok: true, fields: []socksField{
		f(b[:1], "version 1 of the username/password login"),
		f(b[1:2], "the username is %s long:", plural(int64(ul), "byte", "bytes")),
		f(b[2:2+ul], "username %q", clean(string(b[2:2+ul]))),
		f(b[2+ul:3+ul], "the password is %s long:", plural(int64(pl), "byte", "bytes")),
		f(stars, "password (hidden here, shown as *)"),
	}}
}

func (d *socksDecoder) authStatus(b []byte) socksMsg {
	const t = "login result"
	if len(b) != 2 || b[0] != socks.UserPassVersion {
		return bad(t, notSOCKS(b))
	}
	s := "status 00 = login accepted"
	if b[1] != socks.UserPassSucceeded {
		s = fmt.Sprintf("status %02x = login rejected (wrong username or password)", b[1])
	}
	return socksMsg{title: t, ok: true, fields: []socksField{
		f(b[:1], "version 1 of the username/password login"),
		f(b[1:2], "%s", s),
	}}
}

func (d *socksDecoder) request(b []byte) socksMsg {
	const t = "CONNECT request: where the proxy should connect to"
	if len(b) < 4 || socks.Version(b[0]) != socks.Version5 {
		return bad(t, "not a SOCKS5 request")
	}
	cmd := "asks for something other than CONNECT"
	switch socks.Command(b[1]) {
	case socks.CmdConnect:
		cmd = "CONNECT: open a TCP connection to the target for us"
	case socks.CmdTorResolve:
		cmd = "RESOLVE (a Tor extension): look up a name"
	}
	return d.withAddress(socksMsg{title: t, fields: []socksField{
		f(b[:1], "version 5"),
		f(b[1:2], "command %02x = %s", b[1], cmd),
		f(b[2:3], "reserved, always 00"),
	}}, b[3:], true)
}

func (d *socksDecoder) reply(b []byte) socksMsg {
	const t = "reply: did it work?"
	if len(b) < 4 || socks.Version(b[0]) != socks.Version5 {
		return bad(t, notSOCKS(b))
	}
	return d.withAddress(socksMsg{title: t, fields: []socksField{
		f(b[:1], "version 5"),
		f(b[1:2], "reply %02x = %s", b[1], replyText(b[1], d.onion)),
		f(b[2:3], "reserved, always 00"),
	}}, b[3:], false)
}

// withAddress adds to m the fields of b, the rest of a request (target) or
// reply from ATYP on; m is whole when they fill b exactly.
func (d *socksDecoder) withAddress(m socksMsg, b []byte, target bool) socksMsg {
	addr, ok := d.address(b, target)
	m.fields = append(m.fields, addr...)
	m.ok = ok
	if !ok {
		m.why = "the address does not fit the message"
	}
	return m
}

// address takes apart ATYP, the address and the port (the rest of a request
// or reply), and reports whether they fill b exactly.
func (d *socksDecoder) address(b []byte, target bool) ([]socksField, bool) {
	who, why := "bound address", ": where the proxy's own connection to the server starts"
	if target {
		who, why = "the target's address", ""
	}
	var fs []socksField
	var rest []byte
	switch socks.AddrType(b[0]) {
	case socks.AddrIPv4, socks.AddrIPv6:
		n, kind := 4, "an IPv4 address"
		if socks.AddrType(b[0]) == socks.AddrIPv6 {
			n, kind = 16, "an IPv6 address"
		}
		fs = append(fs, f(b[:1], "address type %02x = %s", b[0], kind))
		if len(b) < 1+n {
			return fs, false
		}
		ip := net.IP(b[1 : 1+n])
		d.m.learnIP(ip)
		fs = append(fs, socksField{b: b[1 : 1+n], meaning: who + " " + d.m.ip(ip) + why, hide: d.m.on})
		rest = b[1+n:]
	case socks.AddrDomain:
		fs = append(fs, f(b[:1], "address type 03 = a name (the proxy looks it up)"))
		if len(b) < 2 || len(b) < 2+int(b[1]) {
			return fs, false
		}
		name := string(b[2 : 2+int(b[1])])
		if target && socks.IsOnion(name) {
			d.onion = true
		}
		fs = append(fs,
			f(b[1:2], "the name is %s long:", plural(int64(b[1]), "byte", "bytes")),
			f(b[2:2+int(b[1])], "%q", clean(name)))
		rest = b[2+int(b[1]):]
	default:
		fs = append(fs, f(b[:1], "address type %02x = unknown", b[0]))
		return fs, false
	}
	if len(rest) != 2 {
		return fs, false
	}
	port := int(rest[0])<<8 | int(rest[1])
	d.m.learnPort(port)
	meaning := "port " + d.m.port(port)
	if !target {
		meaning = "bound port " + d.m.port(port)
	}
	if !d.m.on {
		meaning += fmt.Sprintf(" (%02x×256 + %02x)", rest[0], rest[1])
	}
	fs = append(fs, socksField{b: rest, meaning: meaning, hide: d.m.on})
	return fs, true
}

// notSOCKS says why bytes from the proxy are not the SOCKS5 answer expected.
func notSOCKS(b []byte) string {
	switch {
	case len(b) == 0:
		return "the proxy sent nothing"
	case bytes.HasPrefix(b, []byte("HTTP/")):
		return "this is HTTP, not SOCKS5: that port belongs to an HTTP server or proxy"
	case socks.Version(b[0]) != socks.Version5 && b[0] != socks.UserPassVersion:
		return fmt.Sprintf("the first byte is %02x, not 05: that port does not speak SOCKS5", b[0])
	}
	return "the message has the wrong length"
}
