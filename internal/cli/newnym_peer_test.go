//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"sockfetch/fetch/fetchtrace"
)

// fakeControl is a control port that answers each command by the first
// entry of replies whose key begins the command line, and records the
// lines it was sent. It is whatever answers on 127.0.0.1: newnym must not
// trust it.
type fakeControl struct {
	addr  string
	mu    sync.Mutex
	lines []string
}

func startFakeControl(t *testing.T, replies [][2]string) *fakeControl {
	t.Helper()
	f := &fakeControl{}
	f.addr = acceptEach(t, func(c net.Conn) {
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				line = strings.TrimRight(line, "\r\n")
				f.mu.Lock()
				f.lines = append(f.lines, line)
				f.mu.Unlock()
				reply := "510 Unrecognized command\r\n"
				for _, r := range replies {
					if strings.HasPrefix(line, r[0]) {
						reply = r[1]
						break
					}
				}
				c.Write([]byte(reply))
			}
		}()
	})
	return f
}

// sent returns the command lines the fake received.
func (f *fakeControl) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.lines)
}

// protocolInfo is a PROTOCOLINFO reply offering COOKIE with file.
func protocolInfo(file string) string {
	return "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE COOKIEFILE=\"" + file + "\"\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n"
}

// TestNewnymCookieFileRules: a control port names 32-byte files that are
// not where Tor keeps a cookie. newnym reads none of them, sends no
// AUTHENTICATE, and says why in one line (exit 26, as for any cookie file
// it cannot use); --cookie (or --cookie-file) names the same file on
// purpose, and then it is used.
func TestNewnymCookieFileRules(t *testing.T) {
	t.Setenv(envTorPassword, "")
	dir := t.TempDir()
	secret := []byte("0123456789abcdef0123456789abcdef") // 32 bytes, like /etc/hostname or a key
	write := func(rel string) string {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, secret, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hostname := write("etc/hostname")
	link := filepath.Join(dir, "link", "control_auth_cookie")
	os.MkdirAll(filepath.Dir(link), 0o700)
	os.Symlink(hostname, link)
	fifo := filepath.Join(dir, "fifo", "control_auth_cookie")
	os.MkdirAll(filepath.Dir(fifo), 0o700)
	syscall.Mkfifo(fifo, 0o600)
	open := write("shared/control_auth_cookie")
	os.Chmod(filepath.Dir(open), 0o777)

	const hint = "hint: Tor keeps its cookie as control_auth_cookie in its DataDirectory (Debian: /run/tor/control.authcookie); if this is your tor's cookie all the same, give it with --cookie FILE"
	for _, tt := range []struct{ path, why string }{
		{hostname, "its name is not control_auth_cookie or control.authcookie"},
		{"/etc/hostname", "its name is not control_auth_cookie or control.authcookie"},
		{link, "a symbolic link"},
		{fifo, "not a regular file"},
		{open, "its directory " + filepath.Dir(open) + " is writable by others"},
	} {
		f := startFakeControl(t, [][2]string{{"PROTOCOLINFO", protocolInfo(tt.path)}, {"AUTHENTICATE", "250 OK\r\n"}})
		r := sockfetch(t, "newnym", "-m", "5", "--control", f.addr)
		want := "sockfetch: will not read the cookie file " + tt.path + " that the control port names: not where Tor keeps a cookie: " + tt.why + "\n" + hint + "\n"
		if r.code != 26 || r.stdout != "" || r.stderr != want {
			t.Errorf("COOKIEFILE=%s: exit %d, stdout %q\nstderr %q\nwant exit 26 and\n       %q", tt.path, r.code, r.stdout, r.stderr, want)
		}
		if got := f.sent(); !slices.Equal(got, []string{"PROTOCOLINFO 1"}) {
			t.Errorf("COOKIEFILE=%s: the control port was sent %q, want only PROTOCOLINFO", tt.path, got)
		}
	}

	// Named by the user, the file is used.
	for _, flag := range []string{"--cookie", "--cookie-file"} {
		f := startFakeControl(t, [][2]string{
			{"PROTOCOLINFO", protocolInfo(hostname)},
			{"AUTHENTICATE", "250 OK\r\n"},
			{"SETEVENTS", "250 OK\r\n"},
			{"SIGNAL NEWNYM", "250 OK\r\n650 SIGNAL NEWNYM\r\n"},
		})
		r := sockfetch(t, "newnym", "-m", "5", "--control", f.addr, flag, hostname)
		r.want(t, 0, newnymSays+"\n"+switchedNow+"\n")
		if got := f.sent(); len(got) < 2 || got[1] != "AUTHENTICATE 30313233343536373839616263646566"+"30313233343536373839616263646566" {
			t.Errorf("%s: sent %q, want AUTHENTICATE with the file's bytes", flag, got)
		}
	}
}

// TestNewnymEscapesPeerWords: what the control port says reaches the
// terminal escaped, in the -v lines and in the error line: an OSC title
// sequence, a screen clear, a line break and a right-to-left override.
func TestNewnymEscapesPeerWords(t *testing.T) {
	t.Setenv(envTorPassword, "")
	cookie := filepath.Join(t.TempDir(), "control_auth_cookie")
	os.WriteFile(cookie, bytes.Repeat([]byte{1}, 32), 0o600)
	evil := `\033]0;pwned\007\033[2J` // C escapes in a quoted string: Tor's own form
	f := startFakeControl(t, [][2]string{
		{"PROTOCOLINFO", "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE COOKIEFILE=\"" + cookie + "\"\r\n" +
			"250-VERSION Tor=\"" + evil + "0.4\u202e9\"\r\n250 OK\r\n"},
		{"AUTHENTICATE", "250 OK\r\n"},
		{"SETEVENTS", "250 OK\r\n"},
		{"SIGNAL", "552 Unrecognized signal \x1b[31m\u2066red\u2069 \x9b\r\n"},
	})
	r := sockfetch(t, "newnym", "-v", "-m", "5", "--control", f.addr)
	want := "* trying Tor's control port at " + f.addr + "\n" +
		"* connected to Tor's control port at " + f.addr + "\n" +
		`* Tor \x1b]0;pwned\x07\x1b[2J0.4\u202e9 offers authentication COOKIE` + "\n" +
		"* authenticating with COOKIE, cookie file " + cookie + "\n" +
		"* authenticated\n" +
		`sockfetch: Tor at ` + f.addr + ` refused SIGNAL NEWNYM: 552 Unrecognized signal \x1b[31m\u2066red\u2069 \x9b` + "\n"
	if r.code != 8 || r.stdout != "" || r.stderr != want {
		t.Errorf("exit %d, stdout %q\nstderr\n%s\nwant exit 8 and\n%s", r.code, r.stdout, r.stderr, want)
	}
}

// TestNewnymDefaultAddressOrder: without --control, newnym tries Debian's
// control socket, then Tor Browser's port, and 127.0.0.1:9051 last (why:
// defaultControlAddrs).
func TestNewnymDefaultAddressOrder(t *testing.T) {
	want := []string{"unix:/run/tor/control", "127.0.0.1:9151", "127.0.0.1:9051"}
	if !slices.Equal(defaultControlAddrs, want) {
		t.Errorf("defaultControlAddrs = %q, want %q", defaultControlAddrs, want)
	}
}

// TestIPVerboseEscapes: ip's -v lines pass what fetch says through the one
// escaping rule, as newnym's do (an Info line may quote a proxy or a
// server).
func TestIPVerboseEscapes(t *testing.T) {
	var b bytes.Buffer
	observe := ipObserver(&b)
	observe(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "proxy said \x1b]0;pwned\x07 \u202eexe.txt"})
	observe(fetchtrace.Event{Kind: fetchtrace.EvLock, Info: "lock \x9b2J"})
	want := `* proxy said \x1b]0;pwned\x07 \u202eexe.txt` + "\n" + `* lock \x9b2J` + "\n"
	if b.String() != want {
		t.Errorf("-v wrote %q, want %q", b.String(), want)
	}
}
