package cli

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"

	"sockfetch/internal/testserver"
)

// dialLog records every address sockfetch dials and dials it for real, so a
// test can prove no connection went anywhere but the proxy.
type dialLog struct {
	mu    sync.Mutex
	addrs []string
}

func (d *dialLog) dial(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, network+" "+address)
	d.mu.Unlock()
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

func (d *dialLog) onlyTo(t *testing.T, addr string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.addrs) == 0 {
		t.Error("nothing was dialed")
	}
	for _, a := range d.addrs {
		if !strings.HasSuffix(a, " "+addr) {
			t.Errorf("dialed %s; only the proxy %s may be", a, addr)
		}
	}
}

// torProxy is an in-process SOCKS5 server standing in for Tor: it knows
// the names in hosts and nothing else.
func torProxy(t *testing.T, hosts map[string]string) *testserver.SOCKS5 {
	p := testserver.StartSOCKS5(t)
	for k, v := range hosts {
		p.Hosts[k] = v
	}
	return p
}

func TestTorNeverResolvesLocally(t *testing.T) {
	final := okServer(t)
	start := testserver.Start(t, map[string]testserver.Reply{
		"": redirect(302, fmt.Sprintf("http://second.onion:%d/done", final.Port)),
	})
	tor := torProxy(t, map[string]string{"first.test": "127.0.0.1", "second.onion": "127.0.0.1"})
	var dl dialLog
	o := runOpts{resolver: failResolver{t}, dial: dl.dial}
	r := sockfetchWith(t, o, "--tor", "--tor-addr", tor.Addr, "-L", fmt.Sprintf("http://first.test:%d/", start.Port))
	r.want(t, 0, "hello, world\n")
	dl.onlyTo(t, tor.Addr)
	reqs := tor.Requests()
	if len(reqs) != 2 || reqs[0].Host != "first.test" || reqs[1].Host != "second.onion" || reqs[0].ATYP != 3 || reqs[1].ATYP != 3 {
		t.Errorf("SOCKS requests %+v: want both names sent as names (ATYP 3)", reqs)
	}
	if ua, _ := onlyRequest(t, final).Header("User-Agent"); ua != torUserAgent {
		t.Errorf("User-Agent under --tor %q, want %q (no version)", ua, torUserAgent)
	}
}

func TestTorAddrFromEnvironment(t *testing.T) {
	srv := okServer(t)
	tor := torProxy(t, map[string]string{"site.test": "127.0.0.1"})
	var dl dialLog
	o := runOpts{resolver: failResolver{t}, dial: dl.dial, env: map[string]string{
		"SOCKFETCH_TOR_ADDR": tor.Addr,
		"ALL_PROXY":          "http://ignored.example:3128", // proxy variables do not apply to --tor
		"http_proxy":         "bogus",
	}}
	r := sockfetchWith(t, o, "--tor", "-v", fmt.Sprintf("http://site.test:%d/", srv.Port))
	r.want(t, 0, "hello, world\n", "using Tor at "+tor.Addr)
	dl.onlyTo(t, tor.Addr)
}

func TestTorUnreachable(t *testing.T) {
	var mu sync.Mutex
	var tried []string
	refuse := func(ctx context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		tried = append(tried, address)
		mu.Unlock()
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: refuse}, "--tor", "http://example.test/")
	r.want(t, 7, "", "sockfetch: cannot reach Tor at 127.0.0.1:9050 or 127.0.0.1:9150 (connection refused)", "hint: ")
	r.errLine(t)
	if strings.Join(tried, ",") != "127.0.0.1:9050,127.0.0.1:9150" {
		t.Errorf("dialed %q, want 9050 then 9150 and nothing else", tried)
	}

	// An explicit address gets no fallback.
	tried = nil
	port := freeClosedPort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	r = sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: refuse}, "--tor-addr", addr, "http://example.test/")
	r.want(t, 7, "", "cannot reach Tor at "+addr)
	if len(tried) != 1 {
		t.Errorf("dialed %q, want only %s", tried, addr)
	}
}

