package socks

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Version is a SOCKS protocol version: the first byte of every RFC 1928
// message, each way.
type Version byte

// Version5 is SOCKS version 5, the only one spoken here (RFC 1928).
const Version5 Version = 0x05

// String returns "SOCKS5", or "SOCKS version N" for another version.
func (v Version) String() string {
	if v == Version5 {
		return "SOCKS5"
	}
	return "SOCKS version " + strconv.Itoa(int(v))
}

// An AuthMethod is an authentication method of RFC 1928 §3, offered in the
// greeting and chosen by the proxy.
type AuthMethod byte

// Authentication methods of RFC 1928 §3 (IANA's SOCKS methods registry).
const (
	AuthNone         AuthMethod = 0x00 // NO AUTHENTICATION REQUIRED
	AuthGSSAPI       AuthMethod = 0x01 // GSSAPI (RFC 1961)
	AuthUserPass     AuthMethod = 0x02 // USERNAME/PASSWORD (RFC 1929)
	AuthNoAcceptable AuthMethod = 0xFF // NO ACCEPTABLE METHODS: the proxy takes none of those offered
)

// String returns the method in words: "no authentication",
// "username/password", "private method" for 80–FE, "unassigned method" for
// the rest.
func (m AuthMethod) String() string {
	switch m {
	case AuthNone:
		return "no authentication"
	case AuthGSSAPI:
		return "GSSAPI"
	case AuthUserPass:
		return "username/password"
	case AuthNoAcceptable:
		return "no acceptable methods"
	}
	if m >= 0x80 {
		return "private method"
	}
	return "unassigned method"
}

// RFC 1929's username/password subnegotiation.
const (
	UserPassVersion   byte = 0x01 // VER of the request and of the status
	UserPassSucceeded byte = 0x00 // STATUS 00 is success; any other value is failure
)

// A Command is the CMD of an RFC 1928 §4 request.
type Command byte

// Commands of RFC 1928 §4 and Tor's extensions (socks-extensions.txt).
const (
	CmdConnect       Command = 0x01 // open a TCP connection to the target
	CmdBind          Command = 0x02 // accept one connection from the target
	CmdUDPAssociate  Command = 0x03 // relay UDP datagrams
	CmdTorResolve    Command = 0xF0 // Tor: look up a name, reply with its address
	CmdTorResolvePTR Command = 0xF1 // Tor: look up an address, reply with its name
)

// String returns the command as the specifications name it: "CONNECT",
// "BIND", "UDP ASSOCIATE", "RESOLVE", "RESOLVE_PTR", or "command 0xNN".
func (c Command) String() string {
	switch c {
	case CmdConnect:
		return "CONNECT"
	case CmdBind:
		return "BIND"
	case CmdUDPAssociate:
		return "UDP ASSOCIATE"
	case CmdTorResolve:
		return "RESOLVE"
	case CmdTorResolvePTR:
		return "RESOLVE_PTR"
	}
	return fmt.Sprintf("command 0x%02X", byte(c))
}

// An AddrType is the ATYP of an RFC 1928 §5 address.
type AddrType byte

// Address types of RFC 1928 §5.
const (
	AddrIPv4   AddrType = 0x01 // 4 bytes
	AddrDomain AddrType = 0x03 // a length byte, then the name
	AddrIPv6   AddrType = 0x04 // 16 bytes
)

// String returns "IPv4", "domain name", "IPv6", or "address type 0xNN".
func (a AddrType) String() string {
	switch a {
	case AddrIPv4:
		return "IPv4"
	case AddrDomain:
		return "domain name"
	case AddrIPv6:
		return "IPv6"
	}
	return fmt.Sprintf("address type 0x%02X", byte(a))
}

// A Reply is the REP code of an RFC 1928 §6 reply.
type Reply byte

