package fetch

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
	EvLock                           // Info: kernel lock applied, or why not
	EvConnect                        // Local, Remote addresses of the TCP connection (to the proxy when proxied)
	EvSOCKSSend                      // Bytes: raw SOCKS bytes sent; Info: meaning
	EvSOCKSRecv                      // Bytes: raw SOCKS bytes received; Info: meaning
	EvSOCKSDone                      // the tunnel is open (or failed: Err)
	EvTLS                            // TLS: the handshake state; Err when it failed
	EvRequest                        // Bytes: the exact request bytes sent (head and body)
	EvHTTP                           // HTTP: one rawhttp parser event (response side)
	EvRecvHead                       // Bytes: the raw response head (1xx heads too)
	EvRecvData                       // Bytes: body bytes as received off the wire (only when trace is on)
	EvBodyEnd                        // Info: how the end of the body was found; Size: body bytes
	EvRedirect                       // URL: the next hop's URL; Info: why
	EvInfo                           // Info: anything else worth a line under -v
	EvDone                           // Timings final; Wire totals
)

// Event is one observable step. Slices are only valid during the callback.
type Event struct {
	Kind    EventKind
	At      time.Duration // since the fetch began
	URL     string
	Host    string
	Addrs   []net.IP
	Remote  bool
	Local   net.Addr
	Peer    net.Addr
	Bytes   []byte
	Info    string
	Size    int64
	TLS     *tls.ConnectionState
	HTTP    *rawhttp.Event
	Err     error
	Timings *Timings // with EvDone
	Sent    int64    // with EvDone: bytes written to the connection (after SOCKS, before TLS)
	Recv    int64    // with EvDone: bytes read from the connection (after SOCKS, before TLS)
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
