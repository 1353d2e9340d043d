//go:build linux

package tortest

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sockfetch/internal/testenv"
	"sockfetch/internal/tornet"
)

// deadAddr returns a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	return fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
}

func listening(addr string) bool {
	c, err := net.Dial("tcp", addr)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// TestTorDown checks fail-closed: when Tor cannot be reached sockfetch exits
// 7 naming every address it tried, and never connects to the target.
func TestTorDown(t *testing.T) {
	tornet.Shared(t) // the suite's network; sockfetch must not use it here
	srv := newServer(t, "must not be fetched\n")
	dead1, dead2 := deadAddr(t), deadAddr(t)
	tests := []struct {
		name  string
		env   []string
		args  []string
		addrs []string
	}{
		{"--tor-addr", nil, []string{"--tor", "--tor-addr", dead1}, []string{dead1}},
		{"SOCKFETCH_TOR_ADDR", []string{"SOCKFETCH_TOR_ADDR=" + dead2}, []string{"--tor"}, []string{dead2}},
		{"unix", nil, []string{"--tor", "--tor-addr", "unix:/nonexistent/tor.sock"}, []string{"/nonexistent/tor.sock"}},
		{"defaults", nil, []string{"--tor"}, []string{"127.0.0.1:9050", "127.0.0.1:9150"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "defaults" && (listening("127.0.0.1:9050") || listening("127.0.0.1:9150")) {
				t.Skip("something listens on 127.0.0.1:9050 or :9150 on this machine")
			}
			r := run(t, tt.env, append(tt.args, srv.URL)...)
			if r.code != 7 {
				t.Fatalf("want exit 7, got %s", r)
			}
			for _, a := range tt.addrs {
				if !strings.Contains(r.stderr, a) {
					t.Errorf("message does not name %s:\n%s", a, r.stderr)
				}
			}
			if !strings.Contains(r.stderr, "cannot reach Tor") || !strings.Contains(r.stderr, "--tor-addr") {
				t.Errorf("want \"cannot reach Tor\" and the --tor-addr hint:\n%s", r.stderr)
			}
			if n := srv.accepts.Load(); n != 0 {
				t.Errorf("the target accepted %d connections, want 0", n)
			}
		})
	}
}

// TestNameOnlyExitsResolve fetches a name that only the private network's
// exits can resolve: through Tor it works; here the name does not resolve,
// so a direct fetch fails with exit 6. The name goes to Tor, never to this
// machine's resolver.
func TestNameOnlyExitsResolve(t *testing.T) {
	n := tornet.Shared(t)
	n.RequireNetns(t)
	// A fresh name per run: exits remember failed lookups for 300 s.
	name := fmt.Sprintf("e2e-%d.%s", time.Now().UnixNano(), n.DNSName)
	url := "http://" + name + "/"
	r := run(t, nil, "--tor", "--tor-addr", n.SocksAddr, url)
	if r.code != 0 || r.stdout != tornet.HostBody {
		t.Fatalf("--tor: want exit 0 and %q, got %s", tornet.HostBody, r)
	}
	if out, err := exec.Command("getent", "hosts", name).CombinedOutput(); err == nil {
		t.Fatalf("getent hosts %s resolved here: %s", name, out)
	}
	if r := run(t, nil, url); r.code != 6 {
		t.Errorf("direct: want exit 6 (cannot resolve), got %s", r)
	}
}
