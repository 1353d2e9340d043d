package testenv

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// LockStraceArgs are the strace options before the traced program for the
// end-to-end tests of the kernel lock (fetch/netlock): every thread, the
// connects, the lock's system calls, quiet, output to the file out.
func LockStraceArgs(out string) []string {
	return []string{"-f", "-qq", "-e", "signal=none", "-e", "trace=connect,landlock_restrict_self,seccomp", "-o", out}
}

// Connect is one connect(2) to an IPv4 or IPv6 address that strace saw.
type Connect struct {
	Port    int
	Refused bool   // it ended in EACCES: the kernel lock refused it
	Call    string // the whole call, an interrupted one joined to its end
}

// LockTrace is what strace showed of the kernel lock and the connects.
type LockTrace struct {
	Restricts int       // landlock_restrict_self calls that returned 0
	Connects  []Connect // in the order they began
	Problems  []string  // a restrict that failed or ended after a connect began
}

// inetPort finds the port of an AF_INET or AF_INET6 address in a connect.
var inetPort = regexp.MustCompile(`sa_family=AF_INET6?, sin6?_port=htons\((\d+)\)`)

// ParseLockTrace reads strace's output (see LockStraceArgs). strace splits a
// call that another thread interrupts into a line ending in "<unfinished
// ...>" and a later "<... name resumed>" line of the same pid: a connect
// counts from where it began, a landlock_restrict_self from where it
// returned, so every restrict must have returned before the first connect
// began (with Go's AllThreadsSyscall there is one per thread).
func ParseLockTrace(trace string) LockTrace {
	var lt LockTrace
	pending := make(map[string]string) // pid: its unfinished call
	began := 0                         // connects begun, of any family
	for line := range strings.Lines(trace) {
		pid, call, _ := strings.Cut(strings.TrimSpace(line), " ")
		call = strings.TrimSpace(call) // strace pads short pids
		if rest, ok := strings.CutPrefix(call, "<... "); ok {
			_, after, _ := strings.Cut(rest, " resumed>")
			call = pending[pid] + after
			delete(pending, pid)
		} else if start, ok := strings.CutSuffix(call, " <unfinished ...>"); ok {
			pending[pid] = start
			if strings.HasPrefix(start, "connect(") {
				began++
			}
			continue
		} else if strings.HasPrefix(call, "connect(") {
			began++
		}
		switch {
		case strings.HasPrefix(call, "landlock_restrict_self("):
			if !strings.HasSuffix(call, "= 0") {
				lt.Problems = append(lt.Problems, "landlock_restrict_self failed: "+call)
				continue
			}
			if began > 0 {
				lt.Problems = append(lt.Problems, "landlock_restrict_self returned after a connect began: "+call)
			}
			lt.Restricts++
		case strings.HasPrefix(call, "connect("):
			m := inetPort.FindStringSubmatch(call)
			if m == nil {
				continue // a unix socket
			}
			port, _ := strconv.Atoi(m[1])
			if lt.Restricts == 0 {
				lt.Problems = append(lt.Problems, "connect before the kernel lock: "+call)
			}
			lt.Connects = append(lt.Connects, Connect{Port: port, Refused: strings.Contains(call, "EACCES"), Call: call})
		}
	}
	return lt
}

// OnlyTo fails t unless the lock came first and every connect went to
// port, none refused. trace is strace's output, shown on failure.
func (lt LockTrace) OnlyTo(t testing.TB, port int, trace string) {
	t.Helper()
	for _, p := range lt.Problems {
		t.Error(p)
	}
	if lt.Restricts == 0 || len(lt.Connects) == 0 {
		t.Errorf("want the kernel lock, then connects to port %d; strace saw:\n%s", port, trace)
	}
	for _, c := range lt.Connects {
		if c.Port != port || c.Refused {
			t.Errorf("connect to port %d, want only %d and allowed: %s", c.Port, port, c.Call)
		}
	}
}
