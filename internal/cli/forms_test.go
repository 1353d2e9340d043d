package cli

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"sockfetch/internal/testserver"
)

// TestParseFormSpec: the parts of a -F argument, as curl 7.88 reads them.
func TestParseFormSpec(t *testing.T) {
	tests := []struct {
		in   string
		want formPart
	}{
		{"a=1", formPart{name: "a", value: "1"}},
		{"a=", formPart{name: "a"}},
		{"a=b=c", formPart{name: "a", value: "b=c"}},
		{"f=@x.png", formPart{name: "f", value: "x.png", file: true}},
		{"f=<x.txt;type=t/t", formPart{name: "f", value: "x.txt", contents: true, ctype: "t/t"}},
		{`f=@"a;b.png";filename="c\"d";type=x/y`, formPart{name: "f", value: "a;b.png", file: true, filename: `c"d`, hasName: true, ctype: "x/y"}},
		{"a=1; type=t/t", formPart{name: "a", value: "1", ctype: "t/t"}},
		{"a=1;x=2;type=t", formPart{name: "a", value: "1", ctype: "t"}},
		{`a=1;headers="X: y"`, formPart{name: "a", value: "1", headers: []string{"X: y"}}},
		{`a="unclosed;type=t`, formPart{name: "a", value: `"unclosed`, ctype: "t"}},
		{"a=1;type=a/b; c=d ;filename=f;x=y", formPart{name: "a", value: "1", ctype: "a/b; c=d", filename: "f", hasName: true}},
		{"a=1;TYPE=t;", formPart{name: "a", value: "1", ctype: "t;"}},
		{"a=1;type=a;type=b", formPart{name: "a", value: "1", ctype: "a;type=b"}},
		{`a=1;type="x;y"`, formPart{name: "a", value: "1", ctype: `"x;y"`}},
	}
	for _, tt := range tests {
		got, err := parseFormSpec(tt.in, false)
		if err != nil || got.name != tt.want.name || got.value != tt.want.value || got.file != tt.want.file || got.contents != tt.want.contents ||
			got.ctype != tt.want.ctype || got.filename != tt.want.filename || got.hasName != tt.want.hasName || strings.Join(got.headers, "|") != strings.Join(tt.want.headers, "|") {
			t.Errorf("parseFormSpec(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"a", "", "f=@", "f=<;type=x", "a=1;type=", "a=1;type= ;x"} {
		if _, err := parseFormSpec(bad, false); err == nil {
			t.Errorf("parseFormSpec(%q): no error", bad)
		}
	}
	if p, err := parseFormSpec(`s=@x;type="y"`, true); err != nil || p.value != `@x;type="y"` || p.file {
		t.Errorf("--form-string: %+v, %v", p, err)
	}
}

// FuzzFormSpec: parseFormSpec never panics, and what it returns is made
// of the input's bytes: the name is the text before the first '='.
func FuzzFormSpec(f *testing.F) {
	for _, s := range []string{"a=1", `f=@"a;b";filename="c\"d";type=x`, "f=<x;headers=X: y", "a=\"", "=;;;", "a=1;type=\"\\"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, literal bool) {
		p, err := parseFormSpec(s, literal)
		if err != nil {
			return
		}
		if name, _, _ := strings.Cut(s, "="); p.name != name {
			t.Fatalf("name %q, want %q", p.name, name)
		}
		if !strings.Contains(s, p.ctype) {
			t.Fatalf("type %q is not a part of the input", p.ctype)
		}
		if len(p.value)+len(p.ctype)+len(p.filename) > len(s) {
			t.Fatalf("parts longer than the input: %+v", p)
		}
	})
}

// TestExpectWait: with Expect: 100-continue and no answer, the body goes
// after about a second (curl's wait); a final status instead of 100 means
// the body is not sent, and the status is the answer.
func TestExpectWait(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/up.txt"
	writeFile(t, file, "hello\n")

	srv := testserver.Start(t, map[string]testserver.Reply{"": okReply})
	start := time.Now()
	r := sockfetch(t, "-T", file, srv.URL+"/")
	took := time.Since(start)
	r.want(t, 0, "ok\n")
	if took < 900*time.Millisecond || took > 5*time.Second {
		t.Errorf("took %v, want about 1 s of waiting for 100", took)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || string(reqs[0].Body) != "hello\n" {
		t.Errorf("requests %+v, want the body after the wait", reqs)
	}

	refuse := testserver.Start(t, map[string]testserver.Reply{"": {Raw: []byte("HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nno!\n"), BeforeBody: true}})
	r = sockfetch(t, "-w", "%{http_code} %{size_upload}", "-T", file, refuse.URL+"/")
	r.want(t, 0, "no!\n401 0")
	// The server records the request once sockfetch closed the connection.
	deadline := time.Now().Add(3 * time.Second)
	for len(refuse.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if reqs := refuse.Requests(); len(reqs) != 1 || len(reqs[0].Body) != 0 {
		t.Errorf("want one request without its body after a final status: %+v", reqs)
	}
}

// TestLargeDataExpect: a -d body past 1 MiB goes after Expect:
// 100-continue, as curl 7.88 sends it; at 1 MiB it does not.
func TestLargeDataExpect(t *testing.T) {
	for _, tt := range []struct {
		size   int
		expect bool
	}{{1 << 20, false}, {1<<20 + 1, true}} {
		srv := testserver.Start(t, map[string]testserver.Reply{"": {Raw: okReply.Raw, Continue: true}})
		file := t.TempDir() + "/big"
		writeFile(t, file, strings.Repeat("x", tt.size))
		sockfetch(t, "--data-binary", "@"+file, srv.URL+"/").want(t, 0, "ok\n")
		reqs := srv.Requests()
		if len(reqs) != 1 || len(reqs[0].Body) != tt.size {
			t.Fatalf("size %d: body not received whole", tt.size)
		}
		if _, got := reqs[0].Header("Expect"); got != tt.expect {
			t.Errorf("size %d: Expect sent %v, want %v", tt.size, got, tt.expect)
		}
	}
}

func writeFile(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUploadRedirect: a 307 sends a -T file and a -F file again, opened
// afresh; standard input cannot be sent twice (exit 55); a 303 sends GET
// without the body.
func TestUploadRedirect(t *testing.T) {
	file := t.TempDir() + "/up.txt"
	writeFile(t, file, "hello\n")
	routes := func(status string) map[string]testserver.Reply {
		return map[string]testserver.Reply{
			"/r":   {Raw: []byte("HTTP/1.1 " + status + "\r\nLocation: /end\r\nContent-Length: 0\r\n\r\n"), Continue: true},
			"/end": {Raw: okReply.Raw, Continue: true},
		}
	}
	srv := testserver.Start(t, routes("307 Temporary Redirect"))
	sockfetch(t, "-L", "-T", file, srv.URL+"/r").want(t, 0, "ok\n")
	sockfetch(t, "-L", "-F", "f=@"+file, srv.URL+"/r").want(t, 0, "ok\n")
	reqs := srv.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, q := range reqs {
		if !strings.Contains(string(q.Body), "hello\n") {
			t.Errorf("request %d (%s %s): body %q, want the file", i+1, q.Method, q.Target, q.Body)
		}
	}

	r := sockfetchWith(t, runOpts{stdin: "abc"}, "-L", "-T", "-", srv.URL+"/r")
	r.want(t, 55, "", "cannot send standard input again")
	r.errLine(t)

	see := testserver.Start(t, routes("303 See Other"))
	sockfetch(t, "-L", "-T", file, see.URL+"/r").want(t, 0, "ok\n")
	if reqs := see.Requests(); len(reqs) != 2 || reqs[1].Method != "GET" || len(reqs[1].Body) != 0 || strings.Contains(string(reqs[1].Head), "Expect") {
		t.Errorf("after 303: %+v, want a GET without body or Expect", reqs)
	}
}

// TestUploadSizes: %{size_upload} counts a streamed body (-T, -F, a -d
// past 1 MiB) and %{size_request} only its head, as curl 7.88 counts them;
// a small -d is in both.
func TestUploadSizes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/up.txt", "hello\n")
	writeFile(t, dir+"/big", strings.Repeat("x", 1<<20+1))
	srv := testserver.Start(t, map[string]testserver.Reply{"": {Raw: okReply.Raw, Continue: true}})
	for _, tt := range []struct {
		args   []string
		upload int
		inHead bool // the body counts in size_request
	}{
		{[]string{"-d", "hello"}, 5, true},
		{[]string{"-T", dir + "/up.txt"}, 6, false},
		{[]string{"-F", "a=hello"}, 141, false},
		{[]string{"--data-binary", "@" + dir + "/big"}, 1<<20 + 1, false},
	} {
		r := sockfetch(t, append(tt.args, "-o", "/dev/null", "-w", "%{size_upload} %{size_request}", srv.URL+"/")...)
		reqs := srv.Requests()
		head := len(reqs[len(reqs)-1].Head)
		want := head
		if tt.inHead {
			want += tt.upload
		}
		if r.stdout != strconv.Itoa(tt.upload)+" "+strconv.Itoa(want) {
			t.Errorf("%q: %q, want %d %d", tt.args, r.stdout, tt.upload, want)
		}
	}
}
