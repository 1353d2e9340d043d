//go:build !linux

package fetch

import "net"

// readConn reads from c (spinning is Linux only: spin_linux.go).
func readConn(c net.Conn, p []byte, spin bool) (int, error) { return c.Read(p) }
