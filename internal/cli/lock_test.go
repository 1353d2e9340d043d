package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"

	"sockfetch/netlock"
)

// lockCalls records the stand-in kernel lock's calls.
type lockCalls struct {
	mu    sync.Mutex
	ports [][]int
	req   []bool
	err   error // returned with a Status of Reason "kernel lock unavailable: …"
}

func (l *lockCalls) restrict(ports []int, required bool) (netlock.Status, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ports = append(l.ports, ports)
	l.req = append(l.req, required)
	if l.err != nil {
		return netlock.Status{Ports: ports, Reason: "kernel lock unavailable: Landlock ABI < 4 (kernel has none)"}, l.err
	}
	return fakeRestrict(ports, required)
}

func (l *lockCalls) String() string { return fmt.Sprint(l.ports) }

// TestLockFlags checks when a fetch asks for the kernel lock and with which
// ports, and the flags' mistakes (exit 2).
func TestLockFlags(t *testing.T) {
	srv := okServer(t)
	tor := torProxy(t, map[string]string{"site.test": "127.0.0.1"})
	url := fmt.Sprintf("http://site.test:%d/", srv.Port)
	refuse := func(ctx context.Context, network, address string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		dial  bool // false: every dial is refused
		code  int
		calls string // the ports of each lock applied
		has   string // in stderr
	}{
		{name: "tor default", args: []string{"--tor", "-v", url}, code: 7, calls: "[[9050 9150]]",
			has: "* kernel lock: only TCP ports 9050, 9150 may be connected; UDP denied; Landlock ABI 7\n"},
		{name: "tor-addr", args: []string{"--tor-addr", tor.Addr, "-v", url}, dial: true, calls: fmt.Sprintf("[[%d]]", tor.Port),
			has: fmt.Sprintf("* kernel lock: only TCP port %d may be connected", tor.Port)},
		{name: "SOCKFETCH_TOR_ADDR", args: []string{"--tor", url}, env: map[string]string{"SOCKFETCH_TOR_ADDR": tor.Addr}, dial: true, calls: fmt.Sprintf("[[%d]]", tor.Port)},
		{name: "tor unix", args: []string{"--tor-addr", "unix:/nonexistent/tor.sock", "-v", url}, code: 7, calls: "[[]]",
			has: "* kernel lock: no TCP connect allowed; UDP denied"},
		{name: "two URLs, one lock", args: []string{"--tor-addr", tor.Addr, url, url}, dial: true, calls: fmt.Sprintf("[[%d]]", tor.Port)},
		{name: "no-lock", args: []string{"--tor-addr", tor.Addr, "--no-lock", url}, dial: true, calls: "[]"},
		{name: "-x without --lock", args: []string{"-x", "socks5h://" + tor.Addr, url}, dial: true, calls: "[]"},
		{name: "-x --lock", args: []string{"-x", "socks5h://" + tor.Addr, "--lock", url}, dial: true, calls: fmt.Sprintf("[[%d]]", tor.Port)},
		{name: "-x --require-lock", args: []string{"-x", "socks5h://" + tor.Addr, "--require-lock", url}, dial: true, calls: fmt.Sprintf("[[%d]]", tor.Port)},
		{name: "-x socks5:// --lock", args: []string{"-x", "socks5://" + tor.Addr, "--lock", url}, code: 2, calls: "[]",
			has: "sockfetch: the kernel lock needs -x socks5h://"},
		{name: "--lock alone", args: []string{"--lock", url}, code: 2, calls: "[]",
			has: "sockfetch: --lock and --require-lock need --tor or -x socks5h://HOST:PORT"},
		{name: "--require-lock alone", args: []string{"--require-lock", url}, code: 2, calls: "[]", has: "need --tor or -x"},
		{name: "--lock from the environment's proxy", args: []string{"--lock", url}, env: map[string]string{"ALL_PROXY": "socks5h://" + tor.Addr}, code: 2, calls: "[]", has: "need --tor or -x"},
		{name: "--no-lock --require-lock", args: []string{"--tor", "--no-lock", "--require-lock", url}, code: 2, calls: "[]",
			has: "sockfetch: --no-lock contradicts --lock and --require-lock"},
		{name: "--no-lock alone", args: []string{"--no-lock", srv.URL + "/"}, dial: true, calls: "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l lockCalls
			o := runOpts{resolver: failResolver{t}, restrict: l.restrict, env: tt.env}
			if !tt.dial {
				o.dial = refuse
			}
			r := sockfetchWith(t, o, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			if tt.code == 0 && !strings.HasPrefix(r.stdout, "hello, world\n") {
				t.Errorf("stdout %q, want the page", r.stdout)
			}
			if l.String() != tt.calls {
				t.Errorf("lock applied with ports %s, want %s", l.String(), tt.calls)
			}
			if !strings.Contains(r.stderr, tt.has) {
				t.Errorf("stderr lacks %q:\n%s", tt.has, r.stderr)
			}
		})
	}
}

