//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package fetch

import "net"

// idleProblem finds nothing wrong with a kept connection where the socket
// cannot be looked at without waiting: a request the server closed the
// connection on is sent again once on a new one (exchange).
func idleProblem(net.Conn) string { return "" }
