package explain

import (
	"bufio"
	"bytes"
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
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/testenv"
)

// serve answers every connection on a loopback port with answer(request
// head) in one write, then closes it. It returns the port.
func serve(t *testing.T, answer func(req string) string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, answer)
	return ln.Addr().(*net.TCPAddr).Port
}

// serveOn answers every connection accepted on ln as serve does. It closes
// ln when the test ends.
func serveOn(t *testing.T, ln net.Listener, answer func(req string) string) {
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					var req strings.Builder
					for !strings.HasSuffix(req.String(), "\r\n\r\n") {
						line, err := br.ReadString('\n')
						req.WriteString(line)
						if err != nil {
							return
						}
					}
					a := answer(req.String())
					c.Write([]byte(a))
					// As a server does: the connection carries the next
					// request unless the answer ends with it.
					if strings.Contains(a, "Connection: close") ||
						!strings.Contains(a, "Content-Length:") && !strings.Contains(a, "Transfer-Encoding: chunked") {
						return
					}
				}
			}()
		}
	}()
}

// chunkedAnswer is a chunked body of twelve chunks with a trailer.
func chunkedAnswer() string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 14:00:00 GMT\r\nServer: test\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\nTrailer: X-Lines\r\n\r\n")
	for i := 1; i <= 12; i++ {
		line := fmt.Sprintf("line %d\n", i)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(line), line)
	}
	b.WriteString("0\r\nX-Lines: 12\r\n\r\n")
	return b.String()
}

func routes(req string) string {
	switch {
	case strings.HasPrefix(req, "GET /old "):
		return "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"
	case strings.HasPrefix(req, "GET /chunked "):
		return chunkedAnswer()
	case strings.HasPrefix(req, "GET /hostile "):
		return "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc"
	}
	return "HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 14:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"
}

// startMicrosocks runs Debian's microsocks on a free loopback port.
func startMicrosocks(t *testing.T) string {
	t.Helper()
	bin := testenv.RequireTool(t, "microsocks")
	for try := 0; try < 5; try++ {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(testenv.FreePort(t)))
		host, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(bin, "-i", host, "-p", port)
		testenv.DieWithTest(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatalf("start microsocks: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		for {
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				t.Cleanup(func() { cmd.Process.Kill(); <-exited })
				return addr
			}
			select {
			case <-exited:
			case <-time.After(10 * time.Millisecond):
				continue
			}
			break
		}
	}
	t.Fatal("microsocks did not start")
	return ""
}

// fetchWith runs a real fetch of req with obs watching (nil: nobody) and
// returns the body written.
func fetchWith(t *testing.T, req fetch.Request, obs func(fetchtrace.Event)) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req.Observe = obs
	var body bytes.Buffer
	_, err := fetch.Fetch(ctx, &req, fetch.Output{Body: &body})
	return body.Bytes(), err
}

// TestExplainRealFetch runs --explain over real fetches against a loopback
// server (and microsocks), compares with golden files (masked), and checks
// that watching a fetch changes nothing in its body.
func TestExplainRealFetch(t *testing.T) {
	port := serve(t, routes)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	tests := []struct {
		name    string
		path    string
		socks   bool
		follow  bool
		wantErr bool
	}{
		{"direct", "/", false, false, false},
		{"redirect", "/old", false, true, false},
		{"hostile", "/hostile", false, false, true},
		{"microsocks-chunked", "/chunked", true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := fetch.Request{URL: base + tt.path, UserAgent: "sockfetch/test", Follow: tt.follow, MaxRedirects: 10}
			if tt.socks {
				req.Dialer = &fetch.Dialer{Proxy: &fetch.ProxySettings{Flag: "socks5h://" + startMicrosocks(t)}}
			}
			var out, trace bytes.Buffer
			v := New(&out, Options{Mask: true})
			tr := NewTrace(&trace, true, false)
			watched, err := fetchWith(t, req, func(e fetchtrace.Event) { v.Observe(e); tr.Observe(e) })
			v.Finish()
			tr.Close()
			if (err != nil) != tt.wantErr {
				t.Fatalf("fetch error %v, want error %v", err, tt.wantErr)
			}
			plain, _ := fetchWith(t, req, nil)
			if !bytes.Equal(watched, plain) {
				t.Errorf("the body differs when watched:\n%q\n%q", watched, plain)
			}
			golden(t, "fetch-"+tt.name+".golden", out.Bytes())
			if testing.Verbose() {
				var full bytes.Buffer
				v := New(&full, Options{})
				fetchWith(t, req, v.Observe)
				v.Finish()
				t.Logf("--explain, unmasked:\n%s", full.String())
			}
		})
	}
}

