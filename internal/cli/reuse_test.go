package cli

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sockfetch/internal/testserver"
)

// The tests in this file count, at the server, the connections a run
// opens: several URLs and the hops of a redirect share one connection
// where HTTP lets it persist (RFC 9112 §9.3), and every other case opens
// a new one.

// keepReply answers with a small body and keeps the connection for the
// next request, as servers do.
var keepReply = testserver.Reply{Raw: []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"), KeepAlive: true}

// conns returns the connection each request the server read came on.
func conns(srv *testserver.Server) []int {
	var n []int
	for _, q := range srv.Requests() {
		n = append(n, q.Conn)
	}
	return n
}

// wantConns checks the connections the requests came on.
func wantConns(t *testing.T, srv *testserver.Server, want ...int) {
	t.Helper()
	if got := conns(srv); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("requests came on connections %v, want %v (%d accepted)", got, want, srv.Accepted())
	}
}

// TestReuseAcrossURLs: three URLs to one server go on one connection;
// %{num_connects} is 1, then 0, as curl says it; -v says which connection
// is reused in curl's words.
func TestReuseAcrossURLs(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": keepReply})
	r := sockfetch(t, "-v", "-w", "%{num_connects} ", srv.URL+"/a", srv.URL+"/b", srv.URL+"/c")
	r.want(t, 0, "ok\n1 ok\n0 ok\n0 ", "* Re-using existing connection #0 with host 127.0.0.1\n",
		"* Connection #0 to host 127.0.0.1 left intact\n")
	wantConns(t, srv, 1, 1, 1)
	if strings.Contains(r.stderr, "#1") {
		t.Errorf("a second connection in -v:\n%s", r.stderr)
	}
	if !curlBinary(t) {
		return
	}
	srv = testserver.Start(t, map[string]testserver.Reply{"": keepReply})
	out, err := exec.Command("curl", "-s", "-w", "%{num_connects} ", srv.URL+"/a", srv.URL+"/b", srv.URL+"/c").Output()
	if err != nil || string(out) != r.stdout {
		t.Errorf("curl: %q (%v), sockfetch %q", out, err, r.stdout)
	}
	wantConns(t, srv, 1, 1, 1)
}

// TestReuseAcrossRedirects: -L follows redirects on the connection they
// came on, a redirect's small body read and dropped first; a body too
// large to drain costs a new connection.
func TestReuseAcrossRedirects(t *testing.T) {
	loc := func(to, body string) testserver.Reply {
		return testserver.Reply{KeepAlive: true, Raw: []byte(fmt.Sprintf("HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: %d\r\n\r\n%s", to, len(body), body))}
	}
	chunked := testserver.Reply{KeepAlive: true, Raw: []byte("HTTP/1.1 301 Moved\r\nLocation: /end\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nmoved\r\n0\r\n\r\n")}
	big := strings.Repeat("x", 65<<10)
	srv := testserver.Start(t, map[string]testserver.Reply{
		"/r1": loc("/r2", ""), "/r2": loc("/r3", "see /r3\n"), "/r3": chunked, "/big": loc("/end", big), "": keepReply,
	})
	sockfetch(t, "-L", "-w", " %{num_connects} %{num_redirects}", srv.URL+"/r1").want(t, 0, "ok\n 1 3")
	wantConns(t, srv, 1, 1, 1, 1)
	sockfetch(t, "-L", srv.URL+"/big").want(t, 0, "ok\n")
	wantConns(t, srv, 1, 1, 1, 1, 2, 3)
}

