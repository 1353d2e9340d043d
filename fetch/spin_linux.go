package fetch

import (
	"io"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// spinFor is how long the first read after a request keeps trying before
// it waits in Go's poller. A server on the same machine or network answers
// a small request in tens of microseconds, while a goroutine that parks
// and the idle CPU that has to wake for it add about as much again
// (BENCHMARKS.md, "50 URLs × 1 KiB"). Only that one read spins, so a slow
// server or a large body costs at most this much CPU per request.
const spinFor = 50 * time.Microsecond

// readConn reads from c. With spin, on a TCP connection, a read that finds
// nothing tries again for up to spinFor before it waits.
func readConn(c net.Conn, p []byte, spin bool) (int, error) {
	tc, ok := c.(*net.TCPConn)
	if !spin || !ok || len(p) == 0 {
		return c.Read(p)
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c.Read(p)
	}
	var n int
	var rerr error
	var until time.Time
	waiting := false
	err = rc.Read(func(fd uintptr) bool {
		for {
			n, rerr = unix.Read(int(fd), p)
			if rerr == unix.EINTR {
				continue
			}
			if rerr != unix.EAGAIN {
				return true
			}
			if waiting {
				return false
			}
			if until.IsZero() {
				until = time.Now().Add(spinFor)
			} else if time.Now().After(until) {
				waiting = true // in Go's poller from now on
				return false
			}
		}
	})
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: tc.LocalAddr(), Addr: tc.RemoteAddr(), Err: os.NewSyscallError("read", rerr)}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}
