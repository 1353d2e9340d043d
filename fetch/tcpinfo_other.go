//go:build !linux

package fetch

import (
	"net"

	"sockfetch/fetch/fetchtrace"
)

// tcpInfo: the kernel's TCP_INFO is read on Linux only.
func tcpInfo(net.Conn) fetchtrace.TCPInfo {
	return fetchtrace.TCPInfo{Why: "not available on this system"}
}
