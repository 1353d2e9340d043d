package cli

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sockfetch/internal/testserver"
)

// okServer answers every request with ok.http and records the requests.
func okServer(t *testing.T) *testserver.Server { return serve(t, "ok.http") }

// lastRequest returns the one request srv received.
func onlyRequest(t *testing.T, srv *testserver.Server) *testserver.Request {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

func TestRequestBytes(t *testing.T) {
	srv := okServer(t)
	sockfetch(t, srv.URL+"/a/b?c=d#frag").want(t, 0, "hello, world\n")
	got := string(onlyRequest(t, srv).Head)
	want := "GET /a/b?c=d HTTP/1.1\r\nHost: " + srv.Addr + "\r\nUser-Agent: sockfetch/" + version +
		"\r\nAccept: */*\r\n\r\n"
	if got != want {
		t.Errorf("request:\n got %q\nwant %q", got, want)
	}
}

func TestHeaderOptions(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		header string
		want   string // "" with absent
		absent bool
	}{
		{"comma stays in one header", []string{"-H", "Accept: a, b"}, "Accept", "a, b", false},
		{"custom header", []string{"-H", "X-One: 1"}, "X-One", "1", false},
		{"empty value removes a default", []string{"-H", "User-Agent:"}, "User-Agent", "", true},
		{"-A", []string{"-A", "tester/1"}, "User-Agent", "tester/1", false},
		{"-A '' sends none", []string{"-A", ""}, "User-Agent", "", true},
		{"-e", []string{"-e", "http://from.example/"}, "Referer", "http://from.example/", false},
		{"-u", []string{"-u", "alice:s3cret"}, "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret")), false},
		{"--compressed asks", []string{"--compressed"}, "Accept-Encoding", "deflate, gzip", false},
		{"attached short value", []string{"-HX-Att: yes"}, "X-Att", "yes", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := okServer(t)
			sockfetch(t, append(tt.args, srv.URL)...).want(t, 0, "hello, world\n")
			v, ok := onlyRequest(t, srv).Header(tt.header)
			if tt.absent {
				if ok {
					t.Errorf("%s sent as %q, want none", tt.header, v)
				}
				return
			}
			if v != tt.want {
				t.Errorf("%s = %q, want %q", tt.header, v, tt.want)
			}
		})
	}
}

func TestUserInURL(t *testing.T) {
	srv := okServer(t)
	sockfetch(t, "http://bob:pw@"+srv.Addr+"/").want(t, 0, "hello, world\n")
	v, _ := onlyRequest(t, srv).Header("Authorization")
	if want := "Basic " + base64.StdEncoding.EncodeToString([]byte("bob:pw")); v != want {
		t.Errorf("Authorization %q, want %q", v, want)
	}
}

func TestHTTP10(t *testing.T) {
	srv := okServer(t)
	sockfetch(t, "-0", srv.URL).want(t, 0, "hello, world\n")
	if h := string(onlyRequest(t, srv).Head); !strings.HasPrefix(h, "GET / HTTP/1.0\r\n") {
		t.Errorf("request line of %q, want HTTP/1.0", h)
	}
}

