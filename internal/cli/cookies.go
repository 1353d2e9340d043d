package cli

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/net/publicsuffix"

	"sockfetch/fetch"
	"sockfetch/internal/safetext"
	"sockfetch/rawhttp"
)

// cookieOptions are curl's cookie engine options.
type cookieOptions struct {
	send        []string // -b NAME=VALUE[; ...]: sent as given on every request
	files       []string // -b FILE: a Netscape cookie file, or Set-Cookie lines, read into the jar
	jar         string   // -c FILE: the jar written at exit ("-" stdout); "" for none
	junkSession bool     // -j: session cookies of the -b files are left out
}

// readCookieOptions reads -b, -c and -j. As curl, a -b value with a '='
// is cookies to send, one without is a file.
func readCookieOptions(c *cli.Context) cookieOptions {
	o := cookieOptions{jar: c.String("cookie-jar"), junkSession: c.Bool("junk-session-cookies")}
	for _, b := range c.StringSlice("cookie") {
		if strings.Contains(b, "=") {
			o.send = append(o.send, b)
		} else {
			o.files = append(o.files, b)
		}
	}
	return o
}

// engine reports whether the cookie engine runs: a -b FILE or a -c was
// given. -b NAME=VALUE alone sends its cookies and keeps none, as curl;
// so nothing a server sets is kept, under --tor or not, unless asked.
func (o *cookieOptions) engine() bool { return len(o.files) > 0 || o.jar != "" }

// maxCookieFileBytes bounds a -b file: larger is not a cookie file.
const maxCookieFileBytes = 16 << 20

// cookieJar is a run's cookies. Which cookie goes where is decided by the
// standard library's jar (net/http/cookiejar with the public suffix list
// of golang.org/x/net/publicsuffix), which applies RFC 6265's domain, path,
// Secure and expiry rules. That jar cannot list what it holds, and the -c
// file needs every cookie's domain, path, expiry and flags, so the jar
// also keeps its own record of each cookie it took (records), by the same
// rules reduced to what the file says: host-only or domain, path, Secure,
// HttpOnly, expiry. The record also gives curl's order on the Cookie line
// (longest path first, then longest domain, longest name, newest) and in
// the file (newest first), which the standard jar's order is not.
//
// Its methods are safe to call at once: the parallel transfers of -Z
// share the run's jar.
type cookieJar struct {
	mu      sync.Mutex // held by Cookie, SetCookies and jarText
	std     *cookiejar.Jar
	records []*cookieRecord // oldest first
	anyHost []anyHostCookie // Set-Cookie lines of a -b file without a Domain: curl sends them to every host
	send    string          // -b NAME=VALUE values, joined, after the jar's cookies
	engine  bool
	now     func() time.Time
	seq     int
}

// anyHostCookie is a -b file's cookie of no domain.
type anyHostCookie struct{ path, pair string }

// cookieRecord is one cookie as the -c file writes it.
type cookieRecord struct {
	domain   string // lowercase, without a leading dot
	hostOnly bool   // sent to domain alone (the file's FALSE)
	path     string
	secure   bool
	httpOnly bool
	expires  time.Time // zero: a session cookie
	name     string
	value    string
	created  int // order of creation
}

// newCookieJar returns the run's jar for o, the -b files read into it.
// A -b file that cannot be opened is no cookie, as in curl (its name can
// be the -c file of a first run).
func newCookieJar(o *cookieOptions) *cookieJar {
	std, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List}) // never fails
	j := &cookieJar{std: std, send: strings.Join(o.send, "; "), engine: o.engine(), now: time.Now}
	for _, f := range o.files {
		if b, err := readLimited(f); err == nil {
			j.load(string(b), o.junkSession)
		}
	}
	return j
}

// readLimited reads a file of at most maxCookieFileBytes.
func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, 4096)
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadSlice('\n')
		b = append(b, line...)
		if len(b) > maxCookieFileBytes {
			return nil, fmt.Errorf("larger than %d bytes", maxCookieFileBytes)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return b, nil
		}
	}
}

// load reads a cookie file: curl's Netscape format (seven fields a line
// split by tabs: domain, TRUE when subdomains match, path, TRUE when
// Secure, expiry in Unix seconds or 0, name, value; a #HttpOnly_ prefix
// on the domain), or lines "Set-Cookie: ..." naming their Domain. Any
// other line, or one whose fields do not parse, is skipped, as curl skips
// it; so are expired cookies, and with junkSession session ones.
func (j *cookieJar) load(text string, junkSession bool) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if v, ok := cutPrefixFold(line, "Set-Cookie:"); ok {
			c, err := http.ParseSetCookie(strings.TrimSpace(v))
			if err != nil || (junkSession && c.MaxAge == 0 && c.Expires.IsZero()) {
				continue
			}
			path := c.Path
			if !strings.HasPrefix(path, "/") {
				path = "/"
			}
			if c.Domain == "" { // curl sends it to every host
				j.anyHost = append(j.anyHost, anyHostCookie{path: path, pair: c.Name + "=" + c.Value})
				continue
			}
			j.take(&url.URL{Scheme: "https", Host: strings.TrimPrefix(c.Domain, "."), Path: path}, c)
			continue
		}
		r, ok := parseNetscapeLine(line)
		if !ok || (junkSession && r.expires.IsZero()) || (!r.expires.IsZero() && !r.expires.After(j.now())) {
			continue
		}
		c := &http.Cookie{Name: r.name, Value: r.value, Path: r.path, Secure: r.secure, HttpOnly: r.httpOnly, Expires: r.expires}
		if !r.hostOnly {
			c.Domain = r.domain
		}
		j.std.SetCookies(&url.URL{Scheme: "https", Host: r.domain, Path: r.path}, []*http.Cookie{c})
		j.keep(&r, false)
	}
}

