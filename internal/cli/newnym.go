package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	xterm "golang.org/x/term"

	"sockfetch/fetch"
	"sockfetch/internal/safetext"
	"sockfetch/torctl"
)

// Where newnym looks for Tor's control port when --control is not given,
// in order: Debian's ControlSocket (tor's system service), Tor Browser's
// ControlPort, and last the usual ControlPort. The socket comes first
// because its file permissions say who made it: only tor (or root) can
// have, while a TCP port on 127.0.0.1 is anyone's on this machine to listen
// on while tor is not, and newnym sends its password or proves its cookie
// to whatever answers. 9051 comes last because Debian's tor does not open
// it (torrc must ask for it), so it is the likeliest of the two ports to be
// free for another user to take. Who runs a system tor and Tor Browser both
// without access to the socket reaches Tor Browser's tor: --control says
// which (sockfetch --tor tries 9050 before Tor Browser's 9150).
var defaultControlAddrs = []string{"unix:/run/tor/control", "127.0.0.1:9151", "127.0.0.1:9051"}

// Environment variables newnym reads.
const (
	envTorPassword = "SOCKFETCH_TOR_PASSWORD"
	envTorControl  = "SOCKFETCH_TOR_CONTROL"
)

// newnymWait is how long newnym waits, after Tor's 250 OK, for the event
// that tells whether Tor switched at once or deferred the switch.
const newnymWait = 2 * time.Second

// torEnableHint names the torrc lines that open a control port.
const torEnableHint = "is tor running? Then enable its control port in torrc with the lines 'ControlPort 9051' and 'CookieAuthentication 1', and restart tor"

const newnymDescription = `Speaks Tor's control protocol (PROTOCOLINFO, AUTHENTICATE, SIGNAL NEWNYM)
on the control port: new connections then use new circuits, so a new exit.
Connections already open keep their circuits.

Tor applies NEWNYM at most once every 10 seconds and still answers 250 OK
inside that window: it then switches when the window ends. newnym watches
Tor's events and says which happened.

Control port: --control, else the first that answers of unix:/run/tor/control
(Debian), 127.0.0.1:9151 (Tor Browser) and 127.0.0.1:9051.

Authentication: the cookie file the control port names, only where Tor keeps
one (control_auth_cookie or control.authcookie, a regular file owned by root
or by its directory's owner, in a directory no one else may write), or any
--cookie FILE; or the password behind torrc's HashedControlPassword from
$SOCKFETCH_TOR_PASSWORD or, on a terminal, a prompt. The password is never
taken from the command line (other users could read it there). The 16:...
hash in torrc is not the password.

Exit status: 0 done; 7 control port not reachable; 67 authentication
refused; 26 cookie file unreadable or not where Tor keeps one; 28 timeout;
8 not Tor's control protocol or an unexpected reply; 2 bad usage.`

// newnymCommand is `sockfetch newnym`: a new Tor identity through the
// control port. Its action returns a *usageError for a bad command line
// and otherwise a *fetch.Error whose kind sets the exit status (exit.go):
// fetch.ErrConnect (7) control port not reachable, fetch.ErrMalformed (8)
// not Tor's control protocol or an unexpected refusal, fetch.ErrReadFile
// (26) cookie file unreadable, fetch.ErrTimeout (28) no answer in time,
// errLoginDenied (67) authentication refused or impossible. Its message is
// the line the app prints after "sockfetch: ", its Hint the "hint: " line.
func newnymCommand() *cli.Command {
	return &cli.Command{
		Name:        "newnym",
		Usage:       "ask Tor for a new identity: new connections use new circuits",
		UsageText:   "sockfetch newnym [--control ADDR] [--cookie FILE] [-v]",
		Description: newnymDescription,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "control", EnvVars: []string{envTorControl}, Usage: "Tor's control port: `ADDR` is HOST:PORT or unix:/path (default: unix:/run/tor/control, then 127.0.0.1:9151, then 127.0.0.1:9051)"},
			&cli.StringFlag{Name: "cookie", Aliases: []string{"cookie-file"}, Usage: "authenticate with this cookie `FILE`, whatever its name or place (default: the file the control port names, if it is where Tor keeps one)"},
			&cli.StringFlag{Name: "max-time", Aliases: []string{"m"}, Value: "30", Usage: "give up after `SECONDS` of waiting for Tor"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "say which control port and method were used"},
		},
		Action:       newnymAction,
		OnUsageError: onUsageError("newnym"),
	}
}

// newnymRun holds one run's settings and output streams.
type newnymRun struct {
	control  string // empty: defaultControlAddrs
	cookie   string
	password string // from the environment, or prompted
	maxTime  time.Duration
	verbose  bool
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
}

