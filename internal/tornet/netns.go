//go:build linux

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

// The test host's addresses are in 10.231.S.0/24, S the network's slot
// (see takeSlot): the namespace side is .2, the host side .1, and exit i
// binds its streams to .11+i. Names carry the slot too: namespace sftorS,
// veth sfthS (host end) and sftnS.
const netnsPrefix = "sftor"

// Netns is a test host of the harness's own: a network namespace joined to
// this machine by a veth pair. Traffic from here to IP comes from HostIP
// (or an exit's bind address when it went through Tor).
type Netns struct {
	Name    string   // the namespace, as `ip netns` names it
	IP      string   // the address inside the namespace, 10.231.S.2
	HostIP  string   // the host end's main address, 10.231.S.1: what a direct connection comes from
	BindIPs []string // the host end's extra addresses, one per exit
	Net     string   // the subnet, 10.231.S.0/24 (the exits' ExitPolicy accepts it)
	veth    string
	peer    string
}

// slotIP is address host of slot's subnet.
func slotIP(slot, host int) string { return fmt.Sprintf("10.231.%d.%d", slot, host) }

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

// newNetns makes the namespace, the veth pair and the addresses of slot,
// after removing what a crashed run in the same slot left behind (the
// caller holds the slot, so anything named for it is stale).
func newNetns(slot, exits int) (*Netns, error) {
	id := strconv.Itoa(slot)
	ns := &Netns{Name: netnsPrefix + id, IP: slotIP(slot, 2), HostIP: slotIP(slot, 1),
		Net: slotIP(slot, 0) + "/24", veth: "sfth" + id, peer: "sftn" + id}
	ns.remove()
	cmds := [][]string{
		{"netns", "add", ns.Name},
		{"link", "add", ns.veth, "type", "veth", "peer", "name", ns.peer},
		{"link", "set", ns.peer, "netns", ns.Name},
		{"addr", "add", ns.HostIP + "/24", "dev", ns.veth},
	}
	for i := range exits {
		ip := slotIP(slot, 11+i)
		ns.BindIPs = append(ns.BindIPs, ip)
		cmds = append(cmds, []string{"addr", "add", ip + "/24", "dev", ns.veth})
	}
	cmds = append(cmds,
		[]string{"link", "set", ns.veth, "up"},
		[]string{"-n", ns.Name, "addr", "add", ns.IP + "/24", "dev", ns.peer},
		[]string{"-n", ns.Name, "link", "set", ns.peer, "up"},
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

// remove deletes the veth pair and the namespace (either may be gone
// already: a failed "ip" is ignored).
func (ns *Netns) remove() {
	ipCmd("link", "del", ns.veth)
	ipCmd("netns", "del", ns.Name)
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
