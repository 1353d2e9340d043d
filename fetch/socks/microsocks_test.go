package socks

import (
	"net"
	"strings"
	"testing"
)

func TestMicrosocks(t *testing.T) {
	echo := echoServer(t)
	open := startMicrosocks(t, "", "")
	authed := startMicrosocks(t, "alice", "s3cret")
	ip4 := "7f000001" + portHex(echo)

	tests := []struct {
		name  string
		proxy Addr
		auth  *Auth
		host  string
		want  string // the handshake, one message a line
	}{
		{
			name: "no auth, IPv4 literal", proxy: open, host: "127.0.0.1",
			want: "> greeting 050100 version 5, 1 method offered: no authentication (00)\n" +
				"< method selection 0500 version 5, method chosen: no authentication (00)\n" +
				"> connect request 05010001" + ip4 + " version 5, CONNECT (01), address type IPv4 (01): 127.0.0.1, port PORT\n" +
				"< reply 05000001........ version 5, reply 00: succeeded, bound address BOUND (type 01, IPv4)\n",
		},
		{
			name: "no auth, name sent to the proxy", proxy: open, host: "localhost",
			want: "> greeting 050100 version 5, 1 method offered: no authentication (00)\n" +
				"< method selection 0500 version 5, method chosen: no authentication (00)\n" +
				"> connect request 0501000309" + "6c6f63616c686f7374" + portHex(echo) + ` version 5, CONNECT (01), address type domain name (03): "localhost" (9 bytes), port PORT` + "\n" +
				"< reply 05000001........ version 5, reply 00: succeeded, bound address BOUND (type 01, IPv4)\n",
		},
		{
			name: "offered auth not needed", proxy: open, auth: &Auth{User: "alice", Password: "s3cret"}, host: "127.0.0.1",
			want: "> greeting 05020002 version 5, 2 methods offered: no authentication (00), username/password (02)\n" +
				"< method selection 0500 version 5, method chosen: no authentication (00)\n" +
				"> connect request 05010001" + ip4 + " version 5, CONNECT (01), address type IPv4 (01): 127.0.0.1, port PORT\n" +
				"< reply 05000001........ version 5, reply 00: succeeded, bound address BOUND (type 01, IPv4)\n",
		},
		{
			name: "username and password", proxy: authed, auth: &Auth{User: "alice", Password: "s3cret"}, host: "127.0.0.1",
			want: "> greeting 05020002 version 5, 2 methods offered: no authentication (00), username/password (02)\n" +
				"< method selection 0502 version 5, method chosen: username/password (02)\n" +
				`> username/password 0105616c696365062a2a2a2a2a2a username/password version 1, username "alice" (5 bytes), password masked (6 bytes)` + "\n" +
				"< username/password status 0100 username/password version 1, status 00: accepted\n" +
				"> connect request 05010001" + ip4 + " version 5, CONNECT (01), address type IPv4 (01): 127.0.0.1, port PORT\n" +
				"< reply 05000001........ version 5, reply 00: succeeded, bound address BOUND (type 01, IPv4)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec record
			c, err := Connect(testCtx(t), Config{Proxy: tt.proxy, Auth: tt.auth, Observe: rec.observe}, tt.host, echo)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer c.Close()
			if _, ok := c.(*net.TCPConn); !ok {
				t.Errorf("Connect returned %T, want *net.TCPConn", c)
			}
			echoCheck(t, c)
			if got := maskBound(rec.String(), echo); got != tt.want {
				t.Errorf("handshake:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// maskBound replaces the bound address microsocks reports (its own outgoing
// socket) and the target port, which change from run to run.
func maskBound(s string, port int) string {
	var out []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(line, "< reply 05000001") {
			f := strings.SplitN(line, " ", 4)
			f[2] = f[2][:8] + strings.Repeat(".", 8)
			if i, j := strings.Index(f[3], "bound address "), strings.Index(f[3], " (type"); i >= 0 && j > i {
				f[3] = f[3][:i+len("bound address ")] + "BOUND" + f[3][j:]
			}
			line = strings.Join(f, " ")
		}
		out = append(out, line)
	}
	return strings.ReplaceAll(strings.Join(out, ""), "port "+itoa(port), "port PORT")
}

func TestMicrosocksFailures(t *testing.T) {
	echo := echoServer(t)
	authed := startMicrosocks(t, "alice", "s3cret")
	open := startMicrosocks(t, "", "")
	closed := closedPort(t)

	tests := []struct {
		name     string
		proxy    Addr
		auth     *Auth
		port     int
		kind     Kind
		code     byte
		msg      string
		hint     string
		lastRecv string // meaning of the last message received
	}{
		{
			name: "wrong password", proxy: authed, auth: &Auth{User: "alice", Password: "wrong"}, port: echo,
			kind: KindHandshake,
			msg:  "socks5 proxy " + authed.Address + ": the proxy rejected the username and password (RFC 1929 status 0x02)",
			hint: "check the username and password given for the proxy",
		},
		{
			name: "no credentials for a proxy that wants them", proxy: authed, port: echo,
			kind: KindHandshake,
			msg:  "socks5 proxy " + authed.Address + ": the proxy accepts none of the offered authentication methods (no authentication (00))",
			hint: "the proxy wants a username and password: give them in the proxy URL (socks5h://user:pass@host:port)",
		},
		{
			name: "closed target port", proxy: open, port: closed,
			kind: KindReply, code: byte(ReplyRefused),
			msg: "socks5 proxy " + open.Address + " refused connect to 127.0.0.1:" + itoa(closed) + ": connection refused (SOCKS5 reply 0x05)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec record
			c, err := Connect(testCtx(t), Config{Proxy: tt.proxy, Auth: tt.auth, Observe: rec.observe}, "127.0.0.1", tt.port)
			if err == nil {
				c.Close()
				t.Fatal("Connect succeeded")
			}
			e := asError(t, err)
			if e.Kind != tt.kind || e.Code != tt.code || e.Error() != tt.msg || e.Hint() != tt.hint {
				t.Errorf("error = %v %#02x %q hint %q\nwant    %v %#02x %q hint %q", e.Kind, e.Code, e.Error(), e.Hint(), tt.kind, tt.code, tt.msg, tt.hint)
			}
			t.Logf("handshake:\n%s", &rec)
		})
	}
}
