// Package fetchtrace is the vocabulary of a fetch's events, as
// net/http/httptrace is for net/http: package fetch reports each step of a
// transfer as a typed Event, and the views (-v, --explain, --trace) switch
// on its Kind and read its fields. Nothing here formats a step for a view
// to parse back: Info is only ever a free-form line shown as it is.
package fetchtrace

import (
	"crypto/tls"
	"net"
	"time"

	"sockfetch/rawhttp"
)

// EventKind names one step of a fetch, in the order they happen.
type EventKind uint8

const (
	EvStart     EventKind = iota + 1 // URL: a request (hop) begins
	EvResolve                        // Host, Addrs (resolved here), Remote=true when the name goes to the proxy
	EvLock                           // Lock: what the kernel lock did; Info: the same as one line
	EvConnect                        // Role, Host, Local, Peer of the TCP connection (to the proxy when proxied)
	EvSOCKSSend                      // Bytes: raw SOCKS bytes sent; Info: meaning
	EvSOCKSRecv                      // Bytes: raw SOCKS bytes received; Info: meaning
	EvSOCKSDone                      // the tunnel is open (Info says to where), or failed: Err
	EvTLS                            // TLS: the handshake state; Info: whether the certificate was checked; Err when it failed
	EvRequest                        // Bytes: the exact request bytes sent (head and body); Size: the head's length
	EvHTTP                           // HTTP: one rawhttp parser event (response side)
	EvRecvHead                       // Bytes: one raw response head (1xx heads too); Status: its status code
	EvRecvData                       // Bytes: body bytes as received off the wire (only when trace is on)
	EvBodyEnd                        // Framing: how the end of the body was found; Size: body bytes; Raw, Written for --raw
	EvRedirect                       // URL: the next hop's URL; Status: the redirect's; Info: why
	EvInfo                           // Info: anything else worth a line under -v
	EvDone                           // Timings final; Sent, Recv wire totals; Err and Hint when the fetch failed
	EvDial                           // Role, Network, Addr: a connection is being tried
	EvReuse                          // Conn, Host, Peer: a connection kept from an earlier request carries this one
	EvConnEnd                        // Conn, Host: the hop is over; Kept: the connection is kept for another request, else Info says why not

	// Below HTTP (see below.go).
	EvTCPInfo   // TCP: what the kernel says of the connection, read after the body, before close
	EvTLSRecord // Record: one TLS record header seen on the wire (and a hello's fields)
	EvDNS       // DNS: one DNS datagram sent or received, or a lookup answered without one
)

// Role says what a connection goes to.
type Role uint8

const (
	ToTarget Role = iota // the URL's server itself
	ToProxy              // a SOCKS5 proxy
	ToTor                // Tor's SOCKS port
)

var roleNames = [...]string{ToTarget: "server", ToProxy: "SOCKS5 proxy", ToTor: "Tor"}

// String returns "server", "SOCKS5 proxy" or "Tor".
func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role"
}

// Lock is what the kernel lock did, as netlock reports it.
type Lock struct {
	Applied bool
	ABI     int    // Landlock ABI version of the kernel (0: none)
	Ports   []int  // TCP ports that may still be connected once Applied
	UDP     bool   // UDP and other sockets denied by the seccomp filter
	Reason  string // why it was not applied
}

// Event is one observable step. Slices are only valid during the callback.
type Event struct {
	Kind    EventKind
	At      time.Duration // since the fetch began
	URL     string
	Host    string
	Addrs   []net.IP
	Remote  bool
	Role    Role   // with EvDial and EvConnect: what the connection goes to
	Network string // with EvDial: "tcp", "tcp4", "tcp6" or "unix"
	Addr    string // with EvDial: the address tried
	Local   net.Addr
	Peer    net.Addr
	Bytes   []byte
	Status  int             // with EvRecvHead and EvRedirect: the response's status code
	Framing rawhttp.Framing // with EvBodyEnd: how the end of the body was found
	Raw     bool            // with EvBodyEnd: the body was written as it came (--raw)
	Written int64           // with EvBodyEnd and Raw: bytes written, chunk framing included
	Codings []string        // with EvBodyEnd: the content codings undone (--compressed), as the server listed them
	Decoded int64           // with EvBodyEnd and Codings: bytes written once decoded
	CAFile  string          // with EvTLS: the --cacert file the certificate was checked against; "": the system's roots
	Lock    *Lock           // with EvLock
	Info    string          // a free-form line, shown as it is
	Size    int64           // with EvRequest: the head's length; EvBodyEnd, EvDone: body bytes
	TLS     *tls.ConnectionState
	HTTP    *rawhttp.Event
	Err     error
	Hint    string     // with Err on EvDone: advice for the user, or ""
	Timings *Timings   // with EvDone
	Sent    int64      // with EvDone: bytes written to the connection (after SOCKS, before TLS)
	Recv    int64      // with EvDone: bytes read from the connection (after SOCKS, before TLS)
	Conn    int        // with EvConnect, EvReuse and EvConnEnd: the connection's number in the run, from 0 (curl's #0)
	Kept    bool       // with EvConnEnd: the connection stays open for another request
	TCP     *TCPInfo   // with EvTCPInfo
	Record  *TLSRecord // with EvTLSRecord
	DNS     *DNSMsg    // with EvDNS
}

// Dialled returns what an EvDial event tries: the address ("unix:" and
// the path for a unix socket), after the role of a proxy, as in
// "Tor at 127.0.0.1:9050".
func (e *Event) Dialled() string {
	shown := e.DialAddr()
	if e.Role != ToTarget {
		shown = e.Role.String() + " at " + shown
	}
	return shown
}

// DialAddr returns the address an EvDial event tries, with "unix:" before
// the path of a unix socket.
func (e *Event) DialAddr() string {
	if e.Network == "unix" {
		return "unix:" + e.Addr
	}
	return e.Addr
}

// Timings are measured from the start of each hop, as curl's -w fields.
type Timings struct {
	NameLookup    time.Duration // DNS done (0 when the name went to the proxy)
	Connect       time.Duration // TCP connected (to the proxy when proxied)
	ProxyConnect  time.Duration // SOCKS handshake done (Tor: circuit built)
	AppConnect    time.Duration // TLS done (0 for http)
	PreTransfer   time.Duration // about to send the request
	StartTransfer time.Duration // first response byte
	Total         time.Duration
}
