//go:build linux

package tornet

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// freePorts returns n distinct TCP ports on 127.0.0.1 that were free a
// moment ago: all are held open together, then released for tor to take.
//
// They are drawn at random from below the kernel's ephemeral range
// (ip_local_port_range), never from it: a port the kernel hands out for
// listening on port 0 is one it also hands out as the source port of any
// outgoing connection, and under a loaded test run (other packages'
// tests opening connections by the hundred) one of them took a port in
// the moment between its release here and tor's bind, and tor exited.
func freePorts(n int) ([]int, error) {
	low, high := 10000, ephemeralLow()
	if high-low < 4*n {
		low = 1024
	}
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries > 100*n {
			return nil, fmt.Errorf("free port: none free of %d tried in %d–%d", tries, low, high-1)
		}
		p := low + rand.IntN(high-low)
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue // taken
		}
		lns = append(lns, ln)
		ports = append(ports, p)
	}
	return ports, nil
}

// ephemeralLow is the low end of the kernel's ephemeral port range
// (32768 by default).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= 1024 {
		return 32768
	}
	return n
}
