package cli

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// The tests in this file pin the request bytes sockfetch writes for the
// URL forms, redirects and options whose meaning curl 7.88 defines, and run
// the installed curl (when there is one) with the same command line against
// a server of the same routes: both must send the bytes of want. Only what
// README documents as different is normalised: the User-Agent value. Every name is an IP literal or resolves
// through the test's own resolver; curl is given IP literals only.

// addrMark stands for the server's 127.0.0.1:PORT in wanted bytes, and
// portMark for its port after another name.
const (
	addrMark = "ADDR"
	portMark = "PORT"
)

// curlCase is one command line and what each program must do with it.
type curlCase struct {
	name   string
	args   []string // "ADDR" in an argument is the server's address
	routes map[string]testserver.Reply
	heads  []string // every request head the server must read, in order
	code   int      // exit status
	stdout string   // with -w; "" otherwise
	errHas string   // in sockfetch's stderr, when code is not 0
	files  map[string]string
}

// okReply answers a request with a small body.
var okReply = testserver.Reply{Raw: []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")}

// locationReply redirects to loc with status 302.
func locationReply(loc string) testserver.Reply {
	return testserver.Reply{Raw: []byte("HTTP/1.1 302 Found\r\nLocation: " + loc + "\r\nContent-Length: 0\r\n\r\n")}
}

// uaLine is the default User-Agent line, the same for both programs once
// normalised.
const uaLine = "User-Agent: UA\r\n"

// get is a GET head with the default fields of curl, the given fields
// after them.
func get(target string, fields ...string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: " + addrMark + "\r\n" + uaLine + "Accept: */*\r\n" + strings.Join(fields, "") + "\r\n"
}

// normalizeHead replaces addr and the program's User-Agent value by their
// marks.
func normalizeHead(head, addr string) string {
	h := head
	if addr != "" {
		h = strings.ReplaceAll(h, addr, addrMark)
	}
	lines := strings.SplitAfter(h, "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "User-Agent: sockfetch/") || strings.HasPrefix(l, "User-Agent: curl/") {
			lines[i] = uaLine
		}
	}
	return strings.Join(lines, "")
}

// runCase runs one program's command line against a fresh server and
// returns what the server read and what the program showed.
func runCase(t *testing.T, tt curlCase, run func(args []string) result) ([]string, result) {
	t.Helper()
	routes := map[string]testserver.Reply{"": okReply}
	if tt.routes != nil {
		routes = map[string]testserver.Reply{}
	}
	srv := testserver.Start(t, routes)
	port := strconv.Itoa(srv.Port)
	for path, reply := range tt.routes { // a Location may name the server: ADDR, or PORT
		reply.Raw = []byte(strings.ReplaceAll(strings.ReplaceAll(string(reply.Raw), addrMark, srv.Addr), portMark, port))
		routes[path] = reply
	}
	dir := t.TempDir()
	args := make([]string, len(tt.args))
	for i, a := range tt.args {
		a = strings.ReplaceAll(a, addrMark, srv.Addr)
		if name, ok := strings.CutPrefix(a, "@"); ok && tt.files[name] != "" {
			a = "@" + filepath.Join(dir, name)
		}
		args[i] = a
	}
	for name, body := range tt.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := run(args)
	var heads []string
	for _, q := range srv.Requests() {
		heads = append(heads, strings.ReplaceAll(normalizeHead(string(q.Head), srv.Addr), ":"+port+"\r\n", ":"+portMark+"\r\n"))
	}
	r.stdout = strings.ReplaceAll(r.stdout, srv.Addr, addrMark)
	return heads, r
}

// checkHeads compares the heads a program sent with want.
func checkHeads(t *testing.T, who string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s sent %d requests, want %d:\n got %q\nwant %q", who, len(got), len(want), got, want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s request %d:\n got %q\nwant %q", who, i+1, got[i], want[i])
		}
	}
}

// runCurl runs the installed curl with args, silent, its body discarded
// (sockfetch is given the same -o /dev/null),
// no proxy from the environment.
func runCurl(t *testing.T, args []string) result {
	t.Helper()
	cmd := exec.Command("curl", append([]string{"-s", "-o", "/dev/null"}, args...)...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	return runCmd(t, cmd)
}

// curlBinary reports whether curl 7.88 is installed (the yardstick). Under
// SOCKFETCH_REQUIRE_ALL (CI) its absence fails the test, so that no
// comparison with curl is left out unseen.
func curlBinary(t *testing.T) bool {
	out, err := exec.Command("curl", "--version").Output()
	ok := err == nil && strings.HasPrefix(string(out), "curl 7.88.")
	if !ok && testenv.RequireAll() {
		t.Fatal("curl 7.88 is not installed: the comparisons with curl need it (make deps)")
	}
	return ok
}

// checkCases runs each case through sockfetch and, when installed, curl.
func checkCases(t *testing.T, cases []curlCase) {
	t.Helper()
	withCurl := curlBinary(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			heads, r := runCase(t, tt, func(args []string) result { return sockfetch(t, append([]string{"-o", "/dev/null"}, args...)...) })
			checkHeads(t, "sockfetch", heads, tt.heads)
			if tt.code == 0 {
				r.want(t, 0, tt.stdout)
			} else {
				r.want(t, tt.code, tt.stdout, tt.errHas)
				r.errLine(t)
			}
			if !withCurl {
				return
			}
			heads, r = runCase(t, tt, func(args []string) result { return runCurl(t, args) })
			checkHeads(t, "curl", heads, tt.heads)
			if r.code != tt.code || r.stdout != tt.stdout {
				t.Errorf("curl: exit %d stdout %q, want %d %q", r.code, r.stdout, tt.code, tt.stdout)
			}
		})
	}
}

const urlEff = "%{url_effective}"

// TestCurlURLForms: dot segments, the URL forms curl accepts, fragments,
// userinfo and a raw space (behaviours 1 and 2).
func TestCurlURLForms(t *testing.T) {
	checkCases(t, []curlCase{
		{name: "dot segments removed", args: []string{"-w", urlEff, "http://ADDR/../../a/b/../c?x=../y"},
			heads: []string{get("/a/c?x=../y")}, stdout: "http://ADDR/a/c?x=../y"},
		{name: "trailing dot", args: []string{"http://ADDR/a/./b/."}, heads: []string{get("/a/b/")}},
		{name: "trailing dots", args: []string{"http://ADDR/a/b/.."}, heads: []string{get("/a/")}},
		{name: "dots above the root", args: []string{"http://ADDR/.."}, heads: []string{get("/")}},
		{name: "encoded dots are not dots", args: []string{"http://ADDR/%2e%2e/x"}, heads: []string{get("/%2e%2e/x")}},
		{name: "--path-as-is keeps them", args: []string{"--path-as-is", "-w", urlEff, "http://ADDR/../../a/b/../c?x=../y"},
			heads: []string{get("/../../a/b/../c?x=../y")}, stdout: "http://ADDR/../../a/b/../c?x=../y"},
		{name: "one slash", args: []string{"-w", urlEff, "http:/ADDR/path"}, heads: []string{get("/path")}, stdout: "http://ADDR/path"},
		{name: "three slashes", args: []string{"http:///ADDR/three"}, heads: []string{get("/three")}},
		{name: "four slashes", args: []string{"http:////ADDR/four"}, code: 3, errHas: "malformed URL"},
		{name: "no slash is no scheme", args: []string{"http:ADDR/path"}, code: 3, errHas: "malformed URL"},
		{name: "no scheme", args: []string{"ADDR/noscheme"}, heads: []string{get("/noscheme")}},
		{name: "scheme in capitals", args: []string{"-w", urlEff, "HTTP://ADDR/"}, heads: []string{get("/")}, stdout: "http://ADDR/"},
		{name: "no path", args: []string{"-w", urlEff, "http://ADDR"}, heads: []string{get("/")}, stdout: "http://ADDR/"},
		{name: "query without path", args: []string{"-w", urlEff, "http://ADDR?q"}, heads: []string{get("/?q")}, stdout: "http://ADDR/?q"},
		{name: "fragment never sent", args: []string{"-w", urlEff, "http://ADDR/p?a=1#frag"}, heads: []string{get("/p?a=1")}, stdout: "http://ADDR/p?a=1#frag"},
		{name: "userinfo is Basic auth after Host", args: []string{"http://u:p@ADDR/"},
			heads: []string{"GET / HTTP/1.1\r\nHost: ADDR\r\nAuthorization: Basic dTpw\r\n" + uaLine + "Accept: */*\r\n\r\n"}},
		{name: "8-bit path encoded, query as is", args: []string{"http://ADDR/caf\xc3\xa9?q=\xc3\xa9"}, heads: []string{get("/caf%c3%a9?q=\xc3\xa9")}},
		{name: "raw space", args: []string{"http://ADDR/a b"}, code: 3, errHas: "URL using bad/illegal format or missing URL"},
		{name: "control character", args: []string{"http://ADDR/a\tb"}, code: 3, errHas: "URL using bad/illegal format or missing URL"},
	})
}

