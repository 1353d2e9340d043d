package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/safetext"
	"sockfetch/rawhttp"
)

// DefaultCheckURL answers {"IsTor":true,"IP":"…"} for the address a request
// comes from.
const DefaultCheckURL = "https://check.torproject.org/api/ip"

// maxCheckBody bounds the check endpoint's answer; the real one is about
// 40 bytes.
const maxCheckBody = 64 << 10

// ipOptions are the flags of `sockfetch ip`.
type ipOptions struct {
	torAddr    string
	proxy      string
	checkURL   string
	direct     bool
	json       bool
	newCircuit bool
	repeat     int
	verbose    bool

	lock     lockOptions
	restrict restrictFunc // nil: netlock.Restrict

	maxTime        time.Duration // each check
	connectTimeout time.Duration
	insecure       bool
	caCert         string
}

// ipCommand is `sockfetch ip`: which address the world sees through Tor.
// Its action returns fetch's errors unchanged (the app maps them to exit
// codes as for a fetch), a *usageError for a bad command line, and an
// error of kind errNotAnonymous (exit 10) when the path is not anonymous:
// the endpoint does not see a Tor exit, or it sees the same address through
// Tor as directly. Every message
// is one line for the app to print after "sockfetch: ". restrict applies
// the kernel lock (nil: netlock.Restrict).
func ipCommand(restrict restrictFunc) *cli.Command {
	return &cli.Command{
		Name:  "ip",
		Usage: "show the exit IP address the world sees through Tor",
		Description: "Fetches the check endpoint (" + DefaultCheckURL + ") through Tor, with\n" +
			"sockfetch's own code path and the same Tor address rules as --tor, and prints\n" +
			"the exit's address and whether it is a Tor exit.\n\n" +
			"Exit status: 0 when the path is anonymous (a Tor exit, and with --direct a\n" +
			"different address than directly); 10 when the check answered but the path is\n" +
			"not anonymous; otherwise the fetch's own codes (7: Tor not reachable, 97: Tor\n" +
			"refused, 28: timeout, ...).",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "tor-addr", Usage: "Tor's SocksPort: `HOST:PORT` or unix:/path (default: $SOCKFETCH_TOR_ADDR, else 127.0.0.1:9050, then 127.0.0.1:9150)"},
			&cli.StringFlag{Name: "proxy", Aliases: []string{"x"}, Usage: "check through the SOCKS5 proxy `URL` instead: socks5h://HOST:PORT (Tor's SocksPort)"},
			&cli.StringFlag{Name: "check-url", Value: DefaultCheckURL, Usage: "the check endpoint `URL`: answers {\"IsTor\":…,\"IP\":…} for the caller"},
			&cli.BoolFlag{Name: "direct", Usage: "ALSO fetch the endpoint directly, WITHOUT Tor, and compare the addresses: the one connection sockfetch makes outside Tor, only when asked"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per check: {\"tor\":{\"ip\":…,\"is_tor\":…},\"direct\":…,\"hidden\":…}"},
			&cli.BoolFlag{Name: "new-circuit", Usage: "use a fresh Tor circuit (random SOCKS credentials)"},
			&cli.StringFlag{Name: "repeat", Value: "1", Usage: "check `N` times, each on a new circuit, and show whether the exit changes"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "say which Tor address is used and what the kernel lock does"},
			&cli.BoolFlag{Name: "lock", Usage: "with -x: restrict this process to TCP connects to the proxy's port (the default through Tor)"},
			&cli.BoolFlag{Name: "no-lock", Usage: "do not apply the kernel lock"},
			&cli.BoolFlag{Name: "require-lock", Usage: "fail (exit 2) where the kernel cannot apply the lock"},
			&cli.StringFlag{Name: "max-time", Aliases: []string{"m"}, Value: "60", Usage: "give up each check after `SECONDS` (decimals allowed)"},
			&cli.StringFlag{Name: "connect-timeout", Usage: "give up connecting (TCP, SOCKS, TLS) after `SECONDS`"},
			&cli.BoolFlag{Name: "insecure", Aliases: []string{"k"}, Usage: "do not verify the check endpoint's certificate"},
			&cli.StringFlag{Name: "cacert", Usage: "trust the CA certificates in `FILE` for the check endpoint"},
		},
		Action:       func(c *cli.Context) error { return ipAction(c, restrict) },
		OnUsageError: onUsageError("ip"),
	}
}

