//go:build unix

package torctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadNamedCookie checks where a cookie file that PROTOCOLINFO names is
// read, and that everywhere else it is refused with ErrCookieUntrusted
// before a byte of it is read.
func TestReadNamedCookie(t *testing.T) {
	cookie := bytes.Repeat([]byte{0xA5}, 32)
	write := func(path string) string {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, cookie, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	dir := t.TempDir()
	good := write(filepath.Join(dir, "data", "control_auth_cookie"))
	debian := write(filepath.Join(dir, "run-tor", "control.authcookie"))
	hostname := write(filepath.Join(dir, "etc", "hostname")) // 32 bytes, as a machine's name or id can be
	link := filepath.Join(dir, "link", "control_auth_cookie")
	os.MkdirAll(filepath.Dir(link), 0o700)
	if err := os.Symlink(hostname, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo", "control_auth_cookie")
	os.MkdirAll(filepath.Dir(fifo), 0o700)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	asDir := filepath.Join(dir, "isdir", "control_auth_cookie")
	os.MkdirAll(asDir, 0o700)
	open := write(filepath.Join(dir, "tmp", "control_auth_cookie"))
	os.Chmod(filepath.Dir(open), 0o777)

	tests := []struct {
		name, path string
		why        string // "" when it is read
	}{
		{"DataDirectory", good, ""},
		{"Debian's CookieAuthFile", debian, ""},
		{"another 32-byte file", hostname, "its name is not control_auth_cookie or control.authcookie"},
		{"device", "/dev/zero", "its name is not control_auth_cookie or control.authcookie"},
		{"relative", "control_auth_cookie", "not an absolute path"},
		{"symlink to elsewhere", link, "a symbolic link"},
		{"FIFO", fifo, "not a regular file"},
		{"directory", asDir, "not a regular file"},
		{"directory writable by others", open, "its directory " + filepath.Dir(open) + " is writable by others"},
	}
	if os.Geteuid() == 0 {
		other := write(filepath.Join(dir, "other", "control_auth_cookie"))
		os.Chown(other, 4242, 4242)
		rootInTors := write(filepath.Join(dir, "torsdir", "control_auth_cookie"))
		os.Chown(filepath.Dir(rootInTors), 4242, 4242)
		tests = append(tests,
			struct{ name, path, why string }{"owned by another user", other, "owned by uid 4242, neither root nor the owner of its directory (uid 0)"},
			struct{ name, path, why string }{"owned by root", rootInTors, ""},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ReadNamedCookie(tt.path)
			if tt.why == "" {
				if err != nil || !bytes.Equal(b, cookie) {
					t.Fatalf("ReadNamedCookie(%s) = %x, %v; want the cookie", tt.path, b, err)
				}
				return
			}
			var ce *CookieError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCookieUntrusted) || b != nil {
				t.Fatalf("ReadNamedCookie(%s) = %x, %v; want a CookieError matching ErrCookieUntrusted", tt.path, b, err)
			}
			want := "torctl: cookie file " + tt.path + ": not where Tor keeps a cookie: " + tt.why
			if err.Error() != want {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
			}
			if !strings.Contains(ce.Hint(), "control_auth_cookie in its DataDirectory") {
				t.Errorf("Hint() = %q", ce.Hint())
			}
		})
	}
	// The user may name any file: ReadCookie checks only its size.
	if b, err := ReadCookie(hostname); err != nil || !bytes.Equal(b, cookie) {
		t.Errorf("ReadCookie(%s) = %x, %v; want the file's bytes", hostname, b, err)
	}
}

// TestAuthenticateRefusesNamedFile: a peer that offers COOKIE and names a
// 32-byte file that is not a cookie gets no AUTHENTICATE, so not the file;
// the same file named by the caller is sent.
func TestAuthenticateRefusesNamedFile(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "hostname")
	os.WriteFile(secret, bytes.Repeat([]byte{'s'}, 32), 0o600)
	pi := fmt.Sprintf(piReply, "COOKIE", fmt.Sprintf(" COOKIEFILE=%q", secret))

	// The fake reads nothing after PROTOCOLINFO: over its unbuffered pipe,
	// an AUTHENTICATE would block until the test timed out.
	c, done := fakeTor(t, step{want: "PROTOCOLINFO 1", reply: pi})
	err := c.Authenticate(context.Background(), "", "")
	if !errors.Is(err, ErrCookieUntrusted) {
		t.Fatalf("Authenticate: %v, want ErrCookieUntrusted", err)
	}
	<-done
	c.Close()

	c, done = fakeTor(t, step{want: "PROTOCOLINFO 1", reply: pi},
		step{want: "AUTHENTICATE " + strings.Repeat("73", 32), reply: "250 OK\r\n"})
	if err := c.Authenticate(context.Background(), "", secret); err != nil {
		t.Fatalf("Authenticate with the caller's file: %v", err)
	}
	<-done
}
