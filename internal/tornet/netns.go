package tornet

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The test host's addresses. The namespace side has NetnsIP; the host side
// has netnsHostIP, and exit i binds its streams to 10.231.0.1(1+i).
const (
	NetnsIP     = "10.231.0.2"
	netnsHostIP = "10.231.0.1"
	netnsNet    = "10.231.0.0/24"
	netnsPrefix = "sftor" // namespace sftor<pid>; veth sfth<pid> (host) and sftn<pid>
)

// Netns is a test host of the harness's own: a network namespace joined to
// this machine by a veth pair. Traffic from here to IP comes from HostIP
// (or an exit's bind address when it went through Tor).
type Netns struct {
	Name    string   // the namespace, as `ip netns` names it
	IP      string   // the address inside the namespace, 10.231.0.2
	HostIP  string   // the host end's main address, 10.231.0.1: what a direct connection comes from
	BindIPs []string // the host end's extra addresses, one per exit
	veth    string
}

// exitBindIP is the host-side address exit i binds its streams to.
func exitBindIP(i int) string { return fmt.Sprintf("10.231.0.%d", 11+i) }

// netnsSupported says why the namespace cannot be made here, or "".
func netnsSupported() string {
	if os.Geteuid() != 0 {
		return "network namespaces need root"
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return "ip (iproute2) not installed"
	}
	return ""
}

// newNetns makes the namespace, the veth pair and the addresses, after
// removing what crashed runs left behind (the caller holds the run lock, so
// every namespace with the prefix is stale).
func newNetns(exits int) (*Netns, error) {
	cleanStaleNetns()
	id := strconv.Itoa(os.Getpid())
	ns := &Netns{Name: netnsPrefix + id, IP: NetnsIP, HostIP: netnsHostIP, veth: "sfth" + id}
	peer := "sftn" + id
	cmds := [][]string{
		{"netns", "add", ns.Name},
		{"link", "add", ns.veth, "type", "veth", "peer", "name", peer},
		{"link", "set", peer, "netns", ns.Name},
		{"addr", "add", netnsHostIP + "/24", "dev", ns.veth},
	}
	for i := range exits {
		ip := exitBindIP(i)
		ns.BindIPs = append(ns.BindIPs, ip)
		cmds = append(cmds, []string{"addr", "add", ip + "/24", "dev", ns.veth})
	}
	cmds = append(cmds,
		[]string{"link", "set", ns.veth, "up"},
		[]string{"-n", ns.Name, "addr", "add", NetnsIP + "/24", "dev", peer},
		[]string{"-n", ns.Name, "link", "set", peer, "up"},
		[]string{"-n", ns.Name, "link", "set", "lo", "up"},
	)
	for _, c := range cmds {
		if err := ipCmd(c...); err != nil {
			ns.remove()
			return nil, err
		}
	}
	return ns, nil
}

// remove deletes the veth pair and the namespace.
func (ns *Netns) remove() {
	ipCmd("link", "del", ns.veth)
	ipCmd("netns", "del", ns.Name)
}

// cleanStaleNetns removes namespaces and veth ends with the harness's
// prefix left by runs that died before their teardown.
func cleanStaleNetns() {
	if out, err := exec.Command("ip", "netns", "list").Output(); err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], netnsPrefix) {
				ipCmd("netns", "del", f[0])
			}
		}
	}
	if out, err := exec.Command("ip", "-o", "link", "show").Output(); err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			// "7: sfth123@if6: <BROADCAST,..."
			f := strings.Fields(l)
			if len(f) < 2 {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimSuffix(f[1], ":"), "@")
			if strings.HasPrefix(name, "sfth") {
				ipCmd("link", "del", name)
			}
		}
	}
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// Listen opens a TCP listener on ns.IP:port inside the namespace; port 0
// picks a free one. It is closed when the test ends.
func (ns *Netns) Listen(t testing.TB, port int) net.Listener {
	t.Helper()
	ln, err := ns.listen(port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// listen opens the socket from a thread that has joined the namespace; the
// socket stays in the namespace whatever thread uses it later. The thread
// then goes back to this process's namespace; if it cannot, it stays locked
// and ends with its goroutine rather than run other goroutines in the wrong
// namespace.
func (ns *Netns) listen(port int) (net.Listener, error) {
	type result struct {
		ln  net.Listener
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("open this thread's namespace: %w", err)}
			return
		}
		defer unix.Close(home)
		fd, err := unix.Open("/run/netns/"+ns.Name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("open namespace %s: %w", ns.Name, err)}
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			ch <- result{err: fmt.Errorf("join namespace %s: %w", ns.Name, err)}
			return
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(ns.IP, strconv.Itoa(port)))
		if unix.Setns(home, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		ch <- result{ln, err}
	}()
	r := <-ch
	return r.ln, r.err
}