// ipAction reads the ip command's flags and runs the checks.
func ipAction(c *cli.Context, restrict restrictFunc) error {
	if c.NArg() > 0 {
		return ipUsage("ip: unexpected argument %q (the endpoint is given with --check-url)", c.Args().First())
	}
	maxTime, err := parseSeconds("max-time", c.String("max-time"))
	if err != nil {
		return ipFlagErr(err)
	}
	connectTimeout, err := parseSeconds("connect-timeout", c.String("connect-timeout"))
	if err != nil {
		return ipFlagErr(err)
	}
	repeat, err := strconv.Atoi(c.String("repeat"))
	if err != nil {
		return ipUsage("ip: --repeat %q: want a number of checks, such as 3", c.String("repeat"))
	}
	o := ipOptions{
		torAddr:        c.String("tor-addr"),
		proxy:          c.String("proxy"),
		checkURL:       c.String("check-url"),
		direct:         c.Bool("direct"),
		json:           c.Bool("json"),
		newCircuit:     c.Bool("new-circuit"),
		repeat:         repeat,
		verbose:        c.Bool("verbose"),
		lock:           lockOptions{lock: c.Bool("lock"), noLock: c.Bool("no-lock"), require: c.Bool("require-lock")},
		restrict:       restrict,
		maxTime:        maxTime,
		connectTimeout: connectTimeout,
		insecure:       c.Bool("insecure"),
		caCert:         c.String("cacert"),
	}
	return runIP(c.Context, o, c.App.Writer, c.App.ErrWriter)
}

// ipFlagErr is a flag value's *usageError as ip says it.
func ipFlagErr(err error) error {
	return ipUsage("ip: %v", err)
}

// ipUsage is a command-line mistake: exit 2.
func ipUsage(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: "try 'sockfetch ip --help' for the options"}
}

// ipAnswer is what the check endpoint said.
type ipAnswer struct {
	IP    string
	IsTor bool
}

// ipReport is the --json object, one per check.
type ipReport struct {
	Tor struct {
		IP    string `json:"ip"`
		IsTor bool   `json:"is_tor"`
	} `json:"tor"`
	Direct *ipDirect `json:"direct"`
	Hidden *bool     `json:"hidden"`
}

type ipDirect struct {
	IP string `json:"ip"`
}

// runIP runs the checks and writes the report to stdout, warnings and -v
// lines to stderr.
func runIP(ctx context.Context, o ipOptions, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	if o.repeat < 1 {
		return ipUsage("ip: --repeat must be at least 1, not %d", o.repeat)
	}
	tor, err := ipDialer(o)
	if err != nil {
		return err
	}
	var direct *ipAnswer
	if o.direct {
		a, err := checkIP(ctx, o, &fetch.Dialer{}, nil)
		if err != nil {
			return err
		}
		direct = &a
	}
	var observe func(fetchtrace.Event)
	if o.verbose {
		observe = ipObserver(stderr)
	}

	anonymous := true
	var first string
	changes := 0
	for i := range o.repeat {
		a, err := checkIP(ctx, o, tor, observe)
		if err != nil {
			return err
		}
		switch {
		case i == 0:
			first = a.IP
		case a.IP != first:
			changes++
		}
		ok := a.IsTor && (direct == nil || direct.IP != a.IP)
		anonymous = anonymous && ok
		if o.json {
			if err := writeIPJSON(stdout, a, direct); err != nil {
				return err
			}
		} else {
			writeIPText(stdout, stderr, a, direct, i, o.repeat)
		}
	}
	if o.repeat > 1 && !o.json {
		if changes == 0 {
			fmt.Fprintf(stdout, "The exit stayed %s in all %d checks: Tor may reuse an exit for new circuits, and a young network has few.\n", first, o.repeat)
		} else {
			fmt.Fprintf(stdout, "The exit differed from the first in %d of %d later checks.\n", changes, o.repeat-1)
		}
	}
	if !anonymous {
		return &fetch.Error{Kind: errNotAnonymous, Msg: "ip: the check answered, but this path is not anonymous"}
	}
	return nil
}

// ipDialer is the dialer of the checks through Tor or the -x proxy.
func ipDialer(o ipOptions) (*fetch.Dialer, error) {
	if o.proxy != "" && o.torAddr != "" {
		return nil, ipUsage("ip: give --tor-addr or -x, not both")
	}
	tor := &fetch.Dialer{NewCircuit: o.newCircuit || o.repeat > 1}
	if o.proxy != "" {
		p, err := fetch.ParseProxy(o.proxy, "-x")
		if err != nil {
			return nil, err
		}
		if !p.RemoteDNS {
			return nil, ipUsage("ip: -x %s would resolve the check endpoint's name here; use socks5h://%s", o.proxy, p.Addr())
		}
		tor.Proxy = &fetch.ProxySettings{Flag: o.proxy}
	} else {
		tor.Tor = &fetch.Tor{Addr: o.torAddr, Env: os.Getenv("SOCKFETCH_TOR_ADDR")}
		if err := tor.Tor.Check(); err != nil {
			return nil, ipUsage("%v", err) // the same words: the error's Msg
		}
	}
	// The lock comes with the first connection through Tor (or the proxy),
	// after the direct check, if any: from there on every connection goes
	// to Tor, so the kernel may hold the process to it.
	lock, err := kernelLock(o.lock, tor.Tor != nil, o.proxy, o.restrict)
	if err != nil {
		return nil, ipUsage("ip: %v", err)
	}
	tor.Lock = lock
	return tor, nil
}

