//go:build linux

package netlock

// The lock cannot be undone, so every case runs in a child process: the test
// binary started again with -test.run=^TestHelperProcess$ and the scenario's
// name in helperEnv. The child prints what it saw, one line per check; the
// parent compares the lines.
//
// These test files must not import net (nor anything that does, such as
// internal/testenv): net links cgo into the test binary wherever a C compiler
// is installed, and in a cgo binary Restrict cannot reach every thread below
// Landlock ABI 8. Sockets are made with golang.org/x/sys/unix instead.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

const (
	helperEnv   = "NETLOCK_TEST_HELPER"   // the scenario a child runs
	abiEnv      = "NETLOCK_TEST_ABI"      // scenario "unavailable": the simulated ABI
	requiredEnv = "NETLOCK_TEST_REQUIRED" // scenario "unavailable": 1 to require the lock
)

// scenarios are the programs a child process can run.
var scenarios = map[string]func(){
	"ports":       scenarioPorts,
	"none":        scenarioNone,
	"narrow":      scenarioNarrow,
	"sockets":     scenarioSockets,
	"unavailable": scenarioUnavailable,
}

// TestHelperProcess is the child's entry point; run directly it does nothing.
func TestHelperProcess(t *testing.T) {
	name := os.Getenv(helperEnv)
	if name == "" {
		return
	}
	scenarios[name]()
	os.Exit(0)
}

// runChild runs scenario in a child process with the extra environment and
// returns its output.
func runChild(t *testing.T, scenario string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), append(env, helperEnv+"="+scenario)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child %s: %v\n%s", scenario, err, out)
	}
	return string(out)
}

// requireLandlock skips t on a kernel without Landlock network rules, or
// fails it when SOCKFETCH_REQUIRE_ALL=1.
func requireLandlock(t *testing.T) int {
	t.Helper()
	abi := kernelABI()
	if abi < abiNet {
		msg := fmt.Sprintf("kernel has Landlock ABI %d; the lock needs ABI 4 (Linux 6.7 with Landlock enabled)", abi)
		if os.Getenv("SOCKFETCH_REQUIRE_ALL") == "1" {
			t.Fatalf("%s (SOCKFETCH_REQUIRE_ALL=1 forbids skipping)", msg)
		}
		t.Skip(msg)
	}
	return abi
}

// udpNote is what Status.String adds when the socket filter is installed.
func udpNote() string {
	if auditArch == 0 {
		return ""
	}
	return "; UDP denied"
}

func TestRestrictPorts(t *testing.T) {
	abi := requireLandlock(t)
	got := runChild(t, "ports")
	want := fmt.Sprintf(`status: kernel lock: only TCP port A may be connected%s; Landlock ABI %d
main thread: allowed ok, other permission denied
threads from before the lock: allowed ok, other permission denied
threads started after the lock: new yes, allowed ok, other permission denied
listen after the lock: ok
`, udpNote(), abi)
	if got != want {
		t.Errorf("child output:\n%s\nwant:\n%s", got, want)
	}
}

func TestRestrictNone(t *testing.T) {
	abi := requireLandlock(t)
	got := runChild(t, "none")
	want := fmt.Sprintf(`status: kernel lock: no TCP connect allowed%s; Landlock ABI %d
connect A: permission denied
connect B: permission denied
`, udpNote(), abi)
	if got != want {
		t.Errorf("child output:\n%s\nwant:\n%s", got, want)
	}
}

func TestRestrictNarrow(t *testing.T) {
	abi := requireLandlock(t)
	got := runChild(t, "narrow")
	want := fmt.Sprintf(`first: kernel lock: only TCP ports A, B may be connected%[1]s; Landlock ABI %[2]d
connect A: ok
connect B: ok
second: kernel lock: only TCP port A may be connected%[1]s; Landlock ABI %[2]d
connect A: ok
connect B: permission denied
third: kernel lock: only TCP port B may be connected%[1]s; Landlock ABI %[2]d
connect A: permission denied
connect B: permission denied
`, udpNote(), abi)
	if got != want {
		t.Errorf("child output:\n%s\nwant:\n%s", got, want)
	}
}

// socketCases are the sockets the "sockets" scenario makes after the lock.
var socketCases = []struct {
	name               string
	domain, typ, proto int
	want               string
}{
	{"udp4", unix.AF_INET, unix.SOCK_DGRAM, 0, "operation not permitted"},
	{"udp4 IPPROTO_UDP", unix.AF_INET, unix.SOCK_DGRAM, unix.IPPROTO_UDP, "operation not permitted"},
	{"udp6 nonblock cloexec", unix.AF_INET6, unix.SOCK_DGRAM | unix.SOCK_NONBLOCK | unix.SOCK_CLOEXEC, 0, "operation not permitted"},
	{"mptcp4", unix.AF_INET, unix.SOCK_STREAM, unix.IPPROTO_MPTCP, "operation not permitted"},
	{"sctp6", unix.AF_INET6, unix.SOCK_STREAM, unix.IPPROTO_SCTP, "operation not permitted"},
	{"raw4 udp", unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_UDP, "operation not permitted"},
	{"tcp4 nonblock cloexec", unix.AF_INET, unix.SOCK_STREAM | unix.SOCK_NONBLOCK | unix.SOCK_CLOEXEC, 0, "ok"},
	{"tcp6 IPPROTO_TCP", unix.AF_INET6, unix.SOCK_STREAM, unix.IPPROTO_TCP, "ok"},
	{"unix dgram", unix.AF_UNIX, unix.SOCK_DGRAM, 0, "ok"},
	{"netlink route", unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE, "ok"},
}

