package cli

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sockfetch/internal/testserver"
)

// barrier answers a request only once n requests are in flight at once: a
// serial client never gets past the first, and a parallel one proves
// that its transfers overlapped without any timing. A request that waits
// 5 s for the others gets a 500.
type barrier struct {
	mu      sync.Mutex
	waiting int
	max     int // the most requests in flight at once
	all     chan struct{}
	n       int
}

func newBarrier(n int) *barrier { return &barrier{n: n, all: make(chan struct{})} }

func (b *barrier) reply(body string) testserver.Reply {
	return testserver.Reply{Handle: func(c net.Conn, _ *testserver.Request) {
		b.mu.Lock()
		b.waiting++
		b.max = max(b.max, b.waiting)
		if b.waiting == b.n {
			close(b.all)
		}
		b.mu.Unlock()
		status := "200 OK"
		select {
		case <-b.all:
		case <-time.After(5 * time.Second):
			status, body = "500 Not Parallel", ""
		}
		fmt.Fprintf(c, "HTTP/1.1 %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", status, len(body), body)
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
	}}
}

// delayed answers body after d.
func delayed(d time.Duration, status, body string) testserver.Reply {
	return testserver.Reply{Handle: func(c net.Conn, _ *testserver.Request) {
		time.Sleep(d)
		fmt.Fprintf(c, "HTTP/1.1 %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", status, len(body), body)
	}}
}

// TestParallelOverlaps: with -Z the transfers are in flight at once (the
// barrier answers none until all have asked), each body goes to its own
// -o file, and the files are whole.
func TestParallelOverlaps(t *testing.T) {
	b := newBarrier(4)
	routes := map[string]testserver.Reply{}
	for i := range 4 {
		routes[fmt.Sprintf("/%d", i)] = b.reply(strings.Repeat(fmt.Sprint(i), 1000+i))
	}
	s := testserver.Start(t, routes)
	dir := t.TempDir()
	args := []string{"-Z"}
	for i := range 4 {
		args = append(args, "http://"+s.Addr+fmt.Sprintf("/%d", i), "-o", filepath.Join(dir, fmt.Sprint(i)))
	}
	sockfetch(t, args...).want(t, 0, "")
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range 4 {
		got, err := os.ReadFile(filepath.Join(dir, fmt.Sprint(i)))
		if err != nil || string(got) != strings.Repeat(fmt.Sprint(i), 1000+i) {
			t.Errorf("file %d: %d bytes, %v", i, len(got), err)
		}
	}
	if b.max != 4 {
		t.Errorf("at most %d requests were in flight at once, want 4", b.max)
	}
}

// TestParallelMax: --parallel-max 2 runs two at a time, never more.
func TestParallelMax(t *testing.T) {
	var mu sync.Mutex
	inFlight, most := 0, 0
	slow := testserver.Reply{Handle: func(c net.Conn, _ *testserver.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))
	}}
	s := testserver.Start(t, map[string]testserver.Reply{"/": slow})
	u := "http://" + s.Addr + "/"
	sockfetch(t, "-Z", "--parallel-max", "2", u, u, u, u, u).want(t, 0, "okokokokok")
	mu.Lock()
	defer mu.Unlock()
	if most != 2 {
		t.Errorf("at most %d transfers at once, want 2", most)
	}
}

// TestParallelStdoutOrder: bodies to stdout and -w lines come out whole and
// in command-line order, although the second transfer's answer comes
// first.
func TestParallelStdoutOrder(t *testing.T) {
	s := testserver.Start(t, map[string]testserver.Reply{
		"/slow": delayed(300*time.Millisecond, "200 OK", strings.Repeat("s", 5000)),
		"/fast": delayed(0, "200 OK", strings.Repeat("f", 5000)),
	})
	base := "http://" + s.Addr
	want := strings.Repeat("s", 5000) + "[" + base + "/slow]" + strings.Repeat("f", 5000) + "[" + base + "/fast]"
	sockfetch(t, "-Z", base+"/slow", base+"/fast", "-w", "[%{url_effective}]").want(t, 0, want)
}

