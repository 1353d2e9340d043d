package cli

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"sockfetch/fetch"
	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
	"sockfetch/netlock"
)

// result is what a run of sockfetch showed the user.
type result struct {
	code   int
	stdout string
	stderr string
}

// runOpts are the surroundings of an in-process run.
type runOpts struct {
	env      map[string]string // the whole environment (nothing is inherited)
	stdin    string
	resolver fetch.Resolver // nil: hostsResolver with localhost only
	dial     func(ctx context.Context, network, address string) (net.Conn, error)
	restrict restrictFunc                                     // the kernel lock's stand-in; nil: fakeRestrict
	sleep    func(ctx context.Context, d time.Duration) error // the wait between retries; nil: a timer
}

// sockfetch runs the app in-process with args, an empty environment and a
// resolver that knows only localhost (so no test ever sends a DNS query).
// The kernel lock is never applied: it would hold the test process for the
// rest of its life (lock_test.go tests it through the binary).
func sockfetch(t *testing.T, args ...string) result {
	t.Helper()
	return sockfetchWith(t, runOpts{}, args...)
}

func sockfetchWith(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	s := &System{
		stdin:    strings.NewReader(o.stdin),
		stdout:   &stdout,
		stderr:   &stderr,
		getenv:   func(k string) string { return o.env[k] },
		resolver: o.resolver,
		dial:     o.dial,
		restrict: o.restrict,
		sleep:    o.sleep,
	}
	if s.restrict == nil {
		s.restrict = fakeRestrict
	}
	if s.resolver == nil {
		s.resolver = hostsResolver{"localhost": "127.0.0.1"}
	}
	code := Main(append([]string{"sockfetch"}, args...), s)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// fakeRestrict stands in for netlock.Restrict: it says the lock was applied
// and applies nothing.
func fakeRestrict(ports []int, required bool) (netlock.Status, error) {
	return netlock.Status{Applied: true, ABI: 7, Ports: ports, UDP: true}, nil
}

// hostsResolver resolves from a fixed table; other names are not found.
type hostsResolver map[string]string

func (h hostsResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if ip, ok := h[host]; ok {
		return []net.IPAddr{{IP: net.ParseIP(ip)}}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// failResolver fails the test when anything resolves a name here.
type failResolver struct{ t *testing.T }

func (f failResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	f.t.Errorf("a name was resolved locally: %q", host)
	return nil, &net.DNSError{Err: "local resolution forbidden in this test", Name: host}
}

// want checks code, stdout and that stderr contains each of stderrHas (no
// stderr at all when none is given).
func (r result) want(t *testing.T, code int, stdout string, stderrHas ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit status %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	if r.stdout != stdout {
		t.Errorf("stdout:\n got %q\nwant %q", r.stdout, stdout)
	}
	if len(stderrHas) == 0 && r.stderr != "" {
		t.Errorf("stderr %q, want none", r.stderr)
	}
	for _, s := range stderrHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr %q does not contain %q", r.stderr, s)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("stderr shows a panic or stack trace: %q", r.stderr)
	}
}

// errLine checks that stderr is exactly one "sockfetch: " line, optionally
// followed by a hint line.
func (r result) errLine(t *testing.T) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "sockfetch: ") || len(lines) > 2 ||
		len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ") {
		t.Errorf("stderr is not one error line plus an optional hint:\n%s", r.stderr)
	}
	return lines[0]
}

// fixture is a root testdata fixture.
func fixture(t *testing.T, name string) []byte {
	return testserver.Fixture(t, name)
}

// serve starts a test server answering every request with a fixture.
func serve(t *testing.T, name string) *testserver.Server {
	return testserver.StartRaw(t, fixture(t, name))
}

// freeClosedPort returns a port on 127.0.0.1 nothing listens on.
func freeClosedPort(t *testing.T) int { return testenv.FreePort(t) }

// closedAddr returns a 127.0.0.1 address where nothing listens.
func closedAddr(t *testing.T) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(freeClosedPort(t)))
}
