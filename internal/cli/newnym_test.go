package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/urfave/cli/v2"

	"sockfetch/torctl"
	"sockfetch/torctl/torctltest"
)

// newnymResult is what a user sees from one run of `sockfetch newnym`.
type newnymResult struct {
	stdout, stderr string
	code           int
}

func (r newnymResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// runNewnym runs `sockfetch newnym args...` in an app of its own and
// prints a failure as the app does: "sockfetch: " and the error, then its
// hint.
func runNewnym(t *testing.T, stdin io.Reader, args ...string) newnymResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	ca := &cli.App{
		Name:           "sockfetch",
		Reader:         stdin,
		Writer:         &stdout,
		ErrWriter:      &stderr,
		Commands:       []*cli.Command{newnymCommand()},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	err := ca.Run(append([]string{"sockfetch", "newnym", "-m", "20"}, args...))
	r := newnymResult{stdout: stdout.String(), code: exitCode(err)}
	if err != nil {
		(&app{System: &System{stderr: &stderr}}).fail(err)
	}
	r.stderr = stderr.String()
	return r
}

// want checks the exit code and that each of has appears in stdout+stderr.
func (r newnymResult) want(t *testing.T, code int, has ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\n%s", r.code, code, r)
	}
	for _, h := range has {
		if !strings.Contains(r.stdout+r.stderr, h) {
			t.Errorf("output lacks %q\n%s", h, r)
		}
	}
}

// wantError checks a failure's shape: nothing on stdout, one
// "sockfetch: " line, and a "hint: " line when hint is not empty.
func (r newnymResult) wantError(t *testing.T, code int, msg, hint string) {
	t.Helper()
	r.want(t, code)
	if r.stdout != "" {
		t.Errorf("stdout %q on failure", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	errLine := last
	if hint != "" {
		if len(lines) < 2 || !strings.HasPrefix(last, "hint: ") || !strings.Contains(last, hint) {
			t.Errorf("last stderr line %q, want a hint with %q\n%s", last, hint, r)
			return
		}
		errLine = lines[len(lines)-2]
	}
	if !strings.HasPrefix(errLine, "sockfetch: ") || !strings.Contains(errLine, msg) {
		t.Errorf("error line %q, want \"sockfetch: \" and %q\n%s", errLine, msg, r)
	}
}

func TestNewnymClosedPort(t *testing.T) {
	addr := closedAddr(t)
	r := runNewnym(t, nil, "--control", addr)
	r.wantError(t, 7, "cannot connect to Tor's control port at "+addr+" (connection refused)",
		"is tor running? Then enable its control port in torrc with the lines 'ControlPort 9051' and 'CookieAuthentication 1', and restart tor")
	if strings.Contains(r.stderr, " or ") {
		t.Errorf("an explicit --control got a fallback:\n%s", r)
	}
}

func TestNewnymDefaultAddresses(t *testing.T) {
	tcp := closedAddr(t)
	sock := "unix:" + filepath.Join(t.TempDir(), "control")
	old := defaultControlAddrs
	defaultControlAddrs = []string{tcp, sock}
	t.Cleanup(func() { defaultControlAddrs = old })

	r := runNewnym(t, nil, "-v")
	r.wantError(t, 7,
		fmt.Sprintf("cannot connect to Tor's control port at %s (connection refused) or %s (no such file or directory)", tcp, sock),
		"'ControlPort 9051'")
	r.want(t, 7, "* trying Tor's control port at "+tcp, "* trying Tor's control port at "+sock)
}

func TestNewnymControlSocketPermission(t *testing.T) {
	hint := groupHint(t.TempDir(), "use the control socket")
	if !strings.Contains(hint, "only members of group ") || !strings.Contains(hint, "sudo usermod -aG ") {
		t.Errorf("hint %q", hint)
	}
}

// TestNewnymNotControlPort points newnym at a port that answers like Tor's
// SocksPort does to a line of text.
func TestNewnymNotControlPort(t *testing.T) {
	addr := acceptEach(t, func(c net.Conn) {
		c.Write([]byte("HTTP/1.0 501 Tor is not an HTTP Proxy\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n"))
		c.Close()
	})
	r := runNewnym(t, nil, "--control", addr)
	r.wantError(t, 8, addr+" does not speak Tor's control protocol", "not its SocksPort (9050)")
}

// TestNewnymTimeout points newnym at a port that accepts and never
// answers.
func TestNewnymTimeout(t *testing.T) {
	addr := acceptEach(t, func(c net.Conn) { t.Cleanup(func() { c.Close() }) })
	r := runNewnym(t, nil, "--control", addr, "-m", "0.2")
	r.wantError(t, 28, "Tor at "+addr+" did not answer PROTOCOLINFO within 200ms", "")
}

// acceptEach hands each connection accepted on a loopback port to handle,
// in the accepting goroutine, until the test ends. It returns the address.
func acceptEach(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			handle(c)
		}
	}()
	return ln.Addr().String()
}

