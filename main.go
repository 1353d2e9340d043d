// Command sockfetch fetches URLs over a plain TCP socket (directly, through a
// SOCKS5 proxy, or through Tor) with a hand-built HTTP/1.1 request and its
// own response parser. Its flags, output and exit codes are curl's. See
// README.md; the command line is sockfetch/internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"sockfetch/internal/cli"
)

func main() {
	// Ctrl-C, SIGTERM and SIGHUP cancel the fetch, so that -o's temporary
	// file is removed and an existing file is left untouched; then the
	// signal ends the process, as it ends curl, so that the shell sees
	// 128+N and a script's loop stops. A signal ignored at start (nohup,
	// a script's background job) stays ignored, as it does for curl.
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			signal.Notify(sigs, s)
		}
	}
	var got os.Signal
	go func() {
		got = <-sigs
		cancel()
	}()
	code := cli.Main(os.Args, cli.OS(ctx))
	if ctx.Err() != nil {
		signal.Reset()
		syscall.Kill(os.Getpid(), got.(syscall.Signal))
		time.Sleep(time.Second) // the runtime delivers it on another thread
	}
	os.Exit(code)
}
