package torctl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// step is one exchange with the fake tor: it reads a command line (unless
// want is empty), checks it starts with want, and writes reply (or what
// answer returns for the line).
type step struct {
	want   string
	reply  string
	answer func(line string) string
	hangup bool // close the connection after the reply, as tor does after 515
}

// fakeTor serves script on the far end of a pipe and returns a Conn on the
// near end. The script's errors are reported through t; done is closed when
// the script ends (the far end stays open until the test ends).
func fakeTor(t *testing.T, script ...step) (c *Conn, done chan struct{}) {
	t.Helper()
	near, far := net.Pipe()
	done = make(chan struct{})
	t.Cleanup(func() { far.Close(); near.Close(); <-done })
	go func() {
		defer close(done)
		br := bufio.NewReader(far)
		for _, s := range script {
			line := ""
			if s.want != "" {
				l, err := br.ReadString('\n')
				if err != nil {
					t.Errorf("fake tor: waiting for %q: %v", s.want, err)
					return
				}
				if !strings.HasSuffix(l, "\r\n") {
					t.Errorf("fake tor: command %q does not end in CR LF", l)
				}
				line = strings.TrimSuffix(l, "\r\n")
				if !strings.HasPrefix(line, s.want) {
					t.Errorf("fake tor: got command %q, want %q", line, s.want)
					return
				}
			}
			reply := s.reply
			if s.answer != nil {
				reply = s.answer(line)
			}
			if reply == "" {
				continue
			}
			if _, err := far.Write([]byte(reply)); err != nil {
				return
			}
			if s.hangup {
				far.Close()
				return
			}
		}
	}()
	return NewConn(near), done
}

func TestCommandQueuesEvents(t *testing.T) {
	c, _ := fakeTor(t, step{
		want:  "GETINFO version",
		reply: "650 SIGNAL NEWNYM\r\n650-CONF_CHANGED\r\n650-ExitNodes=exit1\r\n650 OK\r\n250-version=0.4.9.11\r\n250 OK\r\n",
	})
	ctx := context.Background()
	m, err := c.GetInfo(ctx, "version")
	if err != nil || m["version"] != "0.4.9.11" {
		t.Fatalf("GetInfo = %q, %v", m, err)
	}
	for _, want := range []string{"SIGNAL NEWNYM", "CONF_CHANGED "} {
		e, err := c.NextEvent(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Type + " " + e.Text; got != want {
			t.Errorf("event %q, want %q (raw %q)", got, want, e.Raw)
		}
	}
}

func TestReplyWithoutCommand(t *testing.T) {
	c, _ := fakeTor(t, step{reply: "250 OK\r\n"})
	<-c.done // the reader stops at the stray reply
	_, err := c.GetInfo(context.Background(), "version")
	if err == nil || !strings.Contains(err.Error(), "reply without a command") {
		t.Errorf("err = %v, want one about a reply without a command", err)
	}
}

func TestContextEndsCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	// The fake tor reads the command, then the context ends: no reply.
	c, _ := fakeTor(t, step{want: "SIGNAL NEWNYM", answer: func(string) string { cancel(); return "" }})
	err := c.Signal(ctx, "NEWNYM")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if err := c.Signal(context.Background(), "NEWNYM"); !errors.Is(err, ErrClosed) {
		t.Errorf("after a cancelled command: err = %v, want ErrClosed", err)
	}
}

func TestTorClosesConnection(t *testing.T) {
	c, done := fakeTor(t, step{want: "AUTHENTICATE", reply: "515 Authentication failed: Password did not match HashedControlPassword value from configuration\r\n", hangup: true})
	c.pi = &ProtocolInfo{AuthMethods: []string{MethodHashedPassword}}
	err := c.Authenticate(context.Background(), "wrong", "")
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	var re *ReplyError
	if !errors.As(err, &re) || re.Code != 515 || !strings.Contains(err.Error(), "Password did not match") {
		t.Errorf("err = %v, want the 515 reply's text", err)
	}
	<-done
	if _, err := c.GetInfo(context.Background(), "version"); !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
}

