package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// The tests in this file pin the request bodies sockfetch sends for -d,
// --data-*, --json, -G, -F and -T: the whole request, head and body, as
// the raw test server read it, for sockfetch and (when installed) curl
// 7.88 with the same command line. As in request_curl_test.go, the
// User-Agent value and sockfetch's "Connection: close" are normalised, and
// so is a multipart boundary (curl's is random, and so is sockfetch's).

// dirMark in an argument stands for the case's folder of files.
const dirMark = "DIR/"

// bodyCase is one command line and the requests it must send.
type bodyCase struct {
	name  string
	args  []string          // "ADDR" is the server's address, "DIR/" the files' folder
	files map[string]string // written in DIR before the run
	fifos map[string]string // named pipes in DIR giving these bytes
	stdin string
	reqs  []string // every request, head and body, in order
	code  int
	err   string            // in sockfetch's stderr when code is not 0
	reply *testserver.Reply // nil: okReply
	// notCurl, when set, says why curl is not run: README lists the difference.
	notCurl string
}

// boundaryRe finds a multipart boundary in a Content-Type field.
var boundaryRe = regexp.MustCompile(`boundary=([^\r\n;]+)`)

// runBodyCase runs one program's command line against a fresh server and
// returns the requests it read, normalised, and what the program showed.
func runBodyCase(t *testing.T, tt bodyCase, run func(args []string, stdin string) result) ([]string, result) {
	t.Helper()
	reply := okReply
	if tt.reply != nil {
		reply = *tt.reply
	}
	srv := testserver.Start(t, map[string]testserver.Reply{"": reply})
	dir := t.TempDir()
	for name, body := range tt.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range tt.fifos {
		makeFIFO(t, filepath.Join(dir, name), body)
	}
	args := make([]string, len(tt.args))
	for i, a := range tt.args {
		a = strings.ReplaceAll(a, addrMark, srv.Addr)
		args[i] = strings.ReplaceAll(a, dirMark, dir+"/")
	}
	r := run(args, tt.stdin)
	var reqs []string
	for _, q := range srv.Requests() {
		s := normalizeHead(string(q.Head), srv.Addr) + string(q.Body)
		if m := boundaryRe.FindStringSubmatch(s); m != nil {
			s = strings.ReplaceAll(s, m[1], "BOUNDARY")
		}
		reqs = append(reqs, s)
	}
	return reqs, r
}

// checkBodyCases runs each case through sockfetch and, when installed, curl.
func checkBodyCases(t *testing.T, cases []bodyCase) {
	t.Helper()
	withCurl := curlBinary(t)
	if !withCurl && testenv.RequireAll() {
		t.Fatal("curl 7.88 is not installed: the requests cannot be compared with curl's")
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			reqs, r := runBodyCase(t, tt, func(args []string, stdin string) result {
				return sockfetchWith(t, runOpts{stdin: stdin}, append([]string{"-o", "/dev/null"}, args...)...)
			})
			checkHeads(t, "sockfetch", reqs, tt.reqs)
			if tt.code == 0 {
				r.want(t, 0, "")
			} else {
				r.want(t, tt.code, "", tt.err)
				r.errLine(t)
			}
			if !withCurl || tt.notCurl != "" {
				return
			}
			reqs, r = runBodyCase(t, tt, func(args []string, stdin string) result {
				cmd := exec.Command("curl", append([]string{"-s", "-o", "/dev/null"}, args...)...)
				cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
				cmd.Stdin = strings.NewReader(stdin)
				return runCmd(t, cmd)
			})
			checkHeads(t, "curl", reqs, tt.reqs)
			if r.code != tt.code {
				t.Errorf("curl: exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
		})
	}
}

// post is a POST of body with the default fields and Content-Type ctype
// ("" for none), the fields given after the defaults.
func post(target, ctype, body string, fields ...string) string {
	h := "POST " + target + " HTTP/1.1\r\nHost: " + addrMark + "\r\n" + uaLine + "Accept: */*\r\n" + strings.Join(fields, "")
	h += "Content-Length: " + strconv.Itoa(len(body)) + "\r\n"
	if ctype != "" {
		h += "Content-Type: " + ctype + "\r\n"
	}
	return h + "\r\n" + body
}

const formType = "application/x-www-form-urlencoded"

