//go:build linux

package netlock

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// requireTool returns the path of the program name, skipping t when it is
// missing (failing it when SOCKFETCH_REQUIRE_ALL=1). It does what
// internal/testenv.RequireTool does; that package imports net, which must stay
// out of this test binary.
func requireTool(t *testing.T, name, hint string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " not found in PATH: " + hint
	if os.Getenv("SOCKFETCH_REQUIRE_ALL") == "1" {
		t.Fatalf("%s (SOCKFETCH_REQUIRE_ALL=1 forbids skipping)", msg)
	}
	t.Skip(msg)
	return ""
}

// buildProbe builds testdata/probe, a program that imports net as sockfetch
// does, into dir, with cgo on or off and the given build tags.
func buildProbe(t *testing.T, dir string, cgo bool, tags string) string {
	t.Helper()
	gotool := requireTool(t, "go", "the probe tests build a program")
	env := "CGO_ENABLED=0"
	if cgo {
		out, err := exec.Command(gotool, "env", "CC").Output()
		if err != nil {
			t.Fatalf("go env CC: %v", err)
		}
		requireTool(t, strings.TrimSpace(string(out)), "a cgo build needs a C compiler (apt-get install gcc)")
		env = "CGO_ENABLED=1"
	}
	bin := filepath.Join(dir, fmt.Sprintf("probe-cgo%v-%s", cgo, tags))
	cmd := exec.Command(gotool, "build", "-tags="+tags, "-o", bin, "./testdata/probe")
	cmd.Env = append(os.Environ(), env)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build probe (%s, tags %q): %v\n%s", env, tags, err, out)
	}
	return bin
}

// runProbe runs bin and returns its stdout, stderr and exit code, with the
// ports a and b written as A and B.
func runProbe(t *testing.T, bin string, env []string, args string, a, b int) (stdout, stderr string, code int) {
	t.Helper()
	args = strings.NewReplacer("A", strconv.Itoa(a), "B", strconv.Itoa(b)).Replace(args)
	cmd := exec.Command(bin, strings.Fields(args)...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run probe: %v", err)
	}
	return portNames(out.String(), a, b), portNames(errOut.String(), a, b), cmd.ProcessState.ExitCode()
}

func TestProbe(t *testing.T) {
	abi := requireLandlock(t)
	a, b := listen(), listen()
	udp := udpNote()
	locked := fmt.Sprintf("kernel lock: only TCP port A may be connected%s; Landlock ABI %d\n", udp, abi)
	denyB := "dial tcp 127.0.0.1:B: connect: permission denied\n"
	udpLine := "dial udp 127.0.0.1:53: ok\n"
	if udp != "" {
		udpLine = "dial udp 127.0.0.1:53: socket: operation not permitted\n"
	}

	tests := []struct {
		name     string
		cgo      bool
		tags     string
		env      []string
		args     string
		wantOut  string
		wantErr  string
		wantCode int
	}{
		{
			name:    "lock",
			args:    "-allow A -dial A,B -udp",
			wantOut: locked + "dial tcp 127.0.0.1:A: ok\n" + denyB + udpLine,
		},
		{
			// As root (CAP_NET_RAW) a packet socket would write frames
			// past Landlock; the filter refuses it.
			name:    "packet socket",
			args:    "-allow A -packet",
			wantOut: locked + packetLine(udp),
		},
		{
			name:    "mptcp falls back to the locked TCP",
			env:     []string{"GODEBUG=multipathtcp=1"},
			args:    "-allow A -dial A,B",
			wantOut: locked + "dial tcp 127.0.0.1:A: ok\n" + denyB,
		},
		{
			name:    "unix-socket proxy: no TCP at all",
			args:    "-dial A,B",
			wantOut: "kernel lock: no TCP connect allowed" + udp + fmt.Sprintf("; Landlock ABI %d\n", abi) + "dial tcp 127.0.0.1:A: connect: permission denied\n" + denyB,
		},
		{
			name:    "seam ignored without the tag",
			env:     []string{"SOCKFETCH_NETLOCK_ABI=0"},
			args:    "-require -allow A -dial B",
			wantOut: locked + denyB,
		},
		{
			name:     "simulated kernel without Landlock, required",
			tags:     "netlocktest",
			env:      []string{"SOCKFETCH_NETLOCK_ABI=0"},
			args:     "-require -allow A -dial B",
			wantErr:  "probe: netlock: kernel lock unavailable: Landlock ABI < 4 (kernel has none)\n",
			wantCode: 2,
		},
		{
			name:    "simulated kernel with Landlock ABI 3",
			tags:    "netlocktest",
			env:     []string{"SOCKFETCH_NETLOCK_ABI=3"},
			args:    "-allow A -dial B",
			wantOut: "kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 3)" + udp + "\ndial tcp 127.0.0.1:B: ok\n",
		},
		{
			name:    "tagged build without the variable",
			tags:    "netlocktest",
			args:    "-allow A -dial B",
			wantOut: locked + denyB,
		},
		{
			// go build and go install link cgo wherever a C compiler is
			// installed; the lock holds there too, on every kernel ABI.
			name:    "cgo build",
			cgo:     true,
			args:    "-allow A -dial A,B -udp",
			wantOut: locked + "dial tcp 127.0.0.1:A: ok\n" + denyB + udpLine,
		},
	}
	dir := t.TempDir()
	bins := make(map[string]string)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprint(tt.cgo, tt.tags)
			if bins[key] == "" {
				bins[key] = buildProbe(t, dir, tt.cgo, tt.tags)
			}
			out, errOut, code := runProbe(t, bins[key], tt.env, tt.args, a, b)
			if out != tt.wantOut || errOut != tt.wantErr || code != tt.wantCode {
				t.Errorf("probe %s:\nstdout:\n%sstderr:\n%sexit %d\nwant stdout:\n%sstderr:\n%sexit %d",
					tt.args, out, errOut, code, tt.wantOut, tt.wantErr, tt.wantCode)
			}
		})
	}
}

