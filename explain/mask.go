package explain

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Masked stand-ins, so that golden files stay the same from run to run.
const (
	maskedIP   = "IP"
	maskedPort = "PORT"
	maskedTime = "n.n ms"
	maskedDate = "DATE"
)

// masker hides what changes from one run to the next (times, addresses,
// ports) when Options.Mask is set. It learns the addresses and ports from the
// events and then hides them wherever they appear in text too (a Host field,
// a URL, an Info line).
type masker struct {
	on    bool
	ips   []string
	ports []string
}

func (m *masker) learnIP(ip net.IP) {
	if !m.on || ip == nil {
		return
	}
	m.addIP(ip.String())
}

func (m *masker) addIP(s string) {
	for _, x := range m.ips {
		if x == s {
			return
		}
	}
	m.ips = append(m.ips, s)
}

func (m *masker) learnPort(port int) {
	if !m.on || port <= 0 {
		return
	}
	s := strconv.Itoa(port)
	for _, x := range m.ports {
		if x == s {
			return
		}
	}
	m.ports = append(m.ports, s)
}

// learnAddr learns the IP and port of a TCP address (or any "host:port").
func (m *masker) learnAddr(a net.Addr) {
	if !m.on || a == nil {
		return
	}
	if t, ok := a.(*net.TCPAddr); ok {
		m.learnIP(t.IP)
		m.learnPort(t.Port)
		return
	}
	m.learnHostPort(a.String())
}

func (m *masker) learnHostPort(hp string) {
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return
	}
	if ip := net.ParseIP(host); ip != nil {
		m.learnIP(ip)
	}
	if n, err := strconv.Atoi(port); err == nil {
		m.learnPort(n)
	}
}

// learnURL learns an IP literal host and an explicit port of a URL.
func (m *masker) learnURL(raw string) {
	if !m.on {
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil {
		m.learnIP(ip)
	}
	if n, err := strconv.Atoi(u.Port()); err == nil {
		m.learnPort(n)
	}
}

// dur formats d for a reader: "0.4 ms", "312.5 ms", "2.41 s".
func (m *masker) dur(d time.Duration) string {
	if m.on {
		return maskedTime
	}
	return fmtDur(d)
}

func fmtDur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	if ms < 10000 {
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

// ip formats an address.
func (m *masker) ip(ip net.IP) string {
	if m.on {
		return maskedIP
	}
	return ip.String()
}

// port formats a port number.
func (m *masker) port(n int) string {
	if m.on {
		return maskedPort
	}
	return strconv.Itoa(n)
}

// addr formats a socket address as IP:port ([IP]:port for IPv6).
func (m *masker) addr(a net.Addr) string {
	if a == nil {
		return "?"
	}
	t, ok := a.(*net.TCPAddr)
	if !ok {
		return m.text(clean(a.String()))
	}
	if m.on {
		return maskedIP + ":" + maskedPort
	}
	return t.String()
}

// date formats a certificate date.
func (m *masker) date(t time.Time) string {
	if m.on {
		return maskedDate
	}
	return t.UTC().Format("2006-01-02 15:04 MST")
}

// text hides every learned address and port in s: an IP where it stands
// alone, a port where it follows a colon.
func (m *masker) text(s string) string {
	if !m.on {
		return s
	}
	for _, ip := range m.ips {
		s = replaceToken(s, ip, maskedIP, ipBoundary)
	}
	for _, p := range m.ports {
		s = replaceToken(s, ":"+p, ":"+maskedPort, portBoundary)
	}
	// What was not learned (a proxy's address in an Info line that came
	// before the connection): any IPv4 literal, and any port of four or
	// five digits after a colon.
	s = anyIPv4.ReplaceAllString(s, "${1}"+maskedIP)
	return anyPort.ReplaceAllString(s, ":"+maskedPort+"${1}")
}

var (
	anyIPv4 = regexp.MustCompile(`(^|[^0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b`)
	anyPort = regexp.MustCompile(`:[0-9]{4,5}([^0-9]|$)`)
)

// replaceToken replaces each tok in s that ok accepts, given the bytes
// before and after it.
func replaceToken(s, tok, with string, ok func(before, after string) bool) string {
	var b strings.Builder
	for {
		i := strings.Index(s, tok)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		if ok(b.String()+s[:i], s[i+len(tok):]) {
			b.WriteString(s[:i])
			b.WriteString(with)
		} else {
			b.WriteString(s[:i+len(tok)])
		}
		s = s[i+len(tok):]
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// ipBoundary accepts an address not glued to more address characters.
func ipBoundary(before, after string) bool {
	if n := len(before); n > 0 {
		c := before[n-1]
		if isHex(c) || c == '.' || c == ':' {
			return false
		}
	}
	if len(after) > 0 {
		c := after[0]
		if isHex(c) {
			return false
		}
		if c == '.' && len(after) > 1 && isHex(after[1]) {
			return false
		}
	}
	return true
}

// portBoundary accepts ":port" not followed by another digit.
func portBoundary(_, after string) bool {
	return len(after) == 0 || !isDigit(after[0])
}