func TestNewnymUsage(t *testing.T) {
	runNewnym(t, nil, "--control", closedAddr(t), "hunter2").wantError(t, 2,
		"newnym takes no arguments (got hunter2)", "never on the command line")
	runNewnym(t, nil, "-m", "0").wantError(t, 2, "--max-time must be more than 0", "")
}

// TestNewnymCookieWords checks the words for a cookie file the user may not
// read. Root reads every file, so the error is built as torctl builds it.
func TestNewnymCookieWords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "control.authcookie")
	os.WriteFile(path, bytes.Repeat([]byte{1}, 32), 0o640)
	e := cookieError(&torctl.CookieError{Path: path, Err: fs.ErrPermission})
	if code := exitCode(e); code != 26 {
		t.Errorf("exit %d, want 26", code)
	}
	want := "cannot read Tor's cookie file " + path + ": permission denied\nhint: only group "
	if got := e.Error() + "\nhint: " + hint(e); !strings.HasPrefix(got, want) || !strings.Contains(got, "sudo usermod -aG ") || !strings.HasSuffix(got, "and log in again") {
		t.Errorf("message\n%s\nwant it to start with\n%s\nand say how to join the group", got, want)
	}
}

// startTor starts a standalone tor for one test (a few tens of
// milliseconds) and stops it when the test ends.
func startTor(t *testing.T, opts torctltest.Options) *torctltest.Tor {
	t.Helper()
	tor := (&torctltest.Shared{Options: opts}).Get(t)
	t.Cleanup(func() { tor.Stop() })
	return tor
}

const (
	newnymSays  = "new identity requested: new connections will use new circuits"
	switchedNow = "Tor switched at once (it switches at most every 10 s, and answers 250 OK inside that window too)"
	deferred    = "Tor switches at most every 10 s: it answered 250 OK and switches in "
)

// TestNewnymCookie runs newnym against a real tor with cookie
// authentication. Tor switches at the first NEWNYM and defers a second one
// that comes within 10 s: the output says which happened.
func TestNewnymCookie(t *testing.T) {
	tor := startTor(t, torctltest.Options{Cookie: true})
	t.Setenv(envTorPassword, "")

	// A second control connection watches the signals.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	watcher, err := torctl.Dial(ctx, tor.ControlAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	if err := watcher.Authenticate(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := watcher.SetEvents(ctx, "SIGNAL"); err != nil {
		t.Fatal(err)
	}

	r := runNewnym(t, nil, "--control", tor.ControlAddr, "-v")
	r.want(t, 0, newnymSays, switchedNow,
		"* connected to Tor's control port at "+tor.ControlAddr,
		"* authenticating with SAFECOOKIE, cookie file "+tor.CookieFile)
	e, err := watcher.NextEvent(ctx)
	if err != nil || e.Raw[0] != "650 SIGNAL NEWNYM" {
		t.Errorf("watcher saw %v, %v; want 650 SIGNAL NEWNYM", e, err)
	}

	// Within 10 s of the first: Tor answers 250 OK and defers.
	r = runNewnym(t, nil, "--control", tor.ControlAddr, "--cookie", tor.CookieFile)
	r.want(t, 0, newnymSays, deferred)
	if r.stderr != "" {
		t.Errorf("stderr without -v:\n%s", r)
	}
	// The deferred switch still happens, and the watcher sees it.
	e, err = watcher.NextEvent(ctx)
	if err != nil || e.Raw[0] != "650 SIGNAL NEWNYM" {
		t.Errorf("watcher saw %v, %v; want the deferred 650 SIGNAL NEWNYM", e, err)
	}

	// The default addresses: the first is closed, the second is this tor.
	old := defaultControlAddrs
	defaultControlAddrs = []string{closedAddr(t), tor.ControlAddr}
	t.Cleanup(func() { defaultControlAddrs = old })
	r = runNewnym(t, nil, "-v")
	r.want(t, 0, newnymSays, "* connected to Tor's control port at "+tor.ControlAddr)
}

