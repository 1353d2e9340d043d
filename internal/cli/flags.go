package cli

import (
	"strconv"

	"github.com/urfave/cli/v2"
)

// flags returns sockfetch's options: curl's names and meanings, plus the Tor
// and teaching-view options.
func flags() []cli.Flag {
	return withBodyFlags([]cli.Flag{
		// Output.
		&cli.StringSliceFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the body to `FILE` (one per URL, in order; - for stdout)"},
		&cli.BoolFlag{Name: "remote-name", Aliases: []string{"O"}, Usage: "write the body to a file named like the URL's last path segment"},
		&cli.BoolFlag{Name: "include", Aliases: []string{"i"}, Usage: "write the response head before the body"},
		&cli.StringFlag{Name: "dump-header", Aliases: []string{"D"}, Usage: "write every response head to `FILE` (- for stdout)"},
		&cli.StringFlag{Name: "write-out", Aliases: []string{"w"}, Usage: "after each transfer, print `FORMAT` (%{http_code}, %{time_total}, %{json}, %header{name}, ...)"},
		&cli.BoolFlag{Name: "fail", Aliases: []string{"f"}, Usage: "exit 22 without writing the body when the status is 400 or more"},
		&cli.BoolFlag{Name: "silent", Aliases: []string{"s"}, Usage: "no progress bar, no error messages"},
		&cli.BoolFlag{Name: "show-error", Aliases: []string{"S"}, Usage: "with -s, still print error messages"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show the request, the response head and each step on stderr"},
		&cli.BoolFlag{Name: "no-progress-meter", Usage: "no progress bar (drawn only when stderr is a terminal)"},
		&cli.BoolFlag{Name: "progress-bar", Aliases: []string{"#"}, Usage: "accepted as curl's: sockfetch has one progress bar, drawn when stderr is a terminal"},

		// Request.
		&cli.StringFlag{Name: "request", Aliases: []string{"X"}, Usage: "use `METHOD` instead of GET/POST/HEAD"},
		&cli.BoolFlag{Name: "head", Aliases: []string{"I"}, Usage: "send HEAD and print the response head"},
		&cli.StringSliceFlag{Name: "header", Aliases: []string{"H"}, Usage: "add `'NAME: VALUE'` to the request ('NAME:' removes a default, 'NAME;' sends it empty, @FILE reads one a line)"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "HTTP Basic credentials `USER:PASSWORD`"},
		&cli.StringFlag{Name: "user-agent", Aliases: []string{"A"}, Usage: "send User-Agent: `NAME` ('' sends none)"},
		&cli.StringFlag{Name: "referer", Aliases: []string{"e"}, Usage: "send Referer: `URL` (URL;auto or ;auto: on each redirect, the previous URL)"},
		&cli.BoolFlag{Name: "compressed", Usage: "ask for gzip or deflate and decode the body"},
		&cli.BoolFlag{Name: "raw", Usage: "write the body as it came off the wire: chunk framing kept, nothing decoded"},
		&cli.BoolFlag{Name: "http1.0", Aliases: []string{"0"}, Usage: "speak HTTP/1.0"},
		&cli.BoolFlag{Name: "path-as-is", Usage: "send the path's /./ and /../ segments as they are (they are removed by default, as curl)"},

		// Redirects, limits, timeouts.
		&cli.BoolFlag{Name: "location", Aliases: []string{"L"}, Usage: "follow redirects"},
		&cli.StringFlag{Name: "max-redirs", Usage: "follow at most `N` redirects (default " + strconv.Itoa(defaultMaxRedirs) + "; -1: no limit)"},
		&cli.StringFlag{Name: "max-time", Aliases: []string{"m"}, Usage: "give up after `SECONDS` in all (decimals allowed)"},
		&cli.StringFlag{Name: "connect-timeout", Usage: "give up connecting (TCP, SOCKS, TLS) after `SECONDS`"},
		&cli.StringFlag{Name: "max-filesize", Usage: "refuse bodies larger than `BYTES` (suffixes k, M, G)"},

		// Retry and resume.
		&cli.StringFlag{Name: "retry", Usage: "retry a transient failure (timeout, 408, 429, 500, 502, 503, 504; through Tor a failed circuit) up to `N` times"},
		&cli.StringFlag{Name: "retry-delay", Usage: "wait `SECONDS` between retries (default: 1, doubling up to 600; a Retry-After wins)"},
		&cli.StringFlag{Name: "retry-max-time", Usage: "start no retry after `SECONDS` from the first attempt"},
		&cli.BoolFlag{Name: "retry-all-errors", Usage: "with --retry, retry on any error"},
		&cli.BoolFlag{Name: "retry-connrefused", Usage: "with --retry, retry a refused connection too"},
		&cli.StringFlag{Name: "continue-at", Aliases: []string{"C"}, Usage: "resume at byte `OFFSET` (- for the size of the -o file), appending to the -o file"},
		&cli.StringFlag{Name: "range", Aliases: []string{"r"}, Usage: "ask for the bytes `RANGE` only (0-99, 100-, -500, 0-9,20-29)"},

		// Network.
		&cli.StringFlag{Name: "proxy", Aliases: []string{"x"}, Usage: "use the SOCKS5 proxy `URL`: socks5h://[user:pass@]host:port (proxy resolves names) or socks5://"},
		&cli.StringFlag{Name: "noproxy", Usage: "connect directly to the hosts in `LIST` (comma-separated, * for all)"},
		&cli.BoolFlag{Name: "ipv4", Aliases: []string{"4"}, Usage: "the target's IPv4 addresses only (not the proxy's or Tor's)"},
		&cli.BoolFlag{Name: "ipv6", Aliases: []string{"6"}, Usage: "the target's IPv6 addresses only (not the proxy's or Tor's)"},
		&cli.BoolFlag{Name: "insecure", Aliases: []string{"k"}, Usage: "do not verify the server's certificate"},
		&cli.StringFlag{Name: "cacert", Usage: "trust the CA certificates in PEM `FILE` instead of the system's"},
		&cli.BoolFlag{Name: "no-keepalive", Usage: "open a new connection for every request (by default one to the same host, over the same route, is reused)"},

		// Tor.
		&cli.BoolFlag{Name: "tor", Usage: "go through Tor (fail closed: never direct, never a local DNS query)"},
		&cli.StringFlag{Name: "tor-addr", Usage: "Tor's SocksPort `ADDR`: host:port or unix:/path (implies --tor; default $SOCKFETCH_TOR_ADDR, else 127.0.0.1:9050 then :9150)"},
		&cli.BoolFlag{Name: "new-circuit", Usage: "send random SOCKS credentials so that Tor uses a fresh circuit (--new-circuit=each: one per transfer)"},
		&cli.BoolFlag{Name: newCircuitEach, Hidden: true}, // --new-circuit=each, as normalizeArgs writes it
		&cli.BoolFlag{Name: "lock", Usage: "with -x socks5h://: let the kernel allow this process no TCP connect but to the proxy's port (on by default with --tor)"},
		&cli.BoolFlag{Name: "no-lock", Usage: "do not apply the kernel lock (Landlock) that holds --tor to Tor's port"},
		&cli.BoolFlag{Name: "require-lock", Usage: "exit 2 where the kernel cannot apply the lock, instead of going on without it"},

		// Teaching view.
		&cli.BoolFlag{Name: "explain", Usage: "explain every layer of the fetch on stderr, byte for byte"},
		&cli.StringFlag{Name: "trace", Usage: "write a curl-style hex and ASCII trace to `FILE` (- stdout, % stderr)"},
		&cli.StringFlag{Name: "trace-ascii", Usage: "write a curl-style ASCII trace to `FILE` (- stdout, % stderr)"},
		&cli.BoolFlag{Name: "trace-time", Usage: "add a time stamp to each trace line"},
		&cli.BoolFlag{Name: "no-color", Usage: "no colours in -v and --explain (also: NO_COLOR set in the environment)"},

		// Parallel transfers.
		&cli.BoolFlag{Name: "parallel", Aliases: []string{"Z"}, Usage: "run the transfers at once (stdout keeps command-line order)"},
		&cli.StringFlag{Name: "parallel-max", Usage: "with -Z, at most `N` transfers at once (default 50, at most 300)"},
		&cli.BoolFlag{Name: "parallel-immediate", Usage: "accepted as curl's: with HTTP/1.1 every parallel transfer connects at once"},

		// Config files, cookies and saved names (config.go, cookies.go, savename.go).
		&cli.StringSliceFlag{Name: "config", Aliases: []string{"K"}, Usage: "read options from `FILE` in curl's config syntax (- for stdin; never a .curlrc)"},
		&cli.StringSliceFlag{Name: "cookie", Aliases: []string{"b"}, Usage: "send `'NAME=VALUE; ...'`, or read cookies from FILE (Netscape format or Set-Cookie lines) and keep those set across redirects and URLs"},
		&cli.StringFlag{Name: "cookie-jar", Aliases: []string{"c"}, Usage: "write every cookie to `FILE` at the end, in curl's Netscape format (- for stdout)"},
		&cli.BoolFlag{Name: "junk-session-cookies", Aliases: []string{"j"}, Usage: "leave out the session cookies of -b FILE"},
		&cli.BoolFlag{Name: "remote-header-name", Aliases: []string{"J"}, Usage: "with -O, save under the name Content-Disposition gives (its last path element; never over an existing file)"},
		&cli.BoolFlag{Name: "remote-name-all", Usage: "-O for every URL that has no -o"},
		&cli.StringFlag{Name: "output-dir", Usage: "write -o and -O files in `DIR`"},
		&cli.BoolFlag{Name: "create-dirs", Usage: "create the missing folders of -o, -O and --output-dir names"},
		&cli.StringSliceFlag{Name: "url", Usage: "fetch `URL` (as an argument; for configs: url = URL)"},

		&cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version and exit"},
	})
}

// urfave/cli v2 computes a flag's names with a regular expression on every
// call of Names, and it calls Names thousands of times per run (IsSet walks
// every flag for every name): a fifth of sockfetch's start-up
// (BENCHMARKS.md). These wrappers answer Names from a slice made once.

type boolFlag struct {
	*cli.BoolFlag
	names []string
}

func (f *boolFlag) Names() []string { return f.names }

type stringFlag struct {
	*cli.StringFlag
	names []string
}

func (f *stringFlag) Names() []string { return f.names }

type stringSliceFlag struct {
	*cli.StringSliceFlag
	names []string
}

func (f *stringSliceFlag) Names() []string { return f.names }

type intFlag struct {
	*cli.IntFlag
	names []string
}

func (f *intFlag) Names() []string { return f.names }

// cheapNames wraps each flag whose kind has a wrapper.
func cheapNames(flags []cli.Flag) []cli.Flag {
	for i, f := range flags {
		names := f.Names()
		switch x := f.(type) {
		case *cli.BoolFlag:
			flags[i] = &boolFlag{x, names}
		case *cli.StringFlag:
			flags[i] = &stringFlag{x, names}
		case *cli.StringSliceFlag:
			flags[i] = &stringSliceFlag{x, names}
		case *cli.IntFlag:
			flags[i] = &intFlag{x, names}
		}
	}
	return flags
}
