package socks

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
)

func TestConnectTor(t *testing.T) {
	tcp := func(port int) Addr { return Addr{"tcp", "127.0.0.1:" + itoa(port)} }
	a, b := tcp(closedPort(t)), tcp(closedPort(t))
	for a == b {
		b = tcp(closedPort(t))
	}

	t.Run("none reachable", func(t *testing.T) {
		_, used, err := ConnectTor(testCtx(t), []Addr{a, b}, Config{}, "example.test", 80)
		e := asError(t, err)
		want := "cannot reach Tor at " + a.Address + " or " + b.Address + " (connection refused)"
		if e.Kind != KindDial || !e.Tor || e.Error() != want {
			t.Errorf("error = %v tor=%v %q\nwant    %v tor=true %q", e.Kind, e.Tor, e.Error(), KindDial, want)
		}
		if hint := "start tor (`tor`, `systemctl start tor`) or Tor Browser, or give `--tor-addr`"; e.Hint() != hint {
			t.Errorf("hint = %q, want %q", e.Hint(), hint)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("errors.Is(err, ECONNREFUSED) = false for %v", err)
		}
		if used != (Addr{}) {
			t.Errorf("address used = %v, want none", used)
		}
	})

	t.Run("different reasons", func(t *testing.T) {
		sock := Addr{"unix", t.TempDir() + "/socks"}
		_, _, err := ConnectTor(testCtx(t), []Addr{a, sock}, Config{}, "example.test", 80)
		want := "cannot reach Tor at " + a.Address + " (connection refused) or unix:" + sock.Address + " (no such file or directory)"
		if err == nil || err.Error() != want {
			t.Errorf("error = %v\nwant    %s", err, want)
		}
	})

	t.Run("falls back to the second", func(t *testing.T) {
		tor := startFake(t, "tcp", &fake{})
		var dials []string
		var d net.Dialer
		cfg := Config{Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials = append(dials, addr)
			return d.DialContext(ctx, network, addr)
		}}
		c, used, err := ConnectTor(testCtx(t), []Addr{a, tor}, cfg, "example.test", 80)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if used != tor {
			t.Errorf("address used = %v, want %v", used, tor)
		}
		if want := []string{a.Address, tor.Address}; strings.Join(dials, " ") != strings.Join(want, " ") {
			t.Errorf("dialed %q, want %q", dials, want)
		}
		echoCheck(t, c)
	})

	t.Run("a handshake failure does not fall back", func(t *testing.T) {
		httpPort := listen(t, "tcp", func(c net.Conn) {
			readGreeting(c)
			c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n"))
		})
		tor := startFake(t, "tcp", &fake{})
		_, used, err := ConnectTor(testCtx(t), []Addr{httpPort, tor}, Config{}, "example.test", 80)
		e := asError(t, err)
		want := "socks5 proxy " + httpPort.Address + `: that port speaks HTTP, not SOCKS5 (it answered "HTTP/1.0 400 Bad Request")`
		if e.Kind != KindHandshake || !e.Tor || e.Error() != want || used != httpPort {
			t.Errorf("error = %v tor=%v %q used %v\nwant    %v tor=true %q used %v", e.Kind, e.Tor, e.Error(), used, KindHandshake, want, httpPort)
		}
	})

	t.Run("a reply from Tor is worded as Tor's", func(t *testing.T) {
		tor := startFake(t, "tcp", &fake{reply: []byte{5, 4, 0, 1, 0, 0, 0, 0, 0, 0}})
		_, _, err := ConnectTor(testCtx(t), []Addr{tor}, Config{}, "aaaa.onion", 80)
		e := asError(t, err)
		want := "socks5 proxy " + tor.Address + " refused connect to aaaa.onion:80: onion service unreachable, reason unknown (SOCKS5 reply 0x04)"
		if e.Kind != KindReply || e.Code != 4 || !e.Tor || e.Error() != want || e.Hint() != hintExtErr {
			t.Errorf("error = %v %#x tor=%v %q hint %q\nwant    %v 0x4 tor=true %q hint %q", e.Kind, e.Code, e.Tor, e.Error(), e.Hint(), KindReply, want, hintExtErr)
		}
		if !strings.HasPrefix(e.Hint(), "add ExtendedErrors to the SocksPort to learn why") {
			t.Errorf("hint = %q", e.Hint())
		}
	})

	t.Run("with new circuit credentials", func(t *testing.T) {
		f := &fake{got: make(chan []byte, 1)}
		tor := startFake(t, "unix", f)
		auth := NewCircuitAuth()
		c, _, err := ConnectTor(testCtx(t), []Addr{tor}, Config{Auth: auth}, "example.test", 80)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := c.(*net.UnixConn); !ok {
			t.Errorf("ConnectTor returned %T, want *net.UnixConn", c)
		}
		c.Close()
		if got := <-f.got; !strings.Contains(string(got), auth.User+string(rune(len(auth.Password)))+auth.Password) {
			t.Errorf("the proxy did not get the credentials: %q", got)
		}
	})
}

