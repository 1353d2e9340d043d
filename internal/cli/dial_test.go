package cli

import (
	"fmt"
	"strings"
	"testing"

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
