package explain

import (
	"crypto/tls"
	"fmt"
	"slices"
	"strings"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/fetch/tlsrec"
)

// below is the state of the layers under HTTP in one hop: the TLS
// records, the DNS messages.
type below struct {
	live      bool // TLS records were seen (a real handshake, whose sizes vary), in any hop
	lookedUp  bool // a name was resolved here, in any hop
	tlsDone   bool // the handshake is over: records are counted, not listed
	encShown  bool // the "from here on, encrypted" line was written
	tlsVer    uint16
	recSent   int64 // records after the handshake, and their payload bytes
	recRecv   int64
	bytesSent int64
	bytesRecv int64
	dnsSent   dnsQueries // when each DNS question left, by ID
}

// tlsIntro is written once, when the first TLS record is shown.
const tlsIntro = "TLS travels in records: each starts with a 5-byte header in the clear " +
	"(type, version, length), then its payload. The first messages, the hellos, are readable " +
	"by anyone on the path; then the two sides share a key and the payloads are encrypted."

// tlsRecord shows one record of the handshake, or counts one after it.
func (v *View) tlsRecord(e fetchtrace.Event) {
	r := e.Record
	if r == nil {
		return
	}
	v.below.live = true
	if v.below.tlsDone {
		if r.Send {
			v.below.recSent++
			v.below.bytesSent += int64(r.Length)
		} else {
			v.below.recRecv++
			v.below.bytesRecv += int64(r.Length)
		}
		return
	}
	v.tlsSection(e.At)
	v.p.intro("tls-records", 3, tlsIntro)
	arrow, st := "← ", stRecv
	if r.Send {
		arrow, st = "→ ", stSent
	}
	if r.Err != nil {
		v.p.para(3, 5, stBad, arrow+"not a TLS record: the header reads "+
			fmt.Sprintf("type %d, version %#04x, length %d", uint8(r.Type), r.Version, r.Length)+
			"; nothing more is read as TLS")
		return
	}
	if r.Encrypted && !v.below.encShown {
		v.below.encShown = true
		why := "From here on, every payload is encrypted."
		if v.below.tlsVer == tls.VersionTLS13 {
			why = "From here on (TLS 1.3: right after the ServerHello), every payload is encrypted: " +
				"the certificate too, and each record says application_data whatever it really carries."
		}
		v.p.para(3, 3, stGood, why)
	}
	what := r.Type.String()
	switch {
	case r.Hello != nil && r.Hello.Client:
		what += ": ClientHello"
	case r.Hello != nil && r.Hello.Retry:
		what += ": HelloRetryRequest (the server wants another key share: a second ClientHello follows)"
	case r.Hello != nil:
		what += ": ServerHello"
	case r.Encrypted:
		what += ", encrypted"
	case r.Type == tlsrec.Handshake:
		what += " in the clear (before TLS 1.3, the certificate and the key exchange too: anyone on the path can read them)"
	case r.Type == tlsrec.ChangeCipherSpec && v.below.tlsVer == tls.VersionTLS13:
		what += " (a no-op in TLS 1.3, sent so that old middleboxes let the rest pass)"
	}
	size := plural(int64(r.Length), "byte", "bytes")
	if r.Length > 1 {
		size = v.p.m.num(int64(r.Length)) + " bytes"
	}
	v.p.para(3, 5, st, fmt.Sprintf("%srecord %s, header version %s, %s", arrow, what, versionName(r.Version), size))
	if r.Hello != nil {
		v.hello(r.Hello)
	}
}

// hello writes a hello's readable fields.
func (v *View) hello(h *tlsrec.Hello) {
	row := func(k, val string) { v.p.kv(7, 10, stNone, k, val) }
	if h.Client {
		if h.SNI != "" {
			row("SNI", clean(h.SNI)+": the host name, in the clear for anyone on the path to read (the reason to use Tor)")
		} else {
			row("SNI", "none: Go sends no name for an IP address")
		}
		if len(h.ALPN) > 0 {
			row("ALPN", clean(strings.Join(h.ALPN, ", "))+": the protocols we offer to speak inside")
		}
		row("versions", versionNames(h.Versions)+" offered")
		row("ciphers", v.suiteNames(h.CipherSuites)+" offered")
		return
	}
	if h.Retry {
		v.below.tlsVer = tls.VersionTLS13 // only TLS 1.3 has it; the real ServerHello follows
		return
	}
	ver := h.Version
	how := "(from the hello's version field)"
	if len(h.Versions) == 1 {
		ver = h.Versions[0]
		how = "(from supported_versions; the version fields say TLS 1.2 for old middleboxes)"
	}
	v.below.tlsVer = ver
	row("version", versionName(ver)+" chosen "+how)
	row("cipher", v.suiteNames(h.CipherSuites)+" chosen")
	if len(h.ALPN) > 0 {
		row("ALPN", clean(strings.Join(h.ALPN, ", "))+" chosen")
	}
}

// suiteNames names cipher suites. Masked, they are sorted: Go orders its
// offer by what the machine's processor does fast.
func (v *View) suiteNames(ids []uint16) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = tls.CipherSuiteName(id)
	}
	if v.p.m.on {
		slices.Sort(names)
	}
	return strings.Join(names, ", ")
}

func versionName(v uint16) string {
	if v>>8 == 3 && v&0xff <= 4 {
		return tls.VersionName(v)
	}
	return fmt.Sprintf("%#04x", v)
}

func versionNames(vs []uint16) string {
	names := make([]string, 0, len(vs))
	for _, v := range vs {
		if v&0x0f0f == 0x0a0a {
			continue // GREASE (RFC 8701)
		}
		names = append(names, versionName(v))
	}
	return strings.Join(names, ", ")
}

// tlsAfter writes what the records after the handshake carried, in the
// TCP summary.
func (v *View) tlsAfter() {
	b := v.below
	if !b.tlsDone || b.recSent+b.recRecv == 0 {
		return
	}
	// How many records came before the connection closed depends on the
	// timing of the server's close_notify: masked, the counts are too.
	count := func(n int64) string {
		if v.p.m.on {
			return maskedNum + " records"
		}
		return plural(n, "record", "records")
	}
	v.p.kv(3, 12, stNone, "TLS records", fmt.Sprintf("after the handshake, %s received (%s bytes of encrypted payload) and %s sent (%s bytes)",
		count(b.recRecv), v.p.m.num(b.bytesRecv), count(b.recSent), v.p.m.num(b.bytesSent)))
}

// maskTLSBytes reports whether byte counts that a handshake changes from
// run to run are masked.
func (v *View) maskTLSBytes() bool { return v.below.live && v.p.m.on }
