//go:build unix

package cli

import (
	"os"
	"syscall"
	"testing"
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
		// A writer still waiting for its reader is let go.
		if f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
		<-done
	})
}
