//go:build linux

package tortest

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sockfetch/internal/testenv"
	"sockfetch/internal/tornet"
)

// TestRetryFreshCircuit: with --tor and --retry, a fetch whose exit could
// not connect (the target's port is closed at first) is retried on a
// fresh circuit: the second stream to the target carries other SOCKS
// credentials than the first (seen on the client's control port), -v says
// so, and the retry fetches the page once the port is open.
func TestRetryFreshCircuit(t *testing.T) {
	n := tornet.Shared(t)
	port := testenv.FreePort(t)
	target := "127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctl, err := n.Control(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	if err := ctl.SetEvents(ctx, "STREAM"); err != nil {
		t.Fatal(err)
	}

	// The events: the first stream's failure opens the port, which
	// sockfetch's retry (a second later) finds open.
	streams := make(chan []streamEvent, 1)
	go func() {
		var seen []streamEvent
		defer func() { streams <- seen }()
		opened := false
		for {
			e, err := ctl.NextEvent(ctx)
			if err != nil {
				return
			}
			ev, ok := parseStream(e.Text)
			if !ok || ev.target != target {
				continue
			}
			switch ev.status {
			case "FAILED":
				seen = append(seen, ev)
				if !opened {
					opened = true
					ln, err := net.Listen("tcp", target)
					if err != nil {
						t.Errorf("listen %s: %v", target, err)
						return
					}
					srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("second time\n")) })}
					go srv.Serve(ln)
					t.Cleanup(func() { srv.Close() })
				}
			case "SUCCEEDED":
				seen = append(seen, ev)
				return
			}
		}
	}()

	r := run(t, nil, "--tor", "--tor-addr", n.SocksAddr, "-v", "--retry", "2", "http://"+target+"/")
	if r.code != 0 || r.stdout != "second time\n" {
		t.Fatalf("want exit 0 and the page, got %s", r)
	}
	if !strings.Contains(r.stderr, "Warning: Problem : Tor circuit failure. Will retry in 1 seconds. 2 retries \nWarning: left.\n") ||
		!strings.Contains(r.stderr, "retrying on a fresh Tor circuit") {
		t.Errorf("stderr does not say the retry and the fresh circuit:\n%s", r.stderr)
	}
	var got []streamEvent
	select {
	case got = <-streams:
	case <-ctx.Done():
		t.Fatal("no stream events")
	}
	if len(got) != 2 || got[0].status != "FAILED" || got[1].status != "SUCCEEDED" {
		t.Fatalf("streams to %s: %+v, want one FAILED then one SUCCEEDED", target, got)
	}
	if got[1].username == "" || got[0].username == got[1].username {
		t.Errorf("SOCKS usernames %q then %q: want the retry's new and not empty", got[0].username, got[1].username)
	}
}

// TestRetryTimeoutFreshCircuit: through Tor, a retry after a time limit
// (the server never answered the first request) goes out on a fresh
// circuit too: the two streams carry different SOCKS credentials.
func TestRetryTimeoutFreshCircuit(t *testing.T) {
	n := tornet.Shared(t)
	var requests atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			select { // the first request waits past -m
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte("second time\n"))
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { close(release); srv.Close() })
	target := ln.Addr().String()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctl, err := n.Control(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	if err := ctl.SetEvents(ctx, "STREAM"); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "--tor", "--tor-addr", n.SocksAddr, "-v", "-m", "4", "--retry", "1", "http://"+target+"/")
	if r.code != 0 || r.stdout != "second time\n" {
		t.Fatalf("want exit 0 and the page, got %s", r)
	}
	if !strings.Contains(r.stderr, "Warning: Problem : timeout. Will retry in 1 seconds. 1 retries left.\n") ||
		!strings.Contains(r.stderr, "retrying on a fresh Tor circuit") {
		t.Errorf("stderr does not say the retry and the fresh circuit:\n%s", r.stderr)
	}
	var got []streamEvent
	for len(got) < 2 {
		e, err := ctl.NextEvent(ctx)
		if err != nil {
			t.Fatalf("after %d SUCCEEDED streams to %s: %v", len(got), target, err)
		}
		if ev, ok := parseStream(e.Text); ok && ev.status == "SUCCEEDED" && ev.target == target {
			got = append(got, ev)
		}
	}
	if got[1].username == "" || got[0].username == got[1].username {
		t.Errorf("SOCKS usernames %q then %q: want the retry's new and not empty", got[0].username, got[1].username)
	}
}
