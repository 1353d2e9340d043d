package explain

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"net"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// TestExplainBelowHTTPS fetches https://localhost over real TLS and
// compares --explain (masked) with a golden file: the TCP connect, the
// TLS records with the hellos' fields, the HTTP bytes, the framing, the
// TCP summary and the waterfall, in that order. The body is the same
// watched or not.
func TestExplainBelowHTTPS(t *testing.T) {
	const name = "site.sockfetch.test"
	_, resolver := testenv.StartDNS(t, map[string]string{name: "127.0.0.1"})
	caFile, cfg := testTLSNames(t, name)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, func(string) string { return routes("GET / ") })
	port := ln.Addr().(*net.TCPAddr).Port
	req := fetch.Request{URL: "https://" + name + ":" + strconv.Itoa(port) + "/", CACert: caFile, UserAgent: "sockfetch/test",
		Dialer: &fetch.Dialer{Resolver: resolver}}
	var out bytes.Buffer
	var records []fetchtrace.TLSRecord
	var dns []fetchtrace.DNSMsg
	v := New(&out, Options{Mask: true})
	obs := dnsInOrder(func(e fetchtrace.Event) {
		switch e.Kind {
		case fetchtrace.EvTLSRecord:
			records = append(records, *e.Record)
		case fetchtrace.EvDNS:
			dns = append(dns, *e.DNS)
		}
		v.Observe(e)
	})
	body, err := fetchWith(t, req, obs)
	if err != nil {
		t.Fatal(err)
	}
	v.Finish()
	plain, _ := fetchWith(t, req, nil)
	if string(body) != "hello\n" || !bytes.Equal(body, plain) {
		t.Errorf("body %q watched, %q not", body, plain)
	}
	if len(records) < 4 || records[0].Hello == nil || records[0].Hello.SNI != name || !records[0].Send {
		t.Fatalf("records %+v", records)
	}
	if len(dns) < 4 || !dns[0].Send || dns[0].Network != "udp" {
		t.Fatalf("DNS messages %+v", dns)
	}
	golden(t, "fetch-https-below.golden", out.Bytes())
	assertOrder(t, out.String(), "name resolution", "→ datagram to", "type A: an IPv4 address", "← datagram from",
		"answer: "+name+". A IP, TTL 60 s", "type AAAA", "resolved "+name,
		"TCP connection", "→ record handshake: ClientHello", "SNI        "+name,
		"← record handshake: ServerHello", "From here on (TLS 1.3", "HTTP request", "HTTP response",
		"end of body", "TCP: what the kernel saw", "recv(4096)", "waterfall")
}

// TestExplainDNSHostsFile resolves a name that /etc/hosts holds: the view
// says no datagram was sent (the test resolver is dnsmasq, which would
// answer NXDOMAIN, so the answer can only have come from the file).
func TestExplainDNSHostsFile(t *testing.T) {
	name := hostsName(t)
	_, resolver := testenv.StartDNS(t, nil)
	port := serve(t, routes)
	req := fetch.Request{URL: "http://" + name + ":" + strconv.Itoa(port) + "/", Dialer: &fetch.Dialer{Resolver: resolver, Network: "tcp4"}}
	var out bytes.Buffer
	v := New(&out, Options{Mask: true})
	var dns []fetchtrace.DNSMsg
	body, err := fetchWith(t, req, func(e fetchtrace.Event) {
		if e.Kind == fetchtrace.EvDNS {
			dns = append(dns, *e.DNS)
		}
		v.Observe(e)
	})
	v.Finish()
	if err != nil || string(body) != "hello\n" {
		t.Fatalf("body %q, error %v", body, err)
	}
	if len(dns) != 1 || dns[0].Bytes != nil || dns[0].Source != "/etc/hosts" {
		t.Fatalf("DNS events %+v", dns)
	}
	assertOrder(t, out.String(), "name resolution", "no datagram sent: the hosts file (/etc/hosts) names "+name, "resolved "+name, "TCP connection")
}

// hostsName returns a name other than localhost that /etc/hosts gives an
// IPv4 loopback address, or skips the test.
func hostsName(t *testing.T) string {
	b, err := os.ReadFile("/etc/hosts")
	if err != nil {
		t.Skip("no /etc/hosts")
	}
	for _, ln := range strings.Split(string(b), "\n") {
		f := strings.Fields(ln)
		if len(f) < 2 || !strings.HasPrefix(f[0], "127.") {
			continue
		}
		for _, n := range f[1:] {
			if strings.HasPrefix(n, "#") {
				break
			}
			if n != "localhost" && !strings.HasSuffix(n, ".localhost") && !strings.HasPrefix(n, "localhost.") {
				return n
			}
		}
	}
	t.Skip("/etc/hosts names no loopback host but localhost")
	return ""
}

