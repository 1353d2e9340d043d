//go:build linux

package tornet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// maxSlots is how many networks may run side by side on one machine: each
// holds a slot, and the slot numbers its namespace, veth pair and subnet,
// so two networks (`go test ./...` runs packages in parallel, a second
// checkout, a test run beside `make tor-demo`) never share an address.
// Ports need no slot: every network picks free ones for itself.
const maxSlots = 32

// slot is one network's claim on its slot number: an exclusive lock on
// the slot's file, held until Close (or the process's death) releases it.
type slot struct {
	n int // 1..maxSlots
	f *os.File
}

// slotFile is the lock file of slot n.
func slotFile(n int) string {
	return filepath.Join(os.TempDir(), "sockfetch-tornet-"+strconv.Itoa(n)+".lock")
}

// takeSlot claims the lowest free slot, waiting only while all are taken.
func takeSlot(ctx context.Context) (*slot, error) {
	for {
		for n := 1; n <= maxSlots; n++ {
			s, err := trySlot(n)
			if err != nil {
				return nil, err
			}
			if s != nil {
				return s, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("tornet: all %d network slots are taken (%s): %w", maxSlots, slotFile(1), ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// trySlot claims slot n if it is free; it returns nil, nil when another
// network holds it.
func trySlot(n int) (*slot, error) {
	f, err := os.OpenFile(slotFile(n), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tornet: slot lock: %w", err)
	}
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		f.Close()
		return nil, nil
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("tornet: slot lock: %w", err)
	}
	return &slot{n: n, f: f}, nil
}

// Close releases the slot.
func (s *slot) Close() error { return s.f.Close() }

// lookTool reports a missing program.
func lookTool(name string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("tornet: %s not installed (apt-get install tor dnsmasq-base)", name)
	}
	return nil
}
