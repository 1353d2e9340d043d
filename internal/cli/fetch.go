package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/rawhttp"
)

// torUserAgent is the User-Agent under --tor: the same for every sockfetch
// version, so that the version does not split Tor users into smaller groups.
const torUserAgent = "sockfetch"

// fetchCommand is `sockfetch fetch [options] URL...`, the same as
// `sockfetch [options] URL...`: fetching is what sockfetch does when no
// command is named, and the command gives it a line of its own in --help
// beside the others. It never runs: normalizeArgs drops the word fetch,
// and the app's own action fetches. For completion, it takes the app's
// options.
func (a *app) fetchCommand() *cli.Command {
	return &cli.Command{
		Name:            fetchCommandName,
		Usage:           "fetch URLs as curl does (the default: sockfetch URL is sockfetch fetch URL)",
		UsageText:       "sockfetch [fetch] [options] URL...",
		SkipFlagParsing: true, // the app's own flags and curl's rewriting apply
		HideHelp:        true,
	}
}

// fetchCommandName is the fetch command's name, which normalizeArgs drops.
const fetchCommandName = "fetch"

// fetchAction is the app's action: it reads the fetch options and fetches.
// A flag value that does not parse is reported after -V has printed the
// version and after the check for a URL.
func (a *app) fetchAction(c *cli.Context) error {
	o, err := readOptions(c)
	a.silent = o.output.silent && !o.output.showError
	a.sayConfigWarnings(o.output.silent)
	switch {
	case o.version:
		fmt.Fprint(a.stdout, versionText())
		return nil
	case len(o.urls) == 0:
		return usageErr("no URL specified")
	case err != nil:
		return err
	}
	return a.fetch(&o)
}

// fetch fetches each URL of o in order, as curl: a failed URL does not stop
// the next, and the exit status is the last URL's.
func (a *app) fetch(o *options) error {
	a.bar = barRuleOf(o)
	req, err := a.request(o)
	if err != nil {
		return err
	}
	req.Pool, req.NoReuse = fetch.NewPool(), o.network.noReuse // one pool for the run: URLs reuse connections
	defer req.Pool.Close()
	defer a.useCookies(&o.cookies, req)()
	if err := o.save.check(o); err != nil {
		return err
	}
	a.save = o.save
	views, err := a.openViews(&o.views)
	if err != nil {
		return err
	}
	defer views.close()

	var headers io.Writer
	if d := o.output.dumpHeader; d != "" {
		w, closeFn, err := a.openAux(d)
		if err != nil {
			return err
		}
		defer closeFn()
		headers = w
	}
	wf, err := a.writeOutFormat(o.output.writeOut)
	if err != nil {
		return err
	}
	for _, w := range o.resume.warnings {
		a.warnf(o.output.silent, "%s", w)
	}
	b := &batch{o: o, req: req, views: views, headers: headers, format: wf}
	ctx := a.context()
	if o.parallel.on && len(o.urls) > 1 {
		return a.fetchParallel(ctx, b)
	}
	for i := range o.urls {
		code := a.transfer(ctx, b, i, nil, a.stderr)
		a.code = code
		if ctx.Err() != nil { // interrupted: say so, and stop
			a.code = exitCode(errInterrupted)
			a.fail(errInterrupted)
			return nil
		}
	}
	return nil
}

// batch is what every transfer of one command line shares.
type batch struct {
	o       *options
	req     *fetch.Request // the request, without its URL
	views   *views
	headers io.Writer      // -D's stream; nil for none
	format  string         // -w's format, read; "" for none
	ended   func(code int) // when not nil, told each transfer's status as its fetch ends, before -w
}

// transfer fetches the batch's URL i, says what failed, prints -w's line and
// returns its exit status. Its --explain view writes to story. mu is nil
// for serial transfers; parallel ones share it for their -v and trace
// lines (views.observer).
func (a *app) transfer(ctx context.Context, b *batch, i int, mu *sync.Mutex, story io.Writer) int {
	o := b.o
	raw := o.urls[i]
	r := *b.req
	r.URL = a.withGetQuery(withScheme(raw))
	if o.tor.each && r.Dialer != nil {
		r.Dialer = r.Dialer.WithFreshCircuit()
	}
	observe, finish := b.views.observer(story, mu)
	r.Observe = observe
	restart := func() { // a retry is a transfer of its own to the views
		finish()
		observe, finish = b.views.observer(story, mu)
		r.Observe = observe
	}
	dest := o.save.destFor(o.output.files, i)
	res, err := a.fetchRetrying(ctx, o, &r, restart, dest, fetch.Output{Include: o.output.include || o.request.head, Headers: b.headers})
	finish()
	if ctx.Err() != nil {
		return exitCode(errInterrupted)
	}
	code := 0
	if err != nil {
		code = exitCode(err)
		a.fail(err)
	}
	if b.ended != nil {
		b.ended(code)
	}
	if b.format != "" {
		a.writeOut(b.format, &transfer{input: raw, urlnum: i, filename: a.outName, referer: o.request.referer, res: res, err: err, code: code})
	}
	return code
}

