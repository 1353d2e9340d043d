package socks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readGreeting reads a client greeting.
func readGreeting(c net.Conn) error {
	h := make([]byte, 2)
	if _, err := io.ReadFull(c, h); err != nil {
		return err
	}
	_, err := io.ReadFull(c, make([]byte, h[1]))
	return err
}

// drain reads until the client goes away.
func drain(c net.Conn) { io.Copy(io.Discard, c) }

func TestReplyCodes(t *testing.T) {
	tests := []struct {
		code byte
		tor  bool // Config.Tor
		host string
		msg  string // after "refused connect to HOST:80: "
		hint string
	}{
		{0x01, false, "example.test", "general SOCKS server failure (SOCKS5 reply 0x01)", ""},
		{0x02, false, "example.test", "connection not allowed by ruleset (SOCKS5 reply 0x02)", "the proxy's rules forbid this destination"},
		{0x03, false, "example.test", "network unreachable (SOCKS5 reply 0x03)", ""},
		{0x04, false, "example.test", "host unreachable (SOCKS5 reply 0x04)", ""},
		{0x05, false, "example.test", "connection refused (SOCKS5 reply 0x05)", ""},
		{0x06, false, "example.test", "TTL expired (SOCKS5 reply 0x06)", ""},
		{0x07, false, "example.test", "command not supported (SOCKS5 reply 0x07)", ""},
		{0x08, false, "example.test", "address type not supported (SOCKS5 reply 0x08)", "the proxy does not take this kind of address"},
		{0x04, false, "aaaa.onion", "host unreachable (SOCKS5 reply 0x04)", "only Tor reaches .onion names; if this proxy is Tor, add ExtendedErrors to its SocksPort to learn why"},
		{0x09, false, "example.test", "unknown reply code 0x09 (SOCKS5 reply 0x09)", ""},
		{0xF0, false, "aaaa.onion", "onion service descriptor not found (Tor extended error 0xF0)", "the onion service is offline, or the address is mistyped"},
		{0xF1, false, "aaaa.onion", "onion service descriptor invalid (Tor extended error 0xF1)", "the onion service published a descriptor Tor cannot use; try again later"},
		{0xF2, false, "aaaa.onion", "onion service introduction failed (Tor extended error 0xF2)", "the onion service has left its introduction points (restarted or stopped); try again later"},
		{0xF3, false, "aaaa.onion", "onion service rendezvous failed (Tor extended error 0xF3)", "try again; the rendezvous circuit failed"},
		{0xF4, false, "aaaa.onion", "onion service missing client authorization (Tor extended error 0xF4)", "this onion service needs client authorization: put its key in tor's ClientOnionAuthDir"},
		{0xF5, false, "aaaa.onion", "onion service wrong client authorization (Tor extended error 0xF5)", "the client authorization key in ClientOnionAuthDir is wrong for this onion service"},
		{0xF6, false, "abc.onion", "invalid onion address (Tor extended error 0xF6)", "check the address: a v3 onion address is 56 characters (a–z, 2–7, ending in a checksum) followed by .onion"},
		{0xF7, false, "aaaa.onion", "onion service introduction timed out (Tor extended error 0xF7)", "the onion service did not answer in time; try again"},
		// Known to be Tor (--tor): Tor's meaning of the RFC codes.
		{0x01, true, "example.test", "general failure: Tor could not connect; the exit may have refused, or the target port is closed (SOCKS5 reply 0x01)", ""},
		{0x01, true, "abc.onion", "general failure: Tor could not connect to the onion service (SOCKS5 reply 0x01)", hintExtErr},
		{0x04, true, "example.test", "host unreachable: the exit could not resolve the name or reach the host (SOCKS5 reply 0x04)", ""},
		{0x04, true, "aaaa.ONION.", "onion service unreachable, reason unknown (SOCKS5 reply 0x04)", hintExtErr},
		{0x05, true, "example.test", "connection refused by the target (the exit reached the host; the port is closed) (SOCKS5 reply 0x05)", ""},
		{0xF6, true, "abc.onion", "invalid onion address (Tor extended error 0xF6)", "check the address: a v3 onion address is 56 characters (a–z, 2–7, ending in a checksum) followed by .onion"},
	}
	for _, tt := range tests {
		for _, observe := range []bool{false, true} {
			f := &fake{reply: []byte{5, tt.code, 0, 1, 10, 0, 0, 1, 0x1f, 0x90}}
			proxy := startFake(t, "tcp", f)
			var rec record
			cfg := Config{Proxy: proxy, Tor: tt.tor}
			if observe {
				cfg.Observe = rec.observe
			}
			_, err := Connect(testCtx(t), cfg, tt.host, 80)
			e := asError(t, err)
			want := "socks5 proxy " + proxy.Address + " refused connect to " + tt.host + ":80: " + tt.msg
			wantTor := tt.tor || tt.code >= 0xF0
			if e.Kind != KindReply || e.Code != tt.code || e.Tor != wantTor || e.Error() != want || e.Hint() != tt.hint {
				t.Errorf("code %02X tor=%v observe=%v:\n got %v %#02x tor=%v %q hint %q\nwant %v %#02x tor=%v %q hint %q",
					tt.code, tt.tor, observe, e.Kind, e.Code, e.Tor, e.Error(), e.Hint(), KindReply, tt.code, wantTor, want, tt.hint)
			}
			if !observe {
				continue
			}
			last := rec.msgs[len(rec.msgs)-1]
			wantMeaning := "version 5, reply " + strings.ToUpper(hexByte(tt.code)) + ": " + ReplyText(tt.code)
			if tt.code >= 0xF0 {
				wantMeaning += " (Tor extended error)"
			}
			wantMeaning += ", bound address 10.0.0.1:8080 (type 01, IPv4)"
			if last.Step != StepReply || last.Send || !bytes.Equal(last.Bytes, f.reply) || last.Meaning != wantMeaning {
				t.Errorf("code %02X: last message %v %x %q, want reply %x %q", tt.code, last.Step, last.Bytes, last.Meaning, f.reply, wantMeaning)
			}
		}
	}
}

