// Command sockfetch fetches URLs over a plain TCP socket (directly, through a
// SOCKS5 proxy, or through Tor) with a hand-built HTTP/1.1 request and its
// own response parser. See README.md.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sockfetch: not yet")
	os.Exit(1)
}