// TestNoReuse: every case where the connection must not carry another
// request; each run fetches the same URL twice, so a second connection
// (and a third for the one case where it must) is the proof.
func TestNoReuse(t *testing.T) {
	ka := func(raw string) testserver.Reply { return testserver.Reply{Raw: []byte(raw), KeepAlive: true} }
	tests := []struct {
		name   string
		reply  testserver.Reply
		args   []string
		code   int
		stdout string
		conns  []int
		why    string // in -v's stderr
	}{
		{name: "Connection: close", reply: ka("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"),
			stdout: "ok\nok\n", conns: []int{1, 2}, why: "the server said Connection: close"},
		{name: "close-delimited body", reply: testserver.Reply{Raw: []byte("HTTP/1.1 200 OK\r\n\r\nok\n")},
			stdout: "ok\nok\n", conns: []int{1, 2}, why: "the body ended with the connection"},
		{name: "HTTP/1.0 without keep-alive", reply: ka("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"),
			stdout: "ok\nok\n", conns: []int{1, 2}, why: "an HTTP/1.0 response without Connection: keep-alive"},
		{name: "HTTP/1.0 with keep-alive is reused", reply: ka("HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n"),
			stdout: "ok\nok\n", conns: []int{1, 1}},
		{name: "--no-keepalive", reply: keepReply, args: []string{"--no-keepalive"},
			stdout: "ok\nok\n", conns: []int{1, 2}, why: "not reusing it: --no-keepalive"},
		{name: "request says close", reply: keepReply, args: []string{"-H", "Connection: close"},
			stdout: "ok\nok\n", conns: []int{1, 2}, why: "the request said Connection: close"},
		{name: "-f leaves the body unread", reply: ka("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnot\n"), args: []string{"-f"},
			code: 22, conns: []int{1, 2}, why: "the transfer did not complete"},
		{name: "--max-filesize leaves the body unread", reply: ka("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"), args: []string{"--max-filesize", "5"},
			code: 63, conns: []int{1, 2}, why: "the transfer did not complete"},
		{name: "server sends more than the response", reply: ka("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\nHTTP/1.1 200 OK\r\n"),
			stdout: "ok\nok\n", conns: []int{1, 2}, why: "the server sent more than the response"},
		{name: "HEAD reads no body and is reused", reply: ka("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"), args: []string{"-I"},
			stdout: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", conns: []int{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testserver.Start(t, map[string]testserver.Reply{"": tt.reply})
			r := sockfetch(t, append(append([]string{"-v"}, tt.args...), srv.URL+"/x", srv.URL+"/y")...)
			if r.code != tt.code || r.stdout != tt.stdout {
				t.Errorf("exit %d, stdout %q; want %d, %q\nstderr:\n%s", r.code, r.stdout, tt.code, tt.stdout, r.stderr)
			}
			wantConns(t, srv, tt.conns...)
			if tt.why != "" && !strings.Contains(r.stderr, tt.why) {
				t.Errorf("-v does not say %q:\n%s", tt.why, r.stderr)
			}
			for _, q := range srv.Requests() {
				if _, ok := q.Header("Connection"); ok != (tt.name == "request says close") {
					t.Errorf("request %q: a Connection field only where the user gave one", q.Head)
				}
			}
		})
	}
}

// TestReuseIdleClosed: a server that closed the kept connection while it
// was idle gets the next request on a new connection.
func TestReuseIdleClosed(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": okReply}) // answers, then closes
	sockfetch(t, "-w", "%{num_connects} ", srv.URL+"/a", srv.URL+"/b").want(t, 0, "ok\n1 ok\n1 ")
	wantConns(t, srv, 1, 2)
}

// TestReuseResendOnce: a kept connection the server closes on receiving
// the next request, before any byte of the answer, costs that request
// once more on a new connection; a new connection that fails the same way
// is the error it is, and a request whose answer had begun is never sent
// again.
func TestReuseResendOnce(t *testing.T) {
	var mu sync.Mutex
	hangups := 0
	hangup := func(times int) testserver.Reply {
		return testserver.Reply{Handle: func(c net.Conn, _ *testserver.Request) {
			mu.Lock()
			defer mu.Unlock()
			if hangups < times {
				hangups++
				return // the server closes c: nothing of the answer was sent
			}
			c.Write(keepReply.Raw)
		}}
	}
	partial := testserver.Reply{Raw: []byte("HTTP/1.1 200 OK\r\nContent-")}
	srv := testserver.Start(t, map[string]testserver.Reply{"/once": hangup(1), "/partial": partial, "": keepReply})
	r := sockfetch(t, "-v", srv.URL+"/a", srv.URL+"/once")
	r.want(t, 0, "ok\nok\n", "Closing connection #0, not reusing it: the server closed it before answering; sending the request again on a new connection")
	wantConns(t, srv, 1, 1, 2)

	hangups = 0
	srv = testserver.Start(t, map[string]testserver.Reply{"/twice": hangup(2), "": keepReply})
	r = sockfetch(t, srv.URL+"/a", srv.URL+"/twice")
	r.want(t, 52, "ok\n", "sockfetch: empty reply from server")
	wantConns(t, srv, 1, 1, 2)

	srv = testserver.Start(t, map[string]testserver.Reply{"/partial": partial, "": keepReply})
	r = sockfetch(t, srv.URL+"/a", srv.URL+"/partial")
	if r.code == 0 {
		t.Errorf("a cut head: exit 0")
	}
	wantConns(t, srv, 1, 1)
}

