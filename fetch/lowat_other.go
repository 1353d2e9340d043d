//go:build !linux

package fetch

import (
	"errors"
	"net"
)

func setRecvLowat(c *net.TCPConn, n int) error {
	return errors.ErrUnsupported
}

func recvQueued(c *net.TCPConn, buf []byte) int { return 0 }