// cutPrefixFold is strings.CutPrefix, ASCII case ignored.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// parseNetscapeLine reads one line of a Netscape cookie file; ok is false
// for a comment, an empty line or a line curl would skip. Six fields are a
// cookie with an empty value, as curl reads them.
func parseNetscapeLine(line string) (r cookieRecord, ok bool) {
	if rest, ok := strings.CutPrefix(line, "#HttpOnly_"); ok {
		line, r.httpOnly = rest, true
	}
	if line == "" || line[0] == '#' {
		return r, false
	}
	f := strings.Split(line, "\t")
	if len(f) == 6 {
		f = append(f, "")
	}
	if len(f) != 7 || f[0] == "" || f[5] == "" || !strings.HasPrefix(f[2], "/") {
		return r, false
	}
	tail, ok1 := netscapeBool(f[1])
	secure, ok2 := netscapeBool(f[3])
	exp, err := strconv.ParseInt(f[4], 10, 64)
	if !ok1 || !ok2 || err != nil || exp < 0 {
		return r, false
	}
	r.domain = strings.ToLower(strings.TrimPrefix(f[0], "."))
	r.hostOnly, r.path, r.secure, r.name, r.value = !tail, f[2], secure, f[5], f[6]
	if exp > 0 {
		r.expires = time.Unix(exp, 0)
	}
	return r, r.domain != "" && !strings.ContainsAny(r.domain[:1], "#.") // written back, "#..." would be a comment and ".." another domain
}

// netscapeBool reads a TRUE/FALSE field as curl does: TRUE in any case is
// true, anything else false.
func netscapeBool(s string) (v, ok bool) {
	return strings.EqualFold(s, "TRUE"), true
}

// Cookie returns the Cookie value for a request to u: the jar's cookies
// for u in curl's order, then the -b NAME=VALUE cookies.
func (j *cookieJar) Cookie(u *url.URL) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var parts []string
	if j.engine {
		type sent struct {
			c *http.Cookie
			r *cookieRecord
		}
		var cs []sent
		for _, c := range j.std.Cookies(u) {
			cs = append(cs, sent{c, j.recordFor(u, c)})
		}
		slices.SortStableFunc(cs, func(a, b sent) int {
			if a.r == nil || b.r == nil {
				return 0
			}
			for _, d := range [...]int{len(b.r.path) - len(a.r.path), len(b.r.domain) - len(a.r.domain), len(b.r.name) - len(a.r.name), b.r.created - a.r.created} {
				if d != 0 {
					return d
				}
			}
			return 0
		})
		for _, s := range cs {
			parts = append(parts, s.c.Name+"="+s.c.Value)
		}
		for _, c := range j.anyHost {
			if pathMatch(u.EscapedPath(), c.path) {
				parts = append(parts, c.pair)
			}
		}
	}
	if j.send != "" {
		parts = append(parts, j.send)
	}
	return strings.Join(parts, "; ")
}

// recordFor returns the record of the cookie c that the standard jar sends
// to u: the one of c's name and value whose domain and path match u.
func (j *cookieJar) recordFor(u *url.URL, c *http.Cookie) *cookieRecord {
	host := strings.ToLower(u.Hostname())
	for _, r := range j.records {
		if r.name == c.Name && r.value == c.Value && domainMatch(host, r) && pathMatch(u.EscapedPath(), r.path) {
			return r
		}
	}
	return nil
}

func domainMatch(host string, r *cookieRecord) bool {
	return host == r.domain || (!r.hostOnly && strings.HasSuffix(host, "."+r.domain))
}

