package explain

import (
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"sockfetch/fetch/fetchtrace"
)

// dnsIntro is written once, before the first DNS message.
const dnsIntro = "The question goes to a resolver's port 53 as a UDP datagram: one packet out, " +
	"one packet back. Unlike TCP there is no connection to open and no handshake, and no promise " +
	"either: a datagram that is lost is simply asked again after a while. Go asks for IPv4 (A) and " +
	"IPv6 (AAAA) addresses at once, each in its own datagram."

// dnsQueries remembers when each question (by ID) left, for the answer's
// time.
type dnsQueries map[uint16]time.Duration

// dnsMsg shows one DNS message, or a lookup that sent none.
func (v *View) dnsMsg(e fetchtrace.Event) {
	d := e.DNS
	if d == nil {
		return
	}
	name := clean(d.Host)
	v.section("dns", "name resolution", e.At)
	if d.Bytes == nil && d.Source != "/etc/hosts" && d.Source != "this machine" {
		v.p.para(3, 5, stNone, "resolved by "+clean(d.Source)+": no DNS datagram left this machine")
		return
	}
	v.p.intro("dns", 3, "Computers reach each other by number (an IP address), not by name. "+
		"DNS, the internet's phone book, turns the name into addresses.")
	if d.Bytes == nil && d.Source == "/etc/hosts" {
		v.p.para(3, 5, stNone, "no datagram sent: the hosts file (/etc/hosts) names "+name+", so this machine answers itself")
		return
	}
	if d.Bytes == nil {
		v.p.para(3, 5, stNone, "no datagram sent: Go's resolver answered for "+name+" from this machine")
		return
	}
	v.p.intro("dns-udp", 3, dnsIntro)
	v.p.m.learnHostPort(d.Server)
	v.p.m.learnHostPort(d.Local)
	kind := "datagram"
	if d.Network == "tcp" {
		kind = "message over TCP (the answer did not fit a datagram)"
	}
	arrow, st, dir := "→ ", stSent, "to "+v.p.m.text(clean(d.Server))+" from "+v.p.m.text(clean(d.Local))
	if !d.Send {
		arrow, st, dir = "← ", stRecv, "from "+v.p.m.text(clean(d.Server))
	}
	var p dnsmessage.Parser
	h, err := p.Start(d.Bytes)
	after := ""
	if v.below.dnsSent == nil {
		v.below.dnsSent = dnsQueries{}
	}
	if err == nil && d.Send {
		v.below.dnsSent[h.ID] = e.At
	} else if at, ok := v.below.dnsSent[h.ID]; err == nil && ok {
		after = ", " + v.p.m.dur(e.At-at) + " after the question"
	}
	v.p.para(3, 5, st, fmt.Sprintf("%s%s %s, %s%s", arrow, kind, dir, plural(int64(len(d.Bytes)), "byte", "bytes"), after))
	if err != nil {
		v.rawRows(d.Bytes, st)
		v.p.gloss(7, "this does not decode as DNS: "+clean(err.Error()))
		return
	}
	b := d.Bytes
	v.dnsField(socksField{b: b[0:2], hide: v.p.m.on, meaning: dnsIDText(h, d.Send)}, st)
	v.dnsField(socksField{b: b[2:4], meaning: dnsFlagsText(h)}, st)
	v.dnsField(socksField{b: b[4:12], meaning: dnsCountsText(b[4:12])}, st)
	q, qerr := p.Question()
	if qerr != nil {
		return
	}
	end := 12 + qnameLen(b[12:])
	if end+4 <= len(b) {
		v.dnsField(socksField{b: b[12:end], meaning: "the name " + clean(q.Name.String()) + ": " + labelsText(b[12:end])}, st)
		v.dnsField(socksField{b: b[end : end+2], meaning: "type " + dnsTypeText(q.Type)}, st)
		v.dnsField(socksField{b: b[end+2 : end+4], meaning: "class IN: the internet"}, st)
	}
	p.SkipAllQuestions()
	v.answers(&p, st)
}

// answers writes the answers of a response, decoded, and what the
// additional section holds.
func (v *View) answers(p *dnsmessage.Parser, st style) {
	rs, err := p.AllAnswers()
	if err != nil {
		return
	}
	for _, r := range rs {
		val := ""
		switch b := r.Body.(type) {
		case *dnsmessage.AResource:
			ip := net.IP(b.A[:])
			v.p.m.learnIP(ip)
			val = v.p.m.ip(ip)
		case *dnsmessage.AAAAResource:
			ip := net.IP(b.AAAA[:])
			v.p.m.learnIP(ip)
			val = v.p.m.ip(ip)
		case *dnsmessage.CNAMEResource:
			val = clean(b.CNAME.String()) + " (another name for it)"
		default:
			val = "(" + clean(r.Header.Type.String()) + ")"
		}
		v.p.para(7, 9, st, fmt.Sprintf("answer: %s %s %s, TTL %d s (how long it may be kept and reused)",
			clean(r.Header.Name.String()), dnsTypeName(r.Header.Type), val, r.Header.TTL))
	}
	p.SkipAllAuthorities()
	adds, err := p.AllAdditionals()
	if err != nil {
		return
	}
	for _, r := range adds {
		if r.Header.Type == dnsmessage.TypeOPT {
			v.p.para(7, 9, stGloss, fmt.Sprintf("EDNS(0) record (RFC 6891): the sender takes datagrams of up to %d bytes", r.Header.Class))
		}
	}
}

