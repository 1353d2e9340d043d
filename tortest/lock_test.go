package tortest

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/tornet"
)

// inetConnect matches a connect(2) to an IPv4 or IPv6 address in strace's
// output and captures the port.
var inetConnect = regexp.MustCompile(`connect\(\d+, \{sa_family=AF_INET6?, sin6?_port=htons\((\d+)\)`)

// TestIPLockBeforeConnect runs `sockfetch ip` under strace: the kernel lock
// (landlock_restrict_self) comes before the first TCP connect, and every
// connect goes to the Tor port.
func TestIPLockBeforeConnect(t *testing.T) {
	n := tornet.Shared(t)
	n.RequireNetns(t)
	strace := testenv.RequireTool(t, "strace")
	_, port, _ := net.SplitHostPort(n.SocksAddr)
	out := filepath.Join(t.TempDir(), "strace.out")
	r := runCmd(t, nil, strace, "-f", "-qq", "-o", out, "-e", "trace=connect,landlock_restrict_self",
		sockfetch(t), "ip", "--require-lock", "--tor-addr", n.SocksAddr, "--check-url", n.CheckURL)
	if r.code != 0 {
		t.Fatalf("want exit 0, got %s", r)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	locked, connects := false, 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "landlock_restrict_self(") && !strings.Contains(l, "= -1") {
			locked = true
		}
		m := inetConnect.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		connects++
		if !locked {
			t.Errorf("connect before the lock: %s", l)
		}
		if m[1] != port {
			t.Errorf("connect to port %s, not Tor's %s: %s", m[1], port, l)
		}
	}
	if !locked || connects == 0 {
		t.Errorf("want the lock and then connects to port %s; strace saw:\n%s", port, b)
	}
}
