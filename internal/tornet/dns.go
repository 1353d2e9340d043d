//go:build linux

package tornet

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// DNSDomain is the name only the exits can resolve (through the harness's
// resolver); it and every name under it resolve to the test host (Netns.IP),
// or to 127.0.0.1 without a namespace. Every other name is NXDOMAIN there.
const DNSDomain = "exits-only.sockfetch.test"

// dnsIP is the loopback address the exits' resolver listens on.
const dnsIP = "127.0.0.54"

// startDNS runs dnsmasq in the foreground on dnsIP and a free port and
// writes a resolv.conf for the exits naming it.
func startDNS(ctx context.Context, dir, target string) (p *proc, resolvConf string, err error) {
	port, err := freeDNSPort()
	if err != nil {
		return nil, "", err
	}
	addr := net.JoinHostPort(dnsIP, strconv.Itoa(port))
	p, err = startProc("dnsmasq", filepath.Join(dir, "dnsmasq.log"), "dnsmasq",
		"--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
		"--listen-address="+dnsIP, "--port="+strconv.Itoa(port), "--bind-interfaces", "--pid-file=",
		"--address=/"+DNSDomain+"/"+target, "--address=/#/", "--log-facility=-")
	if err != nil {
		return nil, "", err
	}
	// Ready when it answers.
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	for {
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		addrs, err := r.LookupHost(qctx, "ready."+DNSDomain)
		cancel()
		if err == nil && len(addrs) > 0 && addrs[0] == target {
			break
		}
		if done, why := p.exited(); done {
			return nil, "", fmt.Errorf("dnsmasq: %v (see %s)", why, filepath.Join(dir, "dnsmasq.log"))
		}
		select {
		case <-ctx.Done():
			p.stop()
			return nil, "", fmt.Errorf("dnsmasq on %s: not answering: %v", addr, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	resolvConf = filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(resolvConf, []byte("nameserver "+addr+"\n"), 0o644); err != nil {
		p.stop()
		return nil, "", err
	}
	return p, resolvConf, nil
}

// freeDNSPort returns a port free for both UDP and TCP on dnsIP.
func freeDNSPort() (int, error) {
	for range 20 {
		pc, err := net.ListenPacket("udp", dnsIP+":0")
		if err != nil {
			return 0, fmt.Errorf("dns port: %w", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", net.JoinHostPort(dnsIP, strconv.Itoa(port)))
		pc.Close()
		if err == nil {
			ln.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("dns port: none free on %s", dnsIP)
}