// fetchOne makes one attempt at one URL with its body going to dest (""
// for stdout). The output file, when there is one, is returned open for
// the caller to commit or abort (fetchRetrying).
func (a *app) fetchOne(ctx context.Context, r *fetch.Request, dest string, out fetch.Output, ro *resumeOptions) (*fetch.Result, *fetch.OutputFile, error) {
	out.Body = a.stdout
	a.outName = ""
	var of *fetch.OutputFile
	remote := dest == remoteNameMarker
	var nameErr error // -O's name is missing, which -J can make up for
	if remote {
		if _, err := url.Parse(r.URL); err != nil {
			// Malformed: fetch says so (exit 3) before it connects, as
			// curl checks the URL before -O's name.
			out.Body, dest = io.Discard, ""
		} else if dest, err = remoteName(r.URL); err != nil && !a.save.headerName {
			return &fetch.Result{URL: r.URL}, nil, err
		} else if err != nil {
			dest, nameErr = "", err
		}
	}
	dest, err := a.save.place(dest)
	if err != nil {
		return &fetch.Result{URL: r.URL}, nil, err
	}
	a.outName = dest
	if remote && a.save.headerName && (dest != "" || nameErr != nil) {
		// -J: the name is known only from the head; the file is
		// settled there (fetchHeaderNamed), so nothing is returned open.
		res, err := a.fetchHeaderNamed(ctx, r, dest, nameErr, out)
		return res, nil, err
	}
	r.ResumeFrom, r.Range = ro.offset(dest), ro.rng
	if dest != "" && dest != "-" {
		if of, err = openAttempt(dest, r.ResumeFrom); err != nil {
			return &fetch.Result{URL: r.URL}, nil, err
		}
		out.Body = of.Writer()
		if why := of.InPlace(); why != "" && r.Observe != nil {
			r.Observe(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: fmt.Sprintf("writing %s in place, not atomically: %s", dest, why)})
		}
	}
	out.Progress = a.progress(out.Body, dest)
	res, err := fetch.Fetch(ctx, r, out)
	return res, of, err
}

// withScheme adds http:// to a URL without a scheme, as curl: a scheme is
// a letter, then letters, digits, '+', '-' or '.', then ":/" ("http:/h/"
// has one, "localhost:8080/" and "http:h/" have none).
func withScheme(raw string) string {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if letter || i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			continue
		}
		if i > 0 && strings.HasPrefix(raw[i:], ":/") {
			return raw
		}
		break
	}
	return "http://" + raw
}

// request turns the options into a fetch.Request (without URL).
func (a *app) request(o *options) (*fetch.Request, error) {
	q := &o.request
	r := &fetch.Request{
		Method:         q.method,
		UserAgent:      "sockfetch/" + version,
		HTTP10:         q.http10,
		Follow:         o.limits.follow,
		MaxRedirects:   o.limits.maxRedirs,
		Fail:           o.output.fail,
		Compressed:     q.compressed,
		Raw:            q.raw,
		Insecure:       o.network.insecure,
		CACert:         o.network.caCert,
		MaxTime:        o.limits.maxTime,
		ConnectTimeout: o.limits.connectTimeout,
		MaxFileSize:    o.limits.maxFileSize,
		PathAsIs:       q.pathAsIs,
	}
	if q.head && r.Method == "" {
		r.Method = "HEAD"
	}
	var err error
	if r.Fields, r.Remove, err = a.userHeaders(q.headers); err != nil {
		return nil, err
	}
	if q.userAgent != nil {
		r.UserAgent = *q.userAgent
	}
	setReferer(r, q.referer)
	if u := q.user; u != "" {
		user, pass, _ := strings.Cut(u, ":")
		r.Auth = rawhttp.BasicAuth(user, pass)
	}
	if err := a.requestBody(r, o); err != nil {
		return nil, err
	}
	if r.Dialer, err = a.dialer(o); err != nil {
		return nil, err
	}
	if r.Dialer.Tor != nil && q.userAgent == nil {
		r.UserAgent = torUserAgent
	}
	return r, nil
}

// dialer builds the fetch.Dialer from the network and Tor options.
func (a *app) dialer(o *options) (*fetch.Dialer, error) {
	n, t := &o.network, &o.tor
	d := &fetch.Dialer{Resolver: a.resolver, DialContext: a.dial, NewCircuit: t.newCircuit}
	switch {
	case n.ipv4 && n.ipv6:
		return nil, usageErr("-4 and -6 cannot be used together")
	case n.ipv4:
		d.Network = "tcp4"
	case n.ipv6:
		d.Network = "tcp6"
	}
	proxy := ""
	if n.proxy != nil {
		proxy = *n.proxy
	}
	lock, err := kernelLock(t.lock, t.on, proxy, a.restrict)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	d.Lock = lock
	if t.on {
		if n.proxy != nil {
			return nil, &usageError{msg: "--tor and -x cannot be used together",
				hint: "--tor is the proxy; to use another Tor SocksPort give --tor-addr HOST:PORT"}
		}
		d.Tor = &fetch.Tor{Addr: t.addr, Env: a.getenv("SOCKFETCH_TOR_ADDR")}
		return d, nil // proxy environment variables do not apply
	}
	d.Proxy = &fetch.ProxySettings{Flag: proxy, Getenv: a.getenv, NoProxy: n.noProxy}
	if d.NewCircuit && d.Proxy.Flag == "" {
		return nil, &usageError{msg: "--new-circuit needs --tor or -x socks5h://HOST:PORT",
			hint: "fresh SOCKS credentials only matter to a proxy that isolates by them, such as Tor"}
	}
	return d, nil
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