func newnymAction(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return &usageError{
			msg:  fmt.Sprintf("newnym takes no arguments (got %s)", strings.Join(c.Args().Slice(), " ")),
			hint: "the password goes in $" + envTorPassword + " or at the prompt, never on the command line"}
	}
	maxTime, err := parseSeconds("max-time", c.String("max-time"))
	if err != nil {
		return &usageError{msg: "newnym: " + err.Error(), hint: "try 'sockfetch newnym --help' for the options"}
	}
	if maxTime <= 0 {
		return &usageError{msg: fmt.Sprintf("--max-time must be more than 0 seconds (got %s)", c.String("max-time"))}
	}
	verbose := false // -v given to the command or to the app
	for _, cc := range c.Lineage() {
		verbose = verbose || cc.Bool("verbose")
	}
	r := &newnymRun{
		control:  c.String("control"),
		cookie:   c.String("cookie"),
		password: os.Getenv(envTorPassword),
		maxTime:  maxTime,
		verbose:  verbose,
		stdin:    c.App.Reader,
		stdout:   c.App.Writer,
		stderr:   c.App.ErrWriter,
	}
	return r.run(c.Context)
}

// logf writes a -v line. Its words may come from the control port (Tor's
// version, its methods, the cookie file it names), so the line goes
// through safetext.Clean.
func (r *newnymRun) logf(format string, args ...any) {
	if r.verbose {
		fmt.Fprintf(r.stderr, "* %s\n", safetext.Clean(fmt.Sprintf(format, args...)))
	}
}

// run connects, authenticates, asks for a new identity and says what Tor
// did with the request.
func (r *newnymRun) run(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, r.maxTime)
	defer func() { cancel() }()
	restart := func() context.Context {
		cancel()
		ctx, cancel = context.WithTimeout(parent, r.maxTime)
		return ctx
	}
	conn, addr, err := r.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if ctx, err = r.login(ctx, restart, conn, addr); err != nil {
		return err
	}
	n, err := conn.NewIdentity(ctx, newnymWait)
	if err != nil {
		return r.controlErr(addr, "SIGNAL NEWNYM", err)
	}
	r.logf("Tor answered SIGNAL NEWNYM with 250 OK")
	fmt.Fprintln(r.stdout, "new identity requested: new connections will use new circuits")
	switch n.Outcome {
	case torctl.NewnymApplied:
		fmt.Fprintln(r.stdout, "Tor switched at once (it switches at most every 10 s, and answers 250 OK inside that window too)")
	case torctl.NewnymDeferred:
		fmt.Fprintf(r.stdout, "Tor switches at most every 10 s: it answered 250 OK and switches in %d s; connections opened before then still use the old circuits\n", int(n.Delay/time.Second))
	default:
		fmt.Fprintln(r.stdout, "note: Tor switches at most every 10 s and answers 250 OK inside that window too, so the exit may not change at once")
	}
	return nil
}

// login authenticates on conn with the cookie, the password from the
// environment, or one typed at the prompt. ctx is the run's clock; a
// prompt restarts it (typing takes the user's time, not Tor's), and login
// returns the clock to go on with.
func (r *newnymRun) login(ctx context.Context, restart func() context.Context, conn *torctl.Conn, addr string) (context.Context, error) {
	pi, err := conn.ProtocolInfo(ctx)
	if err != nil {
		return ctx, r.controlErr(addr, "PROTOCOLINFO", err)
	}
	r.logf("Tor %s offers authentication %s", pi.TorVersion, strings.Join(pi.AuthMethods, ","))

	password := r.password
	if r.cookie != "" {
		if !pi.AcceptsCookie() {
			return ctx, &fetch.Error{Kind: errLoginDenied,
				Msg:  fmt.Sprintf("--cookie given, but Tor at %s does not accept a cookie (it offers %s)", addr, strings.Join(pi.AuthMethods, ",")),
				Hint: "add 'CookieAuthentication 1' to torrc, or leave out --cookie and give the password in $" + envTorPassword}
		}
		password = "" // the cookie the user named wins
	}
	if pi.Method(password != "") == torctl.MethodHashedPassword && password == "" {
		if password, err = r.askPassword(addr); err != nil {
			return ctx, err
		}
		ctx = restart()
	}
	err = r.authenticate(ctx, conn, addr, pi, password)
	var ce *torctl.CookieError
	if errors.As(err, &ce) && r.cookie == "" && pi.HasMethod(torctl.MethodHashedPassword) && password == "" {
		// The cookie is out of reach, but a password would also do.
		r.logf("cannot read cookie file %s (%v); Tor also takes a password", ce.Path, ce.Err)
		if password, perr := r.askPassword(addr); perr == nil {
			err = r.authenticate(ctx, conn, addr, pi, password)
		}
	}
	return ctx, err
}

