package cli

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"sockfetch/internal/testserver"
)

// tlsServer starts an httptest TLS server whose certificate, signed by ca,
// names hosts.
func tlsServer(t *testing.T, ca *testserver.CA, hosts ...string) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/secret", http.StatusFound)
			return
		}
		fmt.Fprintf(w, "secret over %s, SNI %s\n", r.Proto, r.TLS.ServerName)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, hosts...)}, NextProtos: []string{"h2", "http/1.1"}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestTLS(t *testing.T) {
	ca := testserver.NewCA(t)
	caFile := ca.WritePEM(t)
	srv := tlsServer(t, ca, "localhost", "127.0.0.1")
	port := srv.Listener.Addr().(interface{ String() string }).String()
	_, port, _ = strings.Cut(port, ":")
	byName := "https://localhost:" + port + "/"

	t.Run("trusted with --cacert", func(t *testing.T) {
		sockfetch(t, "--cacert", caFile, byName).want(t, 0, "secret over HTTP/1.1, SNI localhost\n")
	})
	t.Run("redirect stays on TLS", func(t *testing.T) {
		sockfetch(t, "-L", "--cacert", caFile, byName+"redirect").want(t, 0, "secret over HTTP/1.1, SNI localhost\n")
	})
	t.Run("IP literal gets no SNI", func(t *testing.T) {
		sockfetch(t, "--cacert", caFile, srv.URL).want(t, 0, "secret over HTTP/1.1, SNI \n")
	})
	t.Run("unknown CA", func(t *testing.T) {
		r := sockfetch(t, byName)
		r.want(t, 60, "", "sockfetch: server certificate not trusted", "hint: ")
		r.errLine(t)
	})
	t.Run("-k", func(t *testing.T) {
		sockfetch(t, "-k", byName).want(t, 0, "secret over HTTP/1.1, SNI localhost\n")
	})
	t.Run("wrong host", func(t *testing.T) {
		other := tlsServer(t, ca, "other.example")
		_, p, _ := strings.Cut(other.Listener.Addr().String(), ":")
		r := sockfetch(t, "--cacert", caFile, "https://localhost:"+p+"/")
		r.want(t, 60, "", "sockfetch: server certificate is not valid for localhost")
		r.errLine(t)
		sockfetch(t, "-k", "https://localhost:"+p+"/").want(t, 0, "secret over HTTP/1.1, SNI localhost\n")
	})
	t.Run("missing --cacert file", func(t *testing.T) {
		r := sockfetch(t, "--cacert", filepath.Join(t.TempDir(), "none.pem"), byName)
		r.want(t, 26, "", "sockfetch: cannot read CA certificates from")
	})
	t.Run("--cacert without certificates", func(t *testing.T) {
		sockfetch(t, "--cacert", filepath.Join(testserver.Testdata(), "ok.http"), byName).want(t, 26, "", "no PEM certificate found")
	})
	t.Run("-v shows the TLS layer", func(t *testing.T) {
		r := sockfetch(t, "-v", "--cacert", caFile, byName)
		for _, want := range []string{"* TLS connection using TLS 1.3", "ALPN http/1.1", "subject CN=localhost", "certificate verified"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("-v lacks %q:\n%s", want, r.stderr)
			}
		}
	})
	t.Run("-w time_appconnect", func(t *testing.T) {
		r := sockfetch(t, "-s", "-o", "/dev/null", "-w", "%{time_connect} %{time_appconnect}", "--cacert", caFile, byName)
		var c, a float64
		fmt.Sscanf(r.stdout, "%f %f", &c, &a)
		if a <= c {
			t.Errorf("time_appconnect %v not after time_connect %v", a, c)
		}
	})
}

func TestTLSToPlainServer(t *testing.T) {
	// A plain HTTP server answers a ClientHello with an error in HTTP.
	srv := testserver.Start(t, map[string]testserver.Reply{"": {Immediate: true,
		Raw: []byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")}})
	r := sockfetch(t, "https://"+srv.Addr+"/")
	r.want(t, 35, "", "sockfetch: TLS handshake with 127.0.0.1 failed")
	r.errLine(t)
}

// TestTLSHostileNames: a certificate whose names carry bytes a terminal
// acts on (here OSC, which sets the window title, and BEL) fails as a name
// mismatch (exit 60), and the error line and %{errormsg} list the names
// escaped: no byte of them reaches the terminal raw.
func TestTLSHostileNames(t *testing.T) {
	ca := testserver.NewCA(t)
	caFile := ca.WritePEM(t)
	srv := tlsServer(t, ca, "evil\x1b]0;pwned\x07.example")
	_, p, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	r := sockfetch(t, "-w", "%{errormsg}", "--cacert", caFile, "https://localhost:"+p+"/")
	r.want(t, 60, `Server certificate is not valid for localhost: certificate is valid for evil\x1b]0;pwned\x07.example, not localhost`, "sockfetch: server certificate is not valid for localhost", `evil\x1b]0;pwned\x07.example`)
	r.errLine(t)
	for name, out := range map[string]string{"stderr": r.stderr, "-w %{errormsg}": r.stdout} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s holds a raw control byte: %q", name, out)
		}
	}
	if !strings.Contains(r.stdout, `evil\x1b]0;pwned\x07.example`) {
		t.Errorf("-w %%{errormsg} = %q, want the names escaped", r.stdout)
	}
}

// TestVerboseHostileHead: -v writes a response head's lines through the one
// escaping rule: a status text or a field that tries to drive the terminal
// (OSC, CSI as C1, a bidi override) shows as escapes, where curl's -v would
// write it raw; --explain shows them as hex escapes.
func TestVerboseHostileHead(t *testing.T) {
	srv := testserver.StartRaw(t, []byte("HTTP/1.1 200 OK\x1b[2J\r\nX-Evil: a\x1b]0;pwned\x07b\xc2\x9bc\u202ed\r\nContent-Length: 2\r\n\r\nok"))
	r := sockfetch(t, "-v", srv.URL)
	for _, want := range []string{`< HTTP/1.1 200 OK\x1b[2J`, `< X-Evil: a\x1b]0;pwned\x07b\xc2\x9bc\u202ed`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.ContainsAny(r.stderr, "\x1b\x07\u202e") || strings.Contains(r.stderr, "\xc2\x9b") {
		t.Errorf("-v writes a raw control byte: %q", r.stderr)
	}
	if r.stdout != "ok" {
		t.Errorf("stdout %q, want the body as it came", r.stdout)
	}
	// --explain shows the same bytes as hex escapes, the bidi override too.
	r = sockfetch(t, "--explain", "--no-color", srv.URL)
	if !strings.Contains(r.stderr, `c\xe2\x80\xaed`) {
		t.Errorf("--explain does not show the bidi override escaped:\n%s", r.stderr)
	}
	if strings.ContainsAny(r.stderr, "\x1b\x07\u202e") || strings.Contains(r.stderr, "\xc2\x9b") {
		t.Errorf("--explain writes a raw control byte: %q", r.stderr)
	}
}
