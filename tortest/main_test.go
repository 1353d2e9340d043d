//go:build linux

package tortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sockfetch/internal/testenv"
	"sockfetch/internal/tornet"
)

// runTimeout guards one run of the binary against a hang; it is not a
// measurement.
const runTimeout = 90 * time.Second

func TestMain(m *testing.M) {
	code := tornet.Run(m)
	testenv.RemoveBuilds()
	os.Exit(code)
}

// result is what a run of the binary showed the user.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// run runs sockfetch with args and env (added to a copy of this process's
// environment without proxy or Tor variables) and returns what it showed.
func run(t testing.TB, env []string, args ...string) result {
	t.Helper()
	return runCmd(t, env, testenv.Sockfetch(t), args...)
}

// runCmd is run for any program, such as strace running sockfetch.
func runCmd(t testing.TB, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		r.code = exit.ExitCode()
	default:
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, r)
	}
	return r
}

// cleanEnv is the environment without the variables that steer sockfetch
// to a proxy or to Tor.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToLower(k) {
		case "http_proxy", "https_proxy", "all_proxy", "no_proxy", "sockfetch_tor_addr",
			"sockfetch_tor_password":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// server is a loopback HTTP server that counts the connections it accepts
// and remembers the last request's User-Agent.
type server struct {
	URL     string // http://127.0.0.1:port/
	accepts atomic.Int64
	ua      atomic.Value
}

// newServer serves body on every path until the test ends.
func newServer(t testing.TB, body string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{URL: "http://" + ln.Addr().String() + "/"}
	s.ua.Store("")
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.ua.Store(r.UserAgent())
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, body)
		}),
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.accepts.Add(1)
			}
		},
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}
