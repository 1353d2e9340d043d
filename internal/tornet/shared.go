package tornet

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// SharedTimeout bounds the bring-up of the shared network, waiting for
// another test binary's network included.
const SharedTimeout = 4 * time.Minute

var shared struct {
	main bool
	once sync.Once
	n    *Net
	skip string // why the network cannot run here (a missing tool)
	err  error
	dir  string
}

// Main runs the tests of a package that uses Shared and stops the shared
// network afterwards. Call it from TestMain:
//
//	func TestMain(m *testing.M) { tornet.Main(m) }
func Main(m *testing.M) {
	shared.main = true
	code := m.Run()
	if shared.n != nil {
		t := shared.n.Timings
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "tornet: setup %v, bootstrap %v, first fetch %v, onion %v\n",
				t.Setup.Round(time.Millisecond), t.Bootstrap.Round(time.Millisecond),
				t.Ready.Round(time.Millisecond), t.Onion.Round(time.Millisecond))
		}
		shared.n.Stop()
	}
	if shared.dir != "" && code == 0 {
		os.RemoveAll(shared.dir)
	} else if shared.dir != "" {
		fmt.Fprintf(os.Stderr, "tornet: logs kept in %s\n", shared.dir)
	}
	os.Exit(code)
}

// Shared returns the test binary's network, starting it on first use with
// the onion service and, when root, the namespace test host. Where tor,
// tor-gencert or dnsmasq is missing the test is skipped, or fails when
// SOCKFETCH_REQUIRE_ALL=1. A failed start fails every caller.
func Shared(t testing.TB) *Net {
	t.Helper()
	if !shared.main {
		t.Fatal("tornet.Shared needs tornet.Main in the package's TestMain")
	}
	shared.once.Do(startShared)
	if shared.skip != "" {
		Require(t, shared.skip)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.n
}

func startShared() {
	for _, tool := range []string{"tor", "tor-gencert", "dnsmasq"} {
		if err := lookTool(tool); err != nil {
			shared.skip = err.Error()
			return
		}
	}
	dir, err := os.MkdirTemp("", "tornet-")
	if err != nil {
		shared.err = err
		return
	}
	shared.dir = dir
	ctx, cancel := context.WithTimeout(context.Background(), SharedTimeout)
	defer cancel()
	shared.n, shared.err = Start(ctx, dir, Options{Onion: true, Netns: netnsSupported() == ""})
}

// RequireNetns returns the namespace test host, skipping the test where
// the network has none (not root, or no iproute2), or failing it when
// SOCKFETCH_REQUIRE_ALL=1.
func (n *Net) RequireNetns(t testing.TB) *Netns {
	t.Helper()
	if n.Netns == nil {
		why := netnsSupported()
		if why == "" {
			why = "started without Options.Netns"
		}
		Require(t, "tornet: no namespace test host: "+why)
	}
	return n.Netns
}

// Require skips the test with why, or fails it when SOCKFETCH_REQUIRE_ALL=1
// (CI, where every tool must be there).
func Require(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("SOCKFETCH_REQUIRE_ALL") == "1" {
		t.Fatal(why + " (required: SOCKFETCH_REQUIRE_ALL=1)")
	}
	t.Skip(why)
}
