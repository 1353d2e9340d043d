package explain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sockfetch/fetch/fetchtrace"
)

// pocRecv is the one recv of sockfetch's Python proof of concept:
// s.recv(4096).
const pocRecv = 4096

// maskedNum stands for a count that changes from run to run.
const maskedNum = "N"

// num formats a count that depends on the kernel's timing (segments,
// read sizes): masked, it is "N".
func (m *masker) num(n int64) string {
	if m.on {
		return maskedNum
	}
	return grouped(n)
}

// rtt formats a round-trip time, in µs below a millisecond (loopback's
// are a few dozen).
func (m *masker) rtt(d time.Duration) string {
	if m.on || d >= time.Millisecond {
		return m.dur(d)
	}
	return strconv.FormatInt(d.Microseconds(), 10) + " µs"
}

// grouped writes n with a comma every three digits: 1,048,857.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// tcpInfo writes the kernel's account of the connection, once the body
// is in: round trips, segments, retransmits, and the reads that got the
// response, beside what the proof of concept's one recv(4096) would have
// returned.
func (v *View) tcpInfo(e fetchtrace.Event) {
	ti := e.TCP
	if ti == nil {
		return
	}
	if v.cur == "response" {
		v.resp.flushHidden()
	}
	v.section("tcpinfo", "TCP: what the kernel saw", e.At)
	v.p.intro("tcpinfo", 3, "TCP cuts the byte stream into segments, each at most one MSS "+
		"(maximum segment size) of payload, acknowledges them, and sends again what seems lost. "+
		"The program never sees a segment: it asks for bytes (recv) and gets whatever has arrived so far.")
	row := func(k, val string) { v.p.kv(3, 12, stNone, k, val) }
	if !ti.Available {
		row("kernel", "TCP_INFO: "+clean(ti.Why))
	} else {
		m := v.p.m
		row("round trip", fmt.Sprintf("%s (± %s): the time for a segment to get there and its acknowledgement back", m.rtt(ti.RTT), m.rtt(ti.RTTVar)))
		row("MSS", fmt.Sprintf("%s bytes for what we send, about %s for what we receive (the kernel's guess from the segments seen): the most payload in one segment", m.num(int64(ti.SndMSS)), m.num(int64(ti.RcvMSS))))
		row("segments", fmt.Sprintf("%s sent, %s received (the handshake and the acknowledgements included)", m.num(ti.SegsOut), m.num(ti.SegsIn)))
		row("retransmits", m.num(ti.Retrans)+": segments sent again because no acknowledgement came in time")
	}
	v.tlsAfter()
	v.reads(ti.Reads)
}

// reads writes how many reads got the response and what one recv(4096)
// would have got.
func (v *View) reads(r fetchtrace.Reads) {
	m := v.p.m
	row := func(k, val string) { v.p.kv(3, 12, stNone, k, val) }
	what := "of the response"
	if r.TLS {
		what = "of TLS records (the response is decrypted from them)"
	}
	if r.Count == 0 {
		row("reads", "no byte "+what+" was read")
		return
	}
	sizes := make([]string, len(r.Sizes))
	for i, n := range r.Sizes {
		sizes[i] = m.num(n)
	}
	list := strings.Join(sizes, ", ")
	if r.Count > int64(len(r.Sizes)) {
		list += ", …"
	}
	all := grouped(r.Bytes)
	if v.maskTLSBytes() {
		all = maskedNum
	}
	count := plural(r.Count, "read", "reads")
	if v.maskTLSBytes() {
		// How many reads a handshake's close takes varies from run to run.
		count, list = maskedNum+" reads", maskedNum+", …"
	}
	row("reads", fmt.Sprintf("%s got the %s bytes %s: %s", count, all, what, list))
	if r.Count > 1 || v.maskTLSBytes() {
		row("", fmt.Sprintf("smallest %s, largest %s bytes", m.num(r.Min), m.num(r.Max)))
	}
	v.p.gloss(3, "sockfetch read every byte itself here, to show them. Without a view (-v, --explain, --trace), "+
		"a plain http body going to a file is spliced: the kernel moves it from the socket to the file and no read returns it.")
	switch {
	case r.TLS:
		v.p.para(3, 5, stNone, fmt.Sprintf("the first read returned %s bytes of TLS records, not of the page: over TLS, the proof of concept's single recv(%d) would get encrypted bytes; the page comes out of crypto/tls a whole record (up to 16 KiB) at a time",
			m.num(r.First), pocRecv))
	case r.First < r.Bytes && r.First <= pocRecv:
		v.p.para(3, 5, stWarn, fmt.Sprintf("the first read returned %s of %s bytes: a single recv(%d), as in the proof of concept, would have cut the page there",
			m.num(r.First), grouped(r.Bytes), pocRecv))
	case r.First > pocRecv:
		v.p.para(3, 5, stWarn, fmt.Sprintf("the first read returned %s of %s bytes: a single recv(%d), as in the proof of concept, would have taken only %s and cut the page there",
			m.num(r.First), grouped(r.Bytes), pocRecv, grouped(pocRecv)))
	default:
		v.p.para(3, 5, stNone, fmt.Sprintf("the first read returned all %s bytes: a single recv(%d), as in the proof of concept, would have got the whole page, this time: TCP promises the bytes in order, not in one piece",
			grouped(r.Bytes), pocRecv))
	}
}
