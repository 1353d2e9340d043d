package fetch

import (
	"bytes"
	"context"
	"testing"

	"sockfetch/internal/testserver"
)

// TestPoolRoutes: fetches sharing a Pool reuse a connection only over the
// same route: the same proxy with other credentials is a new tunnel.
func TestPoolRoutes(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": {KeepAlive: true, Raw: []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")}})
	p := testserver.StartSOCKS5(t)
	pool := NewPool()
	defer pool.Close()
	viaProxy := func(creds string) *Dialer {
		return &Dialer{Proxy: &ProxySettings{Flag: "socks5h://" + creds + p.Addr}}
	}
	alice, bob := viaProxy("alice:one@"), viaProxy("bob:two@")
	direct := &Dialer{}
	for i, d := range []*Dialer{alice, alice, bob, alice, direct, direct} {
		var out bytes.Buffer
		res, err := Fetch(context.Background(), &Request{URL: srv.URL + "/", Dialer: d, Pool: pool}, Output{Body: &out})
		if err != nil || out.String() != "ok\n" {
			t.Fatalf("fetch %d: %q, %v", i, out.String(), err)
		}
		if want := []int{1, 0, 1, 0, 1, 0}[i]; res.Connects != want {
			t.Errorf("fetch %d: %d connects, want %d", i, res.Connects, want)
		}
	}
	var users []string
	for _, q := range p.Requests() {
		users = append(users, q.User)
	}
	if len(users) != 2 || users[0] != "alice" || users[1] != "bob" {
		t.Errorf("CONNECTs as %q, want alice then bob", users)
	}
	if n := srv.Accepted(); n != 3 {
		t.Errorf("%d connections at the server, want 3 (alice's tunnel, bob's, direct)", n)
	}
}
