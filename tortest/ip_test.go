//go:build linux

package tortest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sockfetch/internal/tornet"
)

// TestIP runs `sockfetch ip` through the private network against the check
// server on the namespace test host, which sees each exit's own address and
// the host side of the namespace (10.231.S.1) for a direct connection.
func TestIP(t *testing.T) {
	n := tornet.Shared(t)
	ns := n.RequireNetns(t)
	e := pinExit(t, n, 0)
	tests := []struct {
		name   string
		args   []string
		stdout string
	}{
		{"text", []string{"--tor-addr", n.SocksAddr},
			"Exit IP " + e.BindIP + " — Tor exit: yes\n"},
		{"socks5h", []string{"-x", "socks5h://" + n.SocksAddr},
			"Exit IP " + e.BindIP + " — Tor exit: yes\n"},
		{"unix", []string{"--tor-addr", "unix:" + n.SocksUnix, "--new-circuit"},
			"Exit IP " + e.BindIP + " — Tor exit: yes\n"},
		{"direct", []string{"--tor-addr", n.SocksAddr, "--direct"},
			"Exit IP " + e.BindIP + " — Tor exit: yes\nYour direct IP " + ns.HostIP + " is hidden\n"},
		{"json", []string{"--tor-addr", n.SocksAddr, "--json"},
			`{"tor":{"ip":"` + e.BindIP + `","is_tor":true},"direct":null,"hidden":null}` + "\n"},
		{"json direct", []string{"--tor-addr", n.SocksAddr, "--json", "--direct"},
			`{"tor":{"ip":"` + e.BindIP + `","is_tor":true},"direct":{"ip":"` + ns.HostIP + `"},"hidden":true}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, append([]string{"ip", "--check-url", n.CheckURL}, tt.args...)...)
			if r.code != 0 || r.stdout != tt.stdout {
				t.Fatalf("want exit 0 and stdout\n%s\ngot %s", tt.stdout, r)
			}
		})
	}
}

// TestIPNotAnonymous points `sockfetch ip` at a check server on loopback:
// Tor's exits do not bind streams to loopback, so the server sees 127.0.0.1
// through Tor as directly, not an exit address. Exit 10, loud warnings.
func TestIPNotAnonymous(t *testing.T) {
	n := tornet.Shared(t)
	ns := n.RequireNetns(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: tornet.CheckHandler(ns.BindIPs, nil)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	url := "http://" + ln.Addr().String() + tornet.CheckPath

	r := run(t, nil, "ip", "--tor-addr", n.SocksAddr, "--check-url", url, "--direct")
	if want := "Exit IP 127.0.0.1 — Tor exit: NO\n"; r.code != 10 || r.stdout != want {
		t.Fatalf("want exit 10 and stdout %q, got %s", want, r)
	}
	for _, s := range []string{"WARNING", "NOT anonymous", "SAME", "NOT hidden"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
	r = run(t, nil, "ip", "--tor-addr", n.SocksAddr, "--check-url", url, "--direct", "--json")
	want := `{"tor":{"ip":"127.0.0.1","is_tor":false},"direct":{"ip":"127.0.0.1"},"hidden":false}` + "\n"
	if r.code != 10 || r.stdout != want {
		t.Fatalf("want exit 10 and stdout %s, got %s", want, r)
	}
}

// TestIPRepeat checks --repeat on new circuits while the check server pins
// the next exit on the client's control port before it answers, so the
// exit changes at every check: in a young network new circuits alone often
// keep the same exit.
func TestIPRepeat(t *testing.T) {
	n := tornet.Shared(t)
	ns := n.RequireNetns(t)
	pinExit(t, n, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctl, err := n.Control(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	var mu sync.Mutex
	next := 1
	var pinErr error
	h := tornet.CheckHandler(ns.BindIPs, func(*http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if err := ctl.SetConf(ctx, "ExitNodes="+n.Exits[next%len(n.Exits)].Nickname); err != nil && pinErr == nil {
			pinErr = err
		}
		next++
	})
	ln := ns.Listen(t, 0)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	url := "http://" + ln.Addr().String() + tornet.CheckPath

	r := run(t, nil, "ip", "--tor-addr", n.SocksAddr, "--check-url", url, "--repeat", "3")
	var want strings.Builder
	for i, e := range n.Exits {
		fmt.Fprintf(&want, "Check %d/3: Exit IP %s — Tor exit: yes\n", i+1, e.BindIP)
	}
	want.WriteString("The exit differed from the first in 2 of 2 later checks.\n")
	if r.code != 0 || r.stdout != want.String() {
		t.Fatalf("want exit 0 and stdout\n%s\ngot %s", want.String(), r)
	}
	if pinErr != nil {
		t.Fatal(pinErr)
	}
}

// TestIPTorDown checks that `sockfetch ip` fails closed like a fetch: exit
// 7 and no JSON.
func TestIPTorDown(t *testing.T) {
	n := tornet.Shared(t)
	n.RequireNetns(t)
	dead := deadAddr(t)
	r := run(t, nil, "ip", "--json", "--tor-addr", dead, "--check-url", n.CheckURL)
	if r.code != 7 || r.stdout != "" || !strings.Contains(r.stderr, "cannot reach Tor at "+dead) {
		t.Fatalf("want exit 7, no stdout and \"cannot reach Tor at %s\", got %s", dead, r)
	}
}

// TestIPLock checks that `sockfetch ip` holds itself to the Tor port (the
// kernel lock of issue 9) and says so under -v.
func TestIPLock(t *testing.T) {
	n := tornet.Shared(t)
	n.RequireNetns(t)
	_, port, _ := net.SplitHostPort(n.SocksAddr)
	r := run(t, nil, "ip", "-v", "--require-lock", "--tor-addr", n.SocksAddr, "--check-url", n.CheckURL)
	if r.code != 0 {
		t.Fatalf("want exit 0, got %s", r)
	}
	if want := "kernel lock: only TCP port " + port + " may be connected"; !strings.Contains(r.stderr, want) {
		t.Errorf("-v lacks %q:\n%s", want, r.stderr)
	}
}

// pinExit sets ExitNodes on the client to exit i until the test ends and
// returns that exit.
func pinExit(t *testing.T, n *tornet.Net, i int) tornet.Exit {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ctl, err := n.Control(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	if err := ctl.SetConf(ctx, "ExitNodes="+n.Exits[i].Nickname); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ctl, err := n.Control(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		defer ctl.Close()
		if err := ctl.SetConf(ctx, "ExitNodes"); err != nil {
			t.Error(err)
		}
	})
	return n.Exits[i]
}
