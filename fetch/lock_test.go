package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/testserver"
	"sockfetch/netlock"
)

// These tests give Lock a fake Restrict: the real lock would hold the test
// process for the rest of its life. The real one is tested in its own
// package (child processes) and end to end through the binary (the root
// package's and tortest's strace tests).

// fakeLock records what Restrict was asked for, in order with the names
// resolved here.
type fakeLock struct {
	mu    sync.Mutex
	calls [][]int
	log   []string   // "resolve NAME" and "restrict PORTS" in order
	err   error      // returned by Restrict
	hosts hostsTable // the resolver's names
}

type hostsTable map[string]string

func (f *fakeLock) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	f.mu.Lock()
	f.log = append(f.log, "resolve "+host)
	f.mu.Unlock()
	if ip, ok := f.hosts[host]; ok {
		return []net.IPAddr{{IP: net.ParseIP(ip)}}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (f *fakeLock) restrict(ports []int, required bool) (netlock.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, ports)
	f.log = append(f.log, fmt.Sprint("restrict ", ports))
	if f.err != nil {
		return netlock.Status{Ports: ports, Reason: "kernel lock unavailable: Landlock ABI < 4 (kernel has none)"}, f.err
	}
	return netlock.Status{Applied: true, ABI: 7, Ports: ports, UDP: true}, nil
}

func (f *fakeLock) lock(required bool) *Lock {
	return &Lock{Required: required, Restrict: f.restrict}
}

// refuseAll is a DialContext that connects nowhere.
func refuseAll(ctx context.Context, network, address string) (net.Conn, error) {
	return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
}

func TestLockPorts(t *testing.T) {
	tests := []struct {
		name  string
		d     Dialer
		ports []int
	}{
		{"tor default", Dialer{Tor: &Tor{}}, []int{9050, 9150}},
		{"tor flag", Dialer{Tor: &Tor{Addr: "127.0.0.1:9999", Env: "127.0.0.1:7777"}}, []int{9999}},
		{"tor env", Dialer{Tor: &Tor{Env: "127.0.0.1:7777"}}, []int{7777}},
		{"tor bare port", Dialer{Tor: &Tor{Addr: "9250"}}, []int{9250}},
		{"tor unix", Dialer{Tor: &Tor{Addr: "unix:/nonexistent/tor/socks"}}, []int{}},
		{"socks5h", Dialer{Proxy: &ProxySettings{Flag: "socks5h://127.0.0.1:1081"}}, []int{1081}},
		{"socks5h default port", Dialer{Proxy: &ProxySettings{Flag: "socks5h://[::1]"}}, []int{1080}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f fakeLock
			d := tt.d
			d.Lock = f.lock(false)
			d.Resolver = &f
			d.DialContext = refuseAll
			_, err := Fetch(context.Background(), &Request{URL: "http://example.test/", Dialer: &d}, Output{Body: io.Discard})
			if !errors.Is(err, ErrConnect) {
				t.Errorf("error %v, want the refused connection (ErrConnect)", err)
			}
			if len(f.calls) != 1 || !slices.Equal(f.calls[0], tt.ports) || f.calls[0] == nil {
				t.Errorf("Restrict called with %v, want once with %v", f.calls, tt.ports)
			}
			if len(f.log) != 1 {
				t.Errorf("steps %q: nothing but the lock", f.log)
			}
		})
	}
}

// TestLockOnceBeforeFirstConnect follows a redirect through a SOCKS5 proxy
// twice with one Dialer: the lock is applied once, before the first
// connection, and every fetch reports it after the name went to the proxy
// and before the connection.
func TestLockOnceBeforeFirstConnect(t *testing.T) {
	final := testserver.StartRaw(t, []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
	first := testserver.StartRaw(t, []byte(fmt.Sprintf("HTTP/1.1 302 Found\r\nLocation: http://second.test:%d/\r\nContent-Length: 0\r\n\r\n", final.Port)))
	p := testserver.StartSOCKS5(t)
	p.Hosts["first.test"], p.Hosts["second.test"] = "127.0.0.1", "127.0.0.1"

	f := fakeLock{hosts: hostsTable{"proxy.test": "127.0.0.1"}}
	var mu sync.Mutex
	var steps []string
	d := &Dialer{
		Proxy:    &ProxySettings{Flag: fmt.Sprintf("socks5h://proxy.test:%d", p.Port)},
		Resolver: &f,
		Lock:     f.lock(true),
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			mu.Lock()
			steps = append(steps, "dial "+address)
			mu.Unlock()
			var nd net.Dialer
			return nd.DialContext(ctx, network, address)
		},
	}
	for i := range 2 {
		steps = nil
		req := &Request{URL: fmt.Sprintf("http://first.test:%d/", first.Port), Follow: true, MaxRedirects: 1, Dialer: d, Observe: func(e fetchtrace.Event) {
			switch e.Kind {
			case fetchtrace.EvResolve:
				steps = append(steps, "resolve event "+e.Host)
			case fetchtrace.EvLock:
				steps = append(steps, "lock event "+e.Info)
			case fetchtrace.EvConnect:
				steps = append(steps, "connect event")
			}
		}}
		var body strings.Builder
		if _, err := Fetch(context.Background(), req, Output{Body: &body}); err != nil || body.String() != "ok\n" {
			t.Fatalf("fetch %d: %q, %v", i, body.String(), err)
		}
		proxy := fmt.Sprintf("127.0.0.1:%d", p.Port)
		want := []string{
			"resolve event first.test",
			"lock event kernel lock: only TCP port " + fmt.Sprint(p.Port) + " may be connected; UDP denied; Landlock ABI 7",
			"dial " + proxy, "connect event",
			"resolve event second.test",
			"dial " + proxy, "connect event",
		}
		if !slices.Equal(steps, want) {
			t.Errorf("fetch %d: steps\n%q\nwant\n%q", i, steps, want)
		}
	}
	// The proxy's name was resolved once, before the lock; never after.
	if want := []string{"resolve proxy.test", fmt.Sprint("restrict ", []int{p.Port})}; !slices.Equal(f.log, want) {
		t.Errorf("resolver and lock calls %q, want %q", f.log, want)
	}
}