func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == "" {
		reqPath = "/"
	}
	return reqPath == cookiePath || (strings.HasPrefix(reqPath, cookiePath) &&
		(strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'))
}

// SetCookies takes the Set-Cookie values of a response from u.
func (j *cookieJar) SetCookies(u *url.URL, values []string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.engine {
		return
	}
	for _, v := range values {
		if c, err := http.ParseSetCookie(v); err == nil {
			j.take(u, c)
		}
	}
}

// take stores c, set by u, in the standard jar and in the records, or
// removes it when it has expired.
func (j *cookieJar) take(u *url.URL, c *http.Cookie) {
	r, ok := j.record(u, c)
	if !ok {
		return
	}
	j.std.SetCookies(u, []*http.Cookie{c})
	j.keep(r, c.MaxAge < 0 || (c.MaxAge == 0 && !c.Expires.IsZero() && !c.Expires.After(j.now())))
}

// keep adds r to the records, in place of one of the same domain, path
// and name, or removes that one when gone.
func (j *cookieJar) keep(r *cookieRecord, gone bool) {
	i := slices.IndexFunc(j.records, func(o *cookieRecord) bool {
		return o.domain == r.domain && o.path == r.path && o.name == r.name && o.hostOnly == r.hostOnly
	})
	switch {
	case gone && i >= 0:
		j.records = slices.Delete(j.records, i, i+1)
	case gone:
	case i >= 0:
		r.created = j.records[i].created // RFC 6265 §5.3 step 11.3: the old creation time
		j.records[i] = r
	default:
		j.seq++
		r.created = j.seq
		j.records = append(j.records, r)
	}
}

// record returns c's record as the standard jar would store it, or false
// where the jar refuses it: a Domain that does not domain-match u's host,
// or that is a public suffix other than the host itself.
func (j *cookieJar) record(u *url.URL, c *http.Cookie) (*cookieRecord, bool) {
	host := strings.ToLower(u.Hostname())
	r := &cookieRecord{domain: host, hostOnly: true, path: c.Path, secure: c.Secure, httpOnly: c.HttpOnly, name: c.Name, value: c.Value}
	if d := strings.ToLower(strings.TrimPrefix(c.Domain, ".")); d != "" {
		ps, _ := publicsuffix.PublicSuffix(d)
		switch {
		case net.ParseIP(host) != nil || ps == d: // an address, or a public suffix: host-only, and only the host's own
			if d != host {
				return nil, false
			}
		case d != host && !strings.HasSuffix(host, "."+d):
			return nil, false
		default:
			r.domain, r.hostOnly = d, false
		}
	}
	if r.domain == "" || strings.ContainsAny(r.domain[:1], "#.") {
		return nil, false // no host name; written to -c, "#..." would be a comment and ".." another domain
	}
	if !strings.HasPrefix(r.path, "/") {
		r.path = defaultCookiePath(u.EscapedPath())
	}
	switch {
	case c.MaxAge > 0:
		r.expires = j.now().Add(time.Duration(c.MaxAge) * time.Second).Truncate(time.Second)
	case !c.Expires.IsZero():
		r.expires = c.Expires
	}
	return r, true
}

// defaultCookiePath is RFC 6265 §5.1.4's default-path of a request path.
func defaultCookiePath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// cookieFileHeader starts a -c file, as curl 7.88 writes it.
const cookieFileHeader = "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n# This file was generated by libcurl! Edit at your own risk.\n\n"

// jarText returns the -c file: curl's header, then each cookie not
// expired, newest first, as curl writes them.
func (j *cookieJar) jarText() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var b strings.Builder
	b.WriteString(cookieFileHeader)
	now := j.now()
	for i := len(j.records) - 1; i >= 0; i-- {
		r := j.records[i]
		if !r.expires.IsZero() && !r.expires.After(now) {
			continue
		}
		domain, tail := r.domain, "FALSE"
		if !r.hostOnly {
			domain, tail = "."+domain, "TRUE"
		}
		if r.httpOnly {
			domain = "#HttpOnly_" + domain
		}
		var exp int64
		if !r.expires.IsZero() {
			exp = r.expires.Unix()
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", domain, tail, r.path, strings.ToUpper(strconv.FormatBool(r.secure)), exp, r.name, r.value)
	}
	return b.String()
}

// useCookies gives req the run's jar when o asks for cookies (-b, -c),
// and returns what to do at the end of the run: write the -c file.
func (a *app) useCookies(o *cookieOptions, req *fetch.Request) (save func()) {
	if !o.engine() && len(o.send) == 0 {
		return func() {}
	}
	j := newCookieJar(o)
	if slices.ContainsFunc(req.Fields, func(f rawhttp.Field) bool { return strings.EqualFold(f.Name, "Cookie") }) {
		j.send = "" // curl: a -H Cookie replaces the -b NAME=VALUE cookies, not the jar's
	}
	req.Cookies = j
	return func() { a.saveCookieJar(o, j) }
}

// saveCookieJar writes the -c file at the end of a run ("-": stdout). A
// file that cannot be written is a warning, as curl's, not the run's
// failure.
func (a *app) saveCookieJar(o *cookieOptions, j *cookieJar) {
	if o.jar == "" || j == nil {
		return
	}
	text := j.jarText()
	if o.jar == "-" {
		fmt.Fprint(a.stdout, text)
		return
	}
	of, err := fetch.CreateOutput(o.jar) // a temporary file renamed over the jar: never half a jar
	if err == nil {
		if _, err = io.WriteString(of.Writer(), text); err == nil {
			err = of.Commit()
		} else {
			of.Abort()
		}
	}
	if err != nil && !a.silent {
		fmt.Fprintf(a.stderr, "sockfetch: warning: failed to save cookies in %s\n", safetext.Clean(o.jar))
	}
}
