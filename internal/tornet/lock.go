package tornet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// lockFile serialises networks across test binaries: `go test ./...` runs
// packages in parallel, and two networks would fight over the namespace
// addresses.
var lockFile = filepath.Join(os.TempDir(), "sockfetch-tornet.lock")

// runLock takes the machine-wide run lock, waiting while another network
// runs. Closing the file releases it (also when the process dies).
func runLock(ctx context.Context) (*os.File, error) {
	f, err := os.OpenFile(lockFile, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tornet: run lock: %w", err)
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("tornet: run lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("tornet: waiting for another test network to stop (%s): %w", lockFile, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// lookTool reports a missing program.
func lookTool(name string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("tornet: %s not installed (apt-get install tor dnsmasq-base)", name)
	}
	return nil
}