func TestTorRefusalInWords(t *testing.T) {
	for _, tt := range []struct {
		code byte
		want string
	}{
		{0xF0, "onion"},
		{0x04, "unreachable"},
		{0x05, "refused"},
	} {
		tor := testserver.StartSOCKS5(t)
		tor.Reply = tt.code
		r := sockfetchWith(t, runOpts{resolver: failResolver{t}}, "--tor-addr", tor.Addr, "http://xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/")
		r.want(t, 97, "", "sockfetch: ", tt.want)
		r.errLine(t)
	}
}

func TestOnionRefusedWithoutRemoteDNS(t *testing.T) {
	var dl dialLog
	o := runOpts{resolver: failResolver{t}, dial: dl.dial}
	r := sockfetchWith(t, o, "http://example.onion/")
	r.want(t, 6, "", "RFC 7686")
	p := testserver.StartSOCKS5(t)
	r = sockfetchWith(t, o, "-x", "socks5://"+p.Addr, "http://example.onion/")
	r.want(t, 6, "", "RFC 7686", "socks5h://")
	if len(dl.addrs) != 0 {
		t.Errorf("dialed %q for a refused .onion", dl.addrs)
	}
}

func TestNewCircuit(t *testing.T) {
	srv := okServer(t)
	tor := torProxy(t, map[string]string{"site.test": "127.0.0.1"})
	url := fmt.Sprintf("http://site.test:%d/", srv.Port)
	o := runOpts{resolver: failResolver{t}}
	sockfetchWith(t, o, "--tor-addr", tor.Addr, "--new-circuit", url).want(t, 0, "hello, world\n")
	sockfetchWith(t, o, "-x", "socks5h://"+tor.Addr, "--new-circuit", url).want(t, 0, "hello, world\n")
	sockfetchWith(t, o, "--tor-addr", tor.Addr, url).want(t, 0, "hello, world\n")
	reqs := tor.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d SOCKS requests", len(reqs))
	}
	if reqs[0].User == "" || reqs[1].User == "" || reqs[0].User == reqs[1].User || reqs[0].Password == reqs[1].Password {
		t.Errorf("--new-circuit credentials %q/%q and %q/%q: want two different random pairs", reqs[0].User, reqs[0].Password, reqs[1].User, reqs[1].Password)
	}
	if reqs[2].User != "" {
		t.Errorf("credentials %q sent without --new-circuit", reqs[2].User)
	}
}

func TestProxyFlag(t *testing.T) {
	srv := okServer(t)
	p := torProxy(t, map[string]string{"named.test": "127.0.0.1"})
	var dl dialLog
	// socks5h: the name goes to the proxy.
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: dl.dial}, "-x", "socks5h://"+p.Addr, fmt.Sprintf("http://named.test:%d/", srv.Port))
	r.want(t, 0, "hello, world\n")
	dl.onlyTo(t, p.Addr)
	// socks5: resolved here, the proxy gets an address.
	sockfetch(t, "-x", "socks5://"+p.Addr, fmt.Sprintf("http://localhost:%d/", srv.Port)).want(t, 0, "hello, world\n")
	reqs := p.Requests()
	if reqs[0].ATYP != 3 || reqs[0].Host != "named.test" || reqs[1].ATYP != 1 || reqs[1].Host != "127.0.0.1" {
		t.Errorf("SOCKS requests %+v", reqs)
	}
	// -w's remote address is the proxy's, as curl.
	r = sockfetch(t, "-s", "-o", "/dev/null", "-w", "%{remote_port}", "-x", "socks5h://"+p.Addr, srv.URL)
	r.want(t, 0, fmt.Sprint(p.Port))
}