func TestNoInjection(t *testing.T) {
	c, _ := fakeTor(t) // reads nothing: any write would block the test
	ctx := context.Background()
	for name, err := range map[string]error{
		"SetConf CRLF":    c.SetConf(ctx, "ExitNodes=a\r\nSIGNAL SHUTDOWN"),
		"SetConf NUL":     c.SetConf(ctx, "ExitNodes=a\x00"),
		"SetConf key":     c.SetConf(ctx, "Exit Nodes=a"),
		"SetConf empty":   c.SetConf(ctx),
		"Signal space":    c.Signal(ctx, "NEWNYM SHUTDOWN"),
		"Signal LF":       c.Signal(ctx, "NEWNYM\nSHUTDOWN"),
		"SetEvents CR":    c.SetEvents(ctx, "SIGNAL\rX"),
		"GetInfo space":   func() error { _, err := c.GetInfo(ctx, "version config-text"); return err }(),
		"GetInfo none":    func() error { _, err := c.GetInfo(ctx); return err }(),
		"Command CRLF":    func() error { _, err := c.Command(ctx, "GETINFO version\r\nSIGNAL HALT"); return err }(),
		"GetInfo newline": func() error { _, err := c.GetInfo(ctx, "version\n"); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestSetConfQuotes(t *testing.T) {
	c, _ := fakeTor(t, step{
		want:  `SETCONF ExitNodes="exit1" HiddenServicePort="80 127.0.0.1:8080" Nickname="a\"b\\c" ExcludeNodes`,
		reply: "250 OK\r\n",
	})
	if err := c.SetConf(context.Background(), "ExitNodes=exit1", "HiddenServicePort=80 127.0.0.1:8080", `Nickname=a"b\c`, "ExcludeNodes"); err != nil {
		t.Fatal(err)
	}
}

func TestSetConfRefused(t *testing.T) {
	c, _ := fakeTor(t, step{want: "SETCONF", reply: "552 Unrecognized option: Unknown option 'Bogus'.  Failing.\r\n"})
	err := c.SetConf(context.Background(), "Bogus=1")
	var re *ReplyError
	if !errors.As(err, &re) || re.Code != 552 {
		t.Fatalf("err = %v, want a 552 ReplyError", err)
	}
}

const piReply = "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=%s%s\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n"

func writeCookie(t *testing.T) (string, []byte) {
	cookie := bytes.Repeat([]byte{0xA5}, 32)
	path := filepath.Join(t.TempDir(), "control_auth_cookie")
	if err := os.WriteFile(path, cookie, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, cookie
}

func TestAuthenticateMethods(t *testing.T) {
	path, cookie := writeCookie(t)
	cookieFile := fmt.Sprintf(" COOKIEFILE=%q", path)
	serverNonce := bytes.Repeat([]byte{0x5A}, 32)
	safeCookie := func(serverKey string) func(string) string {
		return func(line string) string {
			clientNonce, err := hex.DecodeString(strings.TrimPrefix(line, "AUTHCHALLENGE SAFECOOKIE "))
			if err != nil || len(clientNonce) != 32 {
				return "513 bad nonce\r\n"
			}
			h := cookieMAC(serverKey, cookie, clientNonce, serverNonce)
			return fmt.Sprintf("250 AUTHCHALLENGE SERVERHASH=%X SERVERNONCE=%X\r\n", h, serverNonce)
		}
	}
	checkClientHash := func(line string) string {
		return "250 OK\r\n" // the fake tor cannot know the nonce here; real tor checks it (TestTor*)
	}
	tests := []struct {
		name     string
		password string
		script   []step
		wantErr  error
	}{
		{"null", "", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "NULL", "")},
			{want: "AUTHENTICATE", answer: func(l string) string {
				if l != "AUTHENTICATE" {
					return "513 want bare AUTHENTICATE\r\n"
				}
				return "250 OK\r\n"
			}},
		}, nil},
		{"cookie", "", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "COOKIE", cookieFile)},
			{want: "AUTHENTICATE " + hex.EncodeToString(cookie), reply: "250 OK\r\n"},
		}, nil},
		{"safecookie", "", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "COOKIE,SAFECOOKIE", cookieFile)},
			{want: "AUTHCHALLENGE SAFECOOKIE ", answer: safeCookie(safeCookieServerKey)},
			{want: "AUTHENTICATE ", answer: checkClientHash},
		}, nil},
		{"safecookie impostor", "", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "SAFECOOKIE", cookieFile)},
			{want: "AUTHCHALLENGE SAFECOOKIE ", answer: safeCookie("not the key")},
		}, ErrAuth},
		{"password", "sesame", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "COOKIE,SAFECOOKIE,HASHEDPASSWORD", cookieFile)},
			{want: "AUTHENTICATE " + hex.EncodeToString([]byte("sesame")), reply: "250 OK\r\n"},
		}, nil},
		{"password needed", "", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "HASHEDPASSWORD", "")},
		}, ErrPasswordRequired},
		{"unknown method", "", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "FUTURE", "")},
		}, ErrNoAuthMethod},
		{"bad password", "wrong", []step{
			{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "HASHEDPASSWORD", "")},
			{want: "AUTHENTICATE ", reply: "515 Authentication failed: Password did not match HashedControlPassword value from configuration\r\n"},
		}, ErrAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, done := fakeTor(t, tt.script...)
			err := c.Authenticate(context.Background(), tt.password, "")
			if tt.wantErr == nil && err != nil || !errors.Is(err, tt.wantErr) {
				t.Fatalf("Authenticate: %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil {
				<-done // every step ran
			}
		})
	}
}