// dial connects to the control port: the one given, or the first of the
// defaults that answers.
func (r *newnymRun) dial(ctx context.Context) (*torctl.Conn, string, error) {
	addrs := defaultControlAddrs
	if r.control != "" {
		addrs = []string{r.control}
	}
	conn, addr, err := torctl.DialAny(ctx, addrs, func(addr string) { r.logf("trying Tor's control port at %s", addr) })
	if err == nil {
		r.logf("connected to Tor's control port at %s", addr)
		return conn, addr, nil
	}
	var de *torctl.DialError
	if !errors.As(err, &de) {
		return nil, "", &fetch.Error{Kind: fetch.ErrConnect, Msg: fmt.Sprintf("cannot connect to Tor's control port: %v", err), Hint: torEnableHint}
	}
	if ctx.Err() != nil {
		return nil, "", &fetch.Error{Kind: fetch.ErrTimeout, Msg: fmt.Sprintf("timed out connecting to Tor's control port at %s", de.Last())}
	}
	var reasons []string
	hint := torEnableHint
	for _, a := range de.Attempts {
		reasons = append(reasons, fmt.Sprintf("%s (%s)", a.Addr, dialReason(a.Err)))
		if path, ok := strings.CutPrefix(a.Addr, "unix:"); ok && errors.Is(a.Err, fs.ErrPermission) {
			hint = groupHint(path, "use the control socket")
		}
	}
	return nil, "", &fetch.Error{Kind: fetch.ErrConnect,
		Msg:  "cannot connect to Tor's control port at " + strings.Join(reasons, " or "),
		Hint: hint}
}

// dialReason is the operating system's word for a failed dial.
func dialReason(err error) string {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err.Error()
	}
	return err.Error()
}

// groupHint says which group may use path and how to join it.
func groupHint(path, what string) string {
	group := ""
	if fi, err := os.Stat(path); err == nil {
		if gid, ok := fileGID(fi); ok {
			group = strconv.FormatUint(uint64(gid), 10)
			if g, err := user.LookupGroupId(group); err == nil {
				group = g.Name
			}
		}
	}
	if group == "" {
		group = "debian-tor"
	}
	return fmt.Sprintf("only members of group %s may %s: add your user (sudo usermod -aG %s $USER) and log in again", group, what, group)
}

// askPassword prompts for the control password on a terminal.
func (r *newnymRun) askPassword(addr string) (string, error) {
	f, ok := r.stdin.(*os.File)
	if !ok || !xterm.IsTerminal(int(f.Fd())) {
		return "", passwordNeeded(addr)
	}
	fmt.Fprintf(r.stderr, "Tor control password for %s: ", safetext.Clean(addr))
	b, err := xterm.ReadPassword(int(f.Fd()))
	fmt.Fprintln(r.stderr)
	if err != nil || len(b) == 0 {
		return "", passwordNeeded(addr)
	}
	return string(b), nil
}

// passwordNeeded says that Tor at addr wants a password newnym does not
// have.
func passwordNeeded(addr string) *fetch.Error {
	return &fetch.Error{Kind: errLoginDenied,
		Msg:  fmt.Sprintf("Tor at %s wants a control password", addr),
		Hint: "put it in $" + envTorPassword + ", or run newnym on a terminal to be asked (never on the command line)"}
}