// dnsInOrder passes events on to obs, but holds the DNS messages of a
// lookup until it is over and hands its exchanges on with A before AAAA:
// Go asks both at once and which goes first is a race.
func dnsInOrder(obs func(fetchtrace.Event)) func(fetchtrace.Event) {
	var held [][]fetchtrace.Event
	return func(e fetchtrace.Event) {
		if e.Kind == fetchtrace.EvDNS && e.DNS.Bytes != nil {
			if e.DNS.Send || len(held) == 0 {
				held = append(held, nil)
			}
			held[len(held)-1] = append(held[len(held)-1], e)
			return
		}
		sort.SliceStable(held, func(i, j int) bool { return qtype(held[i][0].DNS.Bytes) < qtype(held[j][0].DNS.Bytes) })
		for _, ex := range held {
			for _, d := range ex {
				obs(d)
			}
		}
		held = nil
		obs(e)
	}
}

// qtype returns the type of a DNS message's first question.
func qtype(b []byte) int {
	var p dnsmessage.Parser
	if _, err := p.Start(b); err != nil {
		return 0
	}
	q, err := p.Question()
	if err != nil {
		return 0
	}
	return int(q.Type)
}

// assertOrder checks that each of want is in s, after the one before it.
func assertOrder(t *testing.T, s string, want ...string) {
	t.Helper()
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	text := s
	s = flat(s) // the view wraps lines at its width
	at := 0
	for _, w := range want {
		w = flat(w)
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order in\n%s", w, text)
		}
		at += i + len(w)
	}
}

// TestExplainDNSRemote: under Tor the name goes to Tor, and the view says
// that no datagram left and who resolves it (Tor is not running here: the
// fetch fails at the connect, after the name resolution section).
func TestExplainDNSRemote(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	req := fetch.Request{URL: "http://site.sockfetch.test/", Dialer: &fetch.Dialer{Tor: &fetch.Tor{Addr: addr}, Resolver: refuseResolver{t}}}
	var out bytes.Buffer
	v := New(&out, Options{Mask: true})
	var dns []fetchtrace.DNSMsg
	fetchWith(t, req, func(e fetchtrace.Event) {
		if e.Kind == fetchtrace.EvDNS {
			dns = append(dns, *e.DNS)
		}
		v.Observe(e)
	})
	v.Finish()
	if len(dns) != 1 || dns[0].Bytes != nil || dns[0].Source != "Tor (an exit relay)" {
		t.Fatalf("DNS events %+v", dns)
	}
	assertOrder(t, out.String(), "name resolution", "name sent to the proxy, not resolved here",
		"resolved by Tor (an exit relay): no DNS datagram left this machine")
}

// refuseResolver fails the test when a name is resolved here.
type refuseResolver struct{ t *testing.T }

func (r refuseResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.t.Errorf("%s resolved here", host)
	return nil, &net.DNSError{Err: "refused by the test", Name: host}
}

// TestExplainCertNameMismatch: a certificate made out to other names,
// one of them hostile, fails the handshake; the view lists the names the
// certificate gives, escaped, and the name asked for.
func TestExplainCertNameMismatch(t *testing.T) {
	ca := testserver.NewCA(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, "other.example", "evil\x1b]0;pwned\x07.example")}})
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, func(string) string { return routes("GET / ") })
	port := ln.Addr().(*net.TCPAddr).Port
	req := fetch.Request{URL: "https://localhost:" + strconv.Itoa(port) + "/", CACert: ca.WritePEM(t), Dialer: &fetch.Dialer{Network: "tcp4"}}
	var out bytes.Buffer
	v := New(&out, Options{Mask: true})
	if _, err := fetchWith(t, req, v.Observe); err == nil {
		t.Fatal("fetch worked")
	}
	v.Finish()
	s := out.String()
	if strings.ContainsAny(s, "\x1b\x07") {
		t.Errorf("a raw control byte in\n%q", s)
	}
	assertOrder(t, s, "→ record handshake: ClientHello", "SNI        localhost", "← record handshake: ServerHello",
		"✗ tls: failed to verify certificate", `the certificate names other.example, evil\x1b]0;pwned\x07.example; we asked for localhost`)
}