func hexByte(b byte) string {
	return string("0123456789abcdef"[b>>4]) + string("0123456789abcdef"[b&15])
}

// The example of the team brief, word for word.
func TestReplyMessageExample(t *testing.T) {
	proxy := startFake(t, "tcp", &fake{reply: []byte{5, 0xF6, 0, 1, 0, 0, 0, 0, 0, 0}})
	_, err := Connect(testCtx(t), Config{Proxy: proxy}, "abc.onion", 80)
	want := "socks5 proxy " + proxy.Address + " refused connect to abc.onion:80: invalid onion address (Tor extended error 0xF6)"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
}

func TestWrongPort(t *testing.T) {
	const httpAnswer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	tests := []struct {
		name    string
		serve   func(net.Conn)
		auth    *Auth
		tor     bool
		timeout bool   // the test's context expires
		msg     string // after "socks5 proxy ADDR: "
		hint    string
		step    Step
		recv    string // the last message reported to Observe, as "hex meaning"
	}{
		{
			name: "HTTP proxy answers the greeting",
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte(httpAnswer))
				drain(c)
			},
			msg:  `that port speaks HTTP, not SOCKS5 (it answered "HTTP/1.1 400 Bad Request")`,
			hint: hintHTTP, step: StepMethod,
			recv: hexs(httpAnswer) + ` not SOCKS5: an HTTP response "HTTP/1.1 400 Bad Request"`,
		},
		{
			name: "HTTP server answers and closes at once",
			serve: func(c net.Conn) {
				c.Write([]byte("HTTP/1.0 501 Not Implemented\r\n\r\n"))
			},
			msg:  `that port speaks HTTP, not SOCKS5 (it answered "HTTP/1.0 501 Not Implemented")`,
			hint: hintHTTP, step: StepMethod,
		},
		{
			name: "closes after the greeting",
			serve: func(c net.Conn) {
				readGreeting(c)
			},
			msg:  "the proxy closed the connection during the SOCKS5 greeting",
			hint: "is that port a SOCKS5 proxy, and does it serve this host?", step: StepMethod,
		},
		{
			name:    "silent, like Tor's HTTPTunnelPort",
			serve:   drain,
			timeout: true,
			msg:     "no answer to the SOCKS5 greeting before the time limit",
			hint:    hintSilent, step: StepMethod,
		},
		{
			name: "an SSH server",
			serve: func(c net.Conn) {
				c.Write([]byte("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"))
				drain(c)
			},
			msg:  `that port does not speak SOCKS5 (it answered "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")`,
			hint: "check the port: Tor's SocksPort is usually 9050 (Tor Browser's 9150)", step: StepMethod,
		},
		{
			name: "a SOCKS4 server",
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{0, 0x5b, 0, 0, 0, 0, 0, 0})
			},
			msg:  "that port does not speak SOCKS5 (its answer begins 0x00, not 0x05)",
			hint: "check the port: Tor's SocksPort is usually 9050 (Tor Browser's 9150)", step: StepMethod,
			recv: "005b000000000000 not SOCKS5: a SOCKS5 answer begins 05, this one 00",
		},
		{
			name: "method not offered",
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{5, 2})
				drain(c)
			},
			msg: "the proxy chose authentication method 02 (username/password), which was not offered",
		},
		{
			name: "GSSAPI chosen though username/password was offered",
			auth: &Auth{User: "u", Password: "p"},
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{5, 1})
				drain(c)
			},
			msg: "the proxy chose authentication method 01 (GSSAPI), which was not offered",
		},
		{
			name: "no acceptable method for username/password",
			auth: &Auth{User: "u", Password: "p"},
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{5, 0xff})
			},
			msg: "the proxy accepts none of the offered authentication methods (no authentication (00), username/password (02))",
		},
		{
			name: "auth status with the wrong version",
			auth: &Auth{User: "u", Password: "p"},
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{5, 2})
				io.ReadFull(c, make([]byte, 5))
				c.Write([]byte{5, 0})
				drain(c)
			},
			msg: "malformed username/password status (version 0x05, not 0x01)", step: StepAuthStatus,
		},
		{
			name: "closes during authentication",
			auth: &Auth{User: "u", Password: "p"},
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{5, 2})
				io.ReadFull(c, make([]byte, 5))
			},
			msg: "the proxy closed the connection during username/password authentication", step: StepAuthStatus,
		},
		{
			name:  "reply with the wrong version",
			serve: (&fake{method: -1, reply: []byte{4, 0, 0, 1, 0, 0, 0, 0, 0, 0}}).serve,
			msg:   "malformed reply to CONNECT (version 0x04, not 0x05)", step: StepReply,
		},
		{
			name:  "reply with an unknown address type",
			serve: (&fake{method: -1, reply: []byte{5, 0, 0, 9, 0, 0, 0, 0, 0, 0}}).serve,
			msg:   "malformed reply to CONNECT (unknown address type 0x09)", step: StepReply,
		},
		{
			name:  "reply cut short",
			serve: (&fake{method: -1, reply: []byte{5, 0, 0, 1, 127}}).serve,
			msg:   "the proxy closed the connection in the middle of the reply to CONNECT", step: StepReply,
			recv: "050000017f incomplete reply (5 bytes): the proxy closed the connection",
		},
		{
			name: "closes instead of replying",
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{5, 0})
				io.ReadFull(c, make([]byte, 10))
			},
			msg: "the proxy closed the connection before replying to CONNECT", step: StepReply,
		},
		{
			name: "Tor builds a circuit too long",
			tor:  true,
			serve: func(c net.Conn) {
				readGreeting(c)
				c.Write([]byte{5, 0})
				drain(c)
			},
			timeout: true,
			msg:     "no reply to the CONNECT request before the time limit", step: StepReply,
			hint: "Tor may still be building a circuit or looking up the onion service; allow more time",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := listen(t, "tcp", tt.serve)
			ctx := testCtx(t)
			if tt.timeout {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
			}
			var rec record
			c, err := Connect(ctx, Config{Proxy: proxy, Auth: tt.auth, Tor: tt.tor, Observe: rec.observe}, "127.0.0.1", 80)
			if err == nil {
				c.Close()
				t.Fatal("Connect succeeded")
			}
			e := asError(t, err)
			want := "socks5 proxy " + proxy.Address + ": " + tt.msg
			if e.Kind != KindHandshake || e.Error() != want || e.Hint() != tt.hint || e.Step != tt.step {
				t.Errorf("error:\n got %v %q hint %q step %v\nwant %v %q hint %q step %v", e.Kind, e.Error(), e.Hint(), e.Step, KindHandshake, want, tt.hint, tt.step)
			}
			if got := errors.Is(err, context.DeadlineExceeded); got != tt.timeout {
				t.Errorf("errors.Is(err, context.DeadlineExceeded) = %v", got)
			}
			if tt.recv != "" {
				last := rec.msgs[len(rec.msgs)-1]
				if got := hexs(string(last.Bytes)) + " " + last.Meaning; last.Send || got != tt.recv {
					t.Errorf("last message:\n%s\nwant:\n%s", got, tt.recv)
				}
			}
			t.Logf("handshake:\n%s", &rec)
		})
	}
}