func TestPostData(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "data.txt")
	os.WriteFile(file, []byte("a=1\r\nb=2\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		body   string
		method string
		ctype  string
	}{
		{"-d", []string{"-d", "x=1"}, "", "x=1", "POST", "application/x-www-form-urlencoded"},
		{"-d twice joins with &", []string{"-d", "x=1", "-d", "y=2"}, "", "x=1&y=2", "POST", "application/x-www-form-urlencoded"},
		{"-d @file drops CR and LF", []string{"-d", "@" + file}, "", "a=1b=2", "POST", "application/x-www-form-urlencoded"},
		{"--data-binary @file keeps bytes", []string{"--data-binary", "@" + file}, "", "a=1\r\nb=2\n", "POST", "application/x-www-form-urlencoded"},
		{"-d @- reads stdin", []string{"-d", "@-"}, "from\nstdin", "fromstdin", "POST", "application/x-www-form-urlencoded"},
		{"--data-raw keeps @", []string{"--data-raw", "@x"}, "", "@x", "POST", "application/x-www-form-urlencoded"},
		{"-X PUT with -d", []string{"-X", "PUT", "-d", "z", "-H", "Content-Type: text/plain"}, "", "z", "PUT", "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := okServer(t)
			sockfetchWith(t, runOpts{stdin: tt.stdin}, append(tt.args, srv.URL)...).want(t, 0, "hello, world\n")
			req := onlyRequest(t, srv)
			if string(req.Body) != tt.body || req.Method != tt.method {
				t.Errorf("%s with body %q, want %s with %q", req.Method, req.Body, tt.method, tt.body)
			}
			if ct, _ := req.Header("Content-Type"); ct != tt.ctype {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
		})
	}
}

func TestDataFileMissing(t *testing.T) {
	r := sockfetch(t, "-d", "@/nonexistent/file", "http://127.0.0.1:1/")
	r.want(t, 26, "", "sockfetch: cannot read data from /nonexistent/file: no such file or directory")
	r.errLine(t)
}

// redirectServer serves /r1 ... as redirects to the paths in chain, the last
// path answering ok.http.
func redirect(status int, location string) testserver.Reply {
	return testserver.Reply{Raw: []byte(fmt.Sprintf("HTTP/1.1 %d Moved\r\nLocation: %s\r\nContent-Length: 9\r\n\r\nredirect\n", status, location))}
}

func TestRedirects(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{
		"/start":  redirect(302, "/middle"),
		"/middle": redirect(301, "final?q=1"),
		"":        {Raw: fixture(t, "ok.http")},
	})
	t.Run("not followed without -L", func(t *testing.T) {
		sockfetch(t, srv.URL+"/start").want(t, 0, "redirect\n")
	})
	t.Run("followed with -L", func(t *testing.T) {
		r := sockfetch(t, "-L", "-w", "%{num_redirects} %{url_effective}", srv.URL+"/start")
		r.want(t, 0, "hello, world\n2 "+srv.URL+"/final?q=1")
	})
	t.Run("-i shows every head", func(t *testing.T) {
		r := sockfetch(t, "-iL", srv.URL+"/middle")
		if c := strings.Count(r.stdout, "HTTP/1.1 "); c != 2 || !strings.HasSuffix(r.stdout, "hello, world\n") {
			t.Errorf("stdout %q: want both heads and the final body", r.stdout)
		}
	})
}

func TestMaxRedirs(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": redirect(302, "/again")})
	r := sockfetch(t, "-L", "--max-redirs", "3", srv.URL+"/")
	r.want(t, 47, "", "sockfetch: maximum (3) redirects followed")
	if n := len(srv.Requests()); n != 4 {
		t.Errorf("%d requests made, want max-redirs+1 = 4", n)
	}
	srv2 := testserver.Start(t, map[string]testserver.Reply{"": redirect(302, "/again")})
	sockfetch(t, "-L", srv2.URL+"/").want(t, 47, "", "maximum (10) redirects followed")
	if n := len(srv2.Requests()); n != 11 {
		t.Errorf("%d requests made with the default limit, want 11", n)
	}
}

