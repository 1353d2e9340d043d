//go:build !unix

package cli

import "os"

// endingSignals are the signals that end a run: Ctrl-C alone here.
var endingSignals = []os.Signal{os.Interrupt}

// reraise does nothing here: the exit status (130) says it.
func reraise(os.Signal) {}
