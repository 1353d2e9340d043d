package fetch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sockfetch/fetch/socks"
)

// TestCircuitFailed: Tor's replies that another circuit may not meet are
// circuit failures, through Tor only; the others, and any other error,
// are not.
func TestCircuitFailed(t *testing.T) {
	tor := &Dialer{Tor: &Tor{}}
	proxy := &Dialer{Proxy: &ProxySettings{Flag: "socks5h://127.0.0.1:1080"}}
	want := map[socks.Reply]bool{0x01: true, 0x04: true, 0x05: true, 0x06: true, 0xF2: true, 0xF3: true, 0xF7: true}
	for code := range 256 {
		se := &socks.Error{Kind: socks.KindReply, Code: byte(code)}
		err := &Error{Kind: ErrProxy, Msg: "refused", Cause: fmt.Errorf("wrapped: %w", se)}
		if got := tor.CircuitFailed(err); got != want[socks.Reply(code)] {
			t.Errorf("reply %#02x through Tor: CircuitFailed %v, want %v", code, got, !got)
		}
		if proxy.CircuitFailed(err) {
			t.Errorf("reply %#02x through a SOCKS proxy: CircuitFailed, want not", code)
		}
	}
	for _, err := range []error{nil, errors.New("x"), &socks.Error{Kind: socks.KindDial, Code: 1}} {
		if tor.CircuitFailed(err) {
			t.Errorf("%v: CircuitFailed", err)
		}
	}
	var nilDialer *Dialer
	if nilDialer.CircuitFailed(&socks.Error{Kind: socks.KindReply, Code: 1}) {
		t.Error("nil Dialer: CircuitFailed")
	}
}

// TestWithFreshCircuit: each call gives new credentials and leaves the
// Dialer it copies as it was.
func TestWithFreshCircuit(t *testing.T) {
	d := &Dialer{Tor: &Tor{}}
	a, b := d.WithFreshCircuit(), d.WithFreshCircuit()
	if d.Auth != nil || a.Auth == nil || b.Auth == nil || *a.Auth == *b.Auth || a.Tor != d.Tor {
		t.Errorf("dialer %+v, fresh copies %+v and %+v", d, a.Auth, b.Auth)
	}
}

// TestAppendOutput: the body is appended to what the file holds; Abort
// cuts it back; Commit keeps it; Written counts the appended bytes only.
func TestAppendOutput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("hello "), 0o644)
	o, err := AppendOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Writer().Write([]byte("wor"))
	if n := o.Written(); n != 3 || !o.Appending() {
		t.Errorf("Written %d, Appending %v; want 3, true", n, o.Appending())
	}
	o.Abort()
	if b, _ := os.ReadFile(path); string(b) != "hello " {
		t.Errorf("after Abort: %q", b)
	}
	o, _ = AppendOutput(path)
	o.Writer().Write([]byte("world\n"))
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "hello world\n" {
		t.Errorf("after Commit: %q", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("%d files, want 1", len(entries))
	}
}