// TestCurlLocationEncoding: a Location with spaces or 8-bit bytes is
// followed encoded as curl encodes it (behaviour 3).
func TestCurlLocationEncoding(t *testing.T) {
	redirectTo := func(loc string) map[string]testserver.Reply {
		return map[string]testserver.Reply{"/r": locationReply(loc), "": okReply}
	}
	checkCases(t, []curlCase{
		{name: "spaces", args: []string{"-L", "-w", urlEff, "http://ADDR/r"}, routes: redirectTo("/a b?c d"),
			heads: []string{get("/r"), get("/a%20b?c+d")}, stdout: "http://ADDR/a%20b?c+d"},
		{name: "8-bit bytes", args: []string{"-L", "http://ADDR/r"}, routes: redirectTo("/caf\xc3\xa9?q=\xc3\xa9 x#f g"),
			heads: []string{get("/r"), get("/caf%c3%a9?q=%c3%a9+x")}},
		{name: "absolute with a space", args: []string{"-L", "http://ADDR/r"}, routes: redirectTo("http://ADDR/x y"),
			heads: []string{get("/r"), get("/x%20y")}},
		{name: "dot segments", args: []string{"-L", "http://ADDR/r"}, routes: redirectTo("/x/../y/./z"),
			heads: []string{get("/r"), get("/y/z")}},
		{name: "custom Host to the first host only", args: []string{"-L", "-H", "Host: custom", "http://ADDR/r", "http://ADDR/same"},
			routes: map[string]testserver.Reply{"/r": locationReply("http://localhost:PORT/end"), "/same": locationReply("/end"), "": okReply},
			heads: []string{"GET /r HTTP/1.1\r\nHost: custom\r\n" + uaLine + "Accept: */*\r\n\r\n", "GET /end HTTP/1.1\r\nHost: localhost:PORT\r\n" + uaLine + "Accept: */*\r\n\r\n",
				"GET /same HTTP/1.1\r\nHost: custom\r\n" + uaLine + "Accept: */*\r\n\r\n", "GET /end HTTP/1.1\r\nHost: custom\r\n" + uaLine + "Accept: */*\r\n\r\n"},
			stdout: "ok\n"},
		{name: "dot segments kept with --path-as-is", args: []string{"-L", "--path-as-is", "http://ADDR/r"}, routes: redirectTo("/x/../y/./z"),
			heads: []string{get("/r"), get("/x/../y/./z")}},
	})
}

