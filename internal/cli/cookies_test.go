package cli

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sockfetch/internal/testserver"
)

// setCookieRoutes set cookies of every kind the -c file tells apart, then
// redirect to /next; /sub/x is under one cookie's path.
var setCookieRoutes = map[string]testserver.Reply{
	"/set": {Raw: []byte("HTTP/1.1 302 Found\r\nLocation: /next\r\n" +
		"Set-Cookie: s1=v1\r\n" +
		"Set-Cookie: d1=v2; Domain=127.0.0.1; Path=/; HttpOnly\r\n" +
		"Set-Cookie: e1=v3; Expires=Wed, 01 Jan 2031 00:00:00 GMT\r\n" +
		"Set-Cookie: p1=v4; Path=/sub\r\n" +
		"Set-Cookie: gone=x; Max-Age=0\r\n" +
		"Set-Cookie: bad=x; Domain=example.com\r\n" +
		"Content-Length: 0\r\n\r\n")},
	"/next":  okReply,
	"/sub/x": okReply,
	"/drop":  {Raw: []byte("HTTP/1.1 200 OK\r\nSet-Cookie: s1=; Max-Age=-1\r\nContent-Length: 0\r\n\r\n")},
}

// wantJar is the -c file curl 7.88 writes after /set: newest first, the
// host-only domain FALSE, HttpOnly as a prefix, session cookies with 0.
const wantJar = cookieFileHeader +
	"127.0.0.1\tFALSE\t/sub\tFALSE\t0\tp1\tv4\n" +
	"127.0.0.1\tFALSE\t/\tFALSE\t1924992000\te1\tv3\n" +
	"#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\td1\tv2\n" +
	"127.0.0.1\tFALSE\t/\tFALSE\t0\ts1\tv1\n"

