//go:build unix

package cli

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// makeFIFO makes a named pipe at path that gives body to its first reader,
// a file whose size is unknown until it ends.
func makeFIFO(t *testing.T, path, body string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(body)
		f.Close()
	}()
	t.Cleanup(func() {
		// A writer still waiting for its reader is let go: a reader that
		// comes and goes, until the writer is done (it may not have
		// reached its open yet).
		for {
			if f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
				defer f.Close()
			}
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}