// TestCurlHeaders: -H replaces, removes and empties defaults as curl, and
// -H @FILE reads headers from a file (behaviour 4).
func TestCurlHeaders(t *testing.T) {
	checkCases(t, []curlCase{
		{name: "replacements in the user's order, Host first", args: []string{"-H", "X-B: 2", "-H", "Host: z", "-H", "Host: w", "-H", "Accept: y", "-H", "User-Agent: x", "http://ADDR/"},
			heads: []string{"GET / HTTP/1.1\r\nHost: z\r\nX-B: 2\r\nAccept: y\r\nUser-Agent: x\r\n\r\n"}},
		{name: "replacements in order given", args: []string{"-H", "User-Agent: x", "-H", "Accept: y", "-H", "Host: z", "http://ADDR/"},
			heads: []string{"GET / HTTP/1.1\r\nHost: z\r\nUser-Agent: x\r\nAccept: y\r\n\r\n"}},
		{name: "-H User-Agent beats -A", args: []string{"-A", "ua", "-H", "User-Agent: x", "http://ADDR/"},
			heads: []string{"GET / HTTP/1.1\r\nHost: ADDR\r\nAccept: */*\r\nUser-Agent: x\r\n\r\n"}},
		{name: "Name: removes", args: []string{"-H", "Accept:", "-H", "User-Agent:  ", "-H", "X-None:", "http://ADDR/"},
			heads: []string{"GET / HTTP/1.1\r\nHost: ADDR\r\n\r\n"}},
		{name: "Name; sends it empty", args: []string{"-H", "X-Empty;", "-H", "Accept;", "http://ADDR/"},
			heads: []string{"GET / HTTP/1.1\r\nHost: ADDR\r\n" + uaLine + "X-Empty:\r\nAccept:\r\n\r\n"}},
		{name: "Host; sends it empty", args: []string{"-H", "Host;", "http://ADDR/"},
			heads: []string{"GET / HTTP/1.1\r\nHost:\r\n" + uaLine + "Accept: */*\r\n\r\n"}},
		{name: "curl's order of every default", args: []string{"-u", "a:b", "-e", "http://ref/", "-A", "ua", "-H", "X-A: 1", "-d", "x=1", "http://ADDR/"},
			heads: []string{"POST / HTTP/1.1\r\nHost: ADDR\r\nAuthorization: Basic YTpi\r\nUser-Agent: ua\r\nAccept: */*\r\nReferer: http://ref/\r\nX-A: 1\r\n" +
				"Content-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"}},
		{name: "user Content-Type in the user's order", args: []string{"-H", "Content-Type: text/plain", "-H", "X-A: 1", "-d", "x", "http://ADDR/"},
			heads: []string{"POST / HTTP/1.1\r\nHost: ADDR\r\n" + uaLine + "Accept: */*\r\nContent-Type: text/plain\r\nX-A: 1\r\nContent-Length: 1\r\n\r\n"}},
		{name: "-H @FILE", args: []string{"-H", "@h.txt", "-H", "X-After: 1", "http://ADDR/"},
			files: map[string]string{"h.txt": "X-F1: a\r\n\r\nX-F2: b\n\n  \nHost: fh\nAccept:\nX-E;\n"},
			heads: []string{"GET / HTTP/1.1\r\nHost: fh\r\n" + uaLine + "X-F1: a\r\nX-F2: b\r\nX-E:\r\nX-After: 1\r\n\r\n"}},
	})
}

