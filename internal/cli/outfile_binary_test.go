//go:build unix

package cli

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// TestBinaryOutputDevStdoutAppends: -o /dev/stdout writes through the
// descriptor the shell opened with >>, keeping what the file held, and the
// file is still the one the shell writes to afterwards (curl reopens it
// with O_TRUNC and loses the earlier content).
func TestBinaryOutputDevStdoutAppends(t *testing.T) {
	srv := okServer(t)
	out := filepath.Join(t.TempDir(), "log")
	os.WriteFile(out, []byte("earlier\n"), 0o644)
	script := `"$0" -sS -o /dev/stdout "$1" >> "$2" && echo after >> "$2"`
	runBinaryArgs(t, "sh", "-c", script, testenv.Sockfetch(t), srv.URL, out).want(t, 0, "")
	if b, _ := os.ReadFile(out); string(b) != "earlier\nhello, world\nafter\n" {
		t.Errorf("file holds %q, want the earlier line, the body, then the next line", b)
	}
}

// stallServer sends a head and part of a large body, then holds the
// connection open without sending more.
func stallServer(t *testing.T) *testserver.Server {
	return testserver.Start(t, map[string]testserver.Reply{"": {Handle: func(c net.Conn, _ *testserver.Request) {
		c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n"))
		c.Write(bigBody(1 << 20))
		time.Sleep(30 * time.Second)
	}}})
}

// startBinary starts the binary with args, its stdout on stdout (nil: none).
func startBinary(t *testing.T, stdout *os.File, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(testenv.Sockfetch(t), args...)
	cmd.Env = binaryEnv(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &stderr
}

// waitEnd waits at most a second for cmd to end and returns how.
func waitEnd(t *testing.T, cmd *exec.Cmd) syscall.WaitStatus {
	t.Helper()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatalf("still running a second later")
	}
	return cmd.ProcessState.Sys().(syscall.WaitStatus)
}

// TestBinaryOutputBlockedSignals: a run blocked on its output (a FIFO
// nobody opened, a FIFO or a pipe nobody reads) ends within a second of
// SIGINT, SIGTERM or SIGHUP, killed by that signal as curl is (the shell
// sees 130, 143, 129).
func TestBinaryOutputBlockedSignals(t *testing.T) {
	srv := bigServer(t, bigBody(16<<20), true)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		for _, how := range []string{"fifo unopened", "fifo unread", "pipe unread"} {
			dir := t.TempDir()
			fifo := filepath.Join(dir, "fifo")
			var stdout *os.File
			args := []string{"-sS", srv.URL}
			switch how {
			case "fifo unopened", "fifo unread":
				if err := syscall.Mkfifo(fifo, 0o600); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
				args = append(args, "-o", fifo)
			case "pipe unread":
				r, w, _ := os.Pipe()
				defer r.Close()
				defer w.Close()
				stdout = w
			}
			if how == "fifo unread" {
				go func() {
					f, err := os.OpenFile(fifo, os.O_RDONLY, 0)
					if err == nil {
						time.Sleep(3 * time.Second)
						f.Close()
					}
				}()
			}
			cmd, stderr := startBinary(t, stdout, args...)
			time.Sleep(500 * time.Millisecond)
			cmd.Process.Signal(sig)
			ws := waitEnd(t, cmd)
			if !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("%s, %v: ended with %v (exit %d), want killed by %v; stderr %q", how, sig, ws, ws.ExitStatus(), sig, stderr)
			}
			noTemps(t, dir)
		}
	}
}

// TestBinaryOutputBlockedMaxTime: -m ends a run blocked on a FIFO with
// exit 28, curl's words (curl itself stays blocked past -m).
func TestBinaryOutputBlockedMaxTime(t *testing.T) {
	srv := bigServer(t, bigBody(16<<20), true)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	start := time.Now()
	cmd, stderr := startBinary(t, nil, "-sS", "-m", "0.5", "-o", fifo, srv.URL)
	time.Sleep(400 * time.Millisecond)
	ws := waitEnd(t, cmd)
	if ws.ExitStatus() != 28 || !strings.Contains(stderr.String(), "sockfetch: operation timed out after") {
		t.Errorf("ended with %v after %v, stderr %q; want exit 28, timed out", ws, time.Since(start), stderr)
	}
}

// TestBinarySighupRemovesTemp: SIGHUP during a -o transfer removes the
// temporary file and leaves the old file as it was.
func TestBinarySighupRemovesTemp(t *testing.T) {
	srv := stallServer(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "keep")
	os.WriteFile(out, []byte("precious"), 0o644)
	cmd, stderr := startBinary(t, nil, "-sS", "-o", out, srv.URL)
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGHUP)
	if ws := waitEnd(t, cmd); !ws.Signaled() || ws.Signal() != syscall.SIGHUP {
		t.Errorf("ended with %v, want killed by SIGHUP; stderr %q", ws, stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "precious" {
		t.Errorf("file holds %q", b)
	}
	noTemps(t, dir)
}

// runAsNobody runs the binary as uid/gid 65534 in dir.
func runAsNobody(t *testing.T, dir string, args ...string) result {
	t.Helper()
	testenv.RequireRoot(t)
	bin := filepath.Join(dir, "..", "sockfetch")
	b, err := os.ReadFile(testenv.Sockfetch(t))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(bin, b, 0o755)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return runCmd(t, cmd)
}

// TestBinaryOutputPermissions: as a user, -o refuses a file the user may
// not write (exit 23, as curl), even in a directory the user may write,
// and writes in place a file the user may write in a directory the user
// may not (curl writes it; -v says it is not atomic).
func TestBinaryOutputPermissions(t *testing.T) {
	srv := okServer(t)
	top := t.TempDir()
	os.Chmod(filepath.Dir(top), 0o755) // t.TempDir makes both 0700
	os.Chmod(top, 0o755)
	dir := filepath.Join(top, "d")
	os.Mkdir(dir, 0o777)
	os.Chmod(dir, 0o777)
	os.WriteFile(filepath.Join(dir, "ro"), []byte("old"), 0o444)
	os.WriteFile(filepath.Join(dir, "roots"), []byte("old"), 0o644)
	for _, name := range []string{"ro", "roots"} {
		r := runAsNobody(t, dir, "-sS", "-o", name, srv.URL)
		r.want(t, 23, "", "sockfetch: cannot create output file "+name+": permission denied")
		fi, _ := os.Stat(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if string(b) != "old" || fi.Sys().(*syscall.Stat_t).Uid != 0 {
			t.Errorf("%s: now %q owned by %d, want it untouched", name, b, fi.Sys().(*syscall.Stat_t).Uid)
		}
	}
	noTemps(t, dir)

	os.Chmod(dir, 0o755) // the user may not add a file here
	f := filepath.Join(dir, "shared")
	os.WriteFile(f, []byte("old content, longer than the body"), 0o666)
	os.Chmod(f, 0o666)
	r := runAsNobody(t, dir, "-sS", "-v", "-o", "shared", srv.URL)
	if r.code != 0 || !strings.Contains(r.stderr, "writing shared in place, not atomically: its directory takes no new file") {
		t.Errorf("exit %d, stderr %q; want 0 and the in-place line", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(f); string(b) != "hello, world\n" {
		t.Errorf("file holds %q", b)
	}
}
