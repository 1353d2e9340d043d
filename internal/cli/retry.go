package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/safetext"
	"sockfetch/rawhttp"
)

// retryOptions are --retry and the options that shape it.
type retryOptions struct {
	count       int           // --retry N: attempts after the first; 0: none
	delay       time.Duration // --retry-delay S: a fixed wait; 0: curl's backoff
	maxTime     time.Duration // --retry-max-time S: no retry starts past it; 0: no bound
	allErrors   bool          // --retry-all-errors
	connRefused bool          // --retry-connrefused
}

// resumeOptions are -C and -r.
type resumeOptions struct {
	from    int64  // -C N
	current bool   // -C -: from the size of the -o file
	rng     string // -r RANGE, as sent after "bytes="; "" for none

	warnings []string // curl's warnings about -r, said before the first fetch
}

// Curl's backoff: the first wait, doubled after each retry up to the last.
const (
	retryFirstSleep = time.Second
	retryMaxSleep   = 10 * time.Minute
)

// readRetryOptions reads --retry, its options, -C and -r into o.
func readRetryOptions(c *cli.Context, o *options) error {
	r := &o.retry
	var err error
	if s := c.String("retry"); s != "" {
		if r.count, err = parseCount("retry", s, 0, "a number of retries"); err != nil {
			return err
		}
	}
	if s := c.String("retry-delay"); s != "" {
		n, err := parseCount("retry-delay", s, 0, "a whole number of seconds")
		if err != nil {
			return err
		}
		r.delay = time.Duration(n) * time.Second
	}
	if s := c.String("retry-max-time"); s != "" {
		n, err := parseCount("retry-max-time", s, 0, "a whole number of seconds")
		if err != nil {
			return err
		}
		r.maxTime = time.Duration(n) * time.Second
	}
	r.allErrors = c.Bool("retry-all-errors")
	r.connRefused = c.Bool("retry-connrefused")

	ro := &o.resume
	if s := c.String("continue-at"); s == "-" {
		ro.current = true
	} else if s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || s[0] < '0' || s[0] > '9' {
			return usageErr("--continue-at %q: want an offset in bytes, or - for the size of the -o file", s)
		}
		ro.from = n
	}
	if s := c.String("range"); s != "" {
		if ro.rng, err = readRange(s, &ro.warnings); err != nil {
			return err
		}
	}
	if (ro.current || ro.from > 0 || ro.rng != "") && (len(o.request.body.args) > 0 || o.request.body.upload != "") {
		return &usageError{msg: "-C and -r cannot be used with -d, -F or -T",
			hint: "a range is asked for with GET: -C resumes a download, -r fetches part of one"}
	}
	return nil
}

// readRange reads -r's value as curl 7.88 does: a number alone is a start
// ("5" asks for "5-", with curl's warning); a value with a character other
// than a digit, '-' or ',' is sent as it is, with curl's warning. A value
// with a control character (which could not be sent) or a number alone past
// int64 is refused.
func readRange(s string, warnings *[]string) (string, error) {
	for _, r := range s {
		if safetext.Unsafe(r) {
			return "", usageErr("--range %q: want START-END, START-, -SUFFIX or a list of them", s)
		}
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.Contains(s, "-") {
		digits := s[:strings.IndexFunc(s+"x", func(r rune) bool { return r < '0' || r > '9' })]
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return "", usageErr("--range %q: unsupported range point", s)
		}
		*warnings = append(*warnings, "A specified range MUST include at least one dash (-). Appending one for you!")
		return strconv.FormatInt(n, 10) + "-", nil
	}
	if strings.Trim(s, "0123456789-,") != "" {
		*warnings = append(*warnings, "Invalid character is found in given range. A specified range MUST have only digits in 'start'-'stop'. The server's response to this request is uncertain.")
	}
	return s, nil
}

// offset is the resume offset (-C) for an attempt writing to dest: -C N's
// N, or with -C - the size of the regular file dest (0 when there is none,
// or for stdout).
func (ro *resumeOptions) offset(dest string) int64 {
	if !ro.current {
		return ro.from
	}
	if dest == "" || dest == "-" {
		return 0
	}
	fi, err := os.Stat(dest)
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	return fi.Size()
}

// openAttempt opens dest for one attempt: appended to when resuming (the
// one case -o writes in place), else through CreateOutput.
func openAttempt(dest string, resumeFrom int64) (*fetch.OutputFile, error) {
	if resumeFrom > 0 {
		return fetch.AppendOutput(dest)
	}
	return fetch.CreateOutput(dest)
}

// The retry categories, worded as curl 7.88 words them after "Problem".
const (
	retryNo          = ""
	retryAll         = "(retrying all errors)"
	retryTimeout     = ": timeout"
	retryConnRefused = ": connection refused"
	retryHTTP        = ": HTTP error"
	retryCircuit     = ": Tor circuit failure"
)