// TestCurlData: the -d family, each form of --data-urlencode, several
// joined with & in command-line order, @file and @- (step 1 of issue 15).
func TestCurlData(t *testing.T) {
	crlf := map[string]string{"f.txt": "a\r\nb\nc"}
	checkBodyCases(t, []bodyCase{
		{name: "every kind in command-line order", files: crlf,
			args: []string{"-d", "x=1", "--data-binary", "@DIR/f.txt", "-d", "@DIR/f.txt", "--data-raw", "@f.txt", "--data-ascii", "y", "http://ADDR/"},
			reqs: []string{post("/", formType, "x=1&a\r\nb\nc&abc&@f.txt&y")}},
		{name: "empty -d is an empty POST", args: []string{"-d", "", "http://ADDR/"}, reqs: []string{post("/", formType, "")}},
		{name: "-d @- strips CR and LF", stdin: "x\r\ny\n", args: []string{"-d", "@-", "http://ADDR/"}, reqs: []string{post("/", formType, "xy")}},
		{name: "--data-binary @- as is", stdin: "x\r\ny\n", args: []string{"--data-binary", "@-", "http://ADDR/"}, reqs: []string{post("/", formType, "x\r\ny\n")}},
		{name: "--data-urlencode forms", files: crlf,
			args: []string{"--data-urlencode", "a b", "--data-urlencode", "=c d&", "--data-urlencode", "n=v w=x", "--data-urlencode", "n@DIR/f.txt",
				"--data-urlencode", "@DIR/f.txt", "--data-urlencode", "-._~*!'()+/:;?[]\t\xc3\xa9%#,$", "http://ADDR/"},
			reqs: []string{post("/", formType, "a+b&c+d%26&n=v+w%3Dx&n=a%0D%0Ab%0Ac&a%0D%0Ab%0Ac&-._~%2A%21%27%28%29%2B%2F%3A%3B%3F%5B%5D%09%C3%A9%25%23%2C%24")}},
		{name: "--data-urlencode name@-", stdin: "x y\n", args: []string{"--data-urlencode", "n@-", "http://ADDR/"}, reqs: []string{post("/", formType, "n=x+y%0A")}},
		{name: "--data-urlencode =@ is content", args: []string{"--data-urlencode", "=@x", "--data-urlencode", "", "http://ADDR/"}, reqs: []string{post("/", formType, "%40x&")}},
		{name: "-d @missing is exit 26", args: []string{"-d", "@DIR/none", "http://ADDR/"}, code: 26, err: "cannot read data from", notCurl: "curl 7.88 warns and sends an empty body"},
	})
}

// TestCurlGet: -G puts the data in the query, after any query with &, the
// fragment left out; -I makes it HEAD; -X keeps its method.
func TestCurlGet(t *testing.T) {
	head := func(method, target string, fields ...string) string {
		return method + " " + target + " HTTP/1.1\r\nHost: " + addrMark + "\r\n" + uaLine + "Accept: */*\r\n" + strings.Join(fields, "") + "\r\n"
	}
	cases := []bodyCase{
		{name: "query added", args: []string{"-G", "-d", "a=1", "-d", "b=%20", "--data-urlencode", "c=d e", "http://ADDR/p"}, reqs: []string{head("GET", "/p?a=1&b=%20&c=d+e")}},
		{name: "after a query", args: []string{"-G", "-d", "a", "http://ADDR/p?x=1"}, reqs: []string{head("GET", "/p?x=1&a")}},
		{name: "empty query", args: []string{"-G", "-d", "a", "http://ADDR/q?#frag"}, reqs: []string{head("GET", "/q?a")}},
		{name: "no path", args: []string{"-G", "-d", "a", "http://ADDR?x"}, reqs: []string{head("GET", "/?x&a")}},
		{name: "no data", args: []string{"-G", "http://ADDR/p"}, reqs: []string{head("GET", "/p")}},
		{name: "with -I", args: []string{"-G", "-I", "-d", "a", "http://ADDR/p"}, reqs: []string{head("HEAD", "/p?a")}},
		{name: "with -X POST", args: []string{"-G", "-X", "POST", "-d", "a", "http://ADDR/p"}, reqs: []string{head("POST", "/p?a")}},
		{name: "a space is a bad URL", args: []string{"-G", "-d", "a b", "http://ADDR/p"}, code: 3, err: "malformed URL"},
		{name: "--json in the query, its fields kept", args: []string{"-G", "--json", "a", "http://ADDR/p"},
			reqs: []string{"GET /p?a HTTP/1.1\r\nHost: ADDR\r\n" + uaLine + "Content-Type: application/json\r\nAccept: application/json\r\n\r\n"}},
	}
	checkBodyCases(t, cases)
}

