//go:build linux

package tortest

import (
	"context"
	"strings"
	"testing"
	"time"

	"sockfetch/internal/tornet"
)

// streamEvent is the part of a STREAM event the tests look at
// (control-spec 4.1.2): "STREAM <id> <status> <circuit> <target> ...
// SOCKS_USERNAME="..." ...".
type streamEvent struct {
	status, circuit, target, username string
}

func parseStream(text string) (streamEvent, bool) {
	f := strings.Fields(text)
	if len(f) < 4 {
		return streamEvent{}, false
	}
	ev := streamEvent{status: f[1], circuit: f[2], target: f[3]}
	for _, kv := range f[4:] {
		if v, ok := strings.CutPrefix(kv, "SOCKS_USERNAME="); ok {
			ev.username = strings.Trim(v, `"`)
		}
	}
	return ev, true
}

// TestNewCircuit runs two fetches with --new-circuit and checks on the
// client's control port that they used different SOCKS usernames and so
// different circuits.
func TestNewCircuit(t *testing.T) {
	n := tornet.Shared(t)
	for _, proxy := range [][]string{
		{"--tor", "--tor-addr", n.SocksAddr},
		{"-x", "socks5h://" + n.SocksAddr},
	} {
		t.Run(proxy[0], func(t *testing.T) {
			srv := newServer(t, "circuit\n")
			target := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "http://"), "/")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			ctl, err := n.Control(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer ctl.Close()
			if err := ctl.SetEvents(ctx, "STREAM"); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				r := run(t, nil, append(proxy, "--new-circuit", srv.URL)...)
				if r.code != 0 || r.stdout != "circuit\n" {
					t.Fatalf("want exit 0 and the page, got %s", r)
				}
			}
			// Tor sends SUCCEEDED before the fetch can see the page, so both
			// are queued by now; the deadline only guards against a bug.
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
			a, b := got[0], got[1]
			if a.username == "" || b.username == "" || a.username == b.username {
				t.Errorf("SOCKS usernames %q and %q: want two different, non-empty", a.username, b.username)
			}
			if a.circuit == b.circuit {
				t.Errorf("both fetches used circuit %s", a.circuit)
			}
		})
	}
}
