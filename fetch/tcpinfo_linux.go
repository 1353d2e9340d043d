package fetch

import (
	"net"
	"time"

	"golang.org/x/sys/unix"

	"sockfetch/fetch/fetchtrace"
)

// tcpInfo asks the kernel (TCP_INFO) what it did on c.
func tcpInfo(c net.Conn) fetchtrace.TCPInfo {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return fetchtrace.TCPInfo{Why: "the connection is not a TCP socket (" + c.LocalAddr().Network() + ")"}
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return fetchtrace.TCPInfo{Why: err.Error()}
	}
	var (
		ti   *unix.TCPInfo
		gerr error
	)
	if err := rc.Control(func(fd uintptr) {
		ti, gerr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil {
		gerr = err
	}
	if gerr != nil {
		return fetchtrace.TCPInfo{Why: "TCP_INFO: " + gerr.Error()}
	}
	return fetchtrace.TCPInfo{
		Available: true,
		RTT:       time.Duration(ti.Rtt) * time.Microsecond,
		RTTVar:    time.Duration(ti.Rttvar) * time.Microsecond,
		SndMSS:    int(ti.Snd_mss),
		RcvMSS:    int(ti.Rcv_mss),
		SegsOut:   int64(ti.Segs_out),
		SegsIn:    int64(ti.Segs_in),
		Retrans:   int64(ti.Total_retrans),
	}
}
