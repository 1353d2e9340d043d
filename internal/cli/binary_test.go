package cli

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveBuilds()
	os.Exit(code)
}

// runBinary runs the built binary with an environment free of proxy
// variables.
func runBinary(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Sockfetch(t), args...)
	cmd.Env = binaryEnv(t)
	return runCmd(t, cmd)
}

// binaryEnv is the whole environment of a run of the binary: PATH and an
// empty HOME.
func binaryEnv(t *testing.T) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
}

// runCmd runs cmd and returns what it showed.
func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := exitStatus(t, cmd, cmd.Run())
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// exitStatus returns the exit status of cmd, which ran with err. It fails
// t when cmd did not run at all.
func exitStatus(t *testing.T, cmd *exec.Cmd, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("run %s: %v", filepath.Base(cmd.Path), err)
	}
	return 0
}

// elapsed matches the time in "failed to connect ... after 3 ms".
var elapsed = regexp.MustCompile(`after [0-9]+ ms`)

func TestBinaryExitCodes(t *testing.T) {
	ok := okServer(t)
	nf := serve(t, "404.http")
	short := serve(t, "short.http")
	closed := testenv.FreePort(t)
	for _, tt := range []struct {
		args   []string
		code   int
		stdout string
		stderr string // exactly
	}{
		{[]string{ok.URL}, 0, "hello, world\n", ""},
		{[]string{ok.URL, "-sS", "-o", "-"}, 0, "hello, world\n", ""},
		{[]string{"-fsSL", nf.URL}, 22, "", "sockfetch: the requested URL returned error: 404\n"},
		{[]string{nf.URL, "-fs"}, 22, "", ""},
		{[]string{short.URL}, 18, "only 12 byte", "sockfetch: transfer closed with 88 bytes remaining to read (12 of 100 bytes)\n"},
		{[]string{fmt.Sprintf("http://127.0.0.1:%d/", closed)}, 7, "",
			fmt.Sprintf("sockfetch: failed to connect to 127.0.0.1 port %d after N ms: connection refused\n", closed)},
		{[]string{}, 2, "", "sockfetch: no URL specified\nhint: try 'sockfetch --help' for the options\n"},
		{[]string{"--tor", "-x", "socks5h://127.0.0.1:1", "http://x.test/"}, 2, "",
			"sockfetch: --tor and -x cannot be used together\nhint: --tor is the proxy; to use another Tor SocksPort give --tor-addr HOST:PORT\n"},
	} {
		r := runBinary(t, tt.args...)
		r.stderr = elapsed.ReplaceAllString(r.stderr, "after N ms")
		if r.code != tt.code || r.stdout != tt.stdout || r.stderr != tt.stderr {
			t.Errorf("sockfetch %s:\n got %d %q %q\nwant %d %q %q", strings.Join(tt.args, " "), r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}

func TestBinaryDemo(t *testing.T) {
	r := runBinary(t, "demo", "--no-color")
	if r.code != 0 || r.stdout != demoPage {
		t.Fatalf("demo: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"TCP", "GET /hello.html HTTP/1.1", "200 OK", "waterfall"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("demo's explanation lacks %q", want)
		}
	}
}

// bigBody is a deterministic body of n bytes.
func bigBody(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%23)
	}
	return b
}

// bigServer serves body with Content-Length, or until close when
// withLength is false.
func bigServer(t *testing.T, body []byte, withLength bool) *testserver.Server {
	head := "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
	if withLength {
		head += fmt.Sprintf("Content-Length: %d\r\n", len(body))
	}
	head += "\r\n"
	return testserver.Start(t, map[string]testserver.Reply{"": {Handle: func(c net.Conn, _ *testserver.Request) {
		c.Write([]byte(head))
		for b := body; len(b) > 0; {
			n := min(len(b), 1<<20)
			if _, err := c.Write(b[:n]); err != nil {
				return
			}
			b = b[n:]
		}
	}}})
}

// TestBinaryLargeBodies checks a large body byte for byte on the fast path
// (plain TCP to an *os.File: -o, or stdout redirected to a file).
func TestBinaryLargeBodies(t *testing.T) {
	body := bigBody(24<<20 + 12345)
	want := sha256.Sum256(body)
	for _, withLength := range []bool{true, false} {
		srv := bigServer(t, body, withLength)
		dir := t.TempDir()
		out := filepath.Join(dir, "big")
		r := runBinary(t, "-sS", "-o", out, srv.URL)
		got, _ := os.ReadFile(out)
		if r.code != 0 || sha256.Sum256(got) != want {
			t.Errorf("length=%v -o: exit %d (%s), %d bytes, want %d identical bytes", withLength, r.code, r.stderr, len(got), len(body))
		}
		// Standard output open on a file.
		f, _ := os.Create(filepath.Join(dir, "stdout"))
		cmd := exec.Command(testenv.Sockfetch(t), "-sS", srv.URL)
		cmd.Stdout = f
		err := cmd.Run()
		f.Close()
		got, _ = os.ReadFile(f.Name())
		if err != nil || sha256.Sum256(got) != want {
			t.Errorf("length=%v stdout: %v, %d bytes", withLength, err, len(got))
		}
	}
}

// TestBinarySplices checks with strace that the body goes from the socket
// to the file through splice(2), not through user space.
func TestBinarySplices(t *testing.T) {
	strace := testenv.RequireTool(t, "strace")
	body := bigBody(8 << 20)
	srv := bigServer(t, body, true)
	dir := t.TempDir()
	log := filepath.Join(dir, "strace.log")
	out := filepath.Join(dir, "big")
	cmd := exec.Command(strace, "-f", "-e", "trace=splice", "-o", log, testenv.Sockfetch(t), "-sS", "-o", out, srv.URL)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, body) {
		t.Fatalf("body of %d bytes differs", len(got))
	}
	trace, _ := os.ReadFile(log)
	if !bytes.Contains(trace, []byte("splice(")) {
		t.Errorf("no splice(2) call while copying an 8 MiB body to a file:\n%.2000s", trace)
	}
}