// packetLine is what the probe says of its AF_PACKET socket: refused by
// the filter where there is one, else by the kernel unless this is root.
func packetLine(udp string) string {
	if udp == "" && os.Geteuid() == 0 {
		return "packet socket: ok\n"
	}
	return "packet socket: operation not permitted\n"
}

// TestProbeStrace checks what the e2e test checks of sockfetch: under strace
// every landlock_restrict_self comes before the first connect, and each connect
// to a port other than the allowed one is refused with EACCES; in a build
// without cgo and in one with it.
func TestProbeStrace(t *testing.T) {
	requireLandlock(t)
	strace := requireTool(t, "strace", "install Debian's strace (apt-get install strace), or run make deps")
	for _, cgo := range []bool{false, true} {
		t.Run(fmt.Sprintf("cgo=%v", cgo), func(t *testing.T) { probeStrace(t, strace, cgo) })
	}
}

func probeStrace(t *testing.T, strace string, cgo bool) {
	bin := buildProbe(t, t.TempDir(), cgo, "")
	a, b := listen(), listen()
	log := filepath.Join(t.TempDir(), "strace.log")
	cmd := exec.Command(strace, "-f", "-qq", "-e", "signal=none", "-e", "trace=connect,landlock_restrict_self,seccomp", "-o", log,
		bin, "-allow", strconv.Itoa(a), "-dial", fmt.Sprintf("%d,%d", a, b))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("strace probe: %v\n%s", err, out)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	trace := portNames(string(data), a, b)

	// strace splits a call that another thread interrupts into a line
	// ending in "<unfinished ...>" and a later "<... name resumed>" line.
	// A connect counts from the line where it began, a
	// landlock_restrict_self from the line where it returned.
	pending := make(map[string]string) // pid: its unfinished call
	var restricts, connects int
	for line := range strings.Lines(trace) {
		pid, call, _ := strings.Cut(strings.TrimSpace(line), " ")
		call = strings.TrimSpace(call) // strace pads short pids
		if rest, ok := strings.CutPrefix(call, "<... "); ok {
			_, after, _ := strings.Cut(rest, " resumed>")
			call = pending[pid] + after
			delete(pending, pid)
		} else if begun, ok := strings.CutSuffix(call, " <unfinished ...>"); ok {
			pending[pid] = begun
			if strings.HasPrefix(begun, "connect(") {
				connects++
			}
			continue
		} else if strings.HasPrefix(call, "connect(") {
			connects++
		}
		switch {
		case strings.HasPrefix(call, "landlock_restrict_self("):
			if connects > 0 {
				t.Errorf("landlock_restrict_self returned after a connect began: %s", call)
			}
			if !strings.HasSuffix(call, "= 0") {
				t.Errorf("landlock_restrict_self failed: %s", call)
			}
			restricts++
		case strings.HasPrefix(call, "connect("):
			if !strings.Contains(call, "sin_port=htons(A)") && !strings.Contains(call, "EACCES") {
				t.Errorf("connect to another port not refused: %s", call)
			}
		}
	}
	if restricts == 0 || connects != 2 {
		t.Errorf("saw %d landlock_restrict_self and %d connect calls, want at least 1 and 2:\n%s", restricts, connects, trace)
	}
}