// TestCurlJSON: --json sends Content-Type and Accept after the user's
// fields unless -H names them, joins several as they are (a -d after it
// with &), and reads @file and @- as they are (step 2 of issue 15).
func TestCurlJSON(t *testing.T) {
	jpost := func(body string, fields ...string) string {
		h := "POST / HTTP/1.1\r\nHost: " + addrMark + "\r\n" + uaLine + strings.Join(fields, "")
		return h + "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	both := []string{"Content-Type: application/json\r\n", "Accept: application/json\r\n"}
	checkBodyCases(t, []bodyCase{
		{name: "several joined", args: []string{"--json", `{"x":1}`, "--json", "[2]", "http://ADDR/"}, reqs: []string{jpost(`{"x":1}[2]`, both...)}},
		{name: "@file as is", files: map[string]string{"j.json": "{\"a\":\r\n1}\n"}, args: []string{"--json", "@DIR/j.json", "http://ADDR/"},
			reqs: []string{jpost("{\"a\":\r\n1}\n", both...)}},
		{name: "@- as is", stdin: "{\"s\":1}\n", args: []string{"--json", "@-", "http://ADDR/"}, reqs: []string{jpost("{\"s\":1}\n", both...)}},
		{name: "-d after it with &", args: []string{"--json", "a", "-d", "b", "http://ADDR/"}, reqs: []string{jpost("a&b", both...)}},
		{name: "after -d without &", args: []string{"-d", "b", "--json", "a", "http://ADDR/"}, reqs: []string{jpost("ba", both...)}},
		{name: "after the user's fields", args: []string{"-H", "X-A: 1", "--json", "a", "http://ADDR/"}, reqs: []string{jpost("a", append([]string{"X-A: 1\r\n"}, both...)...)}},
		{name: "-H replaces them", args: []string{"--json", "a", "-H", "Content-Type: text/x", "-H", "Accept: foo", "http://ADDR/"},
			reqs: []string{jpost("a", "Content-Type: text/x\r\n", "Accept: foo\r\n")}},
		{name: "-H removes them", args: []string{"--json", "a", "-H", "Content-Type:", "http://ADDR/"}, reqs: []string{jpost("a", both[1])}},
		{name: "empty", args: []string{"--json", "", "http://ADDR/"}, reqs: []string{jpost("", both...)}},
		{name: "@missing is exit 26", args: []string{"--json", "@DIR/none", "http://ADDR/"}, code: 26, err: "cannot read data from", notCurl: "curl 7.88 warns and sends an empty body"},
	})
}

// part is one multipart part as curl writes it, with BOUNDARY.
func part(disp string, fields ...string) string {
	return "--BOUNDARY\r\nContent-Disposition: form-data; " + disp + "\r\n" + strings.Join(fields, "") + "\r\n"
}

// formPost is a POST of the parts, each followed by its content.
func formPost(parts ...string) string {
	body := strings.Join(parts, "\r\n") + "\r\n--BOUNDARY--\r\n"
	// The length counts the real boundary: 24 dashes and 16 hex digits.
	n := len(body) + strings.Count(body, "BOUNDARY")*(40-len("BOUNDARY"))
	h := post("/", "multipart/form-data; boundary=BOUNDARY", "")
	return strings.Replace(h, "Content-Length: 0\r\n", "Content-Length: "+strconv.Itoa(n)+"\r\n", 1) + body
}

// chunkedForm is a POST of the parts in one chunk, after Expect, as curl
// sends a form of unknown size.
func chunkedForm(parts ...string) string {
	body := strings.Join(parts, "\r\n") + "\r\n--BOUNDARY--\r\n"
	n := len(body) + strings.Count(body, "BOUNDARY")*(40-len("BOUNDARY"))
	return "POST / HTTP/1.1\r\nHost: " + addrMark + "\r\n" + uaLine + "Accept: */*\r\nTransfer-Encoding: chunked\r\n" +
		"Content-Type: multipart/form-data; boundary=BOUNDARY\r\nExpect: 100-continue\r\n\r\n" +
		strconv.FormatInt(int64(n), 16) + "\r\n" + body + "\r\n0\r\n\r\n"
}

// TestCurlForm: -F and --form-string as curl 7.88 writes multipart/form-data:
// the part headers, a file's name and curl's Content-Type for it, <file as
// text, ;type=, ;filename=, ;headers=, quoting (step 3 of issue 15).
func TestCurlForm(t *testing.T) {
	files := map[string]string{"pic.png": "PNGDATA", "notes.txt": "line1\nline2\n", "data.xyz": "bin", "P.TXT": "T"}
	checkBodyCases(t, []bodyCase{
		{name: "every kind", files: files,
			args: []string{"-F", "a=1", "-F", "f=@DIR/pic.png", "-F", "n=<DIR/notes.txt", "-F", "x=@DIR/data.xyz;type=text/foo;filename=z.bin",
				"--form-string", "s=@notes.txt;type=x", "-F", "g=@DIR/P.TXT", "-F", "h=@DIR/data.xyz", "http://ADDR/"},
			reqs: []string{formPost(part(`name="a"`)+"1", part(`name="f"; filename="pic.png"`, "Content-Type: image/png\r\n")+"PNGDATA",
				part(`name="n"`)+"line1\nline2\n", part(`name="x"; filename="z.bin"`, "Content-Type: text/foo\r\n")+"bin",
				part(`name="s"`)+"@notes.txt;type=x", part(`name="g"; filename="P.TXT"`, "Content-Type: text/plain\r\n")+"T",
				part(`name="h"; filename="data.xyz"`, "Content-Type: application/octet-stream\r\n")+"bin")}},
		{name: "quoting", files: files,
			args: []string{"-F", `a"b\c=1`, "-F", `f=@DIR/pic.png;filename=x"y\z.png`, "-F", `c="quoted;x";type=t/t`, "-F", "e=", "-F", "u=1;unknown=2", "http://ADDR/"},
			reqs: []string{formPost(part(`name="a%22b\c"`)+"1", part(`name="f"; filename="x%22y\z.png"`, "Content-Type: image/png\r\n")+"PNGDATA",
				part(`name="c"`, "Content-Type: t/t\r\n")+"quoted;x", part(`name="e"`), part(`name="u"`)+"1")}},
		{name: ";headers=", args: []string{"-F", `a=1;headers="X-H: v"`, "http://ADDR/"}, reqs: []string{formPost(part(`name="a"`, "X-H: v\r\n") + "1")}},
		{name: "headers after the type as given", files: files, args: []string{"-F", `f=@DIR/pic.png;headers="a-h: v"`, "http://ADDR/"},
			reqs: []string{formPost(part(`name="f"; filename="pic.png"`, "Content-Type: image/png\r\n", "a-h: v\r\n") + "PNGDATA")}},
		{name: "type= runs on over unknown words", files: files,
			args: []string{"-F", "a=@DIR/pic.png;type=text/html; charset=utf-8", "-F", "b=@DIR/pic.png;TYPE=a/b ;  c=d ;filename=q;x=y", "-F", "c=@DIR/pic.png;type=t/u;", "http://ADDR/"},
			reqs: []string{formPost(part(`name="a"; filename="pic.png"`, "Content-Type: text/html; charset=utf-8\r\n")+"PNGDATA",
				part(`name="b"; filename="q"`, "Content-Type: a/b ;  c=d\r\n")+"PNGDATA", part(`name="c"; filename="pic.png"`, "Content-Type: t/u;\r\n")+"PNGDATA")}},
		{name: "a text's filename= sets its type", args: []string{"-F", "a=b;filename=x.TXT", "-F", "c=d;filename=e.bin", "http://ADDR/"},
			reqs: []string{formPost(part(`name="a"; filename="x.TXT"`, "Content-Type: text/plain\r\n")+"b", part(`name="c"; filename="e.bin"`)+"d")}},
		{name: "a Content-Type in headers= is the type", files: files,
			args: []string{"-F", `f=@DIR/pic.png;headers="X-A: 1";headers="content-type:  t/u ";headers="X-B: 2"`, "http://ADDR/"},
			reqs: []string{formPost(part(`name="f"; filename="pic.png"`, "Content-Type: t/u \r\n", "X-A: 1\r\n", "X-B: 2\r\n") + "PNGDATA")}},
		{name: "an empty type= is exit 2", args: []string{"-F", "f=x;type=", "http://ADDR/"}, code: 2, err: "empty ;type="},
		{name: "@- reads stdin, without a type", stdin: "hi", args: []string{"-F", "f=@-", "http://ADDR/"},
			reqs: []string{formPost(part(`name="f"; filename="-"`) + "hi")}},
		{name: "a pipe is sent chunked after Expect", fifos: map[string]string{"p.txt": "hello\n"}, reply: &testserver.Reply{Raw: okReply.Raw, Continue: true},
			args: []string{"-F", "a=1", "-F", "f=@DIR/p.txt", "-F", "b=2", "http://ADDR/"},
			reqs: []string{chunkedForm(part(`name="a"`)+"1", part(`name="f"; filename="p.txt"`, "Content-Type: text/plain\r\n")+"hello\n", part(`name="b"`)+"2")}},
		{name: "-0 with a pipe is exit 25", fifos: map[string]string{"p": "hello\n"}, args: []string{"-0", "-F", "f=@DIR/p", "http://ADDR/"}, code: 25, err: "HTTP/1.0 lacks"},
		{name: "no = is exit 2", args: []string{"-F", "a", "http://ADDR/"}, code: 2, err: `-F "a"`},
		{name: "missing @file is exit 26", args: []string{"-F", "f=@DIR/none", "http://ADDR/"}, code: 26, err: "cannot read form file"},
		{name: "missing <file is exit 26", args: []string{"-F", "f=<DIR/none", "http://ADDR/"}, code: 26, err: "cannot read form data"},
		{name: "-F and -d is exit 2", args: []string{"-F", "a=1", "-d", "b", "http://ADDR/"}, code: 2, err: "cannot be used together"},
	})
}

// TestCurlUpload: -T PUTs a file (to URL/FILE for a URL ending in /) and
// standard input chunked, with Expect: 100-continue as curl 7.88 sends it
// (step 4 of issue 15). The server answers 100 Continue, so neither
// program waits.
func TestCurlUpload(t *testing.T) {
	cont := &testserver.Reply{Raw: okReply.Raw, Continue: true}
	put := func(target, framing, body string) string {
		return "PUT " + target + " HTTP/1.1\r\nHost: " + addrMark + "\r\n" + uaLine + "Accept: */*\r\n" + framing + "\r\n" + body
	}
	files := map[string]string{"up.txt": "hello\n", "empty": ""}
	checkBodyCases(t, []bodyCase{
		{name: "to URL/FILE", files: files, reply: cont, args: []string{"-T", "DIR/up.txt", "http://ADDR/dir/"},
			reqs: []string{put("/dir/up.txt", "Content-Length: 6\r\nExpect: 100-continue\r\n", "hello\n")}},
		{name: "to the URL", files: files, reply: cont, args: []string{"-T", "DIR/up.txt", "http://ADDR/x?q=1"},
			reqs: []string{put("/x?q=1", "Content-Length: 6\r\nExpect: 100-continue\r\n", "hello\n")}},
		{name: "no path", files: files, reply: cont, args: []string{"-T", "DIR/up.txt", "http://ADDR"},
			reqs: []string{put("/up.txt", "Content-Length: 6\r\nExpect: 100-continue\r\n", "hello\n")}},
		{name: "empty file, no Expect", files: files, reply: cont, args: []string{"-T", "DIR/empty", "http://ADDR/e"},
			reqs: []string{put("/e", "Content-Length: 0\r\n", "")}},
		{name: "stdin chunked", stdin: "abc", reply: cont, args: []string{"-T", "-", "http://ADDR/"},
			reqs: []string{put("/", "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n", "3\r\nabc\r\n0\r\n\r\n")}},
		{name: "-H Expect: removes it", files: files, reply: cont, args: []string{"-H", "Expect:", "-T", "DIR/up.txt", "http://ADDR/u"},
			reqs: []string{put("/u", "Content-Length: 6\r\n", "hello\n")}},
		{name: "-X POST", files: files, reply: cont, args: []string{"-X", "POST", "-T", "DIR/up.txt", "http://ADDR/u"},
			reqs: []string{strings.Replace(put("/u", "Content-Length: 6\r\nExpect: 100-continue\r\n", "hello\n"), "PUT", "POST", 1)}},
		{name: "-0 -T - is exit 25", stdin: "abc", args: []string{"-0", "-T", "-", "http://ADDR/"}, code: 25, err: "HTTP/1.0 lacks"},
		{name: "missing file is exit 26", args: []string{"-T", "DIR/none", "http://ADDR/"}, code: 26, err: "cannot read"},
		{name: "-T and -d is exit 2", files: files, args: []string{"-T", "DIR/up.txt", "-d", "x", "http://ADDR/"}, code: 2, err: "cannot be used together"},
	})
}
