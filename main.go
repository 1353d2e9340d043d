// Command sockfetch fetches URLs over a plain TCP socket (directly, through a
// SOCKS5 proxy, or through Tor) with a hand-built HTTP/1.1 request and its
// own response parser. Its flags, output and exit codes are curl's. See
// README.md; the command line is sockfetch/internal/cli.
package main

import (
	"os"

	"sockfetch/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args))
}