// TestHeaderFileMissing: -H @FILE that cannot be read is exit 26 before
// anything connects, as -d @FILE. (curl 7.88 only warns and sends the
// request without the file's headers; README lists the difference.)
func TestHeaderFileMissing(t *testing.T) {
	srv := okServer(t)
	r := sockfetch(t, "-H", "@/nonexistent/headers", srv.URL)
	r.want(t, 26, "", "sockfetch: cannot read headers from /nonexistent/headers: no such file or directory")
	r.errLine(t)
	if n := srv.Accepted(); n != 0 {
		t.Errorf("%d connections, want none", n)
	}
}

// TestCurlAutoReferer: -e 'URL;auto' and -e ';auto' send the previous URL
// as Referer on each redirect; %{referer} is the last one (behaviour 5).
func TestCurlAutoReferer(t *testing.T) {
	routes := map[string]testserver.Reply{"/r1": locationReply("/r2?x"), "/r2": locationReply("/end"), "": okReply}
	checkCases(t, []curlCase{
		{name: "URL;auto", args: []string{"-L", "-e", "http://first/;auto", "-w", "%{referer}", "http://ADDR/r1"}, routes: routes,
			heads:  []string{get("/r1", "Referer: http://first/\r\n"), get("/r2?x", "Referer: http://ADDR/r1\r\n"), get("/end", "Referer: http://ADDR/r2?x\r\n")},
			stdout: "http://ADDR/r2?x"},
		{name: ";auto", args: []string{"-L", "-e", ";auto", "-w", "%{referer}", "http://u:p@ADDR/r2#frag"}, routes: routes,
			heads: []string{
				"GET /r2 HTTP/1.1\r\nHost: ADDR\r\nAuthorization: Basic dTpw\r\n" + uaLine + "Accept: */*\r\n\r\n",
				"GET /end HTTP/1.1\r\nHost: ADDR\r\nAuthorization: Basic dTpw\r\n" + uaLine + "Accept: */*\r\nReferer: http://ADDR/r2\r\n\r\n"},
			stdout: "http://ADDR/r2"},
		{name: "without -L", args: []string{"-e", "http://first/;auto", "-w", "%{referer}", "http://ADDR/r1"}, routes: routes,
			heads: []string{get("/r1", "Referer: http://first/\r\n")}, stdout: "http://first/"},
		{name: "plain -e stays", args: []string{"-L", "-e", "http://first/", "-w", "%{referer}", "http://ADDR/r2"}, routes: routes,
			heads: []string{get("/r2", "Referer: http://first/\r\n"), get("/end", "Referer: http://first/\r\n")}, stdout: "http://first/"},
	})
}

