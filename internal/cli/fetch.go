package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/rawhttp"
)

// torUserAgent is the User-Agent under --tor: the same for every sockfetch
// version, so that the version does not split Tor users into smaller groups.
const torUserAgent = "sockfetch"

// fetchCommand is `sockfetch fetch [options] URL...`, the same as
// `sockfetch [options] URL...`: fetching is what sockfetch does when no
// command is named, and the command gives it a line of its own in --help
// beside the others.
func (a *app) fetchCommand() *cli.Command {
	return &cli.Command{
		Name:            "fetch",
		Usage:           "fetch URLs as curl does (the default: sockfetch URL is sockfetch fetch URL)",
		UsageText:       "sockfetch [fetch] [options] URL...",
		SkipFlagParsing: true, // the app's own flags and curl's rewriting apply
		HideHelp:        true,
		Action: func(c *cli.Context) error {
			ca := a.cliApp()
			return ca.Run(normalizeArgs(append([]string{"sockfetch"}, c.Args().Slice()...), ca))
		},
	}
}

// fetchAction fetches each URL in order, as curl: a failed URL does not stop
// the next, and the exit status is the last URL's.
func (a *app) fetchAction(c *cli.Context) error {
	a.silent = c.Bool("silent") && !c.Bool("show-error")
	a.bar = barRuleOf(c)
	if c.Bool("version") {
		fmt.Fprint(a.stdout, versionText())
		return nil
	}
	urls := c.Args().Slice()
	if len(urls) == 0 {
		return usageErr("no URL specified")
	}
	req, err := a.request(c)
	if err != nil {
		return err
	}
	views, err := a.openViews(c)
	if err != nil {
		return err
	}
	defer views.close()

	var headers io.Writer
	if d := c.String("dump-header"); d != "" {
		w, closeFn, err := a.openAux(d)
		if err != nil {
			return err
		}
		defer closeFn()
		headers = w
	}
	wf, err := a.writeOutFormat(c.String("write-out"))
	if err != nil {
		return err
	}
	outputs := c.StringSlice("output")
	if c.Bool("remote-name") && !slices.Contains(outputs, remoteNameMarker) {
		outputs = append(outputs, remoteNameMarker) // -O given to an app not built by normalizeArgs
	}

	ctx := a.context()
	for i, raw := range urls {
		r := *req
		r.URL = withScheme(raw)
		r.Observe = views.observer()
		dest := ""
		if i < len(outputs) {
			dest = outputs[i]
		}
		res, err := a.fetchOne(ctx, &r, dest, fetch.Output{Include: c.Bool("include") || c.Bool("head"), Headers: headers})
		views.finishURL()
		a.code = 0
		if ctx.Err() != nil { // interrupted: say so, and stop
			a.code = exitCode(errInterrupted)
			a.fail(errInterrupted)
			return nil
		}
		if err != nil {
			a.code = exitCode(err)
			a.fail(err)
		}
		if wf != "" {
			a.writeOut(wf, raw, res, err, a.code)
		}
	}
	return nil
}

// fetchOne fetches one URL with its body going to dest ("" for stdout).
func (a *app) fetchOne(ctx context.Context, r *fetch.Request, dest string, out fetch.Output) (*fetch.Result, error) {
	out.Body = a.stdout
	var of *fetch.OutputFile
	if dest == remoteNameMarker {
		name, err := remoteName(r.URL)
		if err != nil {
			return &fetch.Result{URL: r.URL}, err
		}
		dest = name
	}
	if dest != "" && dest != "-" {
		var err error
		if of, err = fetch.CreateOutput(dest); err != nil {
			return &fetch.Result{URL: r.URL}, err
		}
		out.Body = of.File()
	}
	out.Progress = a.progress(out.Body, dest)
	res, err := fetch.Fetch(ctx, r, out)
	if of != nil {
		if err == nil {
			err = of.Commit()
		} else {
			of.Abort()
		}
	}
	return res, err
}

// remoteName is -O's file name: the last segment of the URL's path.
func remoteName(raw string) (string, error) {
	u, err := url.Parse(raw)
	name := ""
	if err == nil {
		name = path.Base(u.Path)
	}
	if name == "" || name == "/" || name == "." || name == ".." {
		return "", &fetch.Error{Kind: fetch.ErrWrite, Msg: "remote file name has no length: " + raw,
			Hint: "-O names the file after the URL's last path segment; give -o FILE instead"}
	}
	return name, nil
}

// withScheme adds http:// to a URL without a scheme, as curl.
func withScheme(raw string) string {
	if strings.Contains(raw, "://") {
		return raw
	}
	return "http://" + raw
}