func TestNewnymCookieFiles(t *testing.T) {
	tor := startTor(t, torctltest.Options{Cookie: true, Socket: true})
	t.Setenv(envTorPassword, "")
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	other := filepath.Join(dir, "other_cookie")
	os.WriteFile(other, bytes.Repeat([]byte{7}, 32), 0o600)
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("not a cookie\n"), 0o600)

	// Over the control socket; a password in the environment does not
	// matter when tor takes cookies only.
	t.Setenv(envTorPassword, "irrelevant")
	runNewnym(t, nil, "--control", tor.SocketAddr, "-v").want(t, 0, newnymSays,
		"* connected to Tor's control port at "+tor.SocketAddr, "* authenticating with SAFECOOKIE")

	runNewnym(t, nil, "--control", tor.ControlAddr, "--cookie", missing).wantError(t, 26,
		"cannot read Tor's cookie file "+missing+": no such file or directory", "CookieAuthentication 1")
	runNewnym(t, nil, "--control", tor.ControlAddr, "--cookie", dir).wantError(t, 26,
		"cannot read Tor's cookie file "+dir+": not a regular file", "not a directory")
	runNewnym(t, nil, "--control", tor.ControlAddr, "--cookie", short).wantError(t, 26,
		"cannot read Tor's cookie file "+short+": not a Tor control cookie (13 bytes, not 32)", "the cookie file that tor wrote")
	runNewnym(t, nil, "--control", tor.ControlAddr, "--cookie", other).wantError(t, 67,
		"does not know the cookie in "+other+": a different tor wrote it", "CookieAuthFile")
}

func TestNewnymPassword(t *testing.T) {
	tor := startTor(t, torctltest.Options{Password: "correct horse battery"})

	t.Setenv(envTorPassword, tor.Password)
	runNewnym(t, nil, "--control", tor.ControlAddr, "-v").want(t, 0, newnymSays, "* authenticating with HASHEDPASSWORD")

	t.Setenv(envTorPassword, "wrong")
	runNewnym(t, nil, "--control", tor.ControlAddr).wantError(t, 67,
		"Tor at "+tor.ControlAddr+" refused the password (515 bad authentication)", "$SOCKFETCH_TOR_PASSWORD")

	t.Setenv(envTorPassword, tor.Hash)
	runNewnym(t, nil, "--control", tor.ControlAddr).wantError(t, 67,
		"Tor refused the password: it is the 16:... hash from torrc's HashedControlPassword, not the password",
		"give the password that was hashed with 'tor --hash-password'")

	t.Setenv(envTorPassword, "")
	runNewnym(t, nil, "--control", tor.ControlAddr).wantError(t, 67,
		"Tor at "+tor.ControlAddr+" wants a control password", "put it in $SOCKFETCH_TOR_PASSWORD, or run newnym on a terminal")

	runNewnym(t, nil, "--control", tor.ControlAddr, "--cookie", "/nonexistent").wantError(t, 67,
		"--cookie given, but Tor at "+tor.ControlAddr+" does not accept a cookie (it offers HASHEDPASSWORD)", "CookieAuthentication 1")
}

// TestNewnymPrompt types the password at a terminal (a pty).
func TestNewnymPrompt(t *testing.T) {
	tor := startTor(t, torctltest.Options{Password: "typed at the prompt"})
	t.Setenv(envTorPassword, "")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	go io.Copy(io.Discard, ptmx)
	if _, err := ptmx.Write([]byte(tor.Password + "\n")); err != nil {
		t.Fatal(err)
	}
	r := runNewnym(t, tty, "--control", tor.ControlAddr)
	r.want(t, 0, "Tor control password for "+tor.ControlAddr+": ", newnymSays)
	if strings.Contains(r.stdout+r.stderr, tor.Password) {
		t.Errorf("the password shows in the output:\n%s", r)
	}
}