// TestExplainCompressed: a gzip body shows its size received and decoded;
// the body written is the decoded one, watched or not.
func TestExplainCompressed(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	plainBody := strings.Repeat("all work and no play makes jack a dull boy\n", 100)
	zw.Write([]byte(plainBody))
	zw.Close()
	port := serve(t, func(string) string {
		return "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + strconv.Itoa(gz.Len()) + "\r\n\r\n" + gz.String()
	})
	req := fetch.Request{URL: "http://127.0.0.1:" + strconv.Itoa(port) + "/", Compressed: true}
	var out bytes.Buffer
	v := New(&out, Options{Mask: true})
	body, err := fetchWith(t, req, v.Observe)
	if err != nil {
		t.Fatal(err)
	}
	v.Finish()
	plain, _ := fetchWith(t, req, nil)
	if string(body) != plainBody || string(plain) != plainBody {
		t.Fatalf("bodies of %d and %d bytes, want %d", len(body), len(plain), len(plainBody))
	}
	want := "decoded (gzip, --compressed): the " + strconv.Itoa(gz.Len()) + " bytes received became " + strconv.Itoa(len(plainBody)) + " bytes written"
	if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), want) {
		t.Errorf("missing %q in\n%s", want, out.String())
	}
}

// TestExplainWaterfallIPLiteral: with an IP address in the URL nothing is
// looked up, and the waterfall's first bar says so instead of "DNS".
func TestExplainWaterfallIPLiteral(t *testing.T) {
	port := serve(t, routes)
	var out bytes.Buffer
	v := New(&out, Options{})
	if _, err := fetchWith(t, fetch.Request{URL: "http://127.0.0.1:" + strconv.Itoa(port) + "/"}, v.Observe); err != nil {
		t.Fatal(err)
	}
	v.Finish()
	s := out.String()
	wf := s[strings.Index(s, "waterfall"):]
	if strings.Contains(wf, "   DNS ") || !strings.Contains(wf, "   start ") || !strings.Contains(wf, "no DNS was asked") {
		t.Errorf("waterfall:\n%s", wf)
	}
}

// TestTraceTLSRecordsLikeCurl fetches the same https URL with curl and with
// sockfetch, both with --trace, and checks that the record of the first
// TLS record header each way, and curl's Info line naming the hello in it,
// are written alike (the bytes inside differ: the clients differ).
func TestTraceTLSRecordsLikeCurl(t *testing.T) {
	curl := testenv.RequireTool(t, "curl")
	caFile, cfg := testTLSNames(t, "localhost")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, func(string) string { return routes("GET / ") })
	url := "https://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/"
	want, err := exec.Command(curl, "-s", "--trace", "-", "-o", "/dev/null", "--cacert", caFile, "--ipv4", url).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	tr := NewTrace(&got, false, false)
	if _, err := fetchWith(t, fetch.Request{URL: url, CACert: caFile, Dialer: &fetch.Dialer{Network: "tcp4"}}, tr.Observe); err != nil {
		t.Fatal(err)
	}
	tr.Close()
	for _, rec := range []*regexp.Regexp{
		regexp.MustCompile(`=> Send SSL data, 5 bytes \(0x5\)\n0000: 16 03 01 .. ..  +.{5}\n== Info: TLSv1.3 \(OUT\), TLS handshake, Client hello \(1\):\n`),
		regexp.MustCompile(`<= Recv SSL data, 5 bytes \(0x5\)\n0000: 16 03 03 .. ..  +.{5}\n== Info: TLSv1.3 \(IN\), TLS handshake, Server hello \(2\):\n`),
	} {
		if !rec.Match(want) {
			t.Fatalf("curl does not write %s:\n%s", rec, want)
		}
		if !rec.Match(got.Bytes()) {
			t.Errorf("sockfetch does not write %s:\n%s", rec, got.String())
		}
	}
	if !strings.Contains(got.String(), "== Info: TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):\n") {
		t.Errorf("no change_cipher_spec record in\n%s", got.String())
	}
}

