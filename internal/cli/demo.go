package cli

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// demoPage is the page the demo server serves.
const demoPage = `<!doctype html>
<title>sockfetch demo</title>
<p>Hello! These bytes came from a server on 127.0.0.1, over a TCP socket
that sockfetch opened itself. The lines around this page on your screen
explain every step of the way, from the socket to the last byte.</p>
`

// demoCommand is `sockfetch demo`: it starts a small HTTPS server (with a
// certificate made at start-up) and a DNS server on 127.0.0.1 inside the
// process, and fetches a page from it through the same code path as any
// URL, explaining every step. No network, no root.
func (a *app) demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "fetch a page from a server started in-process on 127.0.0.1, explaining every step",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "chunked", Usage: "serve the page with Transfer-Encoding: chunked"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show curl's -v view instead of --explain"},
			&cli.BoolFlag{Name: "no-color", Usage: "no colours"},
		},
		Action:       a.demoAction,
		OnUsageError: onUsageError("demo"),
	}
}

// demoAction serves the demo page on a loopback port and fetches it as
// `sockfetch --explain URL` would (-v: `sockfetch --verbose URL`).
func (a *app) demoAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("demo: unexpected argument %q (demo fetches its own page)", c.Args().First()),
			hint: "try 'sockfetch demo --help' for the options"}
	}
	chunked, verbose, noColor := c.Bool("chunked"), c.Bool("verbose"), c.Bool("no-color")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: cannot listen on 127.0.0.1: %w", err)
	}
	defer ln.Close()
	tln, url, caFile, cleanup, err := a.demoBelow(ln)
	if err != nil {
		return err
	}
	defer cleanup()
	go serveDemo(tln, chunked)
	o := options{
		urls:    []string{url},
		limits:  limitOptions{maxRedirs: defaultMaxRedirs},
		views:   viewOptions{verbose: verbose, explain: !verbose, noColor: noColor},
		network: networkOptions{caCert: caFile},
	}
	return a.fetch(&o)
}

// serveDemo answers every connection on ln with demoPage.
func serveDemo(ln net.Listener, chunked bool) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c)
			for { // the request head ends with an empty line
				line, err := br.ReadString('\n')
				if err != nil || len(line) > 8192 {
					return
				}
				if line == "\r\n" || line == "\n" {
					break
				}
			}
			var b strings.Builder
			b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nServer: sockfetch-demo\r\n")
			if chunked {
				b.WriteString("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
				page := demoPage
				for len(page) > 0 {
					n := min(len(page), 120)
					fmt.Fprintf(&b, "%x\r\n%s\r\n", n, page[:n])
					page = page[n:]
				}
				b.WriteString("0\r\n\r\n")
			} else {
				fmt.Fprintf(&b, "Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(demoPage), demoPage)
			}
			c.Write([]byte(b.String()))
		}()
	}
}
