package cli

import (
	"context"
	"net"
	"sync"
	"syscall"
	"testing"

	"sockfetch/internal/testserver"
	"sockfetch/netlock"
)

// torDials records every connection a run opens and refuses the ones after
// the first allow (Tor gone).
type torDials struct {
	mu    sync.Mutex
	addrs []string
	allow int
}

func (d *torDials) dial(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, network+" "+address)
	n := len(d.addrs)
	d.mu.Unlock()
	if n > d.allow {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

// TestReuseTorResend: with --tor, the connection opened again for a
// request the server hung up on goes through Tor as the first did, with
// the run's one --new-circuit credential set, under the kernel lock, and
// nothing is resolved here; when Tor refuses that second stream the run
// fails (7) and connects nowhere else.
func TestReuseTorResend(t *testing.T) {
	for _, tc := range []struct {
		name  string
		allow int
		code  int
		out   string
		has   []string
	}{
		{name: "resent through Tor", allow: 2, code: 0, out: "ok\nok\n"},
		{name: "Tor refuses the new stream", allow: 1, code: 7, out: "ok\n", has: []string{"sockfetch: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			hung := false
			hangup := testserver.Reply{Handle: func(c net.Conn, _ *testserver.Request) {
				mu.Lock()
				defer mu.Unlock()
				if !hung {
					hung = true
					return // closes c before answering
				}
				c.Write(keepReply.Raw)
			}}
			srv := testserver.Start(t, map[string]testserver.Reply{"/once": hangup, "": keepReply})
			tor := testserver.StartSOCKS5(t)
			d := &torDials{allow: tc.allow}
			var locks [][]int
			restrict := func(ports []int, required bool) (netlock.Status, error) {
				locks = append(locks, ports)
				return netlock.Status{Applied: true, ABI: 7, Ports: ports, UDP: true}, nil
			}
			r := sockfetchWith(t, runOpts{resolver: failResolver{t}, dial: d.dial, restrict: restrict},
				"--tor-addr", tor.Addr, "--new-circuit", srv.URL+"/a", srv.URL+"/once")
			r.want(t, tc.code, tc.out, tc.has...)
			for _, a := range d.addrs {
				if a != "tcp "+tor.Addr {
					t.Errorf("connected to %s, not Tor (%s)", a, tor.Addr)
				}
			}
			if len(d.addrs) != 2 {
				t.Errorf("%d connections tried, want 2 (the first URL's, the resend's)", len(d.addrs))
			}
			if len(locks) == 0 || len(locks[0]) != 1 || locks[0][0] != tor.Port {
				t.Errorf("kernel lock %v, want Tor's port %d only", locks, tor.Port)
			}
			reqs := tor.Requests()
			for _, q := range reqs {
				if q.User == "" || q.User != reqs[0].User || q.Password != reqs[0].Password {
					t.Errorf("SOCKS requests %+v: want one random credential set for the run", reqs)
					break
				}
			}
		})
	}
}
