package cli

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// TestExpect417: a 417 answering Expect: 100-continue sends the request
// again without Expect, as curl 7.88 does, unless the 417 closes the
// connection; curl counts the second request as a redirect:
// %{num_redirects} is 1, --max-redirs 0 makes it exit 47, and -f stops at
// the 417 with exit 22. The body is never sent after the 417.
func TestExpect417(t *testing.T) {
	file := t.TempDir() + "/up.txt"
	writeFile(t, file, "hello\n")
	const keep = "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 4\r\n\r\nno!\n"
	const closing = "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 4\r\nConnection: close\r\n\r\nno!\n"
	withCurl := curlBinary(t)
	if !withCurl && testenv.RequireAll() {
		t.Fatal("curl 7.88 is not installed")
	}
	w := []string{"-w", "%{http_code} %{num_redirects} %{size_upload}"}
	for _, tt := range []struct {
		name    string
		answer  string // to the request with Expect
		args    []string
		stdin   string
		code    int
		stdout  string
		err     string
		body    string // the second request's body; "" for no second request
		notCurl string
	}{
		{name: "again", answer: keep, args: append(w, "-T", file), stdout: "ok\n200 1 6", body: "hello\n"},
		{name: "stdin again", answer: keep, args: append(w, "-T", "-"), stdin: "abc", stdout: "ok\n200 1 3", body: "3\r\nabc\r\n0\r\n\r\n",
			notCurl: "curl 7.88 counts the resent chunked body's framing in %{size_upload} (13, not 3)"},
		{name: "Connection: close ends it", answer: closing, args: append(w, "-T", file), stdout: "no!\n417 0 0"},
		{name: "-f", answer: keep, args: []string{"-f", "-T", file}, code: 22, err: "returned error: 417"},
		{name: "--max-redirs 0", answer: keep, args: []string{"--max-redirs", "0", "-T", file}, code: 47, err: "redirects followed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			check := func(prog string, run func(args []string) result) {
				srv := testserver.Start(t, map[string]testserver.Reply{"": {Raw: okReply.Raw, ExpectFailed: []byte(tt.answer)}})
				r := run(append(append([]string{}, tt.args...), srv.URL+"/u"))
				if r.code != tt.code || r.stdout != tt.stdout {
					t.Errorf("%s: exit %d, stdout %q; want %d, %q (stderr %q)", prog, r.code, r.stdout, tt.code, tt.stdout, r.stderr)
				}
				if prog == "sockfetch" && tt.code != 0 {
					r.want(t, tt.code, "", tt.err)
					r.errLine(t)
				}
				want := 1
				if tt.body != "" {
					want = 2
				}
				// The server records a request once the client closed it.
				deadline := time.Now().Add(3 * time.Second)
				for len(srv.Requests()) < want && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				reqs := srv.Requests()
				if len(reqs) != want {
					t.Fatalf("%s: %d requests, want %d", prog, len(reqs), want)
				}
				for _, q := range reqs {
					hasExpect := strings.Contains(string(q.Head), "\r\nExpect: 100-continue\r\n")
					switch {
					case hasExpect && len(q.Body) != 0:
						t.Errorf("%s: body %q sent after the 417", prog, q.Body)
					case !hasExpect && string(q.Body) != tt.body:
						t.Errorf("%s: request without Expect has body %q, want %q", prog, q.Body, tt.body)
					}
				}
			}
			check("sockfetch", func(args []string) result { return sockfetchWith(t, runOpts{stdin: tt.stdin}, args...) })
			if withCurl && tt.notCurl == "" {
				check("curl", func(args []string) result {
					cmd := exec.Command("curl", append([]string{"-s"}, args...)...)
					cmd.Stdin = strings.NewReader(tt.stdin)
					return runCmd(t, cmd)
				})
			}
		})
	}
}
