// Command probe locks itself with netlock.Restrict and then dials through the
// net package, as sockfetch does; the package's tests build it with and
// without cgo and with the tag netlocktest.
//
//	probe [-allow PORT,...] [-require] [-dial PORT,...] [-udp] [-packet]
//
// It prints the lock's status and one line per dial. When the lock is
// required and unavailable it prints the error on stderr and exits 2.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"sockfetch/netlock"
)

func main() {
	allow := flag.String("allow", "", "comma-separated TCP ports that may be connected")
	require := flag.Bool("require", false, "fail (exit 2) when the lock is unavailable")
	dial := flag.String("dial", "", "comma-separated loopback TCP ports to dial after the lock")
	udp := flag.Bool("udp", false, "dial UDP 127.0.0.1:53 after the lock")
	packet := flag.Bool("packet", false, "open an AF_PACKET socket after the lock (needs CAP_NET_RAW)")
	flag.Parse()

	st, err := netlock.Restrict(ports(*allow), *require)
	if errors.Is(err, netlock.ErrUnavailable) {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
	fmt.Println(st)
	for _, p := range ports(*dial) {
		report(net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p))))
	}
	if *udp {
		report(net.Dial("udp", "127.0.0.1:53"))
	}
	if *packet {
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, 0)
		if err != nil {
			fmt.Println("packet socket:", err)
		} else {
			fmt.Println("packet socket: ok")
			unix.Close(fd)
		}
	}
}

func ports(list string) []int {
	var ps []int
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' }) {
		p, err := strconv.Atoi(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "probe: bad port:", f)
			os.Exit(1)
		}
		ps = append(ps, p)
	}
	return ps
}

func report(c net.Conn, err error) {
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("dial %s %s: ok\n", c.RemoteAddr().Network(), c.RemoteAddr())
	c.Close()
}