// TestTraceRealFetchLikeCurl fetches the same URL with curl and with
// sockfetch sending the same request bytes (directly and through
// microsocks), and compares the traces record for record and row for row.
// sockfetch's extra SOCKS records are left out of the comparison; its Info
// lines must be among curl's, in order, except its note of where the proxy
// setting came from.
func TestTraceRealFetchLikeCurl(t *testing.T) {
	curl := testenv.RequireTool(t, "curl")
	ver, err := exec.Command(curl, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	ua := "curl/" + strings.Fields(string(ver))[1]
	port := serve(t, routes)
	proxy := startMicrosocks(t)
	for _, path := range []string{"/", "/chunked"} {
		for _, px := range []string{"", "socks5://", "socks5h://"} {
			for _, flag := range []string{"--trace-ascii", "--trace"} {
				t.Run(path+px+flag, func(t *testing.T) {
					url := "http://127.0.0.1:" + strconv.Itoa(port) + path
					// The same request bytes: curl's defaults.
					args := []string{"-s", flag, "-", "-o", "/dev/null", url}
					req := fetch.Request{URL: url, UserAgent: ua}
					if px != "" {
						args = append(args, "-x", px+proxy)
						req.Dialer = &fetch.Dialer{Proxy: &fetch.ProxySettings{Flag: px + proxy}}
					}
					want, err := exec.Command(curl, args...).Output()
					if err != nil {
						t.Fatal(err)
					}
					var got bytes.Buffer
					tr := NewTrace(&got, flag == "--trace-ascii", false)
					if _, err := fetchWith(t, req, tr.Observe); err != nil {
						t.Fatal(err)
					}
					tr.Close()
					gr, gi := split(got.Bytes())
					wr, wi := split(want)
					if strings.Join(dropSOCKS(gr), "") != strings.Join(wr, "") {
						t.Errorf("records differ\ncurl:\n%s\nsockfetch:\n%s", want, got.String())
					}
					j := 0
					for _, g := range gi {
						if strings.HasPrefix(g, "== Info: proxy ") {
							continue
						}
						for j < len(wi) && wi[j] != g {
							j++
						}
						if j == len(wi) {
							t.Errorf("Info line curl does not write: %q\ncurl:\n%s\nsockfetch:\n%s", g, want, got.String())
							break
						}
					}
				})
			}
		}
	}
}

// dropSOCKS removes the SOCKS records (header and rows) curl does not have.
func dropSOCKS(lines []string) []string {
	var out []string
	skip := false
	for _, ln := range lines {
		if strings.HasPrefix(ln, "=> ") || strings.HasPrefix(ln, "<= ") {
			skip = strings.Contains(ln, " SOCKS, ")
		}
		if !skip {
			out = append(out, ln)
		}
	}
	return out
}

// TestExplainRealTLS fetches over real TLS from a loopback server whose
// certificate a test authority signed, and checks what the TLS section and
// the trace say. The byte counts of a handshake vary, so there is no golden
// file.
func TestExplainRealTLS(t *testing.T) {
	caFile, cfg := testTLS(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, func(string) string { return routes("GET / ") })
	url := "https://" + ln.Addr().String() + "/"
	var out, trace bytes.Buffer
	v := New(&out, Options{Mask: true})
	tr := NewTrace(&trace, true, false)
	body, err := fetchWith(t, fetch.Request{URL: url, CACert: caFile}, func(e fetchtrace.Event) { v.Observe(e); tr.Observe(e) })
	if err != nil {
		t.Fatal(err)
	}
	v.Finish()
	tr.Close()
	if string(body) != "hello\n" {
		t.Errorf("body %q", body)
	}
	for _, want := range []string{
		"version       TLS 1.3",
		"ALPN          http/1.1",
		"certificate   subject CN=sockfetch test server",
		"issuer CN=sockfetch test CA",
		"verified      yes",
		"TLS",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}
	for _, want := range []string{
		"== Info: SSL connection using TLSv1.3 / ",
		"== Info: ALPN: server accepted http/1.1",
		"== Info:  SSL certificate verify ok.",
		"<= Recv data, 6 bytes (0x6)\n0000: hello.\n",
	} {
		if !strings.Contains(trace.String(), want) {
			t.Errorf("missing %q in the trace\n%s", want, trace.String())
		}
	}
}

// testTLS makes a test authority and a server certificate for 127.0.0.1
// signed by it; it returns the authority's PEM file and the server's
// configuration.
func testTLS(t *testing.T) (string, *tls.Config) {
	t.Helper()
	return testTLSNames(t)
}

// testTLSNames is testTLS with a certificate that also names the host
// names given.
func testTLSNames(t *testing.T, names ...string) (string, *tls.Config) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sockfetch test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "sockfetch test server"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     names,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	caCert, _ := x509.ParseCertificate(caDER)
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		NextProtos:   []string{"http/1.1"},
	}
	return file, cfg
}
