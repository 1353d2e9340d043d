package cli

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"sockfetch/internal/testenv"
	"sockfetch/internal/tornet"
	"sockfetch/netlock"
)

// These tests run `sockfetch ip` in this process against a loopback check
// server (tornet.CheckHandler, as the end-to-end tests in tortest use
// inside the private Tor network), with microsocks standing in for Tor:
// bound to 127.0.0.2 for its outgoing connections, it makes the check
// server see another address than a direct connection (127.0.0.1). The
// kernel lock would hold this test process to the proxy's port for the rest
// of its life: runIPArgs passes --no-lock, and runIPLocked gives the lock a
// stand-in.

// ipRun is what one run showed: its output and the error the app maps to
// an exit code.
type ipRun struct {
	stdout, stderr string
	err            error
}

// code is the exit status the user sees.
func (r ipRun) code() int {
	return exitCode(r.err)
}

func (r ipRun) String() string {
	return fmt.Sprintf("err %v (code %d)\n--- stdout\n%s--- stderr\n%s", r.err, r.code(), r.stdout, r.stderr)
}

func runIPArgs(t *testing.T, args ...string) ipRun {
	t.Helper()
	return runIPLocked(t, func(ports []int, required bool) (netlock.Status, error) {
		t.Errorf("the kernel lock was applied despite --no-lock (ports %v)", ports)
		return netlock.Status{}, errors.New("no lock in this test")
	}, append([]string{"--no-lock"}, args...)...)
}

