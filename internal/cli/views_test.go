package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sockfetch/internal/testserver"
)

// TestViewsLeaveStdoutAlone: the body's bytes are identical with and without
// -v, --explain and the traces.
func TestViewsLeaveStdoutAlone(t *testing.T) {
	for _, fx := range []string{"ok.http", "chunked.http", "close.http", "interim.http"} {
		srv := serve(t, fx)
		plain := sockfetch(t, srv.URL)
		if plain.code != 0 {
			t.Fatalf("%s: exit %d", fx, plain.code)
		}
		dir := t.TempDir()
		for _, args := range [][]string{
			{"-v"},
			{"--explain"},
			{"--trace", filepath.Join(dir, "t")},
			{"--trace-ascii", filepath.Join(dir, "a"), "--trace-time"},
			{"--trace-ascii", "%", "-v", "--explain"},
		} {
			r := sockfetch(t, append(args, srv.URL)...)
			if r.code != 0 || r.stdout != plain.stdout {
				t.Errorf("%s with %v: exit %d, stdout %q, want %q", fx, args, r.code, r.stdout, plain.stdout)
			}
		}
	}
}

func TestTraceFile(t *testing.T) {
	srv := okServer(t)
	f := filepath.Join(t.TempDir(), "trace")
	sockfetch(t, "--trace-ascii", f, srv.URL).want(t, 0, "hello, world\n")
	b, _ := os.ReadFile(f)
	for _, want := range []string{"=> Send header, ", "<= Recv header, ", "<= Recv data, 13 bytes"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("trace lacks %q:\n%s", want, b)
		}
	}
	// "-" is stdout, after the body's bytes are written the trace too.
	r := sockfetch(t, "--trace-ascii", "-", srv.URL)
	if !strings.Contains(r.stdout, "=> Send header") || !strings.Contains(r.stdout, "hello, world\n") {
		t.Errorf("--trace-ascii - : stdout %q", r.stdout)
	}
}

func TestTraceRecordsSOCKS(t *testing.T) {
	srv := okServer(t)
	p := testserver.StartSOCKS5(t)
	r := sockfetch(t, "--trace-ascii", "%", "-x", "socks5h://"+p.Addr, srv.URL)
	for _, want := range []string{"=> Send SOCKS", "<= Recv SOCKS"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("trace lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestExplainThroughProxy(t *testing.T) {
	srv := okServer(t)
	p := testserver.StartSOCKS5(t)
	r := sockfetch(t, "--explain", "--no-color", "-x", "socks5h://"+p.Addr, srv.URL)
	if r.code != 0 || !strings.Contains(r.stderr, "SOCKS") {
		t.Errorf("exit %d, explanation without a SOCKS section:\n%s", r.code, r.stderr)
	}
}

func TestTimeProxyConnect(t *testing.T) {
	srv := okServer(t)
	p := testserver.StartSOCKS5(t)
	r := sockfetch(t, "-s", "-o", "/dev/null", "-w", "%{time_connect} %{time_proxyconnect} %{time_pretransfer}", "-x", "socks5h://"+p.Addr, srv.URL)
	f := strings.Fields(r.stdout)
	if len(f) != 3 || !(f[0] <= f[1] && f[1] <= f[2]) || f[1] == "0.000000" {
		t.Errorf("connect, proxyconnect, pretransfer = %q: want 0 < connect <= proxyconnect <= pretransfer", r.stdout)
	}
	r = sockfetch(t, "-s", "-o", "/dev/null", "-w", "%{time_proxyconnect}", srv.URL)
	if r.stdout != "0.000000" {
		t.Errorf("time_proxyconnect without a proxy = %q, want 0.000000", r.stdout)
	}
}
