package cli

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// TestOnionFinalDots: "x.onion." and "x.onion.." are .onion names. Without
// Tor they are refused before anything is resolved or dialed; through Tor
// they go out without their final dots, which Tor would otherwise take for
// a name for an exit relay to look up in DNS.
func TestOnionFinalDots(t *testing.T) {
	for _, host := range []string{"example.onion.", "example.onion..", "Example.ONION..."} {
		t.Run(host, func(t *testing.T) {
			var dl dialLog
			o := runOpts{resolver: failResolver{t}, dial: dl.dial}
			r := sockfetchWith(t, o, "http://"+host+"/")
			r.want(t, 6, "", "sockfetch: refusing to resolve "+host+" without a proxy", "RFC 7686")
			r.errLine(t)
			p := testserver.StartSOCKS5(t)
			r = sockfetchWith(t, o, "-x", "socks5://"+p.Addr, "http://"+host+"/")
			r.want(t, 6, "", "RFC 7686", "socks5h://")
			r.errLine(t)
			if len(dl.addrs) != 0 {
				t.Errorf("dialed %q for a refused .onion", dl.addrs)
			}

			srv := okServer(t)
			tor := torProxy(t, map[string]string{"example.onion": "127.0.0.1", "Example.ONION": "127.0.0.1"})
			r = sockfetchWith(t, o, "--tor-addr", tor.Addr, fmt.Sprintf("http://%s:%d/", host, srv.Port))
			r.want(t, 0, "hello, world\n")
			dl.onlyTo(t, tor.Addr)
			reqs := tor.Requests()
			if len(reqs) != 1 || reqs[0].ATYP != 3 {
				t.Fatalf("SOCKS requests %+v, want one with a name", reqs)
			}
			if want := strings.TrimRight(host, "."); reqs[0].Host != want {
				t.Errorf("Tor was asked for %q, want %q (no final dot)", reqs[0].Host, want)
			}
		})
	}
}

// TestAddressFamilyIsTheTargets: -4 and -6 choose the target's addresses
// where sockfetch knows them, never Tor's or the proxy's, whether given as
// a literal or as a name. (curl 7.88.1 applies them to the proxy too:
// `curl -6 -x socks5h://127.0.0.1:1080 URL` exits 7.)
func TestAddressFamilyIsTheTargets(t *testing.T) {
	srv := okServer(t)
	named := fmt.Sprintf("http://site.test:%d/", srv.Port)
	tor := torProxy(t, map[string]string{"site.test": "127.0.0.1"})

	for _, fam := range []string{"-4", "-6"} {
		t.Run(fam, func(t *testing.T) {
			var dl dialLog
			o := runOpts{resolver: failResolver{t}, dial: dl.dial}
			sockfetchWith(t, o, fam, "--tor-addr", tor.Addr, named).want(t, 0, "hello, world\n")
			sockfetchWith(t, o, fam, "--tor", "--tor-addr", tor.Addr, named).want(t, 0, "hello, world\n")
			sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: dl.dial, env: map[string]string{"SOCKFETCH_TOR_ADDR": tor.Addr}},
				fam, "--tor", named).want(t, 0, "hello, world\n")
			sockfetchWith(t, o, fam, "-x", "socks5h://"+tor.Addr, named).want(t, 0, "hello, world\n")
			dl.onlyTo(t, tor.Addr)

			// A proxy named by a name: its addresses are not filtered either.
			var pl dialLog
			byName := runOpts{resolver: hostsResolver{"proxy.test": "127.0.0.1"}, dial: pl.dial}
			sockfetchWith(t, byName, fam, "-x", fmt.Sprintf("socks5h://proxy.test:%d", tor.Port), named).want(t, 0, "hello, world\n")
			pl.onlyTo(t, tor.Addr)
		})
	}

	// socks5://: the target's name is resolved here, in the family asked for.
	p := torProxy(t, nil)
	local := fmt.Sprintf("http://localhost:%d/", srv.Port)
	sockfetch(t, "-4", "-x", "socks5://"+p.Addr, local).want(t, 0, "hello, world\n")
	if reqs := p.Requests(); len(reqs) != 1 || reqs[0].ATYP != 1 || reqs[0].Host != "127.0.0.1" {
		t.Errorf("SOCKS requests %+v, want one for 127.0.0.1", reqs)
	}
	var dl dialLog
	// (localhost has ::1 too, RFC 6761: a name with IPv4 only is asked for.)
	v4only := fmt.Sprintf("http://v4only.test:%d/", srv.Port)
	r := sockfetchWith(t, runOpts{resolver: hostsResolver{"v4only.test": "127.0.0.1"}, dial: dl.dial}, "-6", "-x", "socks5://"+p.Addr, v4only)
	r.want(t, 6, "", "sockfetch: could not resolve host: v4only.test (no IPv6 address)")
	r.errLine(t)
	if len(dl.addrs) != 0 {
		t.Errorf("dialed %q with no IPv6 address for the target", dl.addrs)
	}

	// An IP literal target of the other family is refused through Tor as
	// directly, before anything is dialed or resolved.
	r = sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: dl.dial}, "-6", "--tor-addr", tor.Addr, srv.URL)
	r.want(t, 6, "", "sockfetch: could not resolve host: 127.0.0.1 (no IPv6 address)")
	r.errLine(t)
	if len(dl.addrs) != 0 {
		t.Errorf("dialed %q for a target of the wrong family", dl.addrs)
	}
}

// TestConnectTimeoutIsAlways28: a time limit that runs out during the TCP
// connect exits 28, however the dial error and the context's deadline race,
// with curl's words: "failed to connect to H port P after N ms: timeout was
// reached" for --connect-timeout, "connection timed out after N
// milliseconds" for -m. The same holds for the connect to a proxy or Tor,
// and Tor stays the only address dialed.
func TestConnectTimeoutIsAlways28(t *testing.T) {
	hole := testenv.Blackhole(t)
	host, port, _ := net.SplitHostPort(hole)
	url := "http://" + hole + "/"
	connectWords := fmt.Sprintf("sockfetch: failed to connect to %s port %s after ", host, port)
	for _, tt := range []struct {
		name  string
		args  []string
		words []string
	}{
		{"--connect-timeout", []string{"--connect-timeout", "0.02", url}, []string{connectWords, " ms: timeout was reached"}},
		{"-m", []string{"-m", "0.02", url}, []string{"sockfetch: connection timed out after ", " milliseconds"}},
		{"both, connect first", []string{"--connect-timeout", "0.02", "-m", "5", url}, []string{connectWords, "timeout was reached"}},
		{"both, -m first", []string{"--connect-timeout", "5", "-m", "0.02", url}, []string{"sockfetch: connection timed out after "}},
		{"proxy", []string{"--connect-timeout", "0.02", "-x", "socks5h://" + hole, "http://site.test/"}, []string{connectWords, "timeout was reached"}},
		{"Tor", []string{"--connect-timeout", "0.02", "--tor-addr", hole, "http://site.test/"}, []string{connectWords, "timeout was reached"}},
		{"Tor, -m", []string{"-m", "0.02", "--tor-addr", hole, "http://site.test/"}, []string{"sockfetch: connection timed out after "}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var dl dialLog
			o := runOpts{resolver: failResolver{t}, dial: dl.dial}
			for i := 0; i < 50; i++ {
				r := sockfetchWith(t, o, tt.args...)
				r.want(t, 28, "", tt.words...)
				r.errLine(t)
				if t.Failed() {
					t.Fatalf("run %d of 50", i+1)
				}
			}
			dl.onlyTo(t, hole)
		})
	}
}
