package cli

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"sockfetch/internal/testenv"
)

// startMicrosocks runs Debian's microsocks on a free port of 127.0.0.1,
// through sh -c script when script is not "" (with $1 the port), and
// returns its address.
func startMicrosocks(t *testing.T, script string, args ...string) string {
	t.Helper()
	bin := testenv.RequireTool(t, "microsocks")
	port := testenv.FreePort(t)
	var cmd *exec.Cmd
	if script == "" {
		cmd = exec.Command(bin, append([]string{"-i", "127.0.0.1", "-p", strconv.Itoa(port)}, args...)...)
	} else {
		cmd = exec.Command("sh", append([]string{"-c", script, "sh", strconv.Itoa(port)}, args...)...)
	}
	var log bytes.Buffer // what microsocks says on stderr, shown when the test fails
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start microsocks: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("microsocks's stderr:\n%s", log.Bytes())
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
	}
	t.Fatalf("microsocks did not listen on %s", addr)
	return ""
}

func TestMicrosocks(t *testing.T) {
	srv := okServer(t)
	proxy := startMicrosocks(t, "")
	var dl dialLog
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: dl.dial}, "-x", "socks5h://"+proxy, srv.URL+"/via")
	r.want(t, 0, "hello, world\n")
	dl.onlyTo(t, proxy)
	r = sockfetch(t, "-v", "-x", "socks5://"+proxy, fmt.Sprintf("http://localhost:%d/", srv.Port))
	if r.code != 0 || r.stdout != "hello, world\n" {
		t.Fatalf("socks5:// through microsocks: exit %d, %q, %s", r.code, r.stdout, r.stderr)
	}
	// The target port is closed: microsocks says so in its reply.
	closed := testenv.FreePort(t)
	r = sockfetch(t, "-x", "socks5h://"+proxy, fmt.Sprintf("http://127.0.0.1:%d/", closed))
	r.want(t, 97, "", "sockfetch: ")
	r.errLine(t)
}

func TestMicrosocksAuth(t *testing.T) {
	srv := okServer(t)
	proxy := startMicrosocks(t, "", "-u", "alice", "-P", "s3cret")
	sockfetch(t, "-x", "socks5h://alice:s3cret@"+proxy, srv.URL).want(t, 0, "hello, world\n")
	r := sockfetch(t, "-x", "socks5h://alice:wrong@"+proxy, srv.URL)
	r.want(t, 97, "", "sockfetch: ", "password")
	r = sockfetch(t, "-x", "socks5h://"+proxy, srv.URL)
	r.want(t, 97, "", "sockfetch: ")
	r.errLine(t)
}

// TestSocks5hLetsTheProxyResolve proves that with socks5h:// the proxy
// resolves the name: microsocks runs in a private mount namespace whose
// /etc/hosts knows a name this process's resolver does not. The name works
// through socks5h:// and fails (exit 6, resolved here) with socks5://.
func TestSocks5hLetsTheProxyResolve(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "unshare")
	testenv.RequireTool(t, "microsocks")
	hosts := filepath.Join(t.TempDir(), "hosts")
	os.WriteFile(hosts, []byte("127.0.0.1 localhost\n127.0.0.1 only-the-proxy-knows.test\n"), 0o644)
	proxy := startMicrosocks(t, `exec unshare -m sh -c 'mount --bind "$1" /etc/hosts && exec microsocks -i 127.0.0.1 -p "$0"' "$1" "$2"`, hosts)
	srv := okServer(t)
	url := fmt.Sprintf("http://only-the-proxy-knows.test:%d/", srv.Port)

	r := sockfetchWith(t, runOpts{resolver: failResolver{t}}, "-x", "socks5h://"+proxy, url)
	r.want(t, 0, "hello, world\n")

	// socks5:// resolves here, where the name is unknown. (The resolver is
	// a table standing in for this machine's; TestBinarySocks5ResolvesHere
	// uses the real one.)
	r = sockfetch(t, "-x", "socks5://"+proxy, url)
	r.want(t, 6, "", "sockfetch: could not resolve host: only-the-proxy-knows.test")
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
}
