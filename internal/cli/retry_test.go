package cli

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sockfetch/internal/testserver"
	"sockfetch/rawhttp"
)

// reply is a raw response with a Content-Length for body and the fields
// given (each "Name: value"), closing the connection.
func reply(status string, body string, fields ...string) string {
	h := "HTTP/1.1 " + status + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n"
	for _, f := range fields {
		h += f + "\r\n"
	}
	return h + "\r\n" + body
}

// seqServer answers its first request with replies[0], the next with
// replies[1], and every later one with the last.
func seqServer(t *testing.T, replies ...string) *testserver.Server {
	var n atomic.Int32
	return testserver.Start(t, map[string]testserver.Reply{"": {Handle: func(c net.Conn, req *testserver.Request) {
		i := int(n.Add(1)) - 1
		c.Write([]byte(replies[min(i, len(replies)-1)]))
	}}})
}

// sleepRecorder stands in for the wait between retries: it records each
// wait asked for and returns at once.
type sleepRecorder struct {
	mu     sync.Mutex
	asked  []time.Duration
	really time.Duration // waits this long for real (for --retry-max-time)
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.asked = append(s.asked, d)
	s.mu.Unlock()
	time.Sleep(s.really)
	return ctx.Err()
}

// runCurlRetry runs curl 7.88 with args (no progress meter, no config) in
// dir.
func runCurlRetry(t *testing.T, dir string, args []string) result {
	t.Helper()
	cmd := exec.Command("curl", append([]string{"-q", "--no-progress-meter"}, args...)...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	cmd.Dir = dir
	return runCmd(t, cmd)
}

// warnings returns the lines of stderr that curl and sockfetch word alike:
// the warnings and what a retry throws away. A last line gets its
// newline: curl 7.88 ends its Retry-After warning without one, and
// sockfetch does not copy that.
func warnings(stderr string) []string {
	var w []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if strings.HasPrefix(l, "Warning: ") || strings.HasPrefix(l, "Throwing away ") {
			w = append(w, strings.TrimSuffix(l, "\n")+"\n")
		}
	}
	return w
}

// secs turns whole seconds into durations.
func secs(s ...int) []time.Duration {
	var d []time.Duration
	for _, n := range s {
		d = append(d, time.Duration(n)*time.Second)
	}
	return d
}

