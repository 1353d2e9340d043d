package cli

import (
	"context"
	"os"
	"os/signal"
)

// Run runs Main in the real surroundings and returns the exit status. Ctrl-C,
// SIGTERM and SIGHUP cancel the fetch, so that -o's temporary file is removed
// and an existing file is left untouched; then the signal ends the process,
// as it ends curl, so that the shell sees 128+N and a script's loop stops. A
// signal ignored at start (nohup, a script's background job) stays ignored,
// as it does for curl.
func Run(args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	for _, s := range endingSignals {
		if !signal.Ignored(s) {
			signal.Notify(sigs, s)
		}
	}
	got := make(chan os.Signal, 1)
	go func() {
		s := <-sigs
		got <- s
		cancel()
	}()
	code := Main(args, OS(ctx))
	if ctx.Err() != nil {
		signal.Reset()
		reraise(<-got)
	}
	return code
}