// authenticate runs AUTHENTICATE and turns its failures into messages.
func (r *newnymRun) authenticate(ctx context.Context, conn *torctl.Conn, addr string, pi *torctl.ProtocolInfo, password string) error {
	method := pi.Method(password != "")
	switch method {
	case torctl.MethodSafeCookie, torctl.MethodCookie:
		file := r.cookie
		if file == "" {
			file = pi.CookieFile
		}
		r.logf("authenticating with %s, cookie file %s", method, file)
	default:
		r.logf("authenticating with %s", method)
	}
	err := conn.Authenticate(ctx, password, r.cookie)
	if err == nil {
		r.logf("authenticated")
		return nil
	}
	var ce *torctl.CookieError
	var re *torctl.ReplyError
	switch {
	case errors.As(err, &ce):
		return cookieError(ce)
	case errors.Is(err, torctl.ErrAuth) && method == torctl.MethodHashedPassword && torctl.IsHashedPassword(password):
		return &fetch.Error{Kind: errLoginDenied,
			Msg:  "Tor refused the password: it is the 16:... hash from torrc's HashedControlPassword, not the password",
			Hint: "torrc keeps only the hash; give the password that was hashed with 'tor --hash-password' (in $" + envTorPassword + " or at the prompt)"}
	case errors.Is(err, torctl.ErrAuth) && method == torctl.MethodHashedPassword:
		return &fetch.Error{Kind: errLoginDenied,
			Msg:  fmt.Sprintf("Tor at %s refused the password (515 bad authentication)", addr),
			Hint: "give the password behind torrc's HashedControlPassword in $" + envTorPassword + " (the 16:... hash itself is not the password)"}
	case errors.Is(err, torctl.ErrAuth) && errors.As(err, &re):
		return &fetch.Error{Kind: errLoginDenied,
			Msg:  fmt.Sprintf("Tor at %s refused the cookie (515 bad authentication)", addr),
			Hint: "the cookie file must be the one this tor wrote (torrc's CookieAuthFile; it changes when tor restarts)"}
	case errors.Is(err, torctl.ErrAuth):
		return &fetch.Error{Kind: errLoginDenied,
			Msg:  fmt.Sprintf("Tor at %s does not know the cookie in %s: a different tor wrote it", addr, cookieName(r.cookie, pi)),
			Hint: "give the cookie file of the tor on this control port (torrc's CookieAuthFile)"}
	case errors.Is(err, torctl.ErrPasswordRequired):
		return passwordNeeded(addr)
	case errors.Is(err, torctl.ErrNoAuthMethod):
		return &fetch.Error{Kind: errLoginDenied,
			Msg:  fmt.Sprintf("Tor at %s offers no authentication sockfetch speaks (%s)", addr, strings.Join(pi.AuthMethods, ",")),
			Hint: "use 'CookieAuthentication 1' or HashedControlPassword in torrc"}
	}
	return r.controlErr(addr, "AUTHENTICATE", err)
}

func cookieName(flag string, pi *torctl.ProtocolInfo) string {
	if flag != "" {
		return flag
	}
	return pi.CookieFile
}

// cookieError describes a cookie file that cannot be used.
func cookieError(ce *torctl.CookieError) *fetch.Error {
	if errors.Is(ce, torctl.ErrCookieUntrusted) {
		return &fetch.Error{Kind: fetch.ErrReadFile,
			Msg:  fmt.Sprintf("will not read the cookie file %s that the control port names: %v", ce.Path, cookieReason(ce)),
			Hint: "Tor keeps its cookie as control_auth_cookie in its DataDirectory (Debian: /run/tor/control.authcookie); if this is your tor's cookie all the same, give it with --cookie FILE"}
	}
	return &fetch.Error{Kind: fetch.ErrReadFile,
		Msg:  fmt.Sprintf("cannot read Tor's cookie file %s: %v", ce.Path, cookieReason(ce)),
		Hint: ce.Hint()}
}

// cookieReason is a CookieError's reason without the package's prefix.
func cookieReason(ce *torctl.CookieError) string {
	msg := ce.Error()
	if _, rest, ok := strings.Cut(msg, ce.Path+": "); ok {
		return rest
	}
	return msg
}

// controlErr describes a failed exchange with the control port.
func (r *newnymRun) controlErr(addr, what string, err error) error {
	var pe torctl.ProtocolError
	var re *torctl.ReplyError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &fetch.Error{Kind: fetch.ErrTimeout,
			Msg: fmt.Sprintf("Tor at %s did not answer %s within %v", addr, what, r.maxTime)}
	case errors.As(err, &pe):
		return &fetch.Error{Kind: fetch.ErrMalformed,
			Msg:  fmt.Sprintf("%s does not speak Tor's control protocol: %s", addr, strings.TrimPrefix(pe.Error(), "torctl: ")),
			Hint: "is this Tor's ControlPort (usually 9051), not its SocksPort (9050)?"}
	case errors.Is(err, torctl.ErrClosed):
		return &fetch.Error{Kind: fetch.ErrMalformed,
			Msg:  fmt.Sprintf("Tor at %s closed the control connection before answering %s", addr, what),
			Hint: "is this Tor's ControlPort (usually 9051)? tor's log says why it closed"}
	case errors.As(err, &re):
		return &fetch.Error{Kind: fetch.ErrMalformed,
			Msg: fmt.Sprintf("Tor at %s refused %s: %s", addr, what, re.Error())}
	}
	return &fetch.Error{Kind: fetch.ErrMalformed, Msg: fmt.Sprintf("talking to Tor at %s: %v", addr, err)}
}