// transient says why the attempt that ended with res and err is worth
// another (a retry category), or retryNo, as curl 7.88 decides it: a time
// limit or a name that did not resolve; a refused connection with
// --retry-connrefused; a 408, 429, 500, 502, 503 or 504 that was the
// answer (or -f's error); any error with --retry-all-errors. Through Tor,
// a failure of the circuit or its exit is also worth another attempt on a
// fresh circuit, which curl does not know of.
func (ro *retryOptions) transient(d *fetch.Dialer, res *fetch.Result, err error) string {
	var fe *fetch.Error
	isFE := errors.As(err, &fe)
	switch {
	case isFE && (fe.Kind == fetch.ErrTimeout || fe.Kind == fetch.ErrResolve || fe.Kind == fetch.ErrProxyResolve):
		return retryTimeout
	case isFE && fe.Kind == fetch.ErrConnect && errors.Is(err, syscall.ECONNREFUSED):
		if ro.connRefused {
			return retryConnRefused
		}
	case d.CircuitFailed(err):
		return retryCircuit
	case err == nil || isFE && fe.Kind == fetch.ErrHTTPStatus:
		if res != nil && retryStatus(res.Status) {
			return retryHTTP
		}
	}
	if err != nil && ro.allErrors {
		return retryAll
	}
	return retryNo
}

// retryStatus reports whether curl retries a response with this status.
func retryStatus(status int) bool {
	switch status {
	case 408, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// sleepFor waits d, or until ctx ends (its error then).
func (a *app) sleepFor(ctx context.Context, d time.Duration) error {
	if a.sleep != nil {
		return a.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fetchRetrying fetches one URL (fetchOne) and, with --retry, tries again
// after a transient failure as curl does: each failed attempt's error is
// said, then curl's warning, then its -o output is thrown away, so that a
// retried transfer leaves nothing partial. Retry-After is honoured for an
// HTTP error; otherwise the wait is --retry-delay, or 1 s doubled after
// each retry up to 10 min. No retry starts past --retry-max-time, counted
// from the first attempt, nor waits past it for a Retry-After. Through Tor
// a retry after a circuit failure or a time limit goes out with new SOCKS
// credentials.
// Each attempt is a transfer of its own to the views: restart, when not
// nil, ends the views of one attempt and sets r.Observe for the next.
func (a *app) fetchRetrying(ctx context.Context, o *options, r *fetch.Request, restart func(), dest string, out fetch.Output) (*fetch.Result, error) {
	ro := &o.retry
	mute := o.output.silent
	start := time.Now()
	left := ro.count
	sleep := retryFirstSleep
	if ro.delay > 0 {
		sleep = ro.delay
	}
	for {
		res, of, err := a.fetchOne(ctx, r, dest, out, &o.resume)
		why := retryNo
		if left > 0 && ctx.Err() == nil && (ro.maxTime == 0 || time.Since(start) < ro.maxTime) {
			why = ro.transient(r.Dialer, res, err)
		}
		wait := sleep
		if why == retryHTTP && res != nil && res.Response != nil {
			if ra := rawhttp.RetryAfter(res.Response.Get("Retry-After"), time.Now()); ra > 0 {
				wait = ra
				if ro.maxTime > 0 && time.Since(start).Truncate(time.Second)+ra > ro.maxTime {
					a.warnf(mute, "The Retry-After: time would make this command line exceed the maximum allowed time for retries.")
					why = retryNo
				}
			}
		}
		if why == retryNo {
			return res, finishAttempt(of, res, err)
		}
		if restart != nil {
			restart()
		}
		if err != nil {
			a.fail(err)
		}
		a.warnf(mute, "Problem %s. Will retry in %d seconds. %d retries left.", why, wait/time.Second, left)
		left--
		if ro.delay == 0 {
			sleep = min(sleep*2, retryMaxSleep)
		}
		if of != nil {
			if n := of.Written(); n > 0 && !mute {
				fmt.Fprintf(a.stderr, "Throwing away %d bytes\n", n)
			}
			of.Abort()
		}
		// A time limit through Tor is most often a slow circuit or exit:
		// the same credentials would get the same circuit again.
		if why == retryCircuit || why == retryTimeout && r.Dialer != nil && r.Dialer.Tor != nil {
			r.Dialer = r.Dialer.WithFreshCircuit()
			if r.Observe != nil {
				r.Observe(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "retrying on a fresh Tor circuit: new SOCKS credentials, so that Tor builds another circuit (most likely through another exit)"})
			}
		}
		if err := a.sleepFor(ctx, wait); err != nil {
			return res, err
		}
	}
}

// finishAttempt settles the last attempt's output file: kept when the
// transfer succeeded, thrown away when it failed. A resumed download that
// failed within the rest of the file (a 206 cut short) keeps what it
// appended, as curl does, so that -C - goes on from there.
func finishAttempt(of *fetch.OutputFile, res *fetch.Result, err error) error {
	if of == nil {
		return err
	}
	if err == nil {
		return of.Commit()
	}
	if res != nil && res.Status == 206 && of.Appending() {
		of.Commit()
		return err
	}
	of.Abort()
	return err
}

// warnf prints a warning as curl 7.88 does: the message and its newline,
// with "Warning: " before each piece when it is cut at a space to fit 79
// columns; nothing under -s.
func (a *app) warnf(mute bool, format string, args ...any) {
	if mute {
		return
	}
	const prefix = "Warning: "
	const width = 79 - len(prefix)
	s := safetext.Clean(fmt.Sprintf(format, args...)) + "\n"
	var b strings.Builder
	for len(s) > 0 {
		b.WriteString(prefix)
		if len(s) <= width {
			b.WriteString(s)
			break
		}
		cut := width - 1
		for cut > 0 && !isSpace(s[cut]) {
			cut--
		}
		if cut == 0 {
			cut = width - 1
		}
		b.WriteString(s[:cut+1])
		b.WriteByte('\n')
		s = s[cut+1:]
	}
	io.WriteString(a.stderr, b.String())
}

// isSpace is C's isspace.
func isSpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }
