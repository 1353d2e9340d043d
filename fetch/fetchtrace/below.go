package fetchtrace

import (
	"time"

	"sockfetch/fetch/tlsrec"
)

// TCPInfo is what the kernel says of a TCP connection (Linux TCP_INFO),
// read once the body is in, before the connection is closed, and what the
// reads of the response off the socket returned.
type TCPInfo struct {
	Available bool   // false: the kernel was not asked (Why says why)
	Why       string // when not Available: "not available on this system", ...

	RTT, RTTVar    time.Duration // smoothed round-trip time and its variation
	SndMSS, RcvMSS int           // largest segment payload sent and seen received
	SegsOut        int64         // segments sent, handshake and ACKs included
	SegsIn         int64         // segments received
	Retrans        int64         // segments sent again, over the connection's life

	Reads Reads // the reads that got the response, after the request was sent
}

// Reads counts the reads of a response off a socket: how many returned
// bytes, how many bytes in all, the first one's size, the smallest and
// the largest, and the sizes of the first few in order.
type Reads struct {
	Count int64
	Bytes int64
	First int64
	Min   int64
	Max   int64
	Sizes []int64 // the first MaxSizes sizes, in order
	TLS   bool    // the bytes read were TLS records: the body inside is decrypted from them

}

// MaxSizes is how many read sizes Reads keeps.
const MaxSizes = 16

// Add counts one read of n > 0 bytes.
func (r *Reads) Add(n int) {
	if n <= 0 {
		return
	}
	m := int64(n)
	if r.Count == 0 {
		r.First, r.Min, r.Max = m, m, m
	}
	r.Count++
	r.Bytes += m
	r.Min, r.Max = min(r.Min, m), max(r.Max, m)
	if len(r.Sizes) < MaxSizes {
		r.Sizes = append(r.Sizes, m)
	}
}

// TLSRecord is one TLS record as it crossed the wire, below crypto/tls:
// its header, and the readable fields of a ClientHello or ServerHello it
// starts.
type TLSRecord struct {
	tlsrec.Header
	Send  bool          // sent by us
	Hello *tlsrec.Hello // the ClientHello or ServerHello this record starts
	// Encrypted says the payload is protected: under TLS 1.3 every record
	// after the ServerHello but the compatibility change_cipher_spec, under
	// TLS 1.2 every record after the sender's change_cipher_spec.
	Encrypted bool
	Err       error // the bytes are not TLS records (tlsrec.ErrNotTLS); nothing more is read
}

// DNSMsg is one DNS message as it crossed the wire (a UDP datagram, or a
// message over TCP), or, with Bytes nil, a lookup that sent none.
type DNSMsg struct {
	Send    bool
	Network string // "udp" or "tcp"
	Server  string // the resolver's address:port
	Local   string // our address:port
	Bytes   []byte // the whole message, undecoded
	Host    string // the name looked up
	Source  string // with Bytes nil: where the answer came from ("/etc/hosts", "this machine"), or who resolves the name instead (Tor, the proxy)
}