func TestRedirectMethods(t *testing.T) {
	for _, tt := range []struct {
		status     int
		method     string
		body       string
		args       []string
		wantMethod string
		wantBody   string
	}{
		{301, "POST", "x=1", []string{"-d", "x=1"}, "GET", ""},
		{302, "POST", "x=1", []string{"-d", "x=1"}, "GET", ""},
		{303, "PUT", "x=1", []string{"-X", "PUT", "-d", "x=1"}, "GET", ""},
		{307, "POST", "x=1", []string{"-d", "x=1"}, "POST", "x=1"},
		{308, "PUT", "x=1", []string{"-X", "PUT", "-d", "x=1"}, "PUT", "x=1"},
	} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			srv := testserver.Start(t, map[string]testserver.Reply{
				"/from": redirect(tt.status, "/to"),
				"/to":   {Raw: fixture(t, "ok.http")},
			})
			sockfetch(t, append(tt.args, "-L", srv.URL+"/from")...).want(t, 0, "hello, world\n")
			reqs := srv.Requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want 2", len(reqs))
			}
			second := reqs[1]
			if second.Method != tt.wantMethod || string(second.Body) != tt.wantBody {
				t.Errorf("after %d: %s with body %q, want %s with %q", tt.status, second.Method, second.Body, tt.wantMethod, tt.wantBody)
			}
			if _, has := second.Header("Content-Type"); has != (tt.wantBody != "") {
				t.Errorf("after %d: Content-Type sent = %v, want %v", tt.status, has, tt.wantBody != "")
			}
		})
	}
}

func TestRedirectDropsCredentials(t *testing.T) {
	other := okServer(t)
	srv := testserver.Start(t, map[string]testserver.Reply{
		"/same": redirect(302, "/back"),
		"/away": redirect(302, other.URL+"/x"),
		"":      {Raw: fixture(t, "ok.http")},
	})
	args := []string{"-L", "-u", "u:p", "-H", "Cookie: c=1", "-H", "X-Keep: yes"}
	sockfetch(t, append(args, srv.URL+"/same")...).want(t, 0, "hello, world\n")
	for _, r := range srv.Requests() {
		for _, h := range []string{"Authorization", "Cookie"} {
			if _, ok := r.Header(h); !ok {
				t.Errorf("same-origin request %s lost %s", r.Target, h)
			}
		}
	}
	sockfetch(t, append(args, srv.URL+"/away")...).want(t, 0, "hello, world\n")
	req := onlyRequest(t, other)
	for _, h := range []string{"Authorization", "Cookie"} {
		if v, ok := req.Header(h); ok {
			t.Errorf("%s: %s sent to another host", h, v)
		}
	}
	if _, ok := req.Header("X-Keep"); !ok {
		t.Error("other headers must follow the redirect")
	}
}

func TestRedirectToUnsupportedScheme(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": redirect(302, "ftp://127.0.0.1/x")})
	sockfetch(t, "-L", srv.URL).want(t, 1, "", `sockfetch: protocol "ftp" not supported`)
}

