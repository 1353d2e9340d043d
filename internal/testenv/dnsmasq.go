package testenv

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"sort"
	"strconv"
	"testing"
	"time"
)

// StartDNS runs Debian's dnsmasq on 127.0.0.1 and a free port (UDP and
// TCP), answering each name of records (and the names under it) with its
// address and every other name with NXDOMAIN; it never asks another server
// nor reads /etc/hosts. It returns dnsmasq's address and a resolver that
// asks it alone, for fetch.Dialer.Resolver: a test never uses the
// machine's resolver. dnsmasq stops when the test ends.
func StartDNS(t testing.TB, records map[string]string) (string, *net.Resolver) {
	t.Helper()
	bin := RequireTool(t, "dnsmasq")
	names := make([]string, 0, len(records))
	for n := range records {
		names = append(names, n)
	}
	sort.Strings(names)
	for try := 0; try < 5; try++ {
		port := freeUDPTCPPort(t)
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		args := []string{"--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
			"--listen-address=127.0.0.1", "--port=" + strconv.Itoa(port), "--bind-interfaces", "--pid-file=",
			"--log-facility=-", "--local-ttl=60"}
		for _, n := range names {
			args = append(args, "--address=/"+n+"/"+records[n])
		}
		args = append(args, "--address=/#/")
		cmd := exec.Command(bin, args...)
		DieWithTest(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatalf("start dnsmasq: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_, err := r.LookupHost(ctx, "ready.invalid")
			cancel()
			var de *net.DNSError
			if err == nil || errors.As(err, &de) && de.IsNotFound {
				t.Cleanup(func() { cmd.Process.Kill(); <-exited })
				return addr, r
			}
			select {
			case <-exited:
				deadline = time.Time{} // try another port
			case <-time.After(20 * time.Millisecond):
			}
		}
		cmd.Process.Kill()
		<-exited
	}
	t.Fatal("dnsmasq did not start")
	return "", nil
}

// freeUDPTCPPort returns a port on 127.0.0.1 free for UDP and TCP a moment
// ago.
func freeUDPTCPPort(t testing.TB) int {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		pc.Close()
		if err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no port free for UDP and TCP on 127.0.0.1")
	return 0
}
