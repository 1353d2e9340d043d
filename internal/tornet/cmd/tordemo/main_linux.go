//go:build linux

// Command tordemo tells sockfetch's Tor story offline, in under a minute: it
// brings up the private Tor network of internal/tornet on 127.0.0.1, fetches
// a page through real Tor with the teaching view (--explain), checks the
// exit's address with `sockfetch ip`, asks the client for a new identity
// with `sockfetch newnym`, and tears the network down. `make tor-demo` runs
// it with the binary it has just built:
//
//	go run ./internal/tornet/cmd/tordemo -sockfetch ./sockfetch
//
// It needs Debian's tor (tor, tor-gencert) and dnsmasq. As root it also
// makes the namespace test host, where the check server for `sockfetch ip`
// lives and where a name only the exits can resolve points; without root
// it fetches a loopback page and skips `sockfetch ip`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"sockfetch/internal/tornet"
)

func main() {
	bin := flag.String("sockfetch", "./sockfetch", "the sockfetch `binary` to run")
	flag.Parse()
	os.Exit(run(*bin))
}

// packages names the Debian package of each tool the network needs.
var packages = []struct{ tool, pkg string }{
	{"tor", "tor"},
	{"tor-gencert", "tor"},
	{"dnsmasq", "dnsmasq-base"},
}

func run(bin string) int {
	for _, p := range packages {
		if _, err := exec.LookPath(p.tool); err != nil {
			fmt.Fprintf(os.Stderr, "tordemo: %s is not installed. Install Debian's tor and dnsmasq:\n"+
				"    apt-get install tor dnsmasq-base    (as root; or: make deps)\n", p.tool)
			return 1
		}
	}
	abs, err := filepath.Abs(bin)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tordemo: no sockfetch binary at %s: run make build, or give -sockfetch PATH\n", bin)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.MkdirTemp("", "tordemo-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "tordemo: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)

	t0 := time.Now()
	_, ipErr := exec.LookPath("ip")
	netns := os.Geteuid() == 0 && ipErr == nil
	say("Starting a private Tor network on 127.0.0.1: 3 directory authorities (also exits), 2 relays, 1 client.")
	if !netns {
		say("(Not root, or no iproute2: no namespace test host, so `sockfetch ip` is skipped.)")
	}
	n, err := tornet.Start(ctx, dir, tornet.Options{Netns: netns})
	if err != nil {
		fmt.Fprintf(os.Stderr, "tordemo: %v\n", err)
		return 1
	}
	defer n.Stop()
	say("The client bootstrapped in %v and carried a first stream after %v.",
		n.Timings.Bootstrap.Round(100*time.Millisecond), n.Timings.Ready.Round(100*time.Millisecond))

	page := "http://demo." + n.DNSName + "/"
	if !netns {
		if page, err = servePage(); err != nil {
			fmt.Fprintf(os.Stderr, "tordemo: %v\n", err)
			return 1
		}
	}
	failed := 0
	step := func(what string, ok func(code int) bool, args ...string) {
		say("\n%s\n$ sockfetch %s", what, strings.Join(args, " "))
		code := sockfetch(ctx, abs, args...)
		if !ok(code) {
			failed++
			say("(exit status %d)", code)
		}
	}
	zero := func(code int) bool { return code == 0 }

	step("1. A page through real Tor, every layer explained. The name is known only to the exits:\n"+
		"   sockfetch hands it to Tor and never resolves it here, and the kernel holds the process to Tor's port.",
		zero, "--explain", "--tor", "--tor-addr", n.SocksAddr, page)
	if netns {
		step("2. Which address does the world see? The check server sits on a test host of its own;\n"+
			"   --direct also asks it without Tor (the one connection sockfetch makes outside Tor, only when asked).",
			zero, "ip", "--direct", "--tor-addr", n.SocksAddr, "--check-url", n.CheckURL)
	}
	step("3. A new identity: Tor's control protocol (PROTOCOLINFO, AUTHENTICATE with the cookie, SIGNAL NEWNYM).",
		zero, "newnym", "-v", "--control", n.ControlAddr)

	n.Stop()
	say("\nThe network is down. The whole story took %v.", time.Since(t0).Round(100*time.Millisecond))
	if failed > 0 {
		return 1
	}
	return 0
}

// sockfetch runs the binary with args, its output on this terminal, and
// returns its exit status.
func sockfetch(ctx context.Context, bin string, args ...string) int {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = cleanEnv()
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	}
	fmt.Fprintf(os.Stderr, "tordemo: %v\n", err)
	return 1
}

// cleanEnv is the environment without the variables that would steer
// sockfetch to another proxy, Tor or control port.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToLower(k) {
		case "http_proxy", "https_proxy", "all_proxy", "no_proxy",
			"sockfetch_tor_addr", "sockfetch_tor_control", "sockfetch_tor_password":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// servePage serves a small page on 127.0.0.1 for as long as the demo runs.
func servePage() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello through Tor\n")
	}))
	return "http://" + ln.Addr().String() + "/", nil
}

func say(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}