// TestRetry: which failures are retried and how long each retry waits, as
// curl 7.88 decides (the waits through the sleep seam; curl itself, where
// the waits are short, gives the same stdout, exit status, warnings and
// number of requests); a retried -o transfer leaves only the last answer.
func TestRetry(t *testing.T) {
	busy := reply("503 Service Unavailable", "busy\n")
	ok := reply("200 OK", "hello\n")
	backoff := slices.Repeat([]string{reply("500 Internal Server Error", "")}, 11)
	for _, tt := range []struct {
		name     string
		args     []string // the URL is added; "-o out" writes in the test's directory
		replies  []string
		requests int
		code     int
		stdout   string
		stderr   string // exactly
		sleeps   []time.Duration
		file     string // what out holds at the end, with -o out
		curl     bool   // compare with curl (its waits are real)
	}{
		{name: "503 twice then 200", args: []string{"--retry", "3"}, replies: []string{busy, busy, ok}, requests: 3,
			stdout: "busy\nbusy\nhello\n", sleeps: secs(1, 2),
			stderr: "Warning: Problem : HTTP error. Will retry in 1 seconds. 3 retries left.\n" +
				"Warning: Problem : HTTP error. Will retry in 2 seconds. 2 retries left.\n"},
		{name: "-o keeps the last answer only", args: []string{"--retry", "2", "-o", "out"}, replies: []string{busy, ok}, requests: 2,
			file: "hello\n", sleeps: secs(1), curl: true,
			stderr: "Warning: Problem : HTTP error. Will retry in 1 seconds. 2 retries left.\nThrowing away 5 bytes\n"},
		{name: "-o after the last retry failed", args: []string{"--retry", "1", "-f", "-o", "out"}, replies: []string{busy}, requests: 2,
			code: 22, sleeps: secs(1), curl: true,
			stderr: "sockfetch: the requested URL returned error: 503\n" +
				"Warning: Problem : HTTP error. Will retry in 1 seconds. 1 retries left.\n" +
				"sockfetch: the requested URL returned error: 503\n"},
		{name: "--retry-delay is fixed", args: []string{"--retry", "3", "--retry-delay", "5"}, replies: []string{busy, busy, busy, ok}, requests: 4,
			stdout: "busy\nbusy\nbusy\nhello\n", sleeps: secs(5, 5, 5),
			stderr: "Warning: Problem : HTTP error. Will retry in 5 seconds. 3 retries left.\n" +
				"Warning: Problem : HTTP error. Will retry in 5 seconds. 2 retries left.\n" +
				"Warning: Problem : HTTP error. Will retry in 5 seconds. 1 retries left.\n"},
		{name: "backoff doubles up to 10 minutes", args: []string{"-s", "--retry", "11"}, replies: append(backoff, ok), requests: 12,
			stdout: "hello\n", sleeps: secs(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600)},
		{name: "Retry-After seconds", args: []string{"--retry", "1"}, replies: []string{reply("429 Too Many Requests", "slow\n", "Retry-After: 7"), ok}, requests: 2,
			stdout: "slow\nhello\n", sleeps: secs(7),
			stderr: "Warning: Problem : HTTP error. Will retry in 7 seconds. 1 retries left.\n"},
		{name: "Retry-After 1", args: []string{"--retry", "2"}, replies: []string{reply("503 Service Unavailable", "busy\n", "Retry-After: 1"), ok}, requests: 2,
			stdout: "busy\nhello\n", sleeps: secs(1), curl: true,
			stderr: "Warning: Problem : HTTP error. Will retry in 1 seconds. 2 retries left.\n"},
		{name: "Retry-After past --retry-max-time", args: []string{"--retry", "3", "--retry-max-time", "10"},
			replies: []string{reply("503 Service Unavailable", "busy\n", "Retry-After: 100"), ok}, requests: 1, curl: true,
			stdout: "busy\n",
			stderr: "Warning: The Retry-After: time would make this command line exceed the maximum \nWarning: allowed time for retries.\n"},
		{name: "429 without --retry", replies: []string{reply("429 Too Many Requests", "slow\n"), ok}, requests: 1,
			stdout: "slow\n", curl: true},
		{name: "429 -f without --retry", args: []string{"-f"}, replies: []string{reply("429 Too Many Requests", "slow\n"), ok}, requests: 1,
			code: 22, curl: true, stderr: "sockfetch: the requested URL returned error: 429\n"},
		{name: "408", args: []string{"--retry", "1", "-s"}, replies: []string{reply("408 Request Timeout", ""), ok}, requests: 2, stdout: "hello\n", sleeps: secs(1)},
		{name: "502", args: []string{"--retry", "1", "-s"}, replies: []string{reply("502 Bad Gateway", ""), ok}, requests: 2, stdout: "hello\n", sleeps: secs(1)},
		{name: "504", args: []string{"--retry", "1", "-s"}, replies: []string{reply("504 Gateway Timeout", ""), ok}, requests: 2, stdout: "hello\n", sleeps: secs(1)},
		{name: "404 is not transient", args: []string{"--retry", "3"}, replies: []string{reply("404 Not Found", "no\n"), ok}, requests: 1, stdout: "no\n", curl: true},
		{name: "501 is not transient", args: []string{"--retry", "3", "-f"}, replies: []string{reply("501 Not Implemented", ""), ok}, requests: 1,
			code: 22, stderr: "sockfetch: the requested URL returned error: 501\n", curl: true},
		{name: "404 with --retry-all-errors and -f", args: []string{"--retry", "1", "-f", "--retry-all-errors"}, replies: []string{reply("404 Not Found", ""), ok},
			requests: 2, stdout: "hello\n", sleeps: secs(1), curl: true,
			stderr: "sockfetch: the requested URL returned error: 404\nWarning: Problem (retrying all errors). Will retry in 1 seconds. 1 retries \nWarning: left.\n"},
		{name: "-w once, after the retries", args: []string{"-s", "--retry", "1", "-w", "%{http_code} %{num_connects}\n"}, replies: []string{busy, ok}, requests: 2,
			stdout: "busy\nhello\n200 1\n", sleeps: secs(1), curl: true},
		{name: "-s says nothing", args: []string{"-s", "--retry", "1"}, replies: []string{busy, ok}, requests: 2, stdout: "busy\nhello\n", sleeps: secs(1), curl: true},
		{name: "-sS says errors, no warnings", args: []string{"-sS", "-f", "--retry", "1"}, replies: []string{busy, ok}, requests: 2, stdout: "hello\n", sleeps: secs(1), curl: true,
			stderr: "sockfetch: the requested URL returned error: 503\n"},
		{name: "a hostile status line stays escaped", args: []string{"--retry", "1", "-f"}, replies: []string{"HTTP/1.1 503 \x1b[31mred\r\nContent-Length: 0\r\n\r\n", ok},
			requests: 2, stdout: "hello\n", sleeps: secs(1),
			stderr: "sockfetch: the requested URL returned error: 503\nWarning: Problem : HTTP error. Will retry in 1 seconds. 1 retries left.\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := seqServer(t, tt.replies...)
			dir := t.TempDir()
			args := make([]string, 0, len(tt.args)+1)
			for _, a := range tt.args {
				if a == "out" {
					a = filepath.Join(dir, "out")
				}
				args = append(args, a)
			}
			args = append(args, srv.URL+"/")
			var sr sleepRecorder
			r := sockfetchWith(t, runOpts{sleep: sr.sleep}, args...)
			if r.code != tt.code || r.stdout != tt.stdout || r.stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
			if got := len(srv.Requests()); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if !slices.Equal(sr.asked, tt.sleeps) {
				t.Errorf("waits %v, want %v", sr.asked, tt.sleeps)
			}
			checkOut(t, dir, tt.file)
			if !tt.curl || !curlBinary(t) {
				return
			}
			srv = seqServer(t, tt.replies...)
			cdir := t.TempDir()
			args = append(slices.Clone(tt.args), srv.URL+"/")
			c := runCurlRetry(t, cdir, args)
			if c.code != tt.code || c.stdout != tt.stdout || !slices.Equal(warnings(c.stderr), warnings(tt.stderr)) {
				t.Errorf("curl: exit %d, stdout %q, stderr:\n%s\nwant exit %d, stdout %q, warnings %q", c.code, c.stdout, c.stderr, tt.code, tt.stdout, warnings(tt.stderr))
			}
			if got := len(srv.Requests()); got != tt.requests {
				t.Errorf("curl: %d requests, want %d", got, tt.requests)
			}
			checkOut(t, cdir, tt.file)
		})
	}
}

