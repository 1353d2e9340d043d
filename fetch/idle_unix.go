//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package fetch

import (
	"errors"
	"net"
	"syscall"
)

// idleProblem looks, without waiting, at a kept connection before it
// carries another request: the server may have closed it while it was
// idle (its FIN or RST is queued), or sent bytes no request asked for. It
// returns why the connection cannot be used, or "".
func idleProblem(c net.Conn) string {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return ""
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return ""
	}
	var (
		n    int
		rerr error
		buf  [1]byte
	)
	err = rc.Read(func(fd uintptr) bool {
		n, _, rerr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	})
	switch {
	case err != nil:
		return "the connection cannot be read: " + err.Error()
	case errors.Is(rerr, syscall.EAGAIN), errors.Is(rerr, syscall.EWOULDBLOCK):
		return ""
	case rerr != nil:
		return "the connection failed while it was idle: " + rerr.Error()
	case n == 0:
		return "the server closed the connection while it was idle"
	}
	return "the server sent bytes while the connection was idle"
}
