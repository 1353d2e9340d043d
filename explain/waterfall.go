package explain

import (
	"fmt"
	"strings"
	"time"

	"sockfetch/fetch/fetchtrace"
)

// phase is one bar of the waterfall.
type phase struct {
	name       string
	start, end time.Duration
}

// phases cuts a hop's timings (cumulative, as curl's -w fields) into the
// waterfall's bars: DNS, TCP, SOCKS, TLS, server and transfer. SOCKS and
// TLS appear only when they happened.
func phases(t fetchtrace.Timings) []phase {
	clamp := func(d, lo time.Duration) time.Duration { return max(d, lo) }
	var ps []phase
	dns := t.NameLookup
	ps = append(ps, phase{"DNS", 0, dns})
	tcp := clamp(t.Connect, dns)
	ps = append(ps, phase{"TCP", dns, tcp})
	end := tcp
	if t.ProxyConnect > 0 {
		s := clamp(t.ProxyConnect, end)
		ps = append(ps, phase{"SOCKS", end, s})
		end = s
	}
	if t.AppConnect > 0 {
		s := clamp(t.AppConnect, end)
		ps = append(ps, phase{"TLS", end, s})
		end = s
	}
	if t.StartTransfer == 0 {
		// No answer came: the rest is the time until the error.
		return append(ps, phase{"failed", end, clamp(t.Total, end)})
	}
	st := clamp(t.StartTransfer, end)
	ps = append(ps, phase{"server", end, st})
	ps = append(ps, phase{"transfer", st, clamp(t.Total, st)})
	return ps
}

// phaseText explains the bars, one line each, for those present.
var phaseText = map[string]string{
	"DNS":      "DNS: turning the name into an address (0 when the proxy does it)",
	"start":    "start: getting ready before the first connection; no DNS was asked, the URL names an IP address",
	"TCP":      "TCP: opening the connection (to the proxy, when there is one)",
	"SOCKS":    "SOCKS: the proxy handshake, including the proxy's own connection to the server (for Tor: building the circuit)",
	"TLS":      "TLS: the encryption handshake",
	"server":   "server: from sending the request to the first byte of the answer (the server's thinking time plus one round trip)",
	"transfer": "transfer: from the first byte of the answer to the last",
	"failed":   "failed: from the last step that worked to the error",
}

// waterfall draws the phases as bars that start where the previous one
// ended, scaled to the width.
func (v *View) waterfall() {
	t := v.timings
	v.section("waterfall", "waterfall: where the time went", t.Total)
	ps := phases(t)
	if !v.below.lookedUp && ps[0].name == "DNS" && ps[0].end > 0 {
		// curl counts the time until the address is known as its name
		// lookup even for an IP address: no DNS was asked, so the bar
		// says what the time was.
		ps[0].name = "start"
	}
	const label, num = 9, 10
	cols := v.p.width - 3 - label - num - 2
	total := t.Total
	scale := func(d time.Duration) int {
		if total <= 0 {
			return 0
		}
		return int((int64(d)*int64(cols) + int64(total)/2) / int64(total))
	}
	if v.p.m.on {
		// Masked times must not move the bars: give each phase one share.
		for i := range ps {
			ps[i].start, ps[i].end = time.Duration(i), time.Duration(i+1)
		}
		total = time.Duration(len(ps))
	}
	for _, ph := range ps {
		a, b := scale(ph.start), scale(ph.end)
		if ph.end > ph.start && b == a {
			// Too short to see: one column, so that it is not lost.
			if b < cols {
				b++
			} else {
				a--
			}
		}
		bar := strings.Repeat(" ", a) + v.p.paint(stBar, strings.Repeat("█", b-a))
		d := ph.end - ph.start
		ms := v.p.m.dur(d)
		if v.p.m.on {
			ms = maskedTime
		}
		ln := fmt.Sprintf("   %-*s%*s", label, ph.name, num, ms)
		if b > a {
			ln += "  " + bar
		}
		v.p.line(0, stNone, ln)
	}
	v.p.linef(3, "%-*s%*s", label, "total", num, v.p.m.dur(t.Total))
	for _, ph := range ps {
		v.p.gloss(3, phaseText[ph.name])
	}
	if v.hops > 0 {
		v.p.gloss(3, "With redirects, each bar is the sum over all the requests, as curl's -w times are.")
	}
}