func hexs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteString(hexByte(s[i]))
	}
	return b.String()
}

// A closed connection is reported as closed or reset, never as something else.
func TestClosedAtOnce(t *testing.T) {
	proxy := listen(t, "tcp", func(net.Conn) {})
	_, err := Connect(testCtx(t), Config{Proxy: proxy}, "127.0.0.1", 80)
	e := asError(t, err)
	closed := "socks5 proxy " + proxy.Address + ": the proxy closed the connection during the SOCKS5 greeting"
	reset := "socks5 proxy " + proxy.Address + ": the proxy reset the connection during the SOCKS5 greeting"
	if e.Kind != KindHandshake || (e.Error() != closed && e.Error() != reset) {
		t.Errorf("error = %v %q, want %v %q", e.Kind, e.Error(), KindHandshake, closed)
	}
}

// The conn Connect returns is the raw one, positioned right after the reply,
// whatever the length of the reply.
func TestPositionedAfterReply(t *testing.T) {
	replies := [][]byte{
		{5, 0, 0, 1, 1, 2, 3, 4, 0, 80},
		append([]byte{5, 0, 0, 4}, append(net.ParseIP("2001:db8::1"), 0, 80)...),
		append(append([]byte{5, 0, 0, 3, 11}, "example.com"...), 0, 80),
	}
	for _, reply := range replies {
		for _, observe := range []bool{false, true} {
			proxy := startFake(t, "tcp", &fake{reply: reply, after: []byte("first body bytes")})
			var rec record
			cfg := Config{Proxy: proxy}
			if observe {
				cfg.Observe = rec.observe
			}
			c, err := Connect(testCtx(t), cfg, "example.com", 80)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := c.(*net.TCPConn); !ok {
				t.Errorf("Connect returned %T, want *net.TCPConn", c)
			}
			got := make([]byte, len("first body bytes"))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != "first body bytes" {
				t.Errorf("after reply %x: read %q, %v; want the bytes after the reply", reply, got, err)
			}
			echoCheck(t, c)
			c.Close()
			if observe {
				last := rec.msgs[len(rec.msgs)-1]
				if !bytes.Equal(last.Bytes, reply) {
					t.Errorf("reply message %x, want %x", last.Bytes, reply)
				}
				t.Logf("%s", last.Meaning)
			}
		}
	}
}

