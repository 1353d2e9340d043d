package torctl

import (
	"errors"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"sockfetch/torctl/torctltest"
)

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestDialAnyNoneAnswers: every address is tried in order, and the error
// names each with its reason.
func TestDialAnyNoneAnswers(t *testing.T) {
	tcp := closedAddr(t)
	sock := "unix:" + filepath.Join(t.TempDir(), "control")
	var tried []string
	c, addr, err := DialAny(testCtx(t), []string{tcp, sock}, func(a string) { tried = append(tried, a) })
	if c != nil || addr != "" {
		t.Fatalf("DialAny = %v, %q; want no connection", c, addr)
	}
	if want := []string{tcp, sock}; !reflect.DeepEqual(tried, want) {
		t.Errorf("tried %q, want %q", tried, want)
	}
	var de *DialError
	if !errors.As(err, &de) || len(de.Attempts) != 2 {
		t.Fatalf("error %v (%T), want a *DialError with two attempts", err, err)
	}
	if de.Attempts[0].Addr != tcp || !errors.Is(de.Attempts[0].Err, syscall.ECONNREFUSED) {
		t.Errorf("first attempt %+v, want %s refused", de.Attempts[0], tcp)
	}
	if de.Attempts[1].Addr != sock || !errors.Is(de.Attempts[1].Err, syscall.ENOENT) {
		t.Errorf("second attempt %+v, want %s missing", de.Attempts[1], sock)
	}
	if !errors.Is(err, syscall.ENOENT) || de.Last() != sock {
		t.Errorf("errors.Is(ENOENT) %v, Last %q", errors.Is(err, syscall.ENOENT), de.Last())
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "torctl: cannot connect to the control port at "+tcp+" (") || !strings.Contains(msg, ") or "+sock+" (") {
		t.Errorf("message %q", msg)
	}
	if _, _, err := DialAny(testCtx(t), nil, nil); err == nil {
		t.Error("DialAny with no address: no error")
	}
}

// TestDialAnyFallsBack: a closed first address, then a real tor.
func TestDialAnyFallsBack(t *testing.T) {
	tor := cookieTor.Get(t)
	ctx := testCtx(t)
	var tried []string
	c, addr, err := DialAny(ctx, []string{closedAddr(t), tor.ControlAddr, "127.0.0.1:1"}, func(a string) { tried = append(tried, a) })
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if addr != tor.ControlAddr || len(tried) != 2 {
		t.Errorf("connected to %q after trying %q; want %q second, and no third", addr, tried, tor.ControlAddr)
	}
	if _, err := c.ProtocolInfo(ctx); err != nil {
		t.Errorf("PROTOCOLINFO on the connection DialAny made: %v", err)
	}
}

