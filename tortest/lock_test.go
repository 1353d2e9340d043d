//go:build linux

package tortest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/tornet"
)

// The kernel lock (fetch/netlock, issue 9) through real Tor: once the Tor
// address is known and before the first connection, sockfetch allows
// itself TCP connects to the Tor port only.

// torPort returns the port of the client's SocksPort.
func torPort(t *testing.T, n *tornet.Net) int {
	_, p, _ := net.SplitHostPort(n.SocksAddr)
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("SocksAddr %q: %v", n.SocksAddr, err)
	}
	return port
}

// traced runs sockfetch under strace (testenv.LockStraceArgs) and checks
// that the lock came before the first connect and every connect went to
// the Tor port.
func traced(t *testing.T, n *tornet.Net, args ...string) result {
	t.Helper()
	strace := testenv.RequireTool(t, "strace")
	out := filepath.Join(t.TempDir(), "strace.out")
	r := runCmd(t, nil, strace, append(append(testenv.LockStraceArgs(out), testenv.Sockfetch(t)), args...)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	testenv.ParseLockTrace(string(b)).OnlyTo(t, torPort(t, n), string(b))
	return r
}

// newRedirect serves a 302 to location on another loopback port and
// returns its URL.
func newRedirect(t *testing.T, location string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.RedirectHandler(location, http.StatusFound)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// TestFetchLockBeforeConnect fetches through Tor under strace, following a
// redirect to another loopback port: the kernel lock comes before the first
// connect, every connect goes to the Tor port, and -v names the lock.
func TestFetchLockBeforeConnect(t *testing.T) {
	n := tornet.Shared(t)
	abi := testenv.RequireLandlock(t)
	final := newServer(t, "locked to Tor\n")
	first := newRedirect(t, final.URL)
	r := traced(t, n, "-v", "-L", "--require-lock", "--tor", "--tor-addr", n.SocksAddr, first)
	if r.code != 0 || r.stdout != "locked to Tor\n" {
		t.Fatalf("want exit 0 and the page, got %s", r)
	}
	want := fmt.Sprintf("* kernel lock: only TCP port %d may be connected; UDP denied; Landlock ABI %d\n", torPort(t, n), abi)
	if !strings.Contains(r.stderr, want) {
		t.Errorf("-v lacks %q:\n%s", want, r.stderr)
	}
}

// TestFetchLockUnix: with Tor's SocksPort on a unix socket no TCP connect
// is allowed at all, and the fetch works.
func TestFetchLockUnix(t *testing.T) {
	n := tornet.Shared(t)
	testenv.RequireLandlock(t)
	srv := newServer(t, "unix\n")
	r := run(t, nil, "-v", "--require-lock", "--tor-addr", "unix:"+n.SocksUnix, srv.URL)
	if r.code != 0 || r.stdout != "unix\n" {
		t.Fatalf("want exit 0 and the page, got %s", r)
	}
	if want := "* kernel lock: no TCP connect allowed; UDP denied"; !strings.Contains(r.stderr, want) {
		t.Errorf("-v lacks %q:\n%s", want, r.stderr)
	}
}

// TestIPLockBeforeConnect runs `sockfetch ip` under strace: the kernel lock
// comes before the first TCP connect, and every connect goes to the Tor
// port.
func TestIPLockBeforeConnect(t *testing.T) {
	n := tornet.Shared(t)
	n.RequireNetns(t)
	testenv.RequireLandlock(t)
	r := traced(t, n, "ip", "--require-lock", "--tor-addr", n.SocksAddr, "--check-url", n.CheckURL)
	if r.code != 0 {
		t.Fatalf("want exit 0, got %s", r)
	}
}

// TestLockExplained: the teaching view shows the lock as a layer of its own.
func TestLockExplained(t *testing.T) {
	n := tornet.Shared(t)
	testenv.RequireLandlock(t)
	srv := newServer(t, "explained\n")
	r := run(t, nil, "--explain", "--no-color", "--tor", "--tor-addr", n.SocksAddr, srv.URL)
	if r.code != 0 || r.stdout != "explained\n" {
		t.Fatalf("want exit 0 and the page, got %s", r)
	}
	for _, s := range []string{"kernel lock", fmt.Sprintf("only TCP port %d may be connected", torPort(t, n))} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("--explain lacks %q:\n%s", s, r.stderr)
		}
	}
}

// TestLockUnavailable simulates a kernel without Landlock: sockfetch goes
// on through Tor and -v says why there is no lock; with --require-lock it
// exits 2 before connecting anywhere.
func TestLockUnavailable(t *testing.T) {
	n := tornet.Shared(t)
	// Built with -tags netlocktest, sockfetch reads SOCKFETCH_NETLOCK_ABI in
	// place of the kernel's Landlock ABI version (see fetch/netlock).
	bin := testenv.Sockfetch(t, "netlocktest")
	srv := newServer(t, "no lock\n")
	env := []string{"SOCKFETCH_NETLOCK_ABI=0"}

	r := runCmd(t, env, bin, "-v", "--tor", "--tor-addr", n.SocksAddr, srv.URL)
	if r.code != 0 || r.stdout != "no lock\n" {
		t.Fatalf("want exit 0 and the page, got %s", r)
	}
	if want := "* kernel lock unavailable: Landlock ABI < 4 (kernel has none); UDP denied\n"; !strings.Contains(r.stderr, want) {
		t.Errorf("-v lacks %q:\n%s", want, r.stderr)
	}

	before := srv.accepts.Load()
	r = runCmd(t, env, bin, "--require-lock", "--tor", "--tor-addr", n.SocksAddr, srv.URL)
	want := "sockfetch: kernel lock unavailable: Landlock ABI < 4 (kernel has none) (--require-lock)\nhint: "
	if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("want exit 2 and %q, got %s", want, r)
	}
	if srv.accepts.Load() != before {
		t.Errorf("the page was fetched although the required lock was missing")
	}

	r = runCmd(t, []string{"SOCKFETCH_NETLOCK_ABI=3"}, bin, "ip", "--require-lock", "--tor-addr", n.SocksAddr, "--check-url", srv.URL)
	want = "sockfetch: kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 3) (--require-lock)\n"
	if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("ip: want exit 2 and %q, got %s", want, r)
	}
}