// A name goes to the proxy as a name (ATYP 03), an IP literal as an address.
func TestTargetEncoding(t *testing.T) {
	tests := []struct {
		host string
		want string // the CONNECT request in hex
	}{
		{"only-the-proxy-knows.test", "0501000319" + hexs("only-the-proxy-knows.test") + "0050"},
		{"abc.onion", "0501000309" + hexs("abc.onion") + "0050"},
		{"abc.onion.", "0501000309" + hexs("abc.onion") + "0050"}, // Tor would take it for a name to resolve at an exit
		{"abc.ONION..", "0501000309" + hexs("abc.ONION") + "0050"},
		{"example.com.", "050100030c" + hexs("example.com.") + "0050"}, // other names are sent as given
		{"10.1.2.3", "050100010a0102030050"},
		{"::1", "0501000400000000000000000000000000000001" + "0050"},
		{"[::1]", "0501000400000000000000000000000000000001" + "0050"},
		{"1.2.3", "0501000305" + hexs("1.2.3") + "0050"},
	}
	for _, tt := range tests {
		f := &fake{got: make(chan []byte, 1)}
		proxy := startFake(t, "tcp", f)
		var dials []string
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials = append(dials, network+" "+addr)
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}
		c, err := Connect(testCtx(t), Config{Proxy: proxy, Dial: dial}, tt.host, 80)
		if err != nil {
			t.Fatalf("%s: %v", tt.host, err)
		}
		c.Close()
		got := hexs(string(<-f.got))
		if want := "050100" + tt.want; got != want {
			t.Errorf("%s: proxy got %s, want %s", tt.host, got, want)
		}
		if len(dials) != 1 || dials[0] != "tcp "+proxy.Address {
			t.Errorf("%s: dials %q, want one to the proxy", tt.host, dials)
		}
	}
}

func TestPasswordMasked(t *testing.T) {
	const pass = "hunter2-very-secret"
	proxy := startFake(t, "tcp", &fake{})
	var rec record
	c, err := Connect(testCtx(t), Config{Proxy: proxy, Auth: &Auth{User: "bob", Password: pass}, Observe: rec.observe}, "example.test", 443)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	want := "> greeting 05020002 version 5, 2 methods offered: no authentication (00), username/password (02)\n" +
		"< method selection 0502 version 5, method chosen: username/password (02)\n" +
		"> username/password 0103626f6213" + strings.Repeat("2a", len(pass)) + ` username/password version 1, username "bob" (3 bytes), password masked (19 bytes)` + "\n" +
		"< username/password status 0100 username/password version 1, status 00: accepted\n" +
		"> connect request 050100030c" + hexs("example.test") + `01bb version 5, CONNECT (01), address type domain name (03): "example.test" (12 bytes), port 443` + "\n" +
		"< reply 05000001000000000000 version 5, reply 00: succeeded, bound address 0.0.0.0:0 (type 01, IPv4)\n"
	if got := rec.String(); got != want {
		t.Errorf("handshake:\n%s\nwant:\n%s", got, want)
	}
	for _, m := range rec.msgs {
		if bytes.Contains(m.Bytes, []byte(pass)) || strings.Contains(m.Meaning, pass) {
			t.Errorf("message %v shows the password: %x %q", m.Step, m.Bytes, m.Meaning)
		}
	}
}

