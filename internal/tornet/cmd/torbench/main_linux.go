//go:build linux

// Command torbench times ten URLs fetched in one process through the
// private Tor network of internal/tornet, sockfetch against curl through
// the same Tor client (issue 14's "ten URLs through the private Tor
// network" figure in BENCHMARKS.md). The page is served on 127.0.0.1 by a
// keep-alive server, so both clients can reuse the stream:
//
//	go run ./internal/tornet/cmd/torbench -sockfetch ./sockfetch -pairs 10
//
// It needs Debian's tor (tor, tor-gencert) and dnsmasq.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"sockfetch/internal/tornet"
)

func main() {
	bin := flag.String("sockfetch", "./sockfetch", "the sockfetch `binary` to time")
	curl := flag.String("curl", "curl", "the curl `binary` to time")
	pairs := flag.Int("pairs", 10, "A B pairs (sockfetch, then curl), after one warm-up each")
	urls := flag.Int("urls", 10, "URLs per run")
	flag.Parse()
	if err := run(*bin, *curl, *pairs, *urls); err != nil {
		fmt.Fprintf(os.Stderr, "torbench: %v\n", err)
		os.Exit(1)
	}
}

func run(bin, curl string, pairs, nurls int) error {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.MkdirTemp("", "torbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	n, err := tornet.Start(ctx, dir, tornet.Options{})
	if err != nil {
		return err
	}
	defer n.Stop()
	page, err := servePage()
	if err != nil {
		return err
	}
	var urls []string
	for range nurls {
		urls = append(urls, page)
	}
	sf := append([]string{abs, "-s", "--tor", "--tor-addr", n.SocksAddr}, urls...)
	cu := append([]string{curl, "-s", "--socks5-hostname", n.SocksAddr}, urls...)
	for _, argv := range [][]string{sf, cu} {
		// -w %{num_connects} for each URL: 1 then 0s when the stream is reused.
		c := append(slices.Clone(argv[:len(argv)-nurls]), "-w", "%{num_connects}")
		for range nurls {
			c = append(c, "-o", "/dev/null")
		}
		out, err := exec.CommandContext(ctx, c[0], append(c[1:], urls...)...).Output()
		if err != nil {
			return fmt.Errorf("%s: %v", filepath.Base(c[0]), err)
		}
		fmt.Printf("%s: connections per URL %s\n", filepath.Base(c[0]), out)
	}
	var ta, tb []time.Duration
	for i := -1; i < pairs; i++ {
		a, err := timeRun(ctx, sf)
		if err != nil {
			return err
		}
		b, err := timeRun(ctx, cu)
		if err != nil {
			return err
		}
		if i >= 0 {
			ta, tb = append(ta, a), append(tb, b)
		}
	}
	ma, mb := median(ta), median(tb)
	var pr []float64
	for i := range ta {
		pr = append(pr, float64(ta[i])/float64(tb[i]))
	}
	slices.Sort(pr)
	fmt.Printf("%d URLs through the private Tor network, one process, %d pairs: sockfetch %v, curl %v, ratio %.2f× (per-pair %.2f–%.2f)\n",
		nurls, pairs, ma.Round(100*time.Microsecond), mb.Round(100*time.Microsecond),
		float64(ma)/float64(mb), pr[len(pr)/4], pr[len(pr)*3/4])
	return nil
}

// timeRun runs argv with its output discarded and returns its wall time.
func timeRun(ctx context.Context, argv []string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "ALL_PROXY=", "all_proxy=", "SOCKFETCH_TOR_ADDR=")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v: %s", filepath.Base(argv[0]), err, out)
	}
	return d, nil
}

// servePage serves a 1 KiB page on 127.0.0.1, keeping connections open.
func servePage() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	body := make([]byte, 1024)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1024")
		w.Write(body)
	}))
	return "http://" + ln.Addr().String() + "/", nil
}

func median(s []time.Duration) time.Duration {
	s = slices.Clone(s)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