// TestReuseThroughProxy: through a SOCKS5 proxy the URLs share one tunnel
// (one CONNECT); other credentials are another route, and --new-circuit
// is one set of random credentials for the whole run.
func TestReuseThroughProxy(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": keepReply})
	p := testserver.StartSOCKS5(t)
	sockfetch(t, "-x", "socks5h://"+p.Addr, srv.URL+"/a", srv.URL+"/b").want(t, 0, "ok\nok\n")
	if n := len(p.Requests()); n != 1 {
		t.Errorf("%d CONNECTs, want 1", n)
	}
	wantConns(t, srv, 1, 1)

	// Tor: one stream for both URLs; a server that closes after each
	// answer makes a second stream, with the same credentials.
	closing := testserver.Start(t, map[string]testserver.Reply{"": okReply})
	tor := testserver.StartSOCKS5(t)
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}}, "--tor-addr", tor.Addr, "--new-circuit", closing.URL+"/a", closing.URL+"/b")
	r.want(t, 0, "ok\nok\n")
	reqs := tor.Requests()
	if len(reqs) != 2 || reqs[0].User == "" || reqs[0].User != reqs[1].User || reqs[0].Password != reqs[1].Password {
		t.Errorf("--new-circuit CONNECTs %+v: want two with the same random credentials", reqs)
	}
}

// TestReuseMicrosocks: the same through microsocks, a real proxy.
func TestReuseMicrosocks(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": keepReply})
	proxy := startMicrosocks(t, "")
	var dl dialLog
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: dl.dial}, "-v", "-x", "socks5h://"+proxy, srv.URL+"/a", srv.URL+"/b", srv.URL+"/c")
	r.want(t, 0, "ok\nok\nok\n", "Re-using existing connection #0 with host 127.0.0.1")
	dl.onlyTo(t, proxy)
	if len(dl.addrs) != 1 {
		t.Errorf("dialed %v, want the proxy once", dl.addrs)
	}
	wantConns(t, srv, 1, 1, 1)
}

// TestReuseExplain: --explain says in words that the connection is reused.
func TestReuseExplain(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"/r": {KeepAlive: true, Raw: []byte("HTTP/1.1 302 Found\r\nLocation: /end\r\nContent-Length: 0\r\n\r\n")}, "": keepReply})
	r := sockfetch(t, "--explain", "-L", srv.URL+"/r")
	r.want(t, 0, "ok\n", "reusing connection #0 to 127.0.0.1, kept open after the previous response", "connection #0 stays open for another request")
	wantConns(t, srv, 1, 1)
}

// TestReuseTLS: https URLs and a redirect share one TLS connection (one
// handshake), counted at the server.
func TestReuseTLS(t *testing.T) {
	ca := testserver.NewCA(t)
	caFile := ca.WritePEM(t)
	srv := tlsServer(t, ca, "localhost", "127.0.0.1")
	var mu sync.Mutex
	opened := 0
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			opened++
			mu.Unlock()
		}
	}
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	u := "https://localhost:" + port + "/"
	want := "secret over HTTP/1.1, SNI localhost\n"
	sockfetch(t, "-L", "--cacert", caFile, "-w", "%{num_connects}\n", u, u+"redirect").want(t, 0, want+"1\n"+want+"0\n")
	mu.Lock()
	defer mu.Unlock()
	if opened != 1 {
		t.Errorf("%d TLS connections, want 1", opened)
	}
}

// TestReuseBigBodies: bodies spliced to their -o files leave the
// connection fit for the next URL, and the files whole.
func TestReuseBigBodies(t *testing.T) {
	body := strings.Repeat("0123456789abcdef", 2<<20/16)
	srv := testserver.Start(t, map[string]testserver.Reply{"": {KeepAlive: true,
		Raw: []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body))}})
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	sockfetch(t, "-o", a, "-o", b, srv.URL+"/a", srv.URL+"/b").want(t, 0, "")
	for _, f := range []string{a, b} {
		if got, err := os.ReadFile(f); err != nil || string(got) != body {
			t.Errorf("%s: %d bytes (%v), want %d", f, len(got), err, len(body))
		}
	}
	wantConns(t, srv, 1, 1)
}