// TestBinarySocks5ResolvesHere is the other half of the socks5h proof, with
// the real resolver: in a mount namespace whose resolv.conf points at
// 127.0.0.1 (no DNS server there, so no query leaves the machine) and
// whose hosts file lacks the name, socks5:// fails with exit 6 while
// socks5h:// works.
func TestBinarySocks5ResolvesHere(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "unshare")
	testenv.RequireTool(t, "microsocks")
	dir := t.TempDir()
	proxyHosts := filepath.Join(dir, "proxy-hosts")
	os.WriteFile(proxyHosts, []byte("127.0.0.1 localhost\n127.0.0.1 only-the-proxy-knows.test\n"), 0o644)
	proxy := startMicrosocks(t, `exec unshare -m sh -c 'mount --bind "$1" /etc/hosts && exec microsocks -i 127.0.0.1 -p "$0"' "$1" "$2"`, proxyHosts)
	ourHosts := filepath.Join(dir, "hosts")
	os.WriteFile(ourHosts, []byte("127.0.0.1 localhost\n"), 0o644)
	resolv := filepath.Join(dir, "resolv.conf")
	os.WriteFile(resolv, []byte("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"), 0o644)
	srv := okServer(t)
	url := fmt.Sprintf("http://only-the-proxy-knows.test:%d/", srv.Port)

	run := func(scheme string) result {
		script := `mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && shift 2 && exec "$@"`
		return runBinaryArgs(t, "unshare", "-m", "sh", "-c", script, "sh", ourHosts, resolv, testenv.Sockfetch(t), "-x", scheme+"://"+proxy, url)
	}
	r := run("socks5h")
	r.want(t, 0, "hello, world\n")
	r = run("socks5")
	r.want(t, 6, "", "sockfetch: could not resolve host: only-the-proxy-knows.test")
}

// runBinaryArgs runs any command line and returns what it showed.
func runBinaryArgs(t *testing.T, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	return runCmd(t, cmd)
}