// TestCurlCookies: the Cookie lines sent, hop by hop and URL by URL, and
// the jar written, for -b NAME=VALUE, -b FILE, -c, -j and -L, each the same
// as curl 7.88's for the same command line against the same server.
func TestCurlCookies(t *testing.T) {
	dir := t.TempDir()
	netscape := filepath.Join(dir, "netscape.txt")
	os.WriteFile(netscape, []byte("# Netscape HTTP Cookie File\n"+
		"127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\ts\n"+
		"#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t1924992000\thttp\th\n"+
		".127.0.0.1\tTRUE\t/sub\tFALSE\t1924992000\tdeep\td\n"+
		"127.0.0.1\tFALSE\t/\tFALSE\t1000\told\to\n"+ // expired
		"127.0.0.1\tMAYBE\t/\tFALSE\t0\tmaybe\tx\n"+ // not TRUE: FALSE, as curl
		"127.0.0.1\tFALSE\t/\tFALSE\tsoon\tbad2\tx\n"+
		"127.0.0.1\tFALSE\t/\n"+
		"127.0.0.1\tFALSE\t/\tFALSE\t0\tempty\n"), 0o644)
	headers := filepath.Join(dir, "headers.txt")
	os.WriteFile(headers, []byte("Set-Cookie: hdr=1; Domain=127.0.0.1; Path=/\nSet-Cookie: nodomain=1\n"), 0o644)
	cases := []struct {
		name  string
		args  []string // JAR is the -c file, DIR the test's folder
		heads []string
		jar   string // "" for none
	}{
		{name: "-b string on every hop, nothing kept", args: []string{"-b", "a=b; c=d", "-L", "http://ADDR/set"},
			heads: []string{get("/set", "Cookie: a=b; c=d\r\n"), get("/next", "Cookie: a=b; c=d\r\n")}},
		{name: "-c keeps cookies across -L and URLs", args: []string{"-c", "JAR", "-L", "http://ADDR/set", "http://ADDR/sub/x"},
			heads: []string{get("/set"), get("/next", "Cookie: e1=v3; d1=v2; s1=v1\r\n"), get("/sub/x", "Cookie: p1=v4; e1=v3; d1=v2; s1=v1\r\n")},
			jar:   wantJar},
		{name: "jar cookies before the -b string", args: []string{"-b", "z=1", "-c", "JAR", "-L", "http://ADDR/set"},
			heads: []string{get("/set", "Cookie: z=1\r\n"), get("/next", "Cookie: e1=v3; d1=v2; s1=v1; z=1\r\n")}, jar: wantJar},
		{name: "Max-Age=-1 removes", args: []string{"-c", "JAR", "-L", "http://ADDR/set", "http://ADDR/drop", "http://ADDR/next"},
			heads: []string{get("/set"), get("/next", "Cookie: e1=v3; d1=v2; s1=v1\r\n"), get("/drop", "Cookie: e1=v3; d1=v2; s1=v1\r\n"), get("/next", "Cookie: e1=v3; d1=v2\r\n")},
			jar:   strings.Replace(wantJar, "127.0.0.1\tFALSE\t/\tFALSE\t0\ts1\tv1\n", "", 1)},
		{name: "Netscape file, bad lines skipped", args: []string{"-b", netscape, "-c", "JAR", "http://ADDR/sub/x"},
			heads: []string{get("/sub/x", "Cookie: deep=d; empty=; maybe=x; http=h; sess=s\r\n")},
			jar: cookieFileHeader + "127.0.0.1\tFALSE\t/\tFALSE\t0\tempty\t\n" + "127.0.0.1\tFALSE\t/\tFALSE\t0\tmaybe\tx\n" + ".127.0.0.1\tTRUE\t/sub\tFALSE\t1924992000\tdeep\td\n" +
				"#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t1924992000\thttp\th\n" + "127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\ts\n"},
		{name: "-j drops the file's session cookies", args: []string{"-j", "-b", netscape, "http://ADDR/sub/x"},
			heads: []string{get("/sub/x", "Cookie: deep=d; http=h\r\n")}},
		{name: "Set-Cookie lines file", args: []string{"-b", headers, "http://ADDR/"},
			heads: []string{get("/", "Cookie: hdr=1; nodomain=1\r\n")}},
		{name: "-H Cookie drops the -b string, not the jar", args: []string{"-H", "Cookie: x=y", "-b", "a=b", "-b", netscape, "http://ADDR/"},
			heads: []string{get("/", "Cookie: empty=; maybe=x; http=h; sess=s\r\n", "Cookie: x=y\r\n")}},
		{name: "no cookie: header-only jar", args: []string{"-c", "JAR", "http://ADDR/next"}, heads: []string{get("/next")}, jar: cookieFileHeader},
	}
	withCurl := curlBinary(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			run := func(who string, prog func(args []string) result) {
				srv := testserver.Start(t, setCookieRoutes)
				jar := filepath.Join(t.TempDir(), "jar")
				args := make([]string, len(tt.args))
				for i, a := range tt.args {
					args[i] = strings.ReplaceAll(strings.ReplaceAll(a, "JAR", jar), addrMark, srv.Addr)
				}
				if r := prog(args); r.code != 0 {
					t.Errorf("%s: exit %d, stderr %q", who, r.code, r.stderr)
				}
				var heads []string
				for _, q := range srv.Requests() {
					heads = append(heads, normalizeHead(string(q.Head), srv.Addr))
				}
				checkHeads(t, who, heads, tt.heads)
				if tt.jar != "" {
					b, err := os.ReadFile(jar)
					if got := string(b); err != nil || got != tt.jar {
						t.Errorf("%s: jar file (%v):\n got %q\nwant %q", who, err, got, tt.jar)
					}
				}
			}
			outs := []string{}
			for range tt.args {
				outs = append(outs, "-o", "/dev/null")
			}
			run("sockfetch", func(args []string) result { return sockfetch(t, append(append([]string{"-s"}, outs...), args...)...) })
			if withCurl {
				run("curl", func(args []string) result { return runCurl(t, append(outs, args...)) })
			}
		})
	}
}