// Reply codes of RFC 1928 §6 and Tor's extended codes (socks-extensions.txt,
// proposal 304), which tor sends only on a SocksPort with ExtendedErrors.
const (
	ReplySucceeded        Reply = 0x00
	ReplyGeneralFailure   Reply = 0x01
	ReplyNotAllowed       Reply = 0x02
	ReplyNetUnreachable   Reply = 0x03
	ReplyHostUnreachable  Reply = 0x04
	ReplyRefused          Reply = 0x05
	ReplyTTLExpired       Reply = 0x06
	ReplyCmdNotSupported  Reply = 0x07
	ReplyAddrNotSupported Reply = 0x08

	ReplyTorDescNotFound  Reply = 0xF0 // onion service descriptor not found
	ReplyTorDescInvalid   Reply = 0xF1 // onion service descriptor invalid
	ReplyTorIntroFailed   Reply = 0xF2 // introduction failed
	ReplyTorRendFailed    Reply = 0xF3 // rendezvous failed
	ReplyTorMissingAuth   Reply = 0xF4 // missing client authorization
	ReplyTorBadAuth       Reply = 0xF5 // wrong client authorization
	ReplyTorBadAddress    Reply = 0xF6 // invalid .onion address
	ReplyTorIntroTimedOut Reply = 0xF7 // introduction timed out
)

// IsTor reports whether r is one of Tor's extended reply codes F0–F7.
func (r Reply) IsTor() bool { return r >= ReplyTorDescNotFound && r <= ReplyTorIntroTimedOut }

// String returns the reply code in words: RFC 1928's 00–08 and Tor's
// extended F0–F7, or "unknown reply code 0xNN".
func (r Reply) String() string {
	switch r {
	case ReplySucceeded:
		return "succeeded"
	case ReplyGeneralFailure:
		return "general SOCKS server failure"
	case ReplyNotAllowed:
		return "connection not allowed by ruleset"
	case ReplyNetUnreachable:
		return "network unreachable"
	case ReplyHostUnreachable:
		return "host unreachable"
	case ReplyRefused:
		return "connection refused"
	case ReplyTTLExpired:
		return "TTL expired"
	case ReplyCmdNotSupported:
		return "command not supported"
	case ReplyAddrNotSupported:
		return "address type not supported"
	case ReplyTorDescNotFound:
		return "onion service descriptor not found"
	case ReplyTorDescInvalid:
		return "onion service descriptor invalid"
	case ReplyTorIntroFailed:
		return "onion service introduction failed"
	case ReplyTorRendFailed:
		return "onion service rendezvous failed"
	case ReplyTorMissingAuth:
		return "onion service missing client authorization"
	case ReplyTorBadAuth:
		return "onion service wrong client authorization"
	case ReplyTorBadAddress:
		return "invalid onion address"
	case ReplyTorIntroTimedOut:
		return "onion service introduction timed out"
	}
	return fmt.Sprintf("unknown reply code 0x%02X", byte(r))
}

// IsTorCode reports whether code is one of Tor's extended reply codes F0–F7.
func IsTorCode(code byte) bool { return Reply(code).IsTor() }

// ReplyText returns a reply code in words: Reply(code).String().
func ReplyText(code byte) string { return Reply(code).String() }

// torReplyText returns a reply code in words as Tor means it; onion reports
// whether the target was a .onion name.
func torReplyText(code byte, onion bool) string {
	switch Reply(code) {
	case ReplyGeneralFailure:
		if onion {
			return "general failure: Tor could not connect to the onion service"
		}
		return "general failure: Tor could not connect; the exit may have refused, or the target port is closed"
	case ReplyNotAllowed:
		return "connection not allowed: an exit policy or Tor's own rules refuse this address or port"
	case ReplyNetUnreachable:
		return "network unreachable from the exit"
	case ReplyHostUnreachable:
		if onion {
			return "onion service unreachable, reason unknown"
		}
		return "host unreachable: the exit could not resolve the name or reach the host"
	case ReplyRefused:
		return "connection refused by the target (the exit reached the host; the port is closed)"
	case ReplyTTLExpired:
		return "TTL expired: the stream timed out inside Tor"
	}
	return ReplyText(code)
}

// codeLabel names a reply code for an error message: "Tor extended error 0xF6"
// or "SOCKS5 reply 0x05".
func codeLabel(code byte) string {
	if IsTorCode(code) {
		return fmt.Sprintf("Tor extended error 0x%02X", code)
	}
	return fmt.Sprintf("SOCKS5 reply 0x%02X", code)
}

// methodList returns methods in words: "no authentication (00), username/password (02)".
func methodList(ms []byte) string {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%02X)", AuthMethod(m), m)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// greetingMeaning explains a client greeting (version, methods).
func greetingMeaning(b []byte) string {
	ms := b[2:]
	return fmt.Sprintf("version %d, %s offered: %s", b[0], plural(len(ms), "method", "methods"), methodList(ms))
}