// TestTraceDNS: --trace records the DNS datagrams sockfetch sent and
// received, as records of their own.
func TestTraceDNS(t *testing.T) {
	const name = "site.sockfetch.test"
	server, resolver := testenv.StartDNS(t, map[string]string{name: "127.0.0.1"})
	port := serve(t, routes)
	var got bytes.Buffer
	tr := NewTrace(&got, true, false)
	if _, err := fetchWith(t, fetch.Request{URL: "http://" + name + ":" + strconv.Itoa(port) + "/", Dialer: &fetch.Dialer{Resolver: resolver}}, tr.Observe); err != nil {
		t.Fatal(err)
	}
	tr.Close()
	s := got.String()
	for _, want := range []string{"== Info: DNS: UDP to " + server + "\n=> Send DNS, 48 bytes (0x30)\n0000: ", "<= Recv DNS, 64 bytes (0x40)\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
}

// TestExplainDNSThroughSOCKS5: with socks5:// the name is resolved here
// (through the test's dnsmasq), so its datagrams come before the SOCKS5
// handshake, which sends the address.
func TestExplainDNSThroughSOCKS5(t *testing.T) {
	const name = "site.sockfetch.test"
	_, resolver := testenv.StartDNS(t, map[string]string{name: "127.0.0.1"})
	port := serve(t, routes)
	proxy := startMicrosocks(t)
	req := fetch.Request{URL: "http://" + name + ":" + strconv.Itoa(port) + "/", UserAgent: "sockfetch/test",
		Dialer: &fetch.Dialer{Resolver: resolver, Proxy: &fetch.ProxySettings{Flag: "socks5://" + proxy}}}
	var out bytes.Buffer
	v := New(&out, Options{Mask: true})
	body, err := fetchWith(t, req, dnsInOrder(v.Observe))
	if err != nil {
		t.Fatal(err)
	}
	v.Finish()
	if string(body) != "hello\n" {
		t.Errorf("body %q", body)
	}
	golden(t, "fetch-socks5-dns.golden", out.Bytes())
	assertOrder(t, out.String(), "name resolution", "→ datagram to", "type A: an IPv4 address", "answer: "+name+". A IP",
		"resolved "+name, "SOCKS5 handshake", "HTTP request", "TCP: what the kernel saw", "waterfall")
}

// TestExplainTLS12Records: under TLS 1.2 the ServerHello says the version
// and the ALPN choice itself, the certificate crosses in the clear, and
// each side's records are encrypted after its change_cipher_spec.
func TestExplainTLS12Records(t *testing.T) {
	caFile, cfg := testTLSNames(t, "localhost")
	cfg.MaxVersion = tls.VersionTLS12
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, func(string) string { return routes("GET / ") })
	req := fetch.Request{URL: "https://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/", CACert: caFile, Dialer: &fetch.Dialer{Network: "tcp4"}}
	var out bytes.Buffer
	v := New(&out, Options{Mask: true})
	if body, err := fetchWith(t, req, v.Observe); err != nil || string(body) != "hello\n" {
		t.Fatalf("body %q, error %v", body, err)
	}
	v.Finish()
	s := out.String()
	assertOrder(t, s, "→ record handshake: ClientHello", "← record handshake: ServerHello",
		"version TLS 1.2 chosen (from the hello's version field)", "ALPN http/1.1 chosen",
		"← record handshake in the clear (before TLS 1.3, the certificate and the key exchange too",
		"→ record change_cipher_spec", "From here on, every payload is encrypted.", "→ record handshake, encrypted",
		"← record change_cipher_spec", "← record handshake, encrypted", "version       TLS 1.2")
}

// TestExplainHelloRetry: a server that takes only P-256 asks for another
// key share (HelloRetryRequest); the second ClientHello is shown in the
// clear, and encryption starts after the real ServerHello.
func TestExplainHelloRetry(t *testing.T) {
	caFile, cfg := testTLSNames(t, "localhost")
	cfg.CurvePreferences = []tls.CurveID{tls.CurveP256}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, func(string) string { return routes("GET / ") })
	req := fetch.Request{URL: "https://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/", CACert: caFile, Dialer: &fetch.Dialer{Network: "tcp4"}}
	var out bytes.Buffer
	v := New(&out, Options{Mask: true})
	if body, err := fetchWith(t, req, v.Observe); err != nil || string(body) != "hello\n" {
		t.Fatalf("body %q, error %v", body, err)
	}
	v.Finish()
	assertOrder(t, out.String(), "→ record handshake: ClientHello", "← record handshake: HelloRetryRequest",
		"→ record handshake: ClientHello", "← record handshake: ServerHello", "TLS 1.3 chosen", "From here on (TLS 1.3")
}