func TestProtocolInfoOnce(t *testing.T) {
	c, _ := fakeTor(t, step{want: "PROTOCOLINFO 1", reply: fmt.Sprintf(piReply, "NULL", "")})
	for i := 0; i < 2; i++ {
		if _, err := c.ProtocolInfo(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCookieErrors(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("abc"), 0o600)
	tests := []struct {
		path     string
		is       error
		msg      string
		hint     string
		notFound bool
	}{
		{filepath.Join(dir, "missing"), fs.ErrNotExist, "no such file or directory", "CookieAuthentication 1", true},
		{dir, errCookieNotRegular, "not a regular file", "not a directory", false},
		{short, errCookieSize, "3 bytes, not 32", "the cookie file that tor wrote", false},
	}
	for _, tt := range tests {
		_, err := ReadCookie(tt.path)
		var ce *CookieError
		if !errors.As(err, &ce) || !errors.Is(err, tt.is) {
			t.Errorf("ReadCookie(%s) = %v, want a CookieError matching %v", tt.path, err, tt.is)
			continue
		}
		if !strings.Contains(ce.Error(), tt.msg) || !strings.Contains(ce.Error(), tt.path) {
			t.Errorf("Error() = %q, want the path and %q", ce.Error(), tt.msg)
		}
		if !strings.Contains(ce.Hint(), tt.hint) {
			t.Errorf("Hint() = %q, want %q", ce.Hint(), tt.hint)
		}
	}
}

// TestCookiePermissionHint checks the words for a cookie the user may not
// read (root reads every file, so the error is built by hand): they name
// the file's group and how to join it.
func TestCookiePermissionHint(t *testing.T) {
	path, _ := writeCookie(t)
	e := &CookieError{Path: path, Err: fs.ErrPermission}
	group := cookieGroup(path)
	if group == "" {
		t.Fatal("no group found for a file just written")
	}
	want := fmt.Sprintf("only group %s may read it: add your user (sudo usermod -aG %s $USER) and log in again", group, group)
	if got := e.Hint(); got != want {
		t.Errorf("Hint() = %q\nwant      %q", got, want)
	}
	if got, want := e.Error(), "torctl: cookie file "+path+": permission denied"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e.Path = "/nonexistent-dir/x/cookie"
	if got := e.Hint(); !strings.Contains(got, "debian-tor") {
		t.Errorf("Hint() without a group = %q, want it to name debian-tor", got)
	}
}

func TestEventQueueBound(t *testing.T) {
	var b strings.Builder
	for i := 0; i < maxQueuedEvents+10; i++ {
		fmt.Fprintf(&b, "650 STREAM %d NEW 0 10.0.0.2:80\r\n", i)
	}
	c, _ := fakeTor(t, step{want: "GETINFO version", reply: b.String() + "250-version=1\r\n250 OK\r\n"})
	ctx := context.Background()
	if _, err := c.GetInfo(ctx, "version"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.NextEvent(ctx); !errors.Is(err, ErrEventsDropped) || !strings.Contains(err.Error(), "10 lost") {
		t.Fatalf("first NextEvent: %v, want ErrEventsDropped with 10 lost", err)
	}
	e, err := c.NextEvent(ctx)
	if err != nil || e.Text != "10 NEW 0 10.0.0.2:80" {
		t.Fatalf("NextEvent = %+v, %v; want stream 10, the oldest kept", e, err)
	}
}

func TestEventsAfterClose(t *testing.T) {
	c, done := fakeTor(t, step{reply: "650 SIGNAL NEWNYM\r\n"})
	<-done
	ctx := context.Background()
	// The reader may not have queued the event yet: wait for it, then close.
	e, err := c.NextEvent(ctx)
	if err != nil || e.Text != "NEWNYM" {
		t.Fatalf("NextEvent = %+v, %v", e, err)
	}
	c.Close()
	if _, err := c.NextEvent(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}
