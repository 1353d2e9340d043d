package torctltest

import (
	"sync"
	"testing"

	"sockfetch/internal/testenv"
)

// Shared is a tor that a whole test binary shares: started on first use,
// stopped by Stop from TestMain. Tests skip when tor is not installed (or
// fail, with SOCKFETCH_REQUIRE_ALL=1).
type Shared struct {
	Options Options

	once sync.Once
	tor  *Tor
	err  error
}

// Get returns the running tor, starting it on the first call.
func (s *Shared) Get(t testing.TB) *Tor {
	t.Helper()
	bin, err := Lookup()
	if err != nil {
		testenv.RequireTool(t, "tor") // skips, or fails under SOCKFETCH_REQUIRE_ALL=1
		t.Fatal(err)
	}
	s.once.Do(func() { s.tor, s.err = Start(bin, s.Options) })
	if s.err != nil {
		t.Fatalf("start tor: %v", s.err)
	}
	return s.tor
}

// Stop stops the tor if it was started.
func (s *Shared) Stop() {
	if s.tor != nil {
		s.tor.Stop()
	}
}
