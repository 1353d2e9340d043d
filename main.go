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

	"sockfetch/internal/cli"
)

func main() {
	// Ctrl-C and SIGTERM cancel the fetch, so that -o's temporary file is
	// removed and an existing file is left untouched.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(os.Args, cli.OS(ctx))
	stop()
	os.Exit(code)
}
