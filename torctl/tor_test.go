package torctl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sockfetch/torctl/torctltest"
)

// Two standalone tors (no network) for the whole package: one with cookie
// authentication, one with a password only.
var (
	cookieTor   = &torctltest.Shared{Options: torctltest.Options{Cookie: true, Socket: true}}
	passwordTor = &torctltest.Shared{Options: torctltest.Options{Password: "correct horse"}}
)

func TestMain(m *testing.M) {
	code := m.Run()
	cookieTor.Stop()
	passwordTor.Stop()
	os.Exit(code)
}

// testCtx bounds a test's talk with tor; tor answers in milliseconds.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T, ctx context.Context, addr string) *Conn {
	t.Helper()
	c, err := Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestTorCookieSession(t *testing.T) {
	tor := cookieTor.Get(t)
	ctx := testCtx(t)
	c := dial(t, ctx, tor.ControlAddr)

	pi, err := c.ProtocolInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !pi.HasMethod(MethodSafeCookie) || !pi.HasMethod(MethodCookie) || pi.HasMethod(MethodHashedPassword) {
		t.Errorf("AuthMethods = %q, want COOKIE and SAFECOOKIE only", pi.AuthMethods)
	}
	if pi.CookieFile != tor.CookieFile {
		t.Errorf("CookieFile = %q, want %q", pi.CookieFile, tor.CookieFile)
	}
	if !strings.HasPrefix(pi.TorVersion, "0.") {
		t.Errorf("TorVersion = %q", pi.TorVersion)
	}
	if err := c.Authenticate(ctx, "", ""); err != nil {
		t.Fatalf("Authenticate with SAFECOOKIE: %v", err)
	}

	info, err := c.GetInfo(ctx, "version", "config-text", "status/bootstrap-phase")
	if err != nil {
		t.Fatal(err)
	}
	if info["version"] != pi.TorVersion && !strings.HasPrefix(info["version"], pi.TorVersion) {
		t.Errorf("GETINFO version = %q, PROTOCOLINFO said %q", info["version"], pi.TorVersion)
	}
	// config-text comes as a data block ("250+config-text=").
	if ct := info["config-text"]; !strings.Contains(ct, "\nDisableNetwork 1\n") || !strings.Contains(ct, "CookieAuthentication 1") {
		t.Errorf("config-text = %q, want the torrc lines", ct)
	}
	if !strings.Contains(info["status/bootstrap-phase"], "PROGRESS=") {
		t.Errorf("status/bootstrap-phase = %q", info["status/bootstrap-phase"])
	}

	// DisableNetwork 1: tor never gets past the start.
	b, err := c.Bootstrap(ctx)
	if err != nil || b.Done() || b.Progress != 0 || b.Tag != "starting" {
		t.Errorf("Bootstrap = %+v, %v; want progress 0, starting", b, err)
	}

	if err := c.SetConf(ctx, "ExitNodes=exit1,exit2"); err != nil {
		t.Fatal(err)
	}
	r, err := c.Command(ctx, "GETCONF ExitNodes")
	if err != nil || r.Lines[0] != "ExitNodes=exit1,exit2" {
		t.Errorf("GETCONF ExitNodes = %v, %v", r, err)
	}
	if err := c.SetConf(ctx, "ExitNodes"); err != nil {
		t.Fatal(err)
	}

	var re *ReplyError
	if err := c.SetConf(ctx, "NoSuchOption=1"); !errors.As(err, &re) || re.Code != 552 {
		t.Errorf("SETCONF NoSuchOption: %v, want a 552 reply", err)
	}
	if err := c.Signal(ctx, "NOSUCHSIGNAL"); !errors.As(err, &re) || re.Code/100 != 5 {
		t.Errorf("SIGNAL NOSUCHSIGNAL: %v, want a 5xx reply", err)
	}
	if _, err := c.GetInfo(ctx, "no-such-key"); !errors.As(err, &re) || re.Code != 552 {
		t.Errorf("GETINFO no-such-key: %v, want a 552 reply", err)
	}
	// The connection still works after refused commands.
	if err := c.Signal(ctx, "CLEARDNSCACHE"); err != nil {
		t.Errorf("SIGNAL CLEARDNSCACHE: %v", err)
	}
}

func TestTorControlSocket(t *testing.T) {
	tor := cookieTor.Get(t)
	ctx := testCtx(t)
	c := dial(t, ctx, tor.SocketAddr)
	if err := c.Authenticate(ctx, "", ""); err != nil {
		t.Fatalf("Authenticate over %s: %v", tor.SocketAddr, err)
	}
	if _, err := c.GetInfo(ctx, "version"); err != nil {
		t.Error(err)
	}
}