// TestNewIdentity: against a tor of its own (NEWNYM's 10 s window is the
// tor's), the first NEWNYM is applied at once and one within 10 s is
// deferred, and Tor still makes the deferred switch.
func TestNewIdentity(t *testing.T) {
	tor := (&torctltest.Shared{Options: torctltest.Options{Cookie: true}}).Get(t)
	t.Cleanup(func() { tor.Stop() })
	ctx := testCtx(t)

	watcher := dial(t, ctx, tor.ControlAddr)
	if err := watcher.Authenticate(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := watcher.SetEvents(ctx, "SIGNAL"); err != nil {
		t.Fatal(err)
	}
	c := dial(t, ctx, tor.ControlAddr)
	if err := c.Authenticate(ctx, "", ""); err != nil {
		t.Fatal(err)
	}

	n, err := c.NewIdentity(ctx, 2*time.Second)
	if err != nil || n.Outcome != NewnymApplied || n.Delay != 0 {
		t.Fatalf("first NewIdentity = %+v, %v; want applied", n, err)
	}
	if e, err := watcher.NextEvent(ctx); err != nil || e.Raw[0] != "650 SIGNAL NEWNYM" {
		t.Errorf("watcher saw %v, %v; want 650 SIGNAL NEWNYM", e, err)
	}

	n, err = c.NewIdentity(ctx, 2*time.Second)
	if err != nil || n.Outcome != NewnymDeferred || n.Delay <= 0 || n.Delay > 10*time.Second {
		t.Fatalf("second NewIdentity = %+v, %v; want deferred by 1 to 10 s", n, err)
	}
	if e, err := watcher.NextEvent(ctx); err != nil || e.Raw[0] != "650 SIGNAL NEWNYM" {
		t.Errorf("watcher saw %v, %v; want the deferred 650 SIGNAL NEWNYM", e, err)
	}
	if n.Outcome.String() != "deferred" || NewnymApplied.String() != "applied" || NewnymUnknown.String() != "unknown" {
		t.Errorf("String: %v %v %v", n.Outcome, NewnymApplied, NewnymUnknown)
	}
}

// TestNewIdentityFake: the replies a real tor does not give on demand.
func TestNewIdentityFake(t *testing.T) {
	ctx := testCtx(t)
	// Events refused: the signal is still sent, the outcome unknown.
	c, _ := fakeTor(t,
		step{want: "SETEVENTS SIGNAL NOTICE", reply: "552 Unrecognized event\r\n"},
		step{want: "SIGNAL NEWNYM", reply: "250 OK\r\n"})
	if n, err := c.NewIdentity(ctx, time.Second); err != nil || n.Outcome != NewnymUnknown {
		t.Errorf("without events: %+v, %v; want unknown", n, err)
	}
	// No event within the wait: unknown, after the wait and no longer.
	c, _ = fakeTor(t,
		step{want: "SETEVENTS", reply: "250 OK\r\n"},
		step{want: "SIGNAL NEWNYM", reply: "250 OK\r\n650 NOTICE something else\r\n"})
	start := time.Now()
	if n, err := c.NewIdentity(ctx, 100*time.Millisecond); err != nil || n.Outcome != NewnymUnknown {
		t.Errorf("no event: %+v, %v; want unknown", n, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("waited %v", d)
	}
	// The rate-limit notice, with tor's wording.
	c, _ = fakeTor(t,
		step{want: "SETEVENTS", reply: "250 OK\r\n"},
		step{want: "SIGNAL NEWNYM", reply: "250 OK\r\n650 NOTICE Rate limiting NEWNYM request: delaying by 7 second(s)\r\n"})
	if n, err := c.NewIdentity(ctx, time.Second); err != nil || n.Outcome != NewnymDeferred || n.Delay != 7*time.Second {
		t.Errorf("rate limited: %+v, %v; want deferred by 7s", n, err)
	}
	// A refused signal is the error.
	c, _ = fakeTor(t,
		step{want: "SETEVENTS", reply: "250 OK\r\n"},
		step{want: "SIGNAL NEWNYM", reply: "552 Unrecognized signal\r\n"})
	var re *ReplyError
	if _, err := c.NewIdentity(ctx, time.Second); !errors.As(err, &re) {
		t.Errorf("refused: error %v, want a *ReplyError", err)
	}
}

func TestIsHashedPassword(t *testing.T) {
	hash := "16:" + strings.Repeat("0A", 29)
	for s, want := range map[string]bool{
		hash: true, strings.ToLower(hash): true, hash + "0": false, hash[:len(hash)-1]: false,
		"correct horse": false, "": false, "17:" + hash[3:]: false,
	} {
		if got := IsHashedPassword(s); got != want {
			t.Errorf("IsHashedPassword(%q) = %v, want %v", s, got, want)
		}
	}
	if tor := passwordTor.Get(t); !IsHashedPassword(tor.Hash) || IsHashedPassword(tor.Password) {
		t.Errorf("tor --hash-password's hash %q: %v; its password: %v", tor.Hash, IsHashedPassword(tor.Hash), IsHashedPassword(tor.Password))
	}
}

func TestAcceptsCookie(t *testing.T) {
	for methods, want := range map[string]bool{"SAFECOOKIE": true, "COOKIE": true, "HASHEDPASSWORD": false, "NULL": false, "COOKIE,SAFECOOKIE,HASHEDPASSWORD": true} {
		if got := (&ProtocolInfo{AuthMethods: strings.Split(methods, ",")}).AcceptsCookie(); got != want {
			t.Errorf("AcceptsCookie(%s) = %v, want %v", methods, got, want)
		}
	}
}