// TestCookieJarRules: the standard jar's RFC 6265 rules decide each hop's
// Cookie (names never resolved: no request is sent).
func TestCookieJarRules(t *testing.T) {
	j := newCookieJar(&cookieOptions{jar: "x"})
	j.now = func() time.Time { return time.Unix(1800000000, 0) }
	set := func(u string, v ...string) {
		pu, _ := url.Parse(u)
		j.SetCookies(pu, v)
	}
	set("http://www.example.com/a/b", "host=1", "dom=2; Domain=example.com", "psl=3; Domain=com", "other=4; Domain=example.org", "sec=5; Secure; Path=/")
	set("https://co.uk/", "suffix=6; Domain=co.uk")
	for _, tt := range []struct{ u, want string }{
		{"http://www.example.com/a/c", "host=1; dom=2"},
		{"http://www.example.com/", ""}, // dom's default path is /a
		{"https://www.example.com/a/", "host=1; dom=2; sec=5"},
		{"http://sub.example.com/a/", "dom=2"},
		{"http://example.org/", ""},
		{"http://other.com/", ""},
		{"https://co.uk/", "suffix=6"},
		{"https://x.co.uk/", ""},
	} {
		u, _ := url.Parse(tt.u)
		if got := j.Cookie(u); got != tt.want {
			t.Errorf("%s: Cookie %q, want %q", tt.u, got, tt.want)
		}
	}
	want := cookieFileHeader +
		"co.uk\tFALSE\t/\tFALSE\t0\tsuffix\t6\n" +
		"www.example.com\tFALSE\t/\tTRUE\t0\tsec\t5\n" +
		".example.com\tTRUE\t/a\tFALSE\t0\tdom\t2\n" +
		"www.example.com\tFALSE\t/a\tFALSE\t0\thost\t1\n"
	if got := j.jarText(); got != want {
		t.Errorf("jar:\n got %q\nwant %q", got, want)
	}
}

// TestNetscapeLines: which lines of a cookie file are cookies.
func TestNetscapeLines(t *testing.T) {
	for _, tt := range []struct {
		line string
		ok   bool
		want cookieRecord
	}{
		{"a.b\tFALSE\t/\tFALSE\t0\tn\tv", true, cookieRecord{domain: "a.b", hostOnly: true, path: "/", name: "n", value: "v"}},
		{".A.b\tTRUE\t/p\tTRUE\t5\tn\tv", true, cookieRecord{domain: "a.b", path: "/p", secure: true, expires: time.Unix(5, 0), name: "n", value: "v"}},
		{"#HttpOnly_a.b\tFALSE\t/\tFALSE\t0\tn\tv", true, cookieRecord{domain: "a.b", hostOnly: true, path: "/", httpOnly: true, name: "n", value: "v"}},
		{"a.b\tFALSE\t/\tFALSE\t0\tn", true, cookieRecord{domain: "a.b", hostOnly: true, path: "/", name: "n"}},
		{"# comment", false, cookieRecord{}},
		{"", false, cookieRecord{}},
		{"a.b\tyes\t/\tFALSE\t0\tn\tv", true, cookieRecord{domain: "a.b", hostOnly: true, path: "/", name: "n", value: "v"}}, // not TRUE: FALSE, as curl
		{"a.b\tFALSE\tp\tFALSE\t0\tn\tv", false, cookieRecord{}},
		{"a.b\tFALSE\t/\tFALSE\t-1\tn\tv", false, cookieRecord{}},
		{"a.b\tFALSE\t/\tFALSE\t0\t\tv", false, cookieRecord{}},
		{"a.b FALSE / FALSE 0 n v", false, cookieRecord{}},
	} {
		got, ok := parseNetscapeLine(tt.line)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%q: %v %+v, want %v %+v", tt.line, ok, got, tt.ok, tt.want)
		}
	}
}

// FuzzCookieFile: no cookie file makes the jar panic, and what it loads
// it writes back as lines that load again the same.
func FuzzCookieFile(f *testing.F) {
	f.Add("a.b\tFALSE\t/\tFALSE\t0\tn\tv\n#HttpOnly_.a.b\tTRUE\t/p\tTRUE\t1924992000\tn\tv\n")
	f.Add("Set-Cookie: a=b; Domain=x.y; Path=/\n")
	f.Fuzz(func(t *testing.T, text string) {
		j := newCookieJar(&cookieOptions{jar: "x"})
		j.load(text, false)
		out := j.jarText()
		k := newCookieJar(&cookieOptions{jar: "x"})
		k.load(out, false)
		if again := k.jarText(); strings.Count(again, "\n") > strings.Count(out, "\n") {
			t.Fatalf("reloaded jar grew:\n%q\n%q", out, again)
		}
	})
}