func TestTorCookieFiles(t *testing.T) {
	tor := cookieTor.Get(t)
	ctx := testCtx(t)

	c := dial(t, ctx, tor.ControlAddr)
	if err := c.Authenticate(ctx, "", tor.CookieFile); err != nil {
		t.Errorf("Authenticate with the cookie file given: %v", err)
	}

	// A cookie of the right size but not tor's: SAFECOOKIE shows the server
	// hash does not match, before the client sends anything that depends
	// on the cookie.
	other := filepath.Join(t.TempDir(), "other_cookie")
	os.WriteFile(other, bytes.Repeat([]byte{1}, 32), 0o600)
	c = dial(t, ctx, tor.ControlAddr)
	err := c.Authenticate(ctx, "", other)
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), other) {
		t.Errorf("Authenticate with another cookie: %v, want ErrAuth naming %s", err, other)
	}

	c = dial(t, ctx, tor.ControlAddr)
	var ce *CookieError
	if err := c.Authenticate(ctx, "", t.TempDir()); !errors.As(err, &ce) {
		t.Errorf("Authenticate with a directory as cookie: %v, want a CookieError", err)
	}
}

func TestTorPassword(t *testing.T) {
	tor := passwordTor.Get(t)
	ctx := testCtx(t)

	c := dial(t, ctx, tor.ControlAddr)
	pi, err := c.ProtocolInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pi.AuthMethods, ",") != MethodHashedPassword || pi.CookieFile != "" {
		t.Errorf("ProtocolInfo = %+v, want HASHEDPASSWORD only", pi)
	}
	if err := c.Authenticate(ctx, "", ""); !errors.Is(err, ErrPasswordRequired) {
		t.Errorf("Authenticate without password: %v, want ErrPasswordRequired", err)
	}
	// Nothing was sent: the same connection can still authenticate.
	if err := c.Authenticate(ctx, tor.Password, ""); err != nil {
		t.Fatalf("Authenticate with the password: %v", err)
	}
	if _, err := c.GetInfo(ctx, "version"); err != nil {
		t.Error(err)
	}

	for _, wrong := range []string{"wrong", tor.Hash, `"quoted" \ and spaces`} {
		c = dial(t, ctx, tor.ControlAddr)
		err = c.Authenticate(ctx, wrong, "")
		var re *ReplyError
		if !errors.Is(err, ErrAuth) || !errors.As(err, &re) || re.Code != 515 {
			t.Errorf("Authenticate(%q): %v, want a 515 ErrAuth", wrong, err)
		}
		// Tor closes the connection after a failed AUTHENTICATE.
		if _, err := c.GetInfo(ctx, "version"); !errors.Is(err, ErrClosed) {
			t.Errorf("after a failed AUTHENTICATE: %v, want ErrClosed", err)
		}
	}
}

func TestTorUnauthenticated(t *testing.T) {
	tor := cookieTor.Get(t)
	ctx := testCtx(t)
	c := dial(t, ctx, tor.ControlAddr)
	_, err := c.GetInfo(ctx, "version")
	var re *ReplyError
	if !errors.As(err, &re) || re.Code != 514 {
		t.Errorf("GETINFO before AUTHENTICATE: %v, want 514", err)
	}
}

// TestTorEvents watches one control connection's events while another
// sends NEWNYM, and sees its own SETCONF come back as a multi-line
// CONF_CHANGED event.
func TestTorEvents(t *testing.T) {
	tor := cookieTor.Get(t)
	ctx := testCtx(t)
	watcher := dial(t, ctx, tor.ControlAddr)
	if err := watcher.Authenticate(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := watcher.SetEvents(ctx, "SIGNAL", "CONF_CHANGED"); err != nil {
		t.Fatal(err)
	}
	other := dial(t, ctx, tor.ControlAddr)
	if err := other.Authenticate(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := other.Signal(ctx, "NEWNYM"); err != nil {
		t.Fatal(err)
	}
	// Tor may defer NEWNYM by up to 10 s (rate limit); the event comes then.
	waitEvent(t, ctx, watcher, "SIGNAL", "NEWNYM")

	if err := watcher.SetConf(ctx, "ExitNodes=exit3"); err != nil {
		t.Fatal(err)
	}
	e := waitEvent(t, ctx, watcher, "CONF_CHANGED", "")
	if len(e.Lines) < 2 || e.Lines[1] != "ExitNodes=exit3" {
		t.Errorf("CONF_CHANGED lines = %q, want ExitNodes=exit3", e.Lines)
	}
	watcher.SetConf(ctx, "ExitNodes")
}

func waitEvent(t *testing.T, ctx context.Context, c *Conn, typ, text string) *Event {
	t.Helper()
	for {
		e, err := c.NextEvent(ctx)
		if err != nil {
			t.Fatalf("waiting for %s %s: %v", typ, text, err)
		}
		if e.Type == typ && (text == "" || e.Text == text) {
			return e
		}
		t.Logf("skip event %q", e.Raw)
	}
}