// request turns the options into a fetch.Request (without URL).
func (a *app) request(c *cli.Context) (*fetch.Request, error) {
	r := &fetch.Request{
		Method:       c.String("request"),
		UserAgent:    "sockfetch/" + version,
		HTTP10:       c.Bool("http1.0"),
		Follow:       c.Bool("location"),
		MaxRedirects: c.Int("max-redirs"),
		Fail:         c.Bool("fail"),
		Compressed:   c.Bool("compressed"),
		Raw:          c.Bool("raw"),
		Insecure:     c.Bool("insecure"),
		CACert:       c.String("cacert"),
	}
	if c.Bool("head") && r.Method == "" {
		r.Method = "HEAD"
	}
	var err error
	if r.MaxTime, err = seconds(c, "max-time"); err != nil {
		return nil, err
	}
	if r.ConnectTimeout, err = seconds(c, "connect-timeout"); err != nil {
		return nil, err
	}
	if s := c.String("max-filesize"); s != "" {
		if r.MaxFileSize, err = parseSize(s); err != nil {
			return nil, usageErr("--max-filesize %q: %v", s, err)
		}
	}
	for _, h := range c.StringSlice("header") {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usageErr("-H %q: a header is 'Name: value' ('Name:' removes a default)", h)
		}
		r.Fields = append(r.Fields, rawhttp.Field{Name: name, Value: strings.TrimSpace(value)})
	}
	if c.IsSet("user-agent") {
		r.UserAgent = c.String("user-agent")
	}
	if e := c.String("referer"); e != "" {
		r.Fields = append(r.Fields, rawhttp.Field{Name: "Referer", Value: e})
	}
	if u := c.String("user"); u != "" {
		user, pass, _ := strings.Cut(u, ":")
		r.Fields = append(r.Fields, rawhttp.Field{Name: "Authorization", Value: basicAuth(user, pass)})
	}
	if r.Body, err = a.body(c); err != nil {
		return nil, err
	}
	if r.Body != nil {
		r.ContentType = "application/x-www-form-urlencoded"
	}
	if r.Dialer, err = a.dialer(c); err != nil {
		return nil, err
	}
	if r.Dialer.Tor != nil && !c.IsSet("user-agent") {
		r.UserAgent = torUserAgent
	}
	return r, nil
}

// basicAuth is the Authorization value for HTTP Basic (RFC 7617).
func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// dialer builds the fetch.Dialer from the network options.
func (a *app) dialer(c *cli.Context) (*fetch.Dialer, error) {
	d := &fetch.Dialer{Resolver: a.resolver, DialContext: a.dial, NewCircuit: c.Bool("new-circuit")}
	switch {
	case c.Bool("ipv4") && c.Bool("ipv6"):
		return nil, usageErr("-4 and -6 cannot be used together")
	case c.Bool("ipv4"):
		d.Network = "tcp4"
	case c.Bool("ipv6"):
		d.Network = "tcp6"
	}
	tor := c.Bool("tor") || c.IsSet("tor-addr")
	lock, err := kernelLock(lockOptions{lock: c.Bool("lock"), noLock: c.Bool("no-lock"), require: c.Bool("require-lock")},
		tor, c.String("proxy"), a.restrict)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	d.Lock = lock
	if tor {
		if c.IsSet("proxy") {
			return nil, &usageError{msg: "--tor and -x cannot be used together",
				hint: "--tor is the proxy; to use another Tor SocksPort give --tor-addr HOST:PORT"}
		}
		d.Tor = &fetch.Tor{Addr: c.String("tor-addr"), Env: a.getenv("SOCKFETCH_TOR_ADDR")}
		return d, nil // proxy environment variables do not apply
	}
	d.Proxy = &fetch.ProxySettings{Flag: c.String("proxy"), Getenv: a.getenv}
	if c.IsSet("noproxy") {
		np := c.String("noproxy")
		d.Proxy.NoProxy = &np
	}
	if d.NewCircuit && d.Proxy.Flag == "" {
		return nil, &usageError{msg: "--new-circuit needs --tor or -x socks5h://HOST:PORT",
			hint: "fresh SOCKS credentials only matter to a proxy that isolates by them, such as Tor"}
	}
	return d, nil
}

// body returns the request body from -d, --data-raw and --data-binary
// (joined with '&', as curl), or nil when none is given.
func (a *app) body(c *cli.Context) ([]byte, error) {
	var parts [][]byte
	add := func(flag string, at, strip bool) error {
		for _, v := range c.StringSlice(flag) {
			b := []byte(v)
			if at && strings.HasPrefix(v, "@") {
				var err error
				if b, err = a.readArgFile(v[1:], "data"); err != nil {
					return err
				}
				if strip {
					b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r"), nil), []byte("\n"), nil)
				}
			}
			parts = append(parts, b)
		}
		return nil
	}
	if err := add("data", true, true); err != nil {
		return nil, err
	}
	if err := add("data-raw", false, false); err != nil {
		return nil, err
	}
	if err := add("data-binary", true, false); err != nil {
		return nil, err
	}
	if parts == nil {
		return nil, nil
	}
	return bytes.Join(parts, []byte("&")), nil
}

// readArgFile reads the file of an @FILE argument ("-" for standard input);
// what names its contents in the error, such as "data".
func (a *app) readArgFile(name, what string) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	if name == "-" {
		b, err = io.ReadAll(a.stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, &fetch.Error{Kind: fetch.ErrReadFile, Msg: fmt.Sprintf("cannot read %s from %s: %v", what, name, pathReason(err)), Cause: err}
	}
	return b, nil
}

// pathReason returns the cause of an *fs.PathError, whose message names
// the operation and the path again, or err itself.
func pathReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// seconds parses a flag given in seconds (decimals allowed).
func seconds(c *cli.Context, name string) (time.Duration, error) {
	s := c.String(name)
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 0 && f <= 1e9) { // NaN fails too
		return 0, usageErr("--%s %q: want a number of seconds, such as 2.5", name, s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// parseSize parses a byte count with an optional k, M or G suffix (powers of
// 1024, as curl).
func parseSize(s string) (int64, error) {
	mult := int64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		}
	}
	if mult > 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("want a number of bytes, such as 500000 or 10M")
	}
	return n * mult, nil
}

// openAux opens an auxiliary output: "-" is stdout, "%" stderr, anything
// else a file created (truncated) now.
func (a *app) openAux(name string) (io.Writer, func(), error) {
	switch name {
	case "-":
		return a.stdout, func() {}, nil
	case "%":
		return a.stderr, func() {}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, nil, &fetch.Error{Kind: fetch.ErrWrite, Msg: fmt.Sprintf("cannot create %s: %v", name, pathReason(err)), Cause: err}
	}
	return f, func() { f.Close() }, nil
}
