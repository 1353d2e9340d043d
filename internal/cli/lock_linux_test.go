package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// runTraced runs the binary with args under strace (testenv.LockStraceArgs)
// and returns what it showed and strace's output.
func runTraced(t *testing.T, args ...string) (result, string) {
	t.Helper()
	strace := testenv.RequireTool(t, "strace")
	out := filepath.Join(t.TempDir(), "strace.out")
	cmd := exec.Command(strace, append(append(testenv.LockStraceArgs(out), testenv.Sockfetch(t)), args...)...)
	cmd.Env = binaryEnv(t)
	r := runCmd(t, cmd)
	trace, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return r, string(trace)
}

// TestBinaryLock runs the built binary through a SOCKS5 server standing in
// for Tor, to a page that redirects to another loopback port. Under --tor
// the redirect goes through the proxy, and strace shows the kernel lock
// before the first connect and no connect but to the proxy's port. With -x
// --lock and --noproxy naming the redirect's host, sockfetch tries the
// direct connection, and the kernel refuses it: the server never sees it.
// Without the lock the same command line connects directly.
func TestBinaryLock(t *testing.T) {
	abi := testenv.RequireLandlock(t)
	final := okServer(t)
	direct := fmt.Sprintf("http://127.0.0.1:%d/", final.Port)
	first := testserver.Start(t, map[string]testserver.Reply{"": redirect(302, direct)})
	proxy := torProxy(t, map[string]string{"site.test": "127.0.0.1"})
	url := fmt.Sprintf("http://site.test:%d/", first.Port)
	lockLine := fmt.Sprintf("* kernel lock: only TCP port %d may be connected; UDP denied; Landlock ABI %d\n", proxy.Port, abi)

	t.Run("tor", func(t *testing.T) {
		r, trace := runTraced(t, "--tor", "--tor-addr", proxy.Addr, "-L", "-v", url)
		r.want(t, 0, "hello, world\n", lockLine)
		testenv.ParseLockTrace(trace).OnlyTo(t, proxy.Port, trace)
		reqs := proxy.Requests()
		if len(reqs) != 2 || reqs[0].Host != "site.test" || reqs[1].Host != "127.0.0.1" || reqs[1].Port != final.Port {
			t.Errorf("SOCKS requests %+v, want site.test then the redirect's 127.0.0.1:%d", reqs, final.Port)
		}
	})

	t.Run("direct refused", func(t *testing.T) {
		before := final.Accepted()
		r, trace := runTraced(t, "-x", "socks5h://"+proxy.Addr, "--lock", "--noproxy", "127.0.0.1", "-L", "-v", url)
		r.want(t, 7, "", lockLine,
			fmt.Sprintf("sockfetch: failed to connect to 127.0.0.1 port %d after ", final.Port), " ms: permission denied\n",
			fmt.Sprintf("hint: kernel lock: only TCP port %d may be connected; UDP denied; Landlock ABI %d: a connection around the proxy is refused\n", proxy.Port, abi))
		if n := final.Accepted() - before; n != 0 {
			t.Errorf("the server accepted %d direct connections under the lock, want 0", n)
		}
		lt := testenv.ParseLockTrace(trace)
		for _, p := range lt.Problems {
			t.Error(p)
		}
		refused := 0
		for _, c := range lt.Connects {
			switch {
			case c.Port == final.Port && c.Refused:
				refused++
			case c.Port != proxy.Port || c.Refused:
				t.Errorf("unexpected connect: %s", c.Call)
			}
		}
		if refused == 0 {
			t.Errorf("strace shows no refused connect to port %d:\n%s", final.Port, trace)
		}
	})

	t.Run("direct without the lock", func(t *testing.T) {
		before := final.Accepted()
		r := runBinary(t, "-x", "socks5h://"+proxy.Addr, "--noproxy", "127.0.0.1", "-L", url)
		r.want(t, 0, "hello, world\n")
		if n := final.Accepted() - before; n != 1 {
			t.Errorf("the server accepted %d direct connections, want 1", n)
		}
	})
}

// TestBinaryLockFlags checks the lock flags' mistakes through the binary:
// exit 2 before any connection.
func TestBinaryLockFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--require-lock", "http://127.0.0.1:1/"}, "sockfetch: --lock and --require-lock need --tor or -x socks5h://HOST:PORT"},
		{[]string{"--tor", "--no-lock", "--lock", "http://127.0.0.1:1/"}, "sockfetch: --no-lock contradicts --lock and --require-lock"},
		{[]string{"-x", "socks5://127.0.0.1:1", "--lock", "http://127.0.0.1:1/"}, "sockfetch: the kernel lock needs -x socks5h://"},
	} {
		r := runBinary(t, tt.args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, tt.msg) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.msg)
		}
	}
}
