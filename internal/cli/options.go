package cli

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"
)

// defaultMaxRedirs is --max-redirs when not given: curl's.
const defaultMaxRedirs = 10

// options are a fetch's settings: the command line's flags, each read once
// by readOptions (the only code that reads a fetch flag by name), or a
// value built by demo. -#/--progress-bar is accepted and changes nothing,
// so it has no field.
type options struct {
	urls     []string // the arguments, fetched in order
	version  bool     // -V
	output   outputOptions
	request  requestOptions
	limits   limitOptions
	network  networkOptions
	tor      torOptions
	views    viewOptions
	retry    retryOptions    // --retry and its options (retry.go)
	resume   resumeOptions   // -C and -r (retry.go)
	parallel parallelOptions // -Z and its options (parallel.go)
	cookies  cookieOptions   // -b, -c, -j (cookies.go)
	save     saveOptions     // -J, --remote-name-all, --output-dir, --create-dirs (savename.go)
}

// outputOptions say where the response goes and what is said about it.
type outputOptions struct {
	files      []string // -o and -O in order, one per URL: a file, "-" for stdout, remoteNameMarker for -O
	include    bool     // -i
	dumpHeader string   // -D FILE ("-" stdout, "%" stderr); "" for none
	writeOut   string   // -w FORMAT, "@file" not yet read
	fail       bool     // -f
	silent     bool     // -s
	showError  bool     // -S
	noProgress bool     // --no-progress-meter
}

// requestOptions are what the request says.
type requestOptions struct {
	method     string      // -X; "" for GET, POST or HEAD as the other options imply
	head       bool        // -I
	headers    []string    // -H, each as given ("Name: value", or "Name:" to remove a default)
	body       bodyOptions // -d, --data-*, --json, -F, -G, -T (body.go)
	user       string      // -u USER:PASSWORD
	userAgent  *string     // -A; nil when not given ("" sends none)
	referer    string      // -e
	compressed bool        // --compressed
	raw        bool        // --raw
	http10     bool        // -0
	pathAsIs   bool        // --path-as-is
}

// limitOptions bound the transfer.
type limitOptions struct {
	follow         bool          // -L
	maxRedirs      int           // --max-redirs (-1: no limit)
	maxTime        time.Duration // -m; 0 for none
	connectTimeout time.Duration // --connect-timeout; 0 for none
	maxFileSize    int64         // --max-filesize; 0 for none
}

// networkOptions say how to reach the server, other than through Tor.
type networkOptions struct {
	proxy    *string // -x URL; nil when not given
	noProxy  *string // --noproxy LIST; nil when not given
	ipv4     bool    // -4
	ipv6     bool    // -6
	insecure bool    // -k
	caCert   string  // --cacert FILE
	noReuse  bool    // --no-keepalive
}

// torOptions say whether and how to go through Tor.
type torOptions struct {
	on         bool        // --tor, or --tor-addr given
	addr       string      // --tor-addr
	newCircuit bool        // --new-circuit (also through -x), or --new-circuit=each
	each       bool        // --new-circuit=each: a fresh circuit for each transfer, not one for the run
	lock       lockOptions // --lock, --no-lock, --require-lock (also through -x)
}

// viewOptions are the teaching views: -v, --explain and the traces.
type viewOptions struct {
	verbose    bool   // -v
	explain    bool   // --explain
	trace      string // --trace FILE; "" for none
	traceASCII string // --trace-ascii FILE; "" for none
	traceTime  bool   // --trace-time
	noColor    bool   // --no-color
}

