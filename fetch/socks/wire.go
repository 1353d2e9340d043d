package socks

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Wire constants of RFC 1928 and RFC 1929.
const (
	version5    = 0x05 // SOCKS protocol version
	authVersion = 0x01 // RFC 1929 subnegotiation version

	cmdConnect = 0x01

	atypIPv4   = 0x01
	atypDomain = 0x03
	atypIPv6   = 0x04

	methodNone         = 0x00 // no authentication required
	methodGSSAPI       = 0x01
	methodUserPass     = 0x02 // RFC 1929
	methodNoAcceptable = 0xFF

	authSucceeded = 0x00
)

// Reply codes of RFC 1928 and Tor's extended codes (socks-extensions.txt,
// proposal 304), which tor sends only on a SocksPort with ExtendedErrors.
const (
	ReplySucceeded        byte = 0x00
	ReplyGeneralFailure   byte = 0x01
	ReplyNotAllowed       byte = 0x02
	ReplyNetUnreachable   byte = 0x03
	ReplyHostUnreachable  byte = 0x04
	ReplyRefused          byte = 0x05
	ReplyTTLExpired       byte = 0x06
	ReplyCmdNotSupported  byte = 0x07
	ReplyAddrNotSupported byte = 0x08

	ReplyTorDescNotFound  byte = 0xF0 // onion service descriptor not found
	ReplyTorDescInvalid   byte = 0xF1 // onion service descriptor invalid
	ReplyTorIntroFailed   byte = 0xF2 // introduction failed
	ReplyTorRendFailed    byte = 0xF3 // rendezvous failed
	ReplyTorMissingAuth   byte = 0xF4 // missing client authorization
	ReplyTorBadAuth       byte = 0xF5 // wrong client authorization
	ReplyTorBadAddress    byte = 0xF6 // invalid .onion address
	ReplyTorIntroTimedOut byte = 0xF7 // introduction timed out
)

// IsTorCode reports whether code is one of Tor's extended reply codes F0–F7.
func IsTorCode(code byte) bool { return code >= 0xF0 && code <= 0xF7 }

// ReplyText returns a reply code in words: RFC 1928's 00–08 and Tor's
// extended F0–F7.
func ReplyText(code byte) string {
	switch code {
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
	return fmt.Sprintf("unknown reply code 0x%02X", code)
}

// torReplyText returns a reply code in words as Tor means it; onion reports
// whether the target was a .onion name.
func torReplyText(code byte, onion bool) string {
	switch code {
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

// methodName returns an authentication method in words.
func methodName(m byte) string {
	switch m {
	case methodNone:
		return "no authentication"
	case methodGSSAPI:
		return "GSSAPI"
	case methodUserPass:
		return "username/password"
	case methodNoAcceptable:
		return "no acceptable methods"
	}
	if m >= 0x80 {
		return "private method"
	}
	return "unassigned method"
}

// methodList returns methods in words: "no authentication (00), username/password (02)".
func methodList(ms []byte) string {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%02X)", methodName(m), m)
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
	if b[1] == methodNoAcceptable {
		return fmt.Sprintf("version %d, no acceptable method (FF): the proxy accepts none of those offered", b[0])
	}
	return fmt.Sprintf("version %d, method chosen: %s (%02X)", b[0], methodName(b[1]), b[1])
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
	if b[1] == authSucceeded {
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
	switch b[3] {
	case atypIPv4:
		n = 4 + net.IPv4len + 2
	case atypIPv6:
		n = 4 + net.IPv6len + 2
	case atypDomain:
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
	switch b[3] {
	case atypIPv4:
		return fmt.Sprintf("address type IPv4 (01): %s, port %d", net.IP(b[4:8]), port)
	case atypIPv6:
		return fmt.Sprintf("address type IPv6 (04): %s, port %d", net.IP(b[4:20]), port)
	}
	name := b[5 : len(b)-2]
	return fmt.Sprintf("address type domain name (03): %q (%s), port %d", name, plural(len(name), "byte", "bytes"), port)
}

// connectMeaning explains a complete CONNECT request.
func connectMeaning(b []byte) string {
	cmd := "CONNECT"
	if b[1] != cmdConnect {
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
	switch b[3] {
	case atypIPv4:
		return net.JoinHostPort(net.IP(b[4:8]).String(), port) + " (type 01, IPv4)"
	case atypIPv6:
		return net.JoinHostPort(net.IP(b[4:20]).String(), port) + " (type 04, IPv6)"
	}
	return fmt.Sprintf("%q port %s (type 03, domain name)", b[5:len(b)-2], port)
}