// methodMeaning explains the proxy's method selection.
func methodMeaning(b []byte) string {
	if AuthMethod(b[1]) == AuthNoAcceptable {
		return fmt.Sprintf("version %d, no acceptable method (FF): the proxy accepts none of those offered", b[0])
	}
	return fmt.Sprintf("version %d, method chosen: %s (%02X)", b[0], AuthMethod(b[1]), b[1])
}

// authLen returns the length of the RFC 1929 request at the start of b, or 0
// when b does not hold all of it.
func authLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	n := 2 + int(b[1])
	if len(b) < n+1 {
		return 0
	}
	n += 1 + int(b[n])
	if len(b) < n {
		return 0
	}
	return n
}

// maskAuth returns a copy of the RFC 1929 request b (authLen(b) bytes) with
// the password bytes replaced by '*', and its meaning.
func maskAuth(b []byte) ([]byte, string) {
	m := append([]byte(nil), b...)
	ulen := int(m[1])
	plen := int(m[2+ulen])
	for i := 3 + ulen; i < len(m); i++ {
		m[i] = '*'
	}
	return m, fmt.Sprintf("username/password version %d, username %q (%s), password masked (%s)",
		m[0], m[2:2+ulen], plural(ulen, "byte", "bytes"), plural(plen, "byte", "bytes"))
}

// authStatusMeaning explains an RFC 1929 status.
func authStatusMeaning(b []byte) string {
	if b[1] == UserPassSucceeded {
		return fmt.Sprintf("username/password version %d, status 00: accepted", b[0])
	}
	return fmt.Sprintf("username/password version %d, status %02X: rejected", b[0], b[1])
}

// addrLen returns the length of a request or reply (header, address and
// port) at the start of b, 0 when more bytes are needed, or -1 for an unknown
// address type.
func addrLen(b []byte) int {
	if len(b) < 4 {
		return 0
	}
	var n int
	switch AddrType(b[3]) {
	case AddrIPv4:
		n = 4 + net.IPv4len + 2
	case AddrIPv6:
		n = 4 + net.IPv6len + 2
	case AddrDomain:
		if len(b) < 5 {
			return 0
		}
		n = 5 + int(b[4]) + 2
	default:
		return -1
	}
	if len(b) < n {
		return 0
	}
	return n
}

// addrMeaning explains the address and port of a complete request or reply b.
func addrMeaning(b []byte) string {
	port := int(b[len(b)-2])<<8 | int(b[len(b)-1])
	switch AddrType(b[3]) {
	case AddrIPv4:
		return fmt.Sprintf("address type IPv4 (01): %s, port %d", net.IP(b[4:8]), port)
	case AddrIPv6:
		return fmt.Sprintf("address type IPv6 (04): %s, port %d", net.IP(b[4:20]), port)
	}
	name := b[5 : len(b)-2]
	return fmt.Sprintf("address type domain name (03): %q (%s), port %d", name, plural(len(name), "byte", "bytes"), port)
}

// connectMeaning explains a complete CONNECT request.
func connectMeaning(b []byte) string {
	cmd := "CONNECT"
	if Command(b[1]) != CmdConnect {
		cmd = "command"
	}
	return fmt.Sprintf("version %d, %s (%02X), %s", b[0], cmd, b[1], addrMeaning(b))
}

// replyMeaning explains a reply; b may hold only the 4-byte header when the
// proxy sent no more.
func replyMeaning(b []byte) string {
	code := b[1]
	s := fmt.Sprintf("version %d, reply %02X: %s", b[0], code, ReplyText(code))
	if IsTorCode(code) {
		s += " (Tor extended error)"
	}
	if n := addrLen(b); n > 0 && n == len(b) {
		s += ", bound address " + boundAddr(b)
	} else {
		s += " (bound address not received)"
	}
	return s
}

// boundAddr returns the address and port of a complete reply b with its type:
// "0.0.0.0:0 (type 01, IPv4)".
func boundAddr(b []byte) string {
	port := strconv.Itoa(int(b[len(b)-2])<<8 | int(b[len(b)-1]))
	switch AddrType(b[3]) {
	case AddrIPv4:
		return net.JoinHostPort(net.IP(b[4:8]).String(), port) + " (type 01, IPv4)"
	case AddrIPv6:
		return net.JoinHostPort(net.IP(b[4:20]).String(), port) + " (type 04, IPv6)"
	}
	return fmt.Sprintf("%q port %s (type 03, domain name)", b[5:len(b)-2], port)
}