// checkOut checks that dir holds the file out with want in it, or nothing
// when want is "", and no temporary file.
func checkOut(t *testing.T, dir, want string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	switch {
	case want == "" && len(names) > 0:
		t.Errorf("files left: %q, want none", names)
	case want != "":
		b, err := os.ReadFile(filepath.Join(dir, "out"))
		if err != nil || string(b) != want || len(names) != 1 {
			t.Errorf("out holds %q (%v), files %q; want %q alone", b, err, names, want)
		}
	}
}

var afterMS = regexp.MustCompile(`after [0-9]+ ms`)

// TestRetryConnRefused: a refused connection is retried with
// --retry-connrefused or --retry-all-errors only, each attempt's error
// said, as curl.
func TestRetryConnRefused(t *testing.T) {
	addr := closedAddr(t)
	refused := "sockfetch: failed to connect to 127.0.0.1 port " + addr[strings.LastIndex(addr, ":")+1:] + " after 0 ms: connection refused\n"
	for _, tt := range []struct {
		name   string
		args   []string
		sleeps []time.Duration
		stderr string
	}{
		{"--retry alone", []string{"--retry", "2"}, nil, refused},
		{"--retry-connrefused", []string{"--retry", "2", "--retry-connrefused"}, secs(1, 2), refused +
			"Warning: Problem : connection refused. Will retry in 1 seconds. 2 retries \nWarning: left.\n" + refused +
			"Warning: Problem : connection refused. Will retry in 2 seconds. 1 retries \nWarning: left.\n" + refused},
		{"--retry-all-errors", []string{"--retry", "1", "--retry-all-errors"}, secs(1), refused +
			"Warning: Problem (retrying all errors). Will retry in 1 seconds. 1 retries \nWarning: left.\n" + refused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var sr sleepRecorder
			r := sockfetchWith(t, runOpts{sleep: sr.sleep}, append(tt.args, "http://"+addr+"/")...)
			r.stderr = afterMS.ReplaceAllString(r.stderr, "after 0 ms") // a loaded machine takes a millisecond or more
			if r.code != 7 || r.stdout != "" || r.stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 7, stderr:\n%s", r.code, r.stdout, r.stderr, tt.stderr)
			}
			if !slices.Equal(sr.asked, tt.sleeps) {
				t.Errorf("waits %v, want %v", sr.asked, tt.sleeps)
			}
			if curlBinary(t) && len(tt.sleeps) <= 1 {
				c := runCurlRetry(t, t.TempDir(), append(tt.args, "http://"+addr+"/"))
				if c.code != 7 || !slices.Equal(warnings(c.stderr), warnings(tt.stderr)) {
					t.Errorf("curl: exit %d, stderr:\n%s", c.code, c.stderr)
				}
			}
		})
	}
}

