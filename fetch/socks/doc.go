// Package socks dials through a SOCKS5 proxy (RFC 1928, with RFC 1929
// username/password authentication) for sockfetch, Tor's SocksPort included.
//
// The protocol itself is spoken by golang.org/x/net/proxy; this package puts a
// thin capture wrapper around the connection handed to it, so that every
// handshake message can be shown byte for byte with its meaning, so that the
// reply code is read from the wire even when x/net only reports "unknown code",
// and so that a port that does not speak SOCKS5 (an HTTP proxy, Tor's
// HTTPTunnelPort) is recognised from what it sent. Tor's extended reply codes
// F0–F7 (tor's socks-extensions.txt and proposal 304, sent on a SocksPort with
// the ExtendedErrors flag) are put into words.
//
// Connect returns the underlying *net.TCPConn or *net.UnixConn, positioned
// right after the proxy's reply: nothing of the wrapper stays in the data path,
// so the body can take the kernel's splice path.
//
// A target name is always sent to the proxy as a name (address type 0x03) and
// is never resolved here.
//
// The wire values of RFC 1928, RFC 1929 and Tor's extensions are defined here
// once, as typed constants with a String method (Version, AuthMethod, Command,
// AddrType, Reply), for whoever takes the captured messages apart; IsOnion is
// the one test for a .onion name (RFC 7686).
package socks
