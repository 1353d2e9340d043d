//go:build linux

package tornet

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/net/proxy"

	"sockfetch/torctl"
)

// retryEvery is the pause between readiness probes.
const retryEvery = 500 * time.Millisecond

// waitReady waits for the client's control port, its bootstrap, a first
// fetch through its SocksPort and, with onion, the onion service: once the
// service's tor has bootstrapped it adds the service (ADD_ONION), waits for
// its descriptor upload (HS_DESC UPLOADED), then fetches it through the
// client.
func (n *Net) waitReady(ctx context.Context, started time.Time, onion bool) error {
	ctl, err := n.dialRetry(ctx, n.ControlAddr, n.CookieFile)
	if err != nil {
		return fmt.Errorf("client control port: %w", err)
	}
	defer ctl.Close()
	var hs *torctl.Conn
	if onion {
		o := n.onion
		if hs, err = n.dialRetry(ctx, hostPort(o.ControlPort), filepath.Join(o.DataDir, "control_auth_cookie")); err != nil {
			return fmt.Errorf("onion service's control port: %w", err)
		}
		defer hs.Close()
		if err := hs.SetEvents(ctx, "HS_DESC"); err != nil {
			return err
		}
	}
	if err := n.waitBootstrap(ctx, ctl); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	n.Timings.Bootstrap = time.Since(started)

	if err := n.retryGet(ctx, n.SocksAddr, n.pageURL, OnionBody); err != nil {
		return fmt.Errorf("first fetch through tor: %w", err)
	}
	n.Timings.Ready = time.Since(started)
	if !onion {
		return nil
	}

	if err := n.waitBootstrap(ctx, hs); err != nil {
		return fmt.Errorf("onion service's tor: %w", err)
	}
	for attempt := 1; ; attempt++ {
		id, err := n.addOnion(ctx, hs)
		if err != nil {
			return err
		}
		n.OnionHost = id + ".onion"
		n.Timings.OnionTry = attempt
		if err = waitUploaded(ctx, hs, id, onionUploadTimeout); err == nil {
			break
		}
		if ctx.Err() != nil {
			return fmt.Errorf("onion descriptor upload: %w", err)
		}
		// A service that lost its first introduction circuits waits five
		// minutes before trying again: start another one.
		if _, err := hs.Command(ctx, "DEL_ONION "+id); err != nil {
			return err
		}
	}
	if err := n.retryGet(ctx, n.SocksAddr, "http://"+n.OnionHost+"/", OnionBody); err != nil {
		return fmt.Errorf("first fetch of the onion service: %w", err)
	}
	n.Timings.Onion = time.Since(started)
	return nil
}

// onionUploadTimeout is how long a new onion service gets to upload its
// descriptor before the harness makes another.
const onionUploadTimeout = 30 * time.Second

// waitBootstrap polls GETINFO status/bootstrap-phase until PROGRESS=100.
func (n *Net) waitBootstrap(ctx context.Context, ctl *torctl.Conn) error {
	for {
		info, err := ctl.GetInfo(ctx, "status/bootstrap-phase")
		if err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
		phase := info["status/bootstrap-phase"]
		if strings.Contains(phase, "PROGRESS=100 TAG=done") {
			return nil
		}
		if err := n.pause(ctx, 250*time.Millisecond); err != nil {
			return fmt.Errorf("bootstrap: %v; last %s", err, phase)
		}
	}
}

// addOnion starts an onion service on the service's tor (ADD_ONION with a
// new key, detached from the control connection) and returns its address
// without ".onion".
func (n *Net) addOnion(ctx context.Context, hs *torctl.Conn) (string, error) {
	r, err := hs.Command(ctx, fmt.Sprintf("ADD_ONION NEW:ED25519-V3 Flags=Detach Port=80,127.0.0.1:%d", n.onion.OnionPort))
	if err != nil {
		return "", fmt.Errorf("add onion service: %w", err)
	}
	for _, l := range r.Lines {
		if id, ok := strings.CutPrefix(l, "ServiceID="); ok {
			return id, nil
		}
	}
	return "", fmt.Errorf("add onion service: no ServiceID in %q", r.Text())
}

// waitUploaded waits for "650 HS_DESC UPLOADED <id> ...".
func waitUploaded(ctx context.Context, hs *torctl.Conn, id string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		ev, err := hs.NextEvent(ctx)
		if err != nil {
			return err
		}
		// "HS_DESC UPLOADED <address> <auth type> <hsdir> ..."
		if f := strings.Fields(ev.Text); ev.Type == "HS_DESC" && len(f) >= 2 && f[0] == "UPLOADED" && f[1] == id {
			return nil
		}
	}
}

// dialRetry connects to a tor's control port as soon as it listens.
func (n *Net) dialRetry(ctx context.Context, addr, cookieFile string) (*torctl.Conn, error) {
	for {
		ctl, err := dialControl(ctx, addr, cookieFile)
		if err == nil {
			return ctl, nil
		}
		if perr := n.pause(ctx, 100*time.Millisecond); perr != nil {
			return nil, fmt.Errorf("%v (last: %v)", perr, err)
		}
	}
}

// Control connects to the client's control port and authenticates with the
// cookie. The caller closes the connection.
func (n *Net) Control(ctx context.Context) (*torctl.Conn, error) {
	return dialControl(ctx, n.ControlAddr, n.CookieFile)
}

func dialControl(ctx context.Context, addr, cookieFile string) (*torctl.Conn, error) {
	ctl, err := torctl.Dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	if err := ctl.Authenticate(ctx, "", cookieFile); err != nil {
		ctl.Close()
		return nil, err
	}
	return ctl, nil
}

// pause waits d, failing early when ctx ends or a tor has died.
func (n *Net) pause(ctx context.Context, d time.Duration) error {
	for _, nd := range n.nodes {
		if dead, why := nd.p.exited(); dead {
			return fmt.Errorf("%s: %v", nd.Nick, why)
		}
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// retryGet fetches url through socks until it returns want.
func (n *Net) retryGet(ctx context.Context, socks, url, want string) error {
	for {
		actx, cancel := context.WithTimeout(ctx, 15*time.Second)
		got, err := Get(actx, socks, "", url)
		cancel()
		if err == nil && got != want {
			err = fmt.Errorf("got %q, want %q", got, want)
		}
		if err == nil {
			return nil
		}
		if perr := n.pause(ctx, retryEvery); perr != nil {
			return fmt.Errorf("%v (last: %v)", perr, err)
		}
	}
}

// Get fetches url through the SOCKS5 proxy at socks (host:port, or a unix
// socket path beginning with "/"), handing it the host name, and returns
// the body of a 200 response. A non-empty user isolates the stream on a
// circuit of its own (IsolateSOCKSAuth). It is the harness's minimal client,
// independent of sockfetch's own code.
func Get(ctx context.Context, socks, user, url string) (string, error) {
	var auth *proxy.Auth
	if user != "" {
		auth = &proxy.Auth{User: user, Password: user}
	}
	network := "tcp"
	if strings.HasPrefix(socks, "/") {
		network = "unix"
	}
	d, err := proxy.SOCKS5(network, socks, auth, &net.Dialer{})
	if err != nil {
		return "", err
	}
	tr := &http.Transport{DialContext: d.(proxy.ContextDialer).DialContext, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return "", err
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", url, resp.Status)
	}
	return string(body), nil
}