// runIPLocked runs `sockfetch ip` with restrict standing in for the kernel lock.
func runIPLocked(t *testing.T, restrict restrictFunc, args ...string) ipRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &cli.App{
		Name:           "sockfetch",
		Writer:         &stdout,
		ErrWriter:      &stderr,
		Commands:       []*cli.Command{ipCommand(restrict)},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	err := app.Run(append([]string{"sockfetch", "ip", "-m", "20"}, args...))
	return ipRun{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// checkServer serves tornet.CheckHandler on 127.0.0.1, telling exits that
// connections from exitIPs come from Tor.
func checkServer(t *testing.T, exitIPs ...string) string {
	t.Helper()
	return serveLoopback(t, tornet.CheckHandler(exitIPs, nil)) + tornet.CheckPath
}

func serveLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// microsocks starts microsocks (startMicrosocks), its outgoing connections
// bound to bindIP ("" for the default), and returns its socks5h:// URL.
func microsocks(t *testing.T, bindIP string) string {
	t.Helper()
	var args []string
	if bindIP != "" {
		args = []string{"-b", bindIP}
	}
	return "socks5h://" + startMicrosocks(t, "", args...)
}

func TestIPText(t *testing.T) {
	proxy := microsocks(t, "127.0.0.2")
	tests := []struct {
		name       string
		exits      []string // addresses the check server takes for Tor exits
		proxy      string
		args       []string
		code       int
		stdout     string
		stderrHas  []string
		stderrNone bool
	}{
		{
			name: "tor exit", exits: []string{"127.0.0.2"}, proxy: proxy,
			stdout: "Exit IP 127.0.0.2 — Tor exit: yes\n", stderrNone: true,
		},
		{
			name: "not a tor exit", proxy: proxy, code: 10,
			stdout:    "Exit IP 127.0.0.2 — Tor exit: NO\n",
			stderrHas: []string{"WARNING", "NOT anonymous"},
		},
		{
			name: "direct hidden", exits: []string{"127.0.0.2"}, proxy: proxy, args: []string{"--direct"},
			stdout:     "Exit IP 127.0.0.2 — Tor exit: yes\nYour direct IP 127.0.0.1 is hidden\n",
			stderrNone: true,
		},
		{
			name: "direct same ip", exits: []string{"127.0.0.1"}, proxy: microsocks(t, ""), args: []string{"--direct"},
			code:      10,
			stdout:    "Exit IP 127.0.0.1 — Tor exit: yes\n",
			stderrHas: []string{"WARNING", "direct IP 127.0.0.1 is the SAME", "NOT hidden"},
		},
		{
			name: "repeat", exits: []string{"127.0.0.2"}, proxy: proxy, args: []string{"--repeat", "3"},
			stdout: "Check 1/3: Exit IP 127.0.0.2 — Tor exit: yes\n" +
				"Check 2/3: Exit IP 127.0.0.2 — Tor exit: yes\n" +
				"Check 3/3: Exit IP 127.0.0.2 — Tor exit: yes\n" +
				"The exit stayed 127.0.0.2 in all 3 checks: Tor may reuse an exit for new circuits, and a young network has few.\n",
			stderrNone: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-x", tt.proxy, "--check-url", checkServer(t, tt.exits...)}, tt.args...)
			r := runIPArgs(t, args...)
			if r.code() != tt.code || r.stdout != tt.stdout {
				t.Fatalf("want code %d and stdout\n%s\ngot %s", tt.code, tt.stdout, r)
			}
			if tt.stderrNone && r.stderr != "" {
				t.Errorf("stderr: want nothing, got %q", r.stderr)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}

func TestIPJSON(t *testing.T) {
	proxy := microsocks(t, "127.0.0.2")
	tests := []struct {
		name  string
		exits []string
		args  []string
		code  int
		want  string
	}{
		{"tor", []string{"127.0.0.2"}, nil, 0,
			`{"tor":{"ip":"127.0.0.2","is_tor":true},"direct":null,"hidden":null}` + "\n"},
		{"not tor", nil, nil, 10,
			`{"tor":{"ip":"127.0.0.2","is_tor":false},"direct":null,"hidden":null}` + "\n"},
		{"direct", []string{"127.0.0.2"}, []string{"--direct"}, 0,
			`{"tor":{"ip":"127.0.0.2","is_tor":true},"direct":{"ip":"127.0.0.1"},"hidden":true}` + "\n"},
		{"repeat", []string{"127.0.0.2"}, []string{"--repeat", "2"}, 0,
			`{"tor":{"ip":"127.0.0.2","is_tor":true},"direct":null,"hidden":null}` + "\n" +
				`{"tor":{"ip":"127.0.0.2","is_tor":true},"direct":null,"hidden":null}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--json", "-x", proxy, "--check-url", checkServer(t, tt.exits...)}, tt.args...)
			r := runIPArgs(t, args...)
			if r.code() != tt.code || r.stdout != tt.want {
				t.Fatalf("want code %d and stdout\n%s\ngot %s", tt.code, tt.want, r)
			}
		})
	}
}

func TestIPJSONSameIP(t *testing.T) {
	r := runIPArgs(t, "--json", "--direct", "-x", microsocks(t, ""), "--check-url", checkServer(t, "127.0.0.1"))
	want := `{"tor":{"ip":"127.0.0.1","is_tor":true},"direct":{"ip":"127.0.0.1"},"hidden":false}` + "\n"
	if r.code() != 10 || r.stdout != want {
		t.Fatalf("want code 10 and stdout\n%s\ngot %s", want, r)
	}
}

// TestIPFailures checks that a failed check is the fetch's own error, with
// no output on stdout (and so no JSON).
func TestIPFailures(t *testing.T) {
	proxy := microsocks(t, "127.0.0.2")
	notJSON := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html>not the check endpoint</html>")
	}))
	noIP := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"IsTor":true}`)
	}))
	notFound := serveLoopback(t, http.NotFoundHandler())
	silent := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the client has gone
	}))
	dead := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"tor down", []string{"--tor-addr", dead, "--check-url", checkServer(t)}, 7, "cannot reach Tor at " + dead},
		{"not json", []string{"-x", proxy, "--check-url", notJSON}, 8, "not JSON"},
		{"no ip", []string{"-x", proxy, "--check-url", noIP}, 8, "no IsTor or IP field"},
		{"404", []string{"-x", proxy, "--check-url", notFound}, 22, "404"},
		{"timeout", []string{"-m", "0.3", "-x", proxy, "--check-url", silent}, 28, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIPArgs(t, append([]string{"--json"}, tt.args...)...)
			if r.code() != tt.code || !strings.Contains(fmt.Sprint(r.err), tt.msg) {
				t.Fatalf("want exit %d saying %q, got %s", tt.code, tt.msg, r)
			}
			if r.stdout != "" {
				t.Errorf("stdout: want nothing, got %q", r.stdout)
			}
		})
	}
}

func TestIPUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"repeat 0", []string{"--repeat", "0"}, "--repeat must be at least 1"},
		{"tor-addr and -x", []string{"--tor-addr", "127.0.0.1:9050", "-x", "socks5h://127.0.0.1:9050"}, "not both"},
		{"socks5 resolves here", []string{"-x", "socks5://127.0.0.1:9050"}, "socks5h://127.0.0.1:9050"},
		{"argument", []string{"https://example.org/"}, "unexpected argument"},
		{"bad tor-addr", []string{"--tor-addr", "nonsense"}, "--tor-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIPArgs(t, tt.args...)
			if r.code() != 2 || !strings.Contains(r.err.Error(), tt.msg) {
				t.Fatalf("want code 2 saying %q, got %s", tt.msg, r)
			}
		})
	}
}

// TestIPLockInProcess checks, with a stand-in for the kernel lock, which
// ports `sockfetch ip` holds itself to, that -v says so once, and the lock
// flags' mistakes.
func TestIPLockInProcess(t *testing.T) {
	proxy := microsocks(t, "127.0.0.2")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(proxy, "socks5h://"))
	check := checkServer(t, "127.0.0.2")
	applied := func(calls *[][]int) restrictFunc {
		return func(ports []int, required bool) (netlock.Status, error) {
			*calls = append(*calls, ports)
			return netlock.Status{Applied: true, ABI: 7, Ports: ports, UDP: true}, nil
		}
	}
	tests := []struct {
		name      string
		restrict  func(calls *[][]int) restrictFunc
		args      []string
		code      int
		ports     string // fmt.Sprint of the calls
		stderrHas string
		errHas    string
	}{
		{name: "tor", restrict: applied, args: []string{"--tor-addr", strings.TrimPrefix(proxy, "socks5h://"), "--repeat", "2"},
			ports: "[[" + port + "]]", stderrHas: "* kernel lock: only TCP port " + port + " may be connected; UDP denied; Landlock ABI 7\n"},
		{name: "tor with --direct", restrict: applied, args: []string{"--tor-addr", strings.TrimPrefix(proxy, "socks5h://"), "--direct"},
			ports: "[[" + port + "]]", stderrHas: "* kernel lock: only TCP port " + port},
		{name: "-x without --lock", restrict: applied, args: []string{"-x", proxy}, ports: "[]"},
		{name: "-x --lock", restrict: applied, args: []string{"-x", proxy, "--lock"}, ports: "[[" + port + "]]", stderrHas: "* kernel lock: only TCP port " + port},
		{name: "-x --require-lock, unavailable", args: []string{"-x", proxy, "--require-lock"}, code: 2, ports: "[[" + port + "]]",
			errHas: "kernel lock unavailable: Landlock ABI < 4 (kernel has none) (--require-lock)",
			restrict: func(calls *[][]int) restrictFunc {
				return func(ports []int, required bool) (netlock.Status, error) {
					*calls = append(*calls, ports)
					if !required {
						t.Error("--require-lock did not require the lock")
					}
					return netlock.Status{Reason: "kernel lock unavailable: Landlock ABI < 4 (kernel has none)"}, fmt.Errorf("%w: Landlock ABI < 4 (kernel has none)", netlock.ErrUnavailable)
				}
			}},
		{name: "--no-lock --lock", restrict: applied, args: []string{"-x", proxy, "--lock", "--no-lock"}, code: 2, ports: "[]", errHas: "--no-lock contradicts --lock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls [][]int
			r := runIPLocked(t, tt.restrict(&calls), append([]string{"-v", "--check-url", check}, tt.args...)...)
			if r.code() != tt.code {
				t.Fatalf("want exit %d, got %s", tt.code, r)
			}
			if got := fmt.Sprint(calls); got != tt.ports {
				t.Errorf("lock applied with %s, want %s", got, tt.ports)
			}
			if !strings.Contains(r.stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, r.stderr)
			}
			if !strings.Contains(fmt.Sprint(r.err), tt.errHas) {
				t.Errorf("error %v lacks %q", r.err, tt.errHas)
			}
			if n := strings.Count(r.stderr, "kernel lock"); n > 1 {
				t.Errorf("-v names the lock %d times, want once:\n%s", n, r.stderr)
			}
		})
	}
}