// ipObserver writes -v's lines to stderr: what fetch says it does, and the
// kernel lock once (every check reports it).
func ipObserver(stderr io.Writer) func(fetchtrace.Event) {
	lockShown := false // every check reports the lock; say it once
	return func(e fetchtrace.Event) {
		switch {
		case e.Kind == fetchtrace.EvLock && !lockShown:
			lockShown = true
			fmt.Fprintf(stderr, "* %s\n", safetext.Clean(e.Info))
		case e.Kind == fetchtrace.EvInfo:
			fmt.Fprintf(stderr, "* %s\n", safetext.Clean(e.Info)) // may quote the proxy or the server
		case e.Kind == fetchtrace.EvDial:
			fmt.Fprintf(stderr, "* trying %s\n", safetext.Clean(e.Dialled()))
		}
	}
}

// checkIP fetches the check endpoint through d and reads its answer.
func checkIP(ctx context.Context, o ipOptions, d *fetch.Dialer, observe func(fetchtrace.Event)) (ipAnswer, error) {
	var body bytes.Buffer
	req := &fetch.Request{
		URL:            o.checkURL,
		Fields:         []rawhttp.Field{{Name: "Accept", Value: "application/json"}},
		UserAgent:      torUserAgent, // the same for every version, as under --tor
		Fail:           true,
		MaxFileSize:    maxCheckBody,
		MaxTime:        o.maxTime,
		ConnectTimeout: o.connectTimeout,
		Insecure:       o.insecure,
		CACert:         o.caCert,
		Dialer:         d,
		Observe:        observe,
	}
	if _, err := fetch.Fetch(ctx, req, fetch.Output{Body: &body}); err != nil {
		return ipAnswer{}, err
	}
	return parseCheck(o.checkURL, body.Bytes())
}

// parseCheck reads {"IsTor":true,"IP":"…"}.
func parseCheck(url string, b []byte) (ipAnswer, error) {
	var r struct {
		IsTor *bool   `json:"IsTor"`
		IP    *string `json:"IP"`
	}
	bad := func(why string) error {
		return &fetch.Error{Kind: fetch.ErrMalformed,
			Msg:  fmt.Sprintf("check endpoint %s: %s: %q", url, why, capBytes(b, 80)),
			Hint: `the endpoint must answer like https://check.torproject.org/api/ip: {"IsTor":true,"IP":"…"}`}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return ipAnswer{}, bad("not JSON")
	}
	if r.IsTor == nil || r.IP == nil {
		return ipAnswer{}, bad("no IsTor or IP field")
	}
	if net.ParseIP(*r.IP) == nil {
		return ipAnswer{}, bad("IP is not an address")
	}
	return ipAnswer{IP: *r.IP, IsTor: *r.IsTor}, nil
}

func capBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// writeIPText writes one check for people: the exit line on stdout, loud
// warnings on stderr.
func writeIPText(stdout, stderr io.Writer, a ipAnswer, direct *ipAnswer, i, n int) {
	prefix := ""
	if n > 1 {
		prefix = fmt.Sprintf("Check %d/%d: ", i+1, n)
	}
	yes := "yes"
	if !a.IsTor {
		yes = "NO"
	}
	fmt.Fprintf(stdout, "%sExit IP %s — Tor exit: %s\n", prefix, a.IP, yes)
	if !a.IsTor {
		fmt.Fprintf(stderr, "sockfetch: WARNING: the check endpoint does not see a Tor exit at %s: this path is NOT anonymous\n", a.IP)
	}
	if direct == nil {
		return
	}
	if direct.IP == a.IP {
		fmt.Fprintf(stderr, "sockfetch: WARNING: your direct IP %s is the SAME as through Tor: it is NOT hidden\n", direct.IP)
		return
	}
	fmt.Fprintf(stdout, "%sYour direct IP %s is hidden\n", prefix, direct.IP)
}

// writeIPJSON writes one check as one line of JSON.
func writeIPJSON(w io.Writer, a ipAnswer, direct *ipAnswer) error {
	var r ipReport
	r.Tor.IP, r.Tor.IsTor = a.IP, a.IsTor
	if direct != nil {
		r.Direct = &ipDirect{IP: direct.IP}
		hidden := direct.IP != a.IP
		r.Hidden = &hidden
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