func TestRestrictSockets(t *testing.T) {
	requireLandlock(t)
	if auditArch == 0 {
		t.Skipf("no socket filter for %s: UDP sockets are not denied there", runtime.GOARCH)
	}
	got := runChild(t, "sockets")
	var want strings.Builder
	for _, c := range socketCases {
		fmt.Fprintf(&want, "%s: %s\n", c.name, c.want)
	}
	if got != want.String() {
		t.Errorf("child output:\n%s\nwant:\n%s", got, want.String())
	}
}

func TestRestrictUnavailable(t *testing.T) {
	tests := []struct {
		abi      int
		required bool
		want     string
	}{
		{0, false, `status: kernel lock unavailable: Landlock ABI < 4 (kernel has none)` + udpNote() + `
applied: false, ABI 0, err <nil>
connect B: ok
`},
		{3, false, `status: kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 3)` + udpNote() + `
applied: false, ABI 3, err <nil>
connect B: ok
`},
		{0, true, `status: kernel lock unavailable: Landlock ABI < 4 (kernel has none)
applied: false, ABI 0, err netlock: kernel lock unavailable: Landlock ABI < 4 (kernel has none)
errors.Is(err, ErrUnavailable): true
connect B: ok
udp4: ok
`},
		{2, true, `status: kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 2)
applied: false, ABI 2, err netlock: kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 2)
errors.Is(err, ErrUnavailable): true
connect B: ok
udp4: ok
`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("abi%d_required=%v", tt.abi, tt.required), func(t *testing.T) {
			got := runChild(t, "unavailable", abiEnv+"="+strconv.Itoa(tt.abi), requiredEnv+"="+strconv.FormatBool(tt.required))
			if got != tt.want {
				t.Errorf("child output:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRestrictBadPort(t *testing.T) {
	for _, ports := range [][]int{{0}, {9050, 65536}, {-1}} {
		st, err := Restrict(ports, true)
		if err == nil || st.Applied || errors.Is(err, ErrUnavailable) {
			t.Errorf("Restrict(%v) = %+v, %v; want a range error before anything is applied", ports, st, err)
		}
	}
}

func TestStatusString(t *testing.T) {
	tests := []struct {
		st   Status
		want string
	}{
		{Status{Applied: true, ABI: 6, Ports: []int{9050}}, "kernel lock: only TCP port 9050 may be connected; Landlock ABI 6"},
		{Status{Applied: true, ABI: 7, Ports: []int{9050}, UDP: true}, "kernel lock: only TCP port 9050 may be connected; UDP denied; Landlock ABI 7"},
		{Status{Applied: true, ABI: 4, Ports: []int{9050, 9150}, UDP: true}, "kernel lock: only TCP ports 9050, 9150 may be connected; UDP denied; Landlock ABI 4"},
		{Status{Applied: true, ABI: 8, UDP: true}, "kernel lock: no TCP connect allowed; UDP denied; Landlock ABI 8"},
		{Status{ABI: 3, Ports: []int{9050}, Reason: "kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 3)"}, "kernel lock unavailable: Landlock ABI < 4 (kernel has ABI 3)"},
		{Status{Ports: []int{9050}, UDP: true, Reason: "kernel lock unavailable: Landlock ABI < 4 (kernel has none)"}, "kernel lock unavailable: Landlock ABI < 4 (kernel has none); UDP denied"},
	}
	for _, tt := range tests {
		if got := tt.st.String(); got != tt.want {
			t.Errorf("%+v.String() =\n%q, want\n%q", tt.st, got, tt.want)
		}
	}
}

func TestFilterJumps(t *testing.T) {
	prog := assemble(socketFilter(unix.AUDIT_ARCH_X86_64))
	last := len(prog) - 1
	for i, in := range prog {
		if in.Code&0x07 == unix.BPF_RET {
			continue
		}
		if i+1+int(in.Jt) > last || i+1+int(in.Jf) > last {
			t.Errorf("instruction %d jumps past the end: %+v", i, in)
		}
	}
	if prog[last].Code != unix.BPF_RET|unix.BPF_K || prog[last].K != unix.SECCOMP_RET_ALLOW {
		t.Errorf("last instruction %+v, want ret ALLOW", prog[last])
	}
}

// scenarioPorts locks to one port and connects from the main thread, from
// threads that existed before the lock and from threads started after it.
func scenarioPorts() {
	a, b := listen(), listen()
	old := startThreads(4)
	before := tasks()
	st, err := Restrict([]int{a}, true)
	if err != nil {
		fmt.Println("restrict:", err)
		return
	}
	fmt.Println("status:", portNames(st.String(), a, b))
	fmt.Printf("main thread: %s\n", tryPorts(a, b))
	fmt.Printf("threads from before the lock: %s\n", sameOnAll(old, func() string { return tryPorts(a, b) }))

	// Each of these goroutines holds its own thread while it lives, and
	// they outnumber the threads there were: some must be new.
	fresh := startThreads(len(before) + 1)
	isNew := "no"
	for _, th := range fresh {
		if !slices.Contains(before, th.tid) {
			isNew = "yes"
		}
	}
	fmt.Printf("threads started after the lock: new %s, %s\n", isNew, sameOnAll(fresh, func() string { return tryPorts(a, b) }))
	listen()
	fmt.Println("listen after the lock: ok")
}

// scenarioNone forbids every TCP connect.
func scenarioNone() {
	a, b := listen(), listen()
	st, err := Restrict(nil, true)
	if err != nil {
		fmt.Println("restrict:", err)
		return
	}
	fmt.Println("status:", portNames(st.String(), a, b))
	fmt.Println("connect A:", result(dial(a)))
	fmt.Println("connect B:", result(dial(b)))
}

// scenarioNarrow locks three times: each call can only take ports away.
func scenarioNarrow() {
	a, b := listen(), listen()
	a, b = min(a, b), max(a, b) // Status lists ports in order
	for _, step := range []struct {
		name  string
		ports []int
	}{{"first", []int{b, a}}, {"second", []int{a}}, {"third", []int{b}}} {
		st, err := Restrict(step.ports, true)
		if err != nil {
			fmt.Println("restrict:", err)
			return
		}
		fmt.Printf("%s: %s\n", step.name, portNames(st.String(), a, b))
		fmt.Println("connect A:", result(dial(a)))
		fmt.Println("connect B:", result(dial(b)))
	}
}

// scenarioSockets makes each of socketCases after the lock.
func scenarioSockets() {
	if _, err := Restrict([]int{9050}, true); err != nil {
		fmt.Println("restrict:", err)
		return
	}
	for _, c := range socketCases {
		fd, err := unix.Socket(c.domain, c.typ, c.proto)
		if err == nil {
			unix.Close(fd)
		}
		fmt.Printf("%s: %s\n", c.name, result(err))
	}
}

// scenarioUnavailable simulates a kernel without Landlock network rules.
func scenarioUnavailable() {
	abi, _ := strconv.Atoi(os.Getenv(abiEnv))
	landlockABI = func() int { return abi }
	a, b := listen(), listen()
	st, err := Restrict([]int{a}, os.Getenv(requiredEnv) == "true")
	fmt.Println("status:", portNames(st.String(), a, b))
	fmt.Printf("applied: %v, ABI %d, err %v\n", st.Applied, st.ABI, err)
	if err != nil {
		fmt.Println("errors.Is(err, ErrUnavailable):", errors.Is(err, ErrUnavailable))
	}
	fmt.Println("connect B:", result(dial(b)))
	if err != nil {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
		if err == nil {
			unix.Close(fd)
		}
		fmt.Println("udp4:", result(err))
	}
}

// listen returns the port of a new TCP listener on 127.0.0.1. Connects to it
// complete in its backlog; it is never accepted from.
func listen() int {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		panic(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		panic(err)
	}
	if err := unix.Listen(fd, 64); err != nil {
		panic(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		panic(err)
	}
	return sa.(*unix.SockaddrInet4).Port
}

// dial connects a new TCP socket to 127.0.0.1:port.
func dial(port int) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port})
}

// tryPorts dials the allowed port a and the other port b.
func tryPorts(a, b int) string {
	return fmt.Sprintf("allowed %s, other %s", result(dial(a)), result(dial(b)))
}

func result(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}

// portNames replaces the listeners' port numbers in s by A and B.
func portNames(s string, a, b int) string {
	return strings.NewReplacer(strconv.Itoa(a), "A", strconv.Itoa(b), "B").Replace(s)
}

// lockedThread is a goroutine locked to its OS thread for life, running the
// functions sent to it.
type lockedThread struct {
	tid int
	do  chan func()
}

// startThreads starts n goroutines, each locked to a thread of its own.
func startThreads(n int) []lockedThread {
	ths := make([]lockedThread, n)
	ready := make(chan int)
	for i := range ths {
		ths[i].do = make(chan func())
		go func(do chan func()) {
			runtime.LockOSThread()
			ready <- unix.Gettid()
			for f := range do {
				f()
			}
		}(ths[i].do)
		ths[i].tid = <-ready
	}
	return ths
}

// sameOnAll runs f on each thread and returns its result when all agree.
func sameOnAll(ths []lockedThread, f func() string) string {
	var results []string
	for _, th := range ths {
		res := make(chan string)
		th.do <- func() { res <- f() }
		results = append(results, <-res)
	}
	slices.Sort(results)
	if results = slices.Compact(results); len(results) != 1 {
		return "threads differ: " + strings.Join(results, " | ")
	}
	return results[0]
}

// tasks returns the thread IDs of this process.
func tasks() []int {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		panic(err)
	}
	var tids []int
	for _, e := range entries {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids
}
