//go:build linux

package tortest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sockfetch/internal/tornet"
)

// TestExplainThroughTor fetches a name only the exits can resolve with the
// teaching view: it shows the Tor address, the name handed to Tor in the
// SOCKS5 request (address type 03), Tor's success reply, and no lookup here.
func TestExplainThroughTor(t *testing.T) {
	n := tornet.Shared(t)
	n.RequireNetns(t)
	name := fmt.Sprintf("explain-%d.%s", time.Now().UnixNano(), n.DNSName)
	r := run(t, nil, "--explain", "--tor", "--tor-addr", n.SocksAddr, "http://"+name+"/")
	if r.code != 0 || r.stdout != tornet.HostBody {
		t.Fatalf("want exit 0 and %q, got %s", tornet.HostBody, r)
	}
	for _, s := range []string{
		"Tor at " + n.SocksAddr,
		"not resolved here",
		"address type 03",
		"reply 00 = succeeded",
		"Host: " + name,
	} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("--explain lacks %q:\n%s", s, r.stderr)
		}
	}
}