// v6Recorder listens on [::1] and records the head of each request.
type v6Recorder struct {
	ln    net.Listener
	heads chan string
}

func listenV6(t *testing.T) *v6Recorder {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	r := &v6Recorder{ln: ln, heads: make(chan string, 8)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			var head strings.Builder
			for {
				l, err := br.ReadString('\n')
				head.WriteString(l)
				if err != nil || l == "\r\n" {
					break
				}
			}
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
			c.Close()
			r.heads <- head.String()
		}
	}()
	return r
}

func (r *v6Recorder) port() string { return strconv.Itoa(r.ln.Addr().(*net.TCPAddr).Port) }

// TestCurlZoneNotInHost: an IPv6 zone ID in the URL is for the dial only;
// Host has the address alone, as curl sends it (behaviour 3).
func TestCurlZoneNotInHost(t *testing.T) {
	rec := listenV6(t)
	url := "http://[::1%25lo]:" + rec.port() + "/"
	want := "GET / HTTP/1.1\r\nHost: [::1]:" + rec.port() + "\r\n" + uaLine + "Accept: */*\r\n\r\n"
	sockfetch(t, "-w", urlEff, url).want(t, 0, "ok\n"+url)
	if got := normalizeHead(<-rec.heads, ""); got != want {
		t.Errorf("sockfetch:\n got %q\nwant %q", got, want)
	}
	if !curlBinary(t) {
		return
	}
	if r := runCurl(t, []string{url}); r.code != 0 {
		t.Fatalf("curl exit %d: %s", r.code, r.stderr)
	}
	if got := normalizeHead(<-rec.heads, ""); got != want {
		t.Errorf("curl:\n got %q\nwant %q", got, want)
	}
}

// TestLocalhostNames: localhost and the names under .localhost are
// loopback without asking the resolver (RFC 6761 §6.3, as curl 7.88), -6
// takes ::1, and under --tor the name still goes to Tor (behaviour 6).
func TestLocalhostNames(t *testing.T) {
	srv := okServer(t)
	port := strconv.Itoa(srv.Port)
	for _, host := range []string{"foo.localhost", "a.b.LOCALHOST", "localhost"} {
		var dl dialLog
		r := sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: dl.dial}, "http://"+host+":"+port+"/")
		r.want(t, 0, "hello, world\n")
		if len(dl.addrs) == 0 || dl.addrs[0] != "tcp 127.0.0.1:"+port {
			t.Errorf("%s: dialled %q, want 127.0.0.1 first", host, dl.addrs)
		}
	}
	if h, _ := srv.Requests()[0].Header("Host"); h != "foo.localhost:"+port {
		t.Errorf("Host %q, want the name", h)
	}

	var dl dialLog
	rec := listenV6(t)
	r := sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: dl.dial}, "-6", "http://foo.localhost:"+rec.port()+"/")
	r.want(t, 0, "ok\n")
	if want := "tcp6 [::1]:" + rec.port(); len(dl.addrs) != 1 || dl.addrs[0] != want {
		t.Errorf("-6 dialled %q, want %q", dl.addrs, want)
	}
	if h := <-rec.heads; !strings.Contains(h, "\r\nHost: foo.localhost:"+rec.port()+"\r\n") {
		t.Errorf("-6 head %q", h)
	}

	tor := testserver.StartSOCKS5(t)
	tor.Reply = 0x04 // host unreachable: only the CONNECT matters
	r = sockfetchWith(t, runOpts{resolver: failResolver{t}}, "--tor-addr", tor.Addr, "http://foo.localhost/")
	r.want(t, 97, "", "sockfetch: ")
	if reqs := tor.Requests(); len(reqs) != 1 || reqs[0].ATYP != 3 || reqs[0].Host != "foo.localhost" {
		t.Errorf("Tor was asked %+v, want the name foo.localhost", reqs)
	}
}