// TestRetryTimeout: a time limit (-m) is transient, as curl's 28.
func TestRetryTimeout(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": {Silent: true}})
	var sr sleepRecorder
	r := sockfetchWith(t, runOpts{sleep: sr.sleep}, "-m", "0.2", "--retry", "1", srv.URL+"/")
	r.want(t, 28, "", "sockfetch: operation timed out after", "\nWarning: Problem : timeout. Will retry in 1 seconds. 1 retries left.\n")
	if n := len(srv.Requests()); n != 2 || !slices.Equal(sr.asked, secs(1)) {
		t.Errorf("%d requests, waits %v; want 2, [1s]", n, sr.asked)
	}
}

// TestRetryMaxTime: no retry starts once --retry-max-time has passed since
// the first attempt.
func TestRetryMaxTime(t *testing.T) {
	srv := seqServer(t, reply("503 Service Unavailable", ""))
	sr := sleepRecorder{really: 1100 * time.Millisecond}
	r := sockfetchWith(t, runOpts{sleep: sr.sleep}, "-f", "--retry", "5", "--retry-max-time", "1", srv.URL+"/")
	if r.code != 22 || len(srv.Requests()) != 2 || len(sr.asked) != 1 {
		t.Errorf("exit %d, %d requests, waits %v; want 22, 2 requests, one wait; stderr:\n%s", r.code, len(srv.Requests()), sr.asked, r.stderr)
	}
}

// TestRetryUsage: the retry options' values are checked as curl checks
// them.
func TestRetryUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--retry", "-1"}, {"--retry", "x"}, {"--retry-delay", "1.5"}, {"--retry-max-time", "-3"},
		{"-C", "x"}, {"-C", "-5"}, {"-C", "+5"}, {"-r", "0-1\r\nX: y"}, {"-r", "99999999999999999999"},
		{"-C", "5", "-d", "x"}, {"-r", "0-1", "--data-binary", "x"},
	} {
		r := sockfetch(t, append(args, "http://127.0.0.1:1/")...)
		if r.code != 2 {
			t.Errorf("%q: exit %d, want 2; stderr %q", args, r.code, r.stderr)
		}
		r.errLine(t)
	}
}