func TestProxyAuth(t *testing.T) {
	srv := okServer(t)
	p := testserver.StartSOCKS5(t)
	p.User, p.Password = "alice", "pw"
	sockfetch(t, "-x", "socks5h://alice:pw@"+p.Addr, srv.URL).want(t, 0, "hello, world\n")
	r := sockfetch(t, "-x", "socks5h://alice:wrong@"+p.Addr, srv.URL)
	r.want(t, 97, "", "sockfetch: ")
	r.errLine(t)
}

func TestProxyUnreachable(t *testing.T) {
	port := freeClosedPort(t)
	r := sockfetch(t, "-x", fmt.Sprintf("socks5h://127.0.0.1:%d", port), "http://127.0.0.1/")
	r.want(t, 7, "", fmt.Sprintf("127.0.0.1:%d", port), "connection refused")
	r = sockfetch(t, "-x", "socks5h://no-such-proxy.test:1080", "http://127.0.0.1/")
	r.want(t, 5, "", "no-such-proxy.test")
}

func TestConnectTimeoutThroughSilentProxy(t *testing.T) {
	silent := testserver.Start(t, map[string]testserver.Reply{"": {Silent: true}})
	r := sockfetch(t, "--connect-timeout", "0.3", "-x", "socks5h://"+silent.Addr, "http://127.0.0.1/")
	r.want(t, 28, "", "sockfetch: ", "timed out")
}

func TestProxyEnvironment(t *testing.T) {
	srv := okServer(t)
	p := testserver.StartSOCKS5(t)
	url := srv.URL + "/"
	for _, tt := range []struct {
		name    string
		env     map[string]string
		args    []string
		proxied bool
		code    int
		stderr  string
	}{
		{"ALL_PROXY", map[string]string{"ALL_PROXY": "socks5h://" + p.Addr}, nil, true, 0, ""},
		{"all_proxy", map[string]string{"all_proxy": "socks5://" + p.Addr}, nil, true, 0, ""},
		{"http_proxy", map[string]string{"http_proxy": "socks5h://" + p.Addr}, nil, true, 0, ""},
		{"HTTP_PROXY is ignored, as curl", map[string]string{"HTTP_PROXY": "socks5h://" + p.Addr}, nil, false, 0, ""},
		{"https_proxy is not for http", map[string]string{"https_proxy": "socks5h://" + p.Addr}, nil, false, 0, ""},
		{"NO_PROXY", map[string]string{"ALL_PROXY": "socks5h://" + p.Addr, "NO_PROXY": "example.com,127.0.0.0/8"}, nil, false, 0, ""},
		{"no_proxy star", map[string]string{"ALL_PROXY": "socks5h://" + p.Addr, "no_proxy": "*"}, nil, false, 0, ""},
		{"--noproxy beats NO_PROXY", map[string]string{"ALL_PROXY": "socks5h://" + p.Addr, "NO_PROXY": "*"}, []string{"--noproxy", "other"}, true, 0, ""},
		{"-x beats the environment", map[string]string{"ALL_PROXY": "bogus"}, []string{"-x", "socks5h://" + p.Addr}, true, 0, ""},
		{"NO_PROXY does not bypass -x", map[string]string{"NO_PROXY": "*"}, []string{"-x", "socks5h://" + p.Addr}, true, 0, ""},
		{"unparsable variable", map[string]string{"ALL_PROXY": "bogus"}, nil, false, 2, "ALL_PROXY"},
		{"http proxy variable", map[string]string{"http_proxy": "http://127.0.0.1:3128"}, nil, false, 2, "http_proxy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(p.Requests())
			r := sockfetchWith(t, runOpts{env: tt.env}, append(tt.args, url)...)
			if tt.code != 0 {
				r.want(t, tt.code, "", tt.stderr)
				r.errLine(t)
				return
			}
			r.want(t, 0, "hello, world\n")
			if got := len(p.Requests()) > before; got != tt.proxied {
				t.Errorf("proxied = %v, want %v", got, tt.proxied)
			}
		})
	}
}
