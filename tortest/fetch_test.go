//go:build linux

package tortest

import (
	"strings"
	"testing"

	"sockfetch/internal/tornet"
)

// TestFetchThroughTor fetches a loopback page through the private network's
// client, with every way of naming the Tor address.
func TestFetchThroughTor(t *testing.T) {
	n := tornet.Shared(t)
	const body = "a loopback page, through Tor\n"
	srv := newServer(t, body)
	tests := []struct {
		name string
		env  []string
		args []string
	}{
		{"--tor-addr", nil, []string{"--tor", "--tor-addr", n.SocksAddr}},
		{"--tor-addr plain port", nil, []string{"--tor", "--tor-addr", n.SocksPlainAddr}},
		{"--tor-addr unix", nil, []string{"--tor", "--tor-addr", "unix:" + n.SocksUnix}},
		{"SOCKFETCH_TOR_ADDR", []string{"SOCKFETCH_TOR_ADDR=" + n.SocksAddr}, []string{"--tor"}},
		{"-x socks5h", nil, []string{"-x", "socks5h://" + n.SocksAddr}},
		{"--new-circuit", nil, []string{"--tor", "--tor-addr", n.SocksAddr, "--new-circuit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.env, append(tt.args, srv.URL)...)
			if r.code != 0 || r.stdout != body {
				t.Fatalf("want exit 0 and the page %q, got %s", body, r)
			}
		})
	}
}

// TestVerboseNamesTorAddress checks that -v says which Tor address is used
// and that the name went to Tor.
func TestVerboseNamesTorAddress(t *testing.T) {
	n := tornet.Shared(t)
	srv := newServer(t, "verbose\n")
	r := run(t, nil, "-v", "--tor", "--tor-addr", n.SocksAddr, srv.URL)
	if r.code != 0 || r.stdout != "verbose\n" {
		t.Fatalf("want exit 0 and the page, got %s", r)
	}
	if !strings.Contains(r.stderr, n.SocksAddr) {
		t.Errorf("-v does not name the Tor address %s:\n%s", n.SocksAddr, r.stderr)
	}
}

// TestTorUserAgent checks that under --tor the default request does not
// carry sockfetch's version (nothing that splits sockfetch users by
// version), while -A still sets the field.
func TestTorUserAgent(t *testing.T) {
	n := tornet.Shared(t)
	srv := newServer(t, "ua\n")
	if r := run(t, nil, "--tor", "--tor-addr", n.SocksAddr, srv.URL); r.code != 0 {
		t.Fatalf("want exit 0, got %s", r)
	}
	if ua := srv.ua.Load().(string); strings.ContainsAny(ua, "0123456789") {
		t.Errorf("under --tor the User-Agent carries a version: %q", ua)
	}
	if r := run(t, nil, "--tor", "--tor-addr", n.SocksAddr, "-A", "chosen/1.0", srv.URL); r.code != 0 {
		t.Fatalf("want exit 0, got %s", r)
	}
	if ua := srv.ua.Load().(string); ua != "chosen/1.0" {
		t.Errorf("-A under --tor: server saw User-Agent %q, want %q", ua, "chosen/1.0")
	}
}