func TestTorAddrs(t *testing.T) {
	tests := []struct {
		flag, env string
		want      string
		explicit  bool
		err       string
	}{
		{"", "", "127.0.0.1:9050 127.0.0.1:9150", false, ""},
		{"", "127.0.0.1:19050", "127.0.0.1:19050", true, ""},
		{"unix:/run/tor/socks", "127.0.0.1:19050", "unix:/run/tor/socks", true, ""},
		{"[::1]:9050", "", "[::1]:9050", true, ""},
		{"9150", "", "127.0.0.1:9150", true, ""},
		{"localhost:9050", "", "localhost:9050", true, ""},
		{"socks5h://127.0.0.1:9050", "", "", true, `--tor-addr: socks: bad proxy address "socks5h://127.0.0.1:9050": give host:port or unix:/path, not a URL`},
		{"", "127.0.0.1", "", true, `SOCKFETCH_TOR_ADDR: socks: bad proxy address "127.0.0.1": want host:port or unix:/path`},
	}
	for _, tt := range tests {
		addrs, explicit, err := TorAddrs(tt.flag, tt.env)
		var got []string
		for _, a := range addrs {
			got = append(got, a.String())
		}
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if strings.Join(got, " ") != tt.want || explicit != tt.explicit || errText != tt.err {
			t.Errorf("TorAddrs(%q, %q) = %q, %v, %q\nwant %q, %v, %q", tt.flag, tt.env, got, explicit, errText, tt.want, tt.explicit, tt.err)
		}
	}
	// The defaults are a copy: changing them does not change the next call.
	addrs, _, _ := TorAddrs("", "")
	addrs[0].Address = "x"
	if again, _, _ := TorAddrs("", ""); again[0].Address != "127.0.0.1:9050" {
		t.Errorf("TorAddrs returned the shared default slice")
	}
}

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in   string
		want Addr
		err  string
	}{
		{"127.0.0.1:9050", Addr{"tcp", "127.0.0.1:9050"}, ""},
		{"[::1]:9050", Addr{"tcp", "[::1]:9050"}, ""},
		{"tor.internal:9050", Addr{"tcp", "tor.internal:9050"}, ""},
		{"unix:/run/tor/socks", Addr{"unix", "/run/tor/socks"}, ""},
		{"9050", Addr{"tcp", "127.0.0.1:9050"}, ""},
		{"unix:", Addr{}, `socks: bad proxy address "unix:": empty socket path`},
		{"0", Addr{}, `socks: bad proxy address "0": port out of range`},
		{":9050", Addr{}, `socks: bad proxy address ":9050": empty host`},
		{"host:http", Addr{}, `socks: bad proxy address "host:http": bad port "http"`},
		{"host:70000", Addr{}, `socks: bad proxy address "host:70000": bad port "70000"`},
		{"::1:9050", Addr{}, `socks: bad proxy address "::1:9050": want host:port or unix:/path`},
		{"", Addr{}, `socks: bad proxy address "": want host:port or unix:/path`},
	}
	for _, tt := range tests {
		got, err := ParseAddr(tt.in)
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if got != tt.want || errText != tt.err {
			t.Errorf("ParseAddr(%q) = %v, %q; want %v, %q", tt.in, got, errText, tt.want, tt.err)
		}
		if err == nil {
			if s := got.String(); s != tt.in && tt.in != "9050" {
				t.Errorf("ParseAddr(%q).String() = %q", tt.in, s)
			}
		}
	}
}

func TestNewCircuitAuth(t *testing.T) {
	a, b := NewCircuitAuth(), NewCircuitAuth()
	if *a == *b || a.User == b.User || a.Password == b.Password {
		t.Errorf("two circuits got the same credentials: %+v %+v", a, b)
	}
	for _, s := range []string{a.User, a.Password} {
		if len(s) < 16 || len(s) > 255 {
			t.Errorf("credential %q: want 16 to 255 bytes", s)
		}
	}
}

func TestReplyText(t *testing.T) {
	want := map[byte]string{
		0x00: "succeeded", 0x01: "general SOCKS server failure", 0x02: "connection not allowed by ruleset",
		0x03: "network unreachable", 0x04: "host unreachable", 0x05: "connection refused", 0x06: "TTL expired",
		0x07: "command not supported", 0x08: "address type not supported",
		0xF0: "onion service descriptor not found", 0xF1: "onion service descriptor invalid",
		0xF2: "onion service introduction failed", 0xF3: "onion service rendezvous failed",
		0xF4: "onion service missing client authorization", 0xF5: "onion service wrong client authorization",
		0xF6: "invalid onion address", 0xF7: "onion service introduction timed out",
		0x09: "unknown reply code 0x09", 0xF8: "unknown reply code 0xF8", 0xFF: "unknown reply code 0xFF",
	}
	for code, w := range want {
		if got := ReplyText(code); got != w {
			t.Errorf("ReplyText(%#02x) = %q, want %q", code, got, w)
		}
		if got, w := IsTorCode(code), code >= 0xF0 && code <= 0xF7; got != w {
			t.Errorf("IsTorCode(%#02x) = %v", code, got)
		}
	}
}
