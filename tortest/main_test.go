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
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sockfetch/internal/tornet"
)

// runTimeout guards one run of the binary against a hang; it is not a
// measurement.
const runTimeout = 90 * time.Second

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := tornet.Run(m)
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// sockfetch returns the path of the sockfetch binary, built once per test
// binary with `go build -o` from the module root. It is built without cgo,
// as released: the kernel lock (fetch/netlock) needs that on kernels below
// Landlock ABI 8.
func sockfetch(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "sockfetch-tortest-")
		if build.err != nil {
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		build.bin = filepath.Join(build.dir, "sockfetch")
		cmd := exec.Command(goBin, "build", "-o", build.bin, ".")
		cmd.Dir = moduleRoot()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

// moduleRoot is the directory above this package.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
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
	return runCmd(t, env, sockfetch(t), args...)
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