// TestParallelExitStatus: the exit status is curl's, the last transfer to
// fail as they end: a refused connection fails at once, the slow 404 under
// -f later, so it is 22 whatever the order on the command line; curl gives
// the same where installed.
func TestParallelExitStatus(t *testing.T) {
	s := testserver.Start(t, map[string]testserver.Reply{
		"/late": delayed(300*time.Millisecond, "404 Not Found", ""),
		"/ok":   delayed(0, "200 OK", "ok"),
	})
	refused := "http://" + closedAddr(t) + "/"
	for _, args := range [][]string{
		{"-Z", "-f", "http://" + s.Addr + "/late", refused, "http://" + s.Addr + "/ok"},
		{"-Z", "-f", refused, "http://" + s.Addr + "/late", "http://" + s.Addr + "/ok"},
	} {
		r := sockfetch(t, append([]string{"-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null"}, args...)...)
		if r.code != 22 {
			t.Errorf("sockfetch %v: exit %d, want 22\n%s", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "returned error: 404") || !strings.Contains(r.stderr, "connect") {
			t.Errorf("sockfetch %v: stderr %q, want both errors", args, r.stderr)
		}
		if curlBinary(t) {
			cmd := exec.Command("curl", append([]string{"-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null"}, args...)...)
			cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
			if c := runCmd(t, cmd); c.code != 22 {
				t.Errorf("curl %v: exit %d, want 22 (the yardstick moved)", args, c.code)
			}
		}
	}
}

// TestParallelMaxValues: --parallel-max takes curl's values and refuses
// what curl refuses, exit 2.
func TestParallelMaxValues(t *testing.T) {
	s := testserver.Start(t, map[string]testserver.Reply{"/": delayed(0, "200 OK", "ok")})
	u := "http://" + s.Addr + "/"
	for _, v := range []string{"0", "1", "1000", " 7"} {
		sockfetch(t, "-Z", "--parallel-max", v, u, u).want(t, 0, "okok")
	}
	for _, v := range []string{"abc", "-5", "3x", "2.5", ""} {
		r := sockfetch(t, "-Z", "--parallel-max", v, u, u)
		r.want(t, 2, "", "--parallel-max")
	}
}

// TestParallelStdoutWaitTimesOut: a transfer waiting for its turn on stdout
// is bounded by -m like any blocked write: the run ends in 28 within the
// limit, the first transfer holding stdout with its body cut.
func TestParallelStdoutWaitTimesOut(t *testing.T) {
	s := testserver.Start(t, map[string]testserver.Reply{
		"/hold": {Raw: []byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), KeepOpen: true},
		"/next": delayed(0, "200 OK", "next"),
	})
	start := time.Now()
	r := sockfetch(t, "-Z", "-m", "1", "http://"+s.Addr+"/hold", "http://"+s.Addr+"/next")
	// The second's limit runs out at the first's, give or take the
	// microseconds between their starts: it may get its turn just before.
	if r.code != 28 || r.stdout != "abc" && r.stdout != "abcnext" {
		t.Errorf("exit %d, stdout %q; want 28 and the first body's start first\n%s", r.code, r.stdout, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestNewCircuitEach: --new-circuit=each gives each transfer SOCKS
// credentials of its own (so Tor puts each on a circuit of its own), in
// parallel and one after the other; without it, none are sent.
func TestNewCircuitEach(t *testing.T) {
	s := testserver.Start(t, map[string]testserver.Reply{"/": delayed(0, "200 OK", "ok")})
	for _, tt := range []struct {
		args  []string
		users int // distinct usernames seen
	}{
		{[]string{"-Z", "--new-circuit=each"}, 3},
		{[]string{"--new-circuit=each"}, 3},
		{[]string{"-Z"}, 0},
	} {
		tor := torProxy(t, map[string]string{"a.test": "127.0.0.1"})
		u := fmt.Sprintf("http://a.test:%d/", s.Port)
		args := append(append([]string{"--tor-addr", tor.Addr}, tt.args...), u, u, u)
		sockfetch(t, args...).want(t, 0, "okokok")
		users := map[string]bool{}
		for _, q := range tor.Requests() {
			if q.User != "" {
				users[q.User] = true
			}
		}
		if len(users) != tt.users {
			t.Errorf("%v: %d distinct SOCKS usernames, want %d", tt.args, len(users), tt.users)
		}
	}
}

// TestParallelCookies: parallel transfers share the run's jar: every
// cookie set by one of them is in the -c file (run with -race to see the
// jar kept whole).
func TestParallelCookies(t *testing.T) {
	routes := map[string]testserver.Reply{}
	for i := range 8 {
		routes[fmt.Sprintf("/%d", i)] = testserver.Reply{Raw: []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nSet-Cookie: c%d=v%d\r\nContent-Length: 0\r\n\r\n", i, i))}
	}
	s := testserver.Start(t, routes)
	jar := filepath.Join(t.TempDir(), "jar")
	args := []string{"-Z", "-c", jar}
	for i := range 8 {
		args = append(args, fmt.Sprintf("%s/%d", s.URL, i))
	}
	sockfetch(t, args...).want(t, 0, "")
	b, err := os.ReadFile(jar)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		if !strings.Contains(string(b), fmt.Sprintf("\tc%d\tv%d\n", i, i)) {
			t.Errorf("jar lacks c%d:\n%s", i, b)
		}
	}
}

// TestParallelRemoteNameAll: with --remote-name-all no transfer writes to
// stdout, so none waits for another's turn: a slow first transfer does
// not hold the second, whose file is whole while the first still waits.
func TestParallelRemoteNameAll(t *testing.T) {
	release := make(chan struct{})
	s := testserver.Start(t, map[string]testserver.Reply{
		"/slow": {Handle: func(c net.Conn, _ *testserver.Request) {
			<-release
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow"))
		}},
		"/fast": delayed(0, "200 OK", "fast"),
	})
	dir := t.TempDir()
	go func() { // the second file appears while the first transfer waits
		defer close(release)
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if b, _ := os.ReadFile(filepath.Join(dir, "fast")); string(b) == "fast" {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Error("the second transfer waited for the first")
	}()
	sockfetch(t, "-Z", "--remote-name-all", "--output-dir", dir, s.URL+"/slow", s.URL+"/fast").want(t, 0, "")
	if b, _ := os.ReadFile(filepath.Join(dir, "slow")); string(b) != "slow" {
		t.Errorf("slow: %q", b)
	}
}