// TestRetryExplain: --explain explains each attempt as a transfer of its
// own, the warning between them.
func TestRetryExplain(t *testing.T) {
	srv := seqServer(t, reply("503 Service Unavailable", "busy\n"), reply("200 OK", "hello\n"))
	var sr sleepRecorder
	r := sockfetchWith(t, runOpts{sleep: sr.sleep}, "--explain", "--no-color", "--retry", "1", srv.URL+"/")
	first, second, ok := strings.Cut(r.stderr, "Warning: Problem : HTTP error. Will retry in 1 seconds. 1 retries left.\n")
	if r.code != 0 || !ok || strings.Count(first, ". totals ") != 1 || strings.Count(second, ". totals ") != 1 ||
		strings.Contains(r.stderr, "all 2 requests") {
		t.Errorf("exit %d; want one explanation before the warning and one after:\n%s", r.code, r.stderr)
	}
}

// TestRetryInterrupted: Ctrl-C during the wait ends the run at once, exit
// 130, the -o file as it was.
func TestRetryInterrupted(t *testing.T) {
	srv := seqServer(t, reply("503 Service Unavailable", "busy\n"), reply("200 OK", "hello\n"))
	out := filepath.Join(t.TempDir(), "out")
	os.WriteFile(out, []byte("old\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr strings.Builder
	s := &System{
		stdin: strings.NewReader(""), stdout: &strings.Builder{}, stderr: &stderr,
		getenv: func(string) string { return "" }, resolver: hostsResolver{}, restrict: fakeRestrict, ctx: ctx,
		sleep: func(ctx context.Context, d time.Duration) error { cancel(); <-ctx.Done(); return ctx.Err() },
	}
	code := Main([]string{"sockfetch", "--retry", "3", "-o", out, srv.URL + "/"}, s)
	if b, _ := os.ReadFile(out); code != 130 || string(b) != "old\n" || len(srv.Requests()) != 1 {
		t.Errorf("exit %d, out %q, %d requests; want 130, the old file, 1 request; stderr:\n%s", code, b, len(srv.Requests()), stderr.String())
	}
	checkOut(t, filepath.Dir(out), "old\n")
}

// TestRetryResolve: a name that did not resolve is retried, as curl 7.88
// counts it with timeouts.
func TestRetryResolve(t *testing.T) {
	var sr sleepRecorder
	r := sockfetchWith(t, runOpts{sleep: sr.sleep}, "--retry", "1", "http://nowhere.test/")
	r.want(t, 6, "", "sockfetch: could not resolve host: nowhere.test", "\nWarning: Problem : timeout. Will retry in 1 seconds. 1 retries left.\n")
	if strings.Count(r.stderr, "could not resolve host") != 2 || !slices.Equal(sr.asked, secs(1)) {
		t.Errorf("waits %v; want two attempts, one wait; stderr:\n%s", sr.asked, r.stderr)
	}
}

// FuzzReadRange: -r's reading never panics, what it takes is a Range
// field the request can carry (no byte that could break the framing), and
// a start alone asks for the rest.
func FuzzReadRange(f *testing.F) {
	for _, s := range []string{"0-99", "100-", "-500", "0-9,20-29", "5", "5x", "a b", "0-1\r\nX: y", "99999999999999999999", "\x1b[31m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" {
			return // -r '' is no range: readRetryOptions does not call it
		}
		var warnings []string
		v, err := readRange(s, &warnings)
		if err != nil {
			return
		}
		q := rawhttp.Request{Method: "GET", Target: "/", Host: "h", Range: "bytes=" + v}
		if err := q.Check(); err != nil {
			t.Fatalf("readRange(%q) = %q, which the request refuses: %v", s, v, err)
		}
		if s[0] >= '0' && s[0] <= '9' && !strings.Contains(s, "-") && !strings.HasSuffix(v, "-") {
			t.Fatalf("readRange(%q) = %q: a start alone asks for the rest", s, v)
		}
	})
}
