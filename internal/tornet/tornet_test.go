//go:build linux

package tornet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

// fetchTimeout bounds one fetch through the network; it is a guard against
// a hang, not a measurement.
const fetchTimeout = 30 * time.Second

func get(t *testing.T, socks, user, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
	defer cancel()
	body, err := Get(ctx, socks, user, url)
	if err != nil {
		t.Fatalf("GET %s through %s: %v", url, socks, err)
	}
	return body
}

func freshUser() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func TestLoopbackPage(t *testing.T) {
	n := Shared(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const want = "a loopback page\n"
	srv := &http.Server{Handler: pageHandler(want)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	url := "http://" + ln.Addr().String() + "/x"
	for _, socks := range []string{n.SocksAddr, n.SocksPlainAddr, n.SocksUnix} {
		if got := get(t, socks, "", url); got != want {
			t.Errorf("through %s: got %q, want %q", socks, got, want)
		}
	}
}

func TestOnion(t *testing.T) {
	n := Shared(t)
	if len(n.OnionHost) != len("x.onion")+55 {
		t.Fatalf("OnionHost = %q, want a v3 onion address", n.OnionHost)
	}
	if got := get(t, n.SocksAddr, freshUser(), "http://"+n.OnionHost+"/"); got != OnionBody {
		t.Errorf("got %q, want %q", got, OnionBody)
	}
}

func checkReply(t *testing.T, body string) CheckReply {
	t.Helper()
	var r CheckReply
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("check server reply %q: %v", body, err)
	}
	return r
}

func TestCheckServerDirect(t *testing.T) {
	n := Shared(t)
	ns := n.RequireNetns(t)
	resp, err := http.Get(n.CheckURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	got := checkReply(t, string(body))
	if want := (CheckReply{IsTor: false, IP: ns.HostIP}); got != want {
		t.Errorf("direct: got %+v, want %+v", got, want)
	}
}

func TestCheckServerThroughTor(t *testing.T) {
	n := Shared(t)
	ns := n.RequireNetns(t)
	got := checkReply(t, get(t, n.SocksAddr, freshUser(), n.CheckURL))
	if !got.IsTor || !slices.Contains(ns.BindIPs, got.IP) {
		t.Errorf("through tor: got %+v, want IsTor and an IP of %v", got, ns.BindIPs)
	}
}

// TestExitNodes pins each exit in turn on the client's control port and
// checks the test host sees that exit's own address.
func TestExitNodes(t *testing.T) {
	n := Shared(t)
	n.RequireNetns(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctl, err := n.Control(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	defer func() {
		if err := ctl.SetConf(context.Background(), "ExitNodes"); err != nil {
			t.Error(err)
		}
	}()
	for _, e := range n.Exits {
		if err := ctl.SetConf(ctx, "ExitNodes="+e.Nickname); err != nil {
			t.Fatal(err)
		}
		got := checkReply(t, get(t, n.SocksAddr, freshUser(), n.CheckURL))
		if want := (CheckReply{IsTor: true, IP: e.BindIP}); got != want {
			t.Errorf("ExitNodes=%s: got %+v, want %+v", e.Nickname, got, want)
		}
	}
}

func TestNameOnlyExitsResolve(t *testing.T) {
	n := Shared(t)
	n.RequireNetns(t)
	url := fmt.Sprintf("http://%s.%s/", freshUser(), n.DNSName)
	if got := get(t, n.SocksAddr, freshUser(), url); got != HostBody {
		t.Errorf("got %q, want %q", got, HostBody)
	}
}

// TestSideBySide starts a second network while the shared one runs, as a
// second checkout or a test run beside `make tor-demo` does: it must take
// a slot of its own (its own namespace and subnet when root) and come up
// at once rather than wait for the first to stop.
func TestSideBySide(t *testing.T) {
	first := Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), ReadyTimeout+30*time.Second)
	defer cancel()
	second, err := Start(ctx, t.TempDir(), Options{Netns: first.Netns != nil})
	if err != nil {
		t.Fatalf("second network beside the shared one: %v", err)
	}
	defer second.Stop()
	if second.slot.n == first.slot.n {
		t.Errorf("both networks hold slot %d", first.slot.n)
	}
	if first.Netns != nil {
		if second.Netns.Name == first.Netns.Name || second.Netns.Net == first.Netns.Net {
			t.Errorf("namespaces collide: %s %s and %s %s", first.Netns.Name, first.Netns.Net, second.Netns.Name, second.Netns.Net)
		}
		// Each check server answers on its own test host.
		for _, n := range []*Net{first, second} {
			if r := checkReply(t, get(t, n.SocksAddr, freshUser(), n.CheckURL)); !r.IsTor {
				t.Errorf("%s through its own exits: IsTor false", n.CheckURL)
			}
		}
	}
	if got := get(t, second.SocksAddr, "", second.pageURL); got != OnionBody {
		t.Errorf("second network's page: got %q", got)
	}
}

// TestSlots: a slot held is never handed out again until it is released.
func TestSlots(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a, err := takeSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := takeSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.n == b.n {
		t.Fatalf("slot %d handed out twice", a.n)
	}
	a.Close()
	c, err := takeSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer b.Close()
	if c.n > a.n {
		t.Errorf("released slot %d not reused (got %d)", a.n, c.n)
	}
}
