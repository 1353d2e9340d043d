package testenv

import (
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Blackhole returns a 127.0.0.1 address where a TCP connect never
// finishes: a listener with a backlog of 0 that never accepts, its one
// queue place taken by a connection made here. Linux drops the SYN of every
// further connect while the accept queue is full, so the client retries
// (after 1 s, then 3 s...) until its own time limit. It skips t where
// that cannot be made.
func Blackhole(t testing.TB) string {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*unix.SockaddrInet4).Port))
	// Fill the queue, then check that a further connect hangs.
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
			return addr
		}
		if err != nil || i == 8 {
			skip(t, "no blackhole on loopback: a listen backlog of 0 does not drop connects here")
		}
		t.Cleanup(func() { c.Close() })
	}
}