func TestUnixProxy(t *testing.T) {
	proxy := startFake(t, "unix", &fake{})
	c, err := Connect(testCtx(t), Config{Proxy: proxy}, "example.test", 80)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*net.UnixConn); !ok {
		t.Errorf("Connect returned %T, want *net.UnixConn", c)
	}
	echoCheck(t, c)

	missing := Addr{Network: "unix", Address: t.TempDir() + "/none"}
	_, err = Connect(testCtx(t), Config{Proxy: missing}, "example.test", 80)
	e := asError(t, err)
	want := "cannot connect to socks5 proxy unix:" + missing.Address + " (no such file or directory)"
	if e.Kind != KindDial || e.Error() != want || !errors.Is(err, syscall.ENOENT) {
		t.Errorf("error = %v %q, want %v %q", e.Kind, e.Error(), KindDial, want)
	}
}

func TestDialErrors(t *testing.T) {
	closed := Addr{Network: "tcp", Address: "127.0.0.1:" + itoa(closedPort(t))}
	past, cancel := context.WithDeadline(context.Background(), time.Unix(1, 0))
	defer cancel()
	noHost := func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "proxy.invalid", IsNotFound: true}}
	}
	tests := []struct {
		name string
		ctx  context.Context
		cfg  Config
		msg  string
		hint string
		is   error
	}{
		{"refused", testCtx(t), Config{Proxy: closed}, "cannot connect to socks5 proxy " + closed.Address + " (connection refused)", "", syscall.ECONNREFUSED},
		{"refused, Tor", testCtx(t), Config{Proxy: closed, Tor: true}, "cannot reach Tor at " + closed.Address + " (connection refused)", hintTorDown, syscall.ECONNREFUSED},
		{"no such proxy host", testCtx(t), Config{Proxy: Addr{"tcp", "proxy.invalid:1080"}, Dial: noHost}, `cannot resolve socks5 proxy host "proxy.invalid" (no such host)`, "", nil},
		{"time is up", past, Config{Proxy: closed}, "cannot connect to socks5 proxy " + closed.Address + " (timed out)", "", context.DeadlineExceeded},
	}
	for _, tt := range tests {
		_, err := Connect(tt.ctx, tt.cfg, "example.test", 80)
		e := asError(t, err)
		if e.Kind != KindDial || e.Error() != tt.msg || e.Hint() != tt.hint {
			t.Errorf("%s: error = %v %q hint %q\nwant %v %q hint %q", tt.name, e.Kind, e.Error(), e.Hint(), KindDial, tt.msg, tt.hint)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: errors.Is(%v, %v) = false", tt.name, err, tt.is)
		}
	}
}

func TestUsage(t *testing.T) {
	proxy := Addr{"tcp", "127.0.0.1:1"}
	long := strings.Repeat("a", 256)
	tests := []struct {
		host string
		port int
		auth *Auth
		msg  string
	}{
		{"", 80, nil, "empty host"},
		{long, 80, nil, "host name of 256 bytes; SOCKS5 carries at most 255"},
		{"example.test", 0, nil, "port 0 out of range"},
		{"example.test", 65536, nil, "port 65536 out of range"},
		{"fe80::1%eth0", 80, nil, `host "fe80::1%eth0": an IPv6 zone cannot be sent to a proxy`},
		{"exa mple.test", 80, nil, `host "exa mple.test" contains a space or control character`},
		{"example.test", 80, &Auth{User: "", Password: "p"}, "proxy username of 0 bytes; RFC 1929 takes 1 to 255"},
		{"example.test", 80, &Auth{User: "u", Password: long}, "proxy password of 256 bytes; RFC 1929 takes at most 255"},
	}
	for _, tt := range tests {
		_, err := Connect(testCtx(t), Config{Proxy: proxy, Auth: tt.auth}, tt.host, tt.port)
		e := asError(t, err)
		if e.Kind != KindUsage || !strings.HasSuffix(e.Error(), ": "+tt.msg) {
			t.Errorf("%q %d: error = %v %q, want %v ending %q", tt.host, tt.port, e.Kind, e.Error(), KindUsage, tt.msg)
		}
	}
}