func TestCompressed(t *testing.T) {
	body := []byte(strings.Repeat("compressible text ", 200))
	var gz, zl, raw bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(body)
	w.Close()
	z := zlib.NewWriter(&zl)
	z.Write(body)
	z.Close()
	f, _ := flate.NewWriter(&raw, 5)
	f.Write(body)
	f.Close()
	for _, tt := range []struct {
		name, coding string
		data         []byte
	}{{"gzip", "gzip", gz.Bytes()}, {"zlib deflate", "deflate", zl.Bytes()}, {"raw deflate", "deflate", raw.Bytes()}} {
		t.Run(tt.name, func(t *testing.T) {
			resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %d\r\n\r\n", tt.coding, len(tt.data))
			srv := testserver.StartRaw(t, append([]byte(resp), tt.data...))
			sockfetch(t, "--compressed", srv.URL).want(t, 0, string(body))
			// Without --compressed the bytes are written as received, as curl.
			r := sockfetch(t, srv.URL)
			if r.stdout != string(tt.data) {
				t.Error("without --compressed the body must not be decoded")
			}
		})
	}
	t.Run("corrupt", func(t *testing.T) {
		srv := testserver.StartRaw(t, []byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nnotgz"))
		sockfetch(t, "--compressed", srv.URL).want(t, 61, "", "sockfetch: ")
	})
}

func TestWriteOutJSON(t *testing.T) {
	srv := okServer(t)
	r := sockfetch(t, "-s", "-o", "/dev/null", "-w", "%{json}", srv.URL+"/j")
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("%%{json} is not JSON: %v\n%s", err, r.stdout)
	}
	for k, want := range map[string]any{
		"http_code": 200.0, "size_download": 13.0, "exitcode": 0.0, "errormsg": nil, "num_redirects": 0.0,
		"url_effective": srv.URL + "/j", "remote_ip": "127.0.0.1", "remote_port": float64(srv.Port),
		"content_type": "text/plain", "method": "GET",
	} {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	for _, k := range []string{"time_namelookup", "time_connect", "time_appconnect", "time_pretransfer", "time_starttransfer", "time_total", "time_proxyconnect", "size_header"} {
		if _, ok := m[k].(float64); !ok {
			t.Errorf("%s = %#v, want a number", k, m[k])
		}
	}
}

func TestWriteOutTimes(t *testing.T) {
	srv := okServer(t)
	r := sockfetch(t, "-s", "-o", "/dev/null", "-w", `%{time_connect} %{time_total}\t%{remote_port}%%`, srv.URL)
	var conn, total float64
	var port int
	if _, err := fmt.Sscanf(r.stdout, "%f %f\t%d%%", &conn, &total, &port); err != nil {
		t.Fatalf("-w output %q: %v", r.stdout, err)
	}
	if conn <= 0 || total < conn || port != srv.Port {
		t.Errorf("time_connect %v, time_total %v, port %d: want 0 < connect <= total and port %d", conn, total, port, srv.Port)
	}
	if !strings.Contains(r.stdout, ".") || len(strings.Split(strings.Fields(r.stdout)[0], ".")[1]) != 6 {
		t.Errorf("times must have six decimals as curl: %q", r.stdout)
	}
}

func TestWriteOutFile(t *testing.T) {
	srv := okServer(t)
	f := filepath.Join(t.TempDir(), "fmt")
	os.WriteFile(f, []byte("code=%{http_code}\\n"), 0o644)
	sockfetch(t, "-s", "-o", "/dev/null", "-w", "@"+f, srv.URL).want(t, 0, "code=200\n")
}

func TestMultipleURLs(t *testing.T) {
	a := okServer(t)
	b := serve(t, "404.http")
	r := sockfetch(t, "-f", a.URL, b.URL)
	r.want(t, 22, "hello, world\n", "error: 404")
	// The exit status is the last URL's, as curl.
	sockfetch(t, "-f", b.URL, a.URL).want(t, 0, "hello, world\n", "error: 404")
}

func TestVerbose(t *testing.T) {
	srv := okServer(t)
	r := sockfetch(t, "-v", srv.URL+"/v")
	if r.stdout != "hello, world\n" || r.code != 0 {
		t.Fatalf("stdout %q, exit %d", r.stdout, r.code)
	}
	for _, want := range []string{"> GET /v HTTP/1.1\n", "> Host: " + srv.Addr + "\n", "> \n", "< HTTP/1.1 200 OK\n", "< X-Test: a, b\n", "* connected to 127.0.0.1"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v output lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	for _, f := range []string{"-V", "--version"} {
		r := sockfetch(t, f)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "sockfetch "+version) {
			t.Errorf("%s: exit %d, stdout %q", f, r.code, r.stdout)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{}, "sockfetch: no URL specified"},
		{[]string{"--bogus", "http://x/"}, "sockfetch: option --bogus is unknown"},
		{[]string{"-z", "http://x/"}, "sockfetch: option -z is unknown"},
		{[]string{"-4", "-6", "http://x/"}, "cannot be used together"},
		{[]string{"--tor", "-x", "socks5h://127.0.0.1:1", "http://x/"}, "sockfetch: --tor and -x cannot be used together"},
		{[]string{"-x", "http://127.0.0.1:3128", "http://x/"}, "http proxies are not supported"},
		{[]string{"-x", "127.0.0.1:1080", "http://x/"}, "no scheme"},
		{[]string{"-x", "socks4://127.0.0.1:1080", "http://x/"}, `unsupported proxy scheme "socks4"`},
		{[]string{"--new-circuit", "http://x/"}, "--new-circuit needs --tor or -x"},
		{[]string{"-m", "soon", "http://x/"}, `--max-time "soon"`},
		{[]string{"-H", "NoColon", "http://x/"}, `-H "NoColon"`},
		{[]string{"--max-filesize", "big", "http://x/"}, "--max-filesize"},
	} {
		r := sockfetch(t, tt.args...)
		r.want(t, 2, "", tt.msg)
		r.errLine(t)
	}
}

func TestURLErrors(t *testing.T) {
	sockfetch(t, "ftp://127.0.0.1/").want(t, 1, "", `sockfetch: protocol "ftp" not supported`)
	sockfetch(t, "http://[::1").want(t, 3, "", "sockfetch: malformed URL")
	sockfetch(t, "http://127.0.0.1:99999/").want(t, 3, "", "sockfetch: malformed URL")
	// curl 7.88 reads one to three slashes after the scheme: http:///path is
	// the host "path" (exit 6 here, where no name resolves), four are exit 3.
	sockfetch(t, "http:///path").want(t, 6, "", "sockfetch: could not resolve host: path")
	sockfetch(t, "http:////path").want(t, 3, "", "sockfetch: malformed URL", "4 slashes")
	sockfetch(t, "http://:80/path").want(t, 3, "", "no host")
}

func TestConnectErrors(t *testing.T) {
	port := freeClosedPort(t)
	r := sockfetch(t, fmt.Sprintf("http://127.0.0.1:%d/", port))
	r.want(t, 7, "", fmt.Sprintf("sockfetch: failed to connect to 127.0.0.1 port %d", port), "connection refused")
	sockfetch(t, "http://unknown.test/").want(t, 6, "", "sockfetch: could not resolve host: unknown.test")
	// A connect that cannot finish: a listener whose backlog is full is hard
	// to make portably, so the connect timeout is tested through a SOCKS
	// proxy that never answers (see TestProxyTimeouts).
}

func TestAddressFamily(t *testing.T) {
	srv := okServer(t)
	// localhost is 127.0.0.1 and ::1 without a resolver (RFC 6761, as curl
	// 7.88; TestLocalhostNames): a name the resolver knows as IPv4 only.
	o := runOpts{resolver: hostsResolver{"v4only.test": "127.0.0.1"}}
	url := fmt.Sprintf("http://v4only.test:%d/", srv.Port)
	sockfetchWith(t, o, "-4", url).want(t, 0, "hello, world\n")
	sockfetchWith(t, o, "-6", url).want(t, 6, "", "sockfetch: could not resolve host: v4only.test", "no IPv6 address")
}

func TestNoRedirectLimit(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{
		"/1": redirect(302, "/2"), "/2": redirect(302, "/3"), "/3": {Raw: fixture(t, "ok.http")},
	})
	sockfetch(t, "-L", "--max-redirs", "-1", srv.URL+"/1").want(t, 0, "hello, world\n")
	sockfetch(t, "-L", "--max-redirs", "0", srv.URL+"/1").want(t, 47, "", "maximum (0) redirects followed")
}

func TestRaw(t *testing.T) {
	raw := fixture(t, "chunked.http")
	srv := testserver.StartRaw(t, append(append([]byte(nil), raw...), "JUNK AFTER THE END"...))
	// -i --raw gives back the response's exact bytes, and not one more.
	sockfetch(t, "--raw", "-i", srv.URL).want(t, 0, string(raw))
	sockfetch(t, "--raw", "-i", "--trace-ascii", "%", srv.URL)
	ok := okServer(t)
	sockfetch(t, "--raw", ok.URL).want(t, 0, "hello, world\n")
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("zipped"))
	w.Close()
	z := testserver.StartRaw(t, append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", gz.Len())), gz.Bytes()...))
	sockfetch(t, "--raw", "--compressed", z.URL).want(t, 0, gz.String())
}