// TestLockRequired: where the kernel cannot lock, a fetch through Tor goes
// on and -v says why; with --require-lock it stops before any connection,
// exit 2.
func TestLockRequired(t *testing.T) {
	srv := okServer(t)
	tor := torProxy(t, map[string]string{"site.test": "127.0.0.1"})
	url := fmt.Sprintf("http://site.test:%d/", srv.Port)
	unavailable := fmt.Errorf("%w: Landlock ABI < 4 (kernel has none)", netlock.ErrUnavailable)

	goOn := func(ports []int, required bool) (netlock.Status, error) {
		return netlock.Status{Ports: ports, UDP: true, Reason: "kernel lock unavailable: Landlock ABI < 4 (kernel has none)"}, nil
	}
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}, restrict: goOn}, "-v", "--tor-addr", tor.Addr, url)
	r.want(t, 0, "hello, world\n", "* kernel lock unavailable: Landlock ABI < 4 (kernel has none); UDP denied\n")

	tor = torProxy(t, map[string]string{"site.test": "127.0.0.1"})
	srv = okServer(t)
	url = fmt.Sprintf("http://site.test:%d/", srv.Port)
	l := lockCalls{err: unavailable}
	r = sockfetchWith(t, runOpts{resolver: failResolver{t}, restrict: l.restrict}, "--require-lock", "--tor-addr", tor.Addr, url)
	r.want(t, 2, "", "sockfetch: kernel lock unavailable: Landlock ABI < 4 (kernel has none) (--require-lock)\nhint: the kernel lock needs Linux 6.7")
	r.errLine(t)
	if len(l.req) != 1 || !l.req[0] {
		t.Errorf("Restrict's required: %v, want [true]", l.req)
	}
	if n := len(tor.Requests()); n != 0 || srv.Accepted() != 0 {
		t.Errorf("%d SOCKS requests, %d connections at the server: want none when the required lock is missing", n, srv.Accepted())
	}

	// A lock that fails for another reason stops the fetch too.
	l = lockCalls{err: errors.New("netlock: landlock_restrict_self on all threads: operation not permitted")}
	r = sockfetchWith(t, runOpts{resolver: failResolver{t}, restrict: l.restrict}, "--tor-addr", tor.Addr, url)
	r.want(t, 2, "", "sockfetch: cannot apply the kernel lock: netlock: landlock_restrict_self", "--no-lock")
}

// TestLockExplained: the teaching view shows the lock as a layer of its own.
func TestLockExplained(t *testing.T) {
	srv := okServer(t)
	tor := torProxy(t, map[string]string{"site.test": "127.0.0.1"})
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}}, "--explain", "--no-color", "--tor-addr", tor.Addr, fmt.Sprintf("http://site.test:%d/", srv.Port))
	r.want(t, 0, "hello, world\n", "kernel lock", fmt.Sprintf("kernel lock: only TCP port %d may be connected; UDP denied; Landlock ABI 7", tor.Port))
}