// TestRequestCheckedBeforeDial: a request that cannot be sent is exit 2
// with the reason, before any connection opens, directly and under --tor
// (behaviour 7). curl sends most of these bytes as they are (a CR LF in -H,
// -A or -e injects a field; -X 'GE T' breaks the request line; a name with
// a space is sent); sockfetch refuses them.
func TestRequestCheckedBeforeDial(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"CR LF in -H", []string{"-H", "X-A: a\r\nInjected: 1"}, `cannot send the request: header X-A: value contains CR`},
		{"LF in -H", []string{"-H", "X-A: a\nInjected: 1"}, `header X-A: value contains LF`},
		{"space in a name", []string{"-H", "X Y: 1"}, `header "X Y": name is not a token`},
		{"colon only", []string{"-H", ":x"}, `-H ":x"`},
		{"CR LF in -A", []string{"-A", "ua\r\nInjected: 1"}, `header User-Agent: value contains CR`},
		{"CR LF in -e", []string{"-e", "http://r/\r\nInjected: 1"}, `header Referer: value contains CR`},
		{"CR LF in -e ;auto", []string{"-e", "http://r/\n;auto"}, `header Referer: value contains LF`},
		{"space in -X", []string{"-X", "GE T"}, `header method: not a token: "GE T"`},
		{"request line in -X", []string{"-X", "GET / HTTP/1.1\r\nY: b"}, `header method: not a token`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := okServer(t)
			var dl dialLog
			r := sockfetchWith(t, runOpts{dial: dl.dial}, append(tt.args, srv.URL+"/")...)
			r.want(t, 2, "", tt.msg)
			r.errLine(t)
			if n := srv.Accepted(); n != 0 || len(dl.addrs) != 0 {
				t.Errorf("%d connections accepted, dialled %q: want none", n, dl.addrs)
			}

			tor := testserver.StartSOCKS5(t)
			var tl dialLog
			r = sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: tl.dial}, append(tt.args, "--tor-addr", tor.Addr, "http://example.com/")...)
			r.want(t, 2, "", tt.msg)
			if len(tl.addrs) != 0 || len(tor.Requests()) != 0 {
				t.Errorf("under --tor: dialled %q, Tor asked %+v: want nothing", tl.addrs, tor.Requests())
			}
		})
	}
}

// TestWriteOutRefererJSON: %{json}'s referer is the Referer sent, and null
// without one, as curl's.
func TestWriteOutRefererJSON(t *testing.T) {
	srv := okServer(t)
	for _, tt := range []struct {
		args []string
		want any
	}{
		{nil, nil},
		{[]string{"-e", "http://r/"}, "http://r/"},
		{[]string{"-e", ";auto"}, nil},
	} {
		r := sockfetch(t, append(tt.args, "-s", "-o", "/dev/null", "-w", "%{json}", srv.URL)...)
		var m map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
			t.Fatalf("%%{json} is not JSON: %v\n%s", err, r.stdout)
		}
		if v, ok := m["referer"]; !ok || v != tt.want {
			t.Errorf("%q: referer = %#v (present %v), want %#v", tt.args, v, ok, tt.want)
		}
	}
}
