//go:build unix

package cli

import (
	"os"
	"syscall"
	"time"
)

// endingSignals are the signals that end a run as they end curl.
var endingSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// reraise ends the process by the signal s, its handler reset, so that the
// parent sees the signal and not an exit status.
func reraise(s os.Signal) {
	syscall.Kill(os.Getpid(), s.(syscall.Signal))
	time.Sleep(time.Second) // the runtime delivers it on another thread
}