func TestLockRequired(t *testing.T) {
	unavailable := fmt.Errorf("%w: Landlock ABI < 4 (kernel has none)", netlock.ErrUnavailable)
	for _, required := range []bool{false, true} {
		t.Run(fmt.Sprint("required=", required), func(t *testing.T) {
			f := fakeLock{}
			if required {
				f.err = unavailable
			}
			tor := testserver.StartSOCKS5(t)
			srv := testserver.StartRaw(t, []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
			tor.Hosts["site.test"] = "127.0.0.1"
			var infos []string
			req := &Request{
				URL:    fmt.Sprintf("http://site.test:%d/", srv.Port),
				Dialer: &Dialer{Tor: &Tor{Addr: tor.Addr}, Resolver: &f, Lock: &Lock{Required: required, Restrict: f.restrict}},
				Observe: func(e fetchtrace.Event) {
					if e.Kind == fetchtrace.EvLock {
						infos = append(infos, e.Info)
					}
				},
			}
			if !required {
				// Unavailable without Required: the fetch goes on and says why.
				req.Dialer.Lock.Restrict = func(ports []int, required bool) (netlock.Status, error) {
					return netlock.Status{Ports: ports, UDP: true, Reason: "kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 3)"}, nil
				}
			}
			_, err := Fetch(context.Background(), req, Output{Body: io.Discard})
			switch {
			case required:
				var fe *Error
				if !errors.Is(err, ErrLock) || !errors.As(err, &fe) || !strings.Contains(fe.Msg, "kernel lock unavailable: Landlock ABI < 4") || fe.Hint == "" {
					t.Errorf("error %v, want ErrLock naming the reason, with a hint", err)
				}
				if len(tor.Requests()) != 0 || srv.Accepted() != 0 {
					t.Errorf("a connection was made although the required lock failed")
				}
				if want := []string{"kernel lock unavailable: Landlock ABI < 4 (kernel has none)"}; !slices.Equal(infos, want) {
					t.Errorf("fetchtrace.EvLock %q, want %q", infos, want)
				}
			default:
				if err != nil {
					t.Errorf("fetch: %v", err)
				}
				if want := []string{"kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 3); UDP denied"}; !slices.Equal(infos, want) {
					t.Errorf("fetchtrace.EvLock %q, want %q", infos, want)
				}
			}
		})
	}
}

func TestLockUsage(t *testing.T) {
	tests := []struct {
		name string
		d    Dialer
		want string
	}{
		{"direct", Dialer{}, "needs Tor or a proxy given with -x"},
		{"proxy from the environment", Dialer{Proxy: &ProxySettings{Getenv: func(string) string { return "socks5h://127.0.0.1:1" }}}, "needs Tor or a proxy given with -x"},
		{"socks5", Dialer{Proxy: &ProxySettings{Flag: "socks5://127.0.0.1:1"}}, "needs -x socks5h://"},
		{"bad tor address", Dialer{Tor: &Tor{Addr: "nonsense"}}, "--tor-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f fakeLock
			d := tt.d
			d.Lock = f.lock(false)
			d.Resolver = &f
			d.DialContext = refuseAll
			_, err := Fetch(context.Background(), &Request{URL: "http://127.0.0.1:1/", Dialer: &d}, Output{Body: io.Discard})
			if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrUsage with %q", err, tt.want)
			}
			if len(f.calls) != 0 {
				t.Errorf("Restrict called with %v", f.calls)
			}
		})
	}
}

func TestLockProxyNameUnresolved(t *testing.T) {
	f := fakeLock{}
	d := &Dialer{Tor: &Tor{Addr: "tor.invalid:9050"}, Resolver: &f, Lock: f.lock(false), DialContext: refuseAll}
	_, err := Fetch(context.Background(), &Request{URL: "http://example.test/", Dialer: d}, Output{Body: io.Discard})
	if !errors.Is(err, ErrProxyResolve) || !strings.Contains(err.Error(), "tor.invalid") {
		t.Errorf("error %v, want ErrProxyResolve naming tor.invalid", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("Restrict called with %v after the proxy's name failed", f.calls)
	}
}