func dnsIDText(h dnsmessage.Header, send bool) string {
	if send {
		return "ID: a random number, which the answer must carry back"
	}
	return "ID: the question's number, so this answer is for it"
}

func dnsFlagsText(h dnsmessage.Header) string {
	var parts []string
	if h.Response {
		parts = append(parts, "a response")
	} else {
		parts = append(parts, "a standard query")
	}
	switch {
	case h.RecursionDesired && !h.Response:
		parts = append(parts, "recursion desired (find it for me)")
	case h.RecursionDesired:
		parts = append(parts, "recursion desired")
	}
	if h.Response && h.RecursionAvailable {
		parts = append(parts, "recursion available")
	}
	if h.Authoritative {
		parts = append(parts, "authoritative")
	}
	if h.Truncated {
		parts = append(parts, "truncated (ask again over TCP)")
	}
	if h.Response {
		rc := "no error"
		if h.RCode != dnsmessage.RCodeSuccess {
			rc = fmt.Sprintf("error %d", h.RCode)
			switch h.RCode {
			case dnsmessage.RCodeNameError:
				rc += " (NXDOMAIN): no such name, or none of this type"
			case dnsmessage.RCodeServerFailure:
				rc += " (SERVFAIL): the resolver could not find out"
			case dnsmessage.RCodeRefused:
				rc += " (REFUSED): the resolver will not answer us"
			}
		}
		parts = append(parts, rc)
	}
	return "flags: " + strings.Join(parts, ", ")
}

func dnsCountsText(b []byte) string {
	n := func(i int) int { return int(b[i])<<8 | int(b[i+1]) }
	return fmt.Sprintf("%s, %s, %d authority, %d additional",
		plural(int64(n(0)), "question", "questions"), plural(int64(n(2)), "answer", "answers"), n(4), n(6))
}

// qnameLen returns the length of an uncompressed name at the start of b
// (a question's), 0 when it runs past b.
func qnameLen(b []byte) int {
	i := 0
	for i < len(b) {
		l := int(b[i])
		if l == 0 {
			return i + 1
		}
		if l&0xc0 != 0 {
			return 0
		}
		i += 1 + l
	}
	return 0
}

// labelsText explains a name's labels: "7 example, 4 test, 0 the end".
func labelsText(b []byte) string {
	var parts []string
	for i := 0; i < len(b); {
		l := int(b[i])
		if l == 0 {
			parts = append(parts, "0 the end")
			break
		}
		if i+1+l > len(b) {
			break
		}
		parts = append(parts, fmt.Sprintf("%d %s", l, visible(b[i+1:i+1+l])))
		i += 1 + l
	}
	return "each label after its length (" + strings.Join(parts, ", ") + ")"
}

func dnsTypeName(t dnsmessage.Type) string {
	return strings.TrimPrefix(t.String(), "Type")
}

func dnsTypeText(t dnsmessage.Type) string {
	switch t {
	case dnsmessage.TypeA:
		return "A: an IPv4 address"
	case dnsmessage.TypeAAAA:
		return "AAAA: an IPv6 address"
	}
	return dnsTypeName(t)
}

// dnsField writes one field as View.field does, without padding the rows
// that carry no meaning.
func (v *View) dnsField(fl socksField, st style) {
	const per = 8
	b := fl.b
	mean := wrap(v.p.m.text(fl.meaning), v.p.width-32)
	for i := 0; i == 0 || i < len(b); i += per {
		end := min(i+per, len(b))
		hx := hexBytes(b[i:end])
		if fl.hide {
			hx = strings.TrimSuffix(strings.Repeat("xx ", end-i), " ")
		}
		row := min(i/per, len(mean))
		if i/per < len(mean) {
			v.p.bw.WriteString("       " + v.p.paint(st, fmt.Sprintf("%-24s", hx)) + " " + mean[row] + "\n")
		} else {
			v.p.line(7, st, hx)
		}
	}
	for _, m := range mean[min(len(mean), (len(b)+per-1)/per):] {
		v.p.line(32, stNone, m)
	}
}
