package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// demoHost is the name the demo's resolver answers: .test is reserved
// (RFC 2606), so no real resolver knows it.
const demoHost = "demo.sockfetch.test"

// demoTLS makes a certificate for demoHost, signed by itself, at start-up,
// and writes it to a temporary file for --cacert. remove deletes the file.
func demoTLS() (cfg *tls.Config, caFile string, remove func(), err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: demoHost, Organization: []string{"sockfetch demo, made at start-up"}},
		DNSNames:              []string{demoHost},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, "", nil, err
	}
	f, err := os.CreateTemp("", "sockfetch-demo-*.pem")
	if err != nil {
		return nil, "", nil, err
	}
	_, werr := f.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	remove = func() { os.Remove(f.Name()) }
	if werr != nil {
		remove()
		return nil, "", nil, werr
	}
	cfg = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, NextProtos: []string{"http/1.1"}}
	return cfg, f.Name(), remove, nil
}

// demoResolver starts a DNS server on a loopback UDP port that answers
// demoHost with 127.0.0.1, and returns a resolver that asks it alone.
func demoResolver() (*net.Resolver, func(), error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	go serveDemoDNS(pc)
	addr := pc.LocalAddr().String()
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
	return r, func() { pc.Close() }, nil
}

// serveDemoDNS answers each question on pc: demoHost's A is 127.0.0.1,
// its AAAA none; every other name does not exist.
func serveDemoDNS(pc net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if out, ok := demoDNSAnswer(buf[:n]); ok {
			pc.WriteTo(out, from)
		}
	}
}

// demoDNSAnswer builds the answer to the query q.
func demoDNSAnswer(q []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(q)
	if err != nil {
		return nil, false
	}
	qs, err := p.AllQuestions()
	if err != nil || len(qs) != 1 {
		return nil, false
	}
	question := qs[0]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired}
	ours := strings.EqualFold(question.Name.String(), demoHost+".")
	if !ours {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), rh)
	b.EnableCompression()
	if b.StartQuestions() != nil || b.Question(question) != nil || b.StartAnswers() != nil {
		return nil, false
	}
	if ours && question.Type == dnsmessage.TypeA {
		rr := dnsmessage.ResourceHeader{Name: question.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60}
		if b.AResource(rr, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}}) != nil {
			return nil, false
		}
	}
	out, err := b.Finish()
	return out, err == nil
}

// demoBelow sets up what the demo shows under HTTP: a resolver on
// loopback for demoHost, and TLS with a certificate made now. It returns
// the listener to serve on, the URL to fetch, the CA file and a cleanup.
func (a *app) demoBelow(ln net.Listener) (net.Listener, string, string, func(), error) {
	cfg, caFile, removeCA, err := demoTLS()
	if err != nil {
		return nil, "", "", nil, fmt.Errorf("demo: cannot make a certificate: %w", err)
	}
	r, stopDNS, err := demoResolver()
	if err != nil {
		removeCA()
		return nil, "", "", nil, fmt.Errorf("demo: cannot start a resolver on 127.0.0.1: %w", err)
	}
	prev := a.resolver
	a.resolver = r
	cleanup := func() { a.resolver = prev; stopDNS(); removeCA() }
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return tls.NewListener(ln, cfg), "https://" + demoHost + ":" + port + "/hello.html", caFile, cleanup, nil
}