// readOptions reads the fetch flags from c. A value that does not parse
// (--max-redirs, -m, --connect-timeout, --max-filesize) is the error, with every other
// field read: the caller reports it after -V and the check for a URL.
func readOptions(c *cli.Context) (options, error) {
	o := options{
		urls:    c.Args().Slice(),
		version: c.Bool("version"),
		output: outputOptions{
			files:      c.StringSlice("output"),
			include:    c.Bool("include"),
			dumpHeader: c.String("dump-header"),
			writeOut:   c.String("write-out"),
			fail:       c.Bool("fail"),
			silent:     c.Bool("silent"),
			showError:  c.Bool("show-error"),
			noProgress: c.Bool("no-progress-meter"),
		},
		request: requestOptions{
			method:     c.String("request"),
			head:       c.Bool("head"),
			headers:    c.StringSlice("header"),
			body:       readBodyOptions(c),
			user:       c.String("user"),
			userAgent:  stringIfSet(c, "user-agent"),
			referer:    c.String("referer"),
			compressed: c.Bool("compressed"),
			raw:        c.Bool("raw"),
			http10:     c.Bool("http1.0"),
			pathAsIs:   c.Bool("path-as-is"),
		},
		limits: limitOptions{follow: c.Bool("location"), maxRedirs: defaultMaxRedirs},
		network: networkOptions{
			proxy:    stringIfSet(c, "proxy"),
			noProxy:  stringIfSet(c, "noproxy"),
			ipv4:     c.Bool("ipv4"),
			ipv6:     c.Bool("ipv6"),
			insecure: c.Bool("insecure"),
			caCert:   c.String("cacert"),
			noReuse:  c.Bool("no-keepalive"),
		},
		tor: torOptions{
			on:         c.Bool("tor") || c.IsSet("tor-addr"),
			addr:       c.String("tor-addr"),
			newCircuit: c.Bool("new-circuit") || c.Bool(newCircuitEach),
			each:       c.Bool(newCircuitEach),
			lock:       lockOptions{lock: c.Bool("lock"), noLock: c.Bool("no-lock"), require: c.Bool("require-lock")},
		},
		views: viewOptions{
			verbose:    c.Bool("verbose"),
			explain:    c.Bool("explain"),
			trace:      c.String("trace"),
			traceASCII: c.String("trace-ascii"),
			traceTime:  c.Bool("trace-time"),
			noColor:    c.Bool("no-color"),
		},
	}
	o.cookies = readCookieOptions(c)
	o.save = readSaveOptions(c)
	if c.Bool("remote-name") && !slices.Contains(o.output.files, remoteNameMarker) {
		o.output.files = append(o.output.files, remoteNameMarker) // -O given to an app not built by normalizeArgs
	}
	var err error
	if s := c.String("max-redirs"); s != "" {
		if o.limits.maxRedirs, err = parseCount("max-redirs", s, -1, "a number of redirects, or -1 for no limit"); err != nil {
			return o, err
		}
	}
	if o.limits.maxTime, err = parseSeconds("max-time", c.String("max-time")); err != nil {
		return o, err
	}
	if o.limits.connectTimeout, err = parseSeconds("connect-timeout", c.String("connect-timeout")); err != nil {
		return o, err
	}
	if s := c.String("max-filesize"); s != "" {
		if o.limits.maxFileSize, err = parseSize(s); err != nil {
			return o, usageErr("--max-filesize %q: %v", s, err)
		}
	}
	if err := readRetryOptions(c, &o); err != nil {
		return o, err
	}
	if err := readParallelOptions(c, &o); err != nil {
		return o, err
	}
	return o, nil
}

// stringIfSet returns the flag's value, or nil when the command line does
// not give it.
func stringIfSet(c *cli.Context, name string) *string {
	if !c.IsSet(name) {
		return nil
	}
	s := c.String(name)
	return &s
}

// parseSeconds parses the value s of the flag --name, given in seconds
// (decimals allowed); "" is 0.
func parseSeconds(name, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 0 && f <= 1e9) { // NaN fails too
		return 0, usageErr("--%s %q: want a number of seconds, such as 2.5", name, s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// maxCount bounds the whole numbers parseCount accepts: past it a count
// means nothing here, and it keeps int arithmetic far from overflow.
const maxCount = 1 << 30

// parseCount parses the value s of the flag --name, a whole number of at
// least min; want says in words what the flag takes, for the message.
func parseCount(name, s string, min int, want string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > maxCount {
		return 0, usageErr("--%s %q: want %s", name, s, want)
	}
	return n, nil
}

// errSizeTooLarge is parseSize's error for a size past int64.
var errSizeTooLarge = errors.New("too large: at most 8E bytes (9223372036854775807)")

// parseSize parses a byte count with an optional unit, as curl: b or B
// (bytes), k, M or G (powers of 1024), either case. A sign, a fraction and a
// size past int64 are refused, as curl refuses them.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'b', 'B':
			mult = 0 // bytes, said
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		}
	}
	if mult != 1 {
		s = s[:len(s)-1]
	}
	if mult == 0 {
		mult = 1
	}
	bad := errors.New("want a number of bytes, such as 500000 or 10M")
	if s == "" || s[0] < '0' || s[0] > '9' { // no sign: ParseInt would take one
		return 0, bad
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, errSizeTooLarge
	case err != nil:
		return 0, bad
	case n > math.MaxInt64/mult:
		return 0, errSizeTooLarge
	}
	return n * mult, nil
}
