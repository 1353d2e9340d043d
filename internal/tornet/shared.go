//go:build linux

package tornet

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"sockfetch/internal/testenv"
)

// SharedTimeout bounds the bring-up of the shared network, waiting for
// another test binary's network included.
const SharedTimeout = 4 * time.Minute

// tools are the programs a network needs.
var tools = []string{"tor", "tor-gencert", "dnsmasq"}

var shared struct {
	main bool
	once sync.Once
	n    *Net
	err  error
	dir  string
}

// Main runs the tests of a package that uses Shared, stops the shared
// network afterwards and exits. Call it from TestMain:
//
//	func TestMain(m *testing.M) { tornet.Main(m) }
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain that has more to clean up: it returns the exit
// code instead of exiting.
func Run(m *testing.M) int {
	shared.main = true
	code := m.Run()
	if shared.n != nil {
		t := shared.n.Timings
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "tornet: setup %v, bootstrap %v, first fetch %v, onion %v (service %d)\n",
				t.Setup.Round(time.Millisecond), t.Bootstrap.Round(time.Millisecond),
				t.Ready.Round(time.Millisecond), t.Onion.Round(time.Millisecond), t.OnionTry)
		}
		shared.n.Stop()
	}
	if shared.dir != "" && code == 0 {
		os.RemoveAll(shared.dir)
	} else if shared.dir != "" {
		fmt.Fprintf(os.Stderr, "tornet: logs kept in %s\n", shared.dir)
	}
	return code
}

// Shared returns the test binary's network, starting it on first use with
// the onion service and, when root, the namespace test host. Where tor,
// tor-gencert or dnsmasq is missing the test is skipped, or fails when
// SOCKFETCH_REQUIRE_ALL=1 (see internal/testenv). A failed start fails
// every caller.
func Shared(t testing.TB) *Net {
	t.Helper()
	if !shared.main {
		t.Fatal("tornet.Shared needs tornet.Main (or Run) in the package's TestMain")
	}
	for _, tool := range tools {
		testenv.RequireTool(t, tool)
	}
	shared.once.Do(startShared)
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.n
}

func startShared() {
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
// the network has none because this is not root or iproute2 is missing (or
// failing it when SOCKFETCH_REQUIRE_ALL=1).
func (n *Net) RequireNetns(t testing.TB) *Netns {
	t.Helper()
	if n.Netns == nil {
		testenv.RequireRoot(t)
		testenv.RequireTool(t, "ip")
		t.Fatal("tornet: the network was started without Options.Netns")
	}
	return n.Netns
}
