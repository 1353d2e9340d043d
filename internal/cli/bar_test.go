package cli

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
	"sockfetch/internal/testserver"
)

// ttyRun is what a run of the binary with stderr on a terminal showed.
type ttyRun struct {
	code   int
	screen string // everything written to the terminal
	stdout string
}

// runOnTerminal runs the built binary with stderr (and, with stdoutToo,
// stdout) on a pseudo-terminal of 100 columns, in an environment of only
// PATH, HOME and env.
func runOnTerminal(t *testing.T, env []string, stdoutToo bool, args ...string) ttyRun {
	t.Helper()
	term := testenv.OpenTerminal(t, 100)
	cmd := exec.Command(testenv.Sockfetch(t), args...)
	cmd.Env = append(append(binaryEnv(t), "TERM=xterm"), env...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, term.TTY
	if stdoutToo {
		cmd.Stdout = term.TTY
	}
	err := cmd.Run()
	return ttyRun{code: exitStatus(t, cmd, err), screen: term.Screen(), stdout: stdout.String()}
}

// barDrawn matches the bar's last state for a 3 MiB body: the count, and
// a rate.
var (
	barKnown   = regexp.MustCompile(`100% \[=+\] \(3\.0/3\.0 MiB, [0-9.]+ [KMGTPE]?i?B/s\)`)
	barUnknown = regexp.MustCompile(`\(3\.0 MiB, [0-9.]+ [KMGTPE]?i?B/s\)`)
	anyRate    = regexp.MustCompile(`[0-9.]+ [KMGTPE]?i?B/s`)
)

// TestBinaryProgressBar: a body of 3 MiB written to -o FILE gets a bar on
// a terminal (bytes, percentage, rate), and nothing at all is written to a
// stderr that is a pipe.
func TestBinaryProgressBar(t *testing.T) {
	body := bigBody(3 << 20)
	sum := sha256.Sum256(body)
	withLength := bigServer(t, body, true)
	untilClose := bigServer(t, body, false)
	small := okServer(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "big.bin")

	tests := []struct {
		name string
		args []string
		bar  *regexp.Regexp // nil: no bar
	}{
		{"Content-Length", []string{"-o", out, withLength.URL}, barKnown},
		{"until close", []string{"-o", out, untilClose.URL}, barUnknown},
		{"-# is accepted", []string{"-#", "-o", out, withLength.URL}, barKnown},
		{"-o /dev/null", []string{"-o", os.DevNull, withLength.URL}, barKnown},
		{"-s", []string{"-s", "-o", out, withLength.URL}, nil},
		{"--no-progress-meter", []string{"--no-progress-meter", "-o", out, withLength.URL}, nil},
		{"-v", []string{"-v", "-o", out, withLength.URL}, nil},
		{"--explain", []string{"--explain", "--no-color", "-o", out, withLength.URL}, nil},
		{"--trace-ascii %", []string{"--trace-ascii", "%", "-o", out, withLength.URL}, nil},
		{"--trace-ascii to a file", []string{"--trace-ascii", filepath.Join(dir, "trace"), "-o", out, withLength.URL}, barKnown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			r := runOnTerminal(t, nil, false, tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d:\n%q", r.code, r.screen)
			}
			if !strings.Contains(strings.Join(tt.args, " "), os.DevNull) {
				if got, _ := os.ReadFile(out); sha256.Sum256(got) != sum {
					t.Errorf("the -o file has %d bytes, want the %d sent", len(got), len(body))
				}
			}
			switch {
			case tt.bar != nil && !tt.bar.MatchString(r.screen):
				t.Errorf("no progress bar on the terminal, want %s:\n%q", tt.bar, tail(r.screen, 400))
			case tt.bar == nil && anyRate.MatchString(r.screen):
				t.Errorf("a progress bar was drawn:\n%q", tail(r.screen, 400))
			}
			if tt.bar != nil && !strings.HasSuffix(r.screen, "\n") {
				t.Errorf("the bar's line is not ended:\n%q", tail(r.screen, 200))
			}
		})
	}

	t.Run("small body", func(t *testing.T) {
		r := runOnTerminal(t, nil, false, "-o", out, small.URL)
		if r.code != 0 || r.screen != "" {
			t.Errorf("exit %d, terminal %q; want 0 and nothing", r.code, r.screen)
		}
	})
	t.Run("body to the same terminal", func(t *testing.T) {
		r := runOnTerminal(t, nil, true, withLength.URL)
		if r.code != 0 || anyRate.MatchString(r.screen) {
			t.Errorf("exit %d, a bar drawn over the body:\n%q", r.code, tail(r.screen, 400))
		}
	})
	t.Run("stderr a pipe", func(t *testing.T) {
		r := runBinary(t, "-o", out, withLength.URL)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("exit %d, stderr %q; want 0 and nothing", r.code, tail(r.stderr, 400))
		}
		r = runBinary(t, "-o", out, untilClose.URL)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("until close: exit %d, stderr %q; want 0 and nothing", r.code, tail(r.stderr, 400))
		}
	})
}

// TestBinaryProgressBarCutShort: a body cut short keeps the count it
// reached, and the error message starts on a line of its own.
func TestBinaryProgressBarCutShort(t *testing.T) {
	body := bigBody(3 << 20)
	// The server announces 3 MiB and sends 2.
	head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))
	srv := testserver.StartRaw(t, append([]byte(head), body[:2<<20]...))
	out := filepath.Join(t.TempDir(), "big.bin")
	r := runOnTerminal(t, nil, false, "-o", out, srv.URL)
	if r.code != 18 {
		t.Fatalf("exit %d, want 18:\n%q", r.code, tail(r.screen, 400))
	}
	if !regexp.MustCompile(`\(2\.0/3\.0 MiB, [^)]*\)[^\n]*\r?\nsockfetch: transfer closed with 1048576 bytes remaining`).MatchString(r.screen) {
		t.Errorf("want the bar at 2.0/3.0 MiB, then the error on a line of its own:\n%q", tail(r.screen, 400))
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a cut-short body left %s", out)
	}
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestBinarySplicesWithBar: -o /dev/null (a speed test) splices, with the
// bar off (stderr a pipe) and on (stderr a terminal).
func TestBinarySplicesWithBar(t *testing.T) {
	strace := testenv.RequireTool(t, "strace")
	srv := bigServer(t, bigBody(8<<20), true)
	for _, onTerminal := range []bool{false, true} {
		log := filepath.Join(t.TempDir(), "strace.log")
		args := []string{"-f", "-e", "trace=splice", "-o", log, testenv.Sockfetch(t), "-o", os.DevNull, srv.URL}
		if onTerminal {
			term := testenv.OpenTerminal(t, 100)
			cmd := exec.Command(strace, args...)
			cmd.Stderr = term.TTY
			err := cmd.Run()
			screen := term.Screen()
			if err != nil {
				t.Skipf("strace cannot trace here: %v", err)
			}
			if !strings.Contains(screen, "100%") {
				t.Errorf("no progress bar on the terminal:\n%q", screen)
			}
		} else if b, err := exec.Command(strace, args...).CombinedOutput(); err != nil {
			t.Skipf("strace cannot trace here: %v\n%s", err, b)
		}
		trace, _ := os.ReadFile(log)
		if n := bytes.Count(trace, []byte("splice(")); n == 0 {
			t.Errorf("terminal=%v: no splice(2) call while copying 8 MiB to /dev/null:\n%.2000s", onTerminal, trace)
		}
	}
}
