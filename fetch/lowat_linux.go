package fetch

import (
	"net"
	"syscall"
)

// setRecvLowat sets c's SO_RCVLOWAT: the kernel reports the socket readable
// only once n bytes are queued (or at end of stream, or on an error).
func setRecvLowat(c *net.TCPConn, n int) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT, n)
	}); err != nil {
		return err
	}
	return serr
}

// recvQueued returns up to len(buf) bytes already queued on c, without
// waiting and whatever c's deadline.
func recvQueued(c *net.TCPConn, buf []byte) int {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	got := 0
	rc.Control(func(fd uintptr) {
		for got < len(buf) {
			n, _, err := syscall.Recvfrom(int(fd), buf[got:], syscall.MSG_DONTWAIT)
			if err != nil || n <= 0 {
				return
			}
			got += n
		}
	})
	return got
}
