package fetch

import (
	"net/url"
	"strings"
)

// curlBadURL is curl's own words for a URL it will not parse (exit 3).
const curlBadURL = "URL using bad/illegal format or missing URL"

// hexLower are the digits of the percent-encoding curl writes: lowercase.
const hexLower = "0123456789abcdef"

// schemeLen returns the length of the scheme at the start of s when a
// colon and a slash follow it (curl's rule with a guessed scheme:
// "localhost:8080/" has none), else 0.
func schemeLen(s string) int {
	i := 0
	for i < len(s) && i < 40 && isSchemeChar(s[i], i) {
		i++
	}
	if i > 0 && strings.HasPrefix(s[i:], ":/") {
		return i
	}
	return 0
}

func isSchemeChar(c byte, i int) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		return true
	case '0' <= c && c <= '9', c == '+', c == '-', c == '.':
		return i > 0
	}
	return false
}

// fixSlashes rewrites the scheme of s in lowercase with exactly two slashes
// after it, as curl reads one to three ("http:/h/p" is host h); four or
// more are malformed. s without a scheme is returned as is.
func fixSlashes(s string) (string, error) {
	n := schemeLen(s)
	if n == 0 {
		return s, nil
	}
	rest := s[n+1:]
	slashes := len(rest) - len(strings.TrimLeft(rest, "/"))
	if slashes > 3 {
		return "", errorf(ErrBadURL, nil, "malformed URL %s: %d slashes after the scheme (%s)", quote(s), slashes, curlBadURL)
	}
	return strings.ToLower(s[:n]) + "://" + rest[slashes:], nil
}

// checkJunk refuses what curl's URL parser refuses anywhere in a URL:
// control characters, and a space unless allowSpace (curl allows one in a
// Location, which it then encodes).
func checkJunk(s string, allowSpace bool) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c == 0x7f || c == ' ' && !allowSpace {
			what := "a space"
			if c != ' ' {
				what = "a control character"
			}
			return errorf(ErrBadURL, nil, "malformed URL %s: %s at byte %d (%s)", quote(s), what, i, curlBadURL)
		}
	}
	return nil
}

// pathStart returns where the path of the absolute URL s (scheme://...)
// starts: after the authority. A reference without a scheme starts at 0.
func pathStart(s string) int {
	i := strings.Index(s, "://")
	if i < 0 || schemeLen(s) == 0 {
		return 0
	}
	i += len("://")
	if j := strings.IndexAny(s[i:], "/?#"); j >= 0 {
		return i + j
	}
	return len(s)
}

// encodePath percent-encodes the bytes above 0x7e of the path of the
// absolute URL s (its query and fragment are left as they are), as curl
// does to a URL given on the command line.
func encodePath(s string) string {
	start := pathStart(s)
	end := len(s)
	if j := strings.IndexAny(s[start:], "?#"); j >= 0 {
		end = start + j
	}
	return s[:start] + encodeHigh(s[start:end]) + s[end:]
}

// encodeLocation encodes a Location value as curl 7.88 does before it
// follows it: after the authority, each space is "%20" before the first
// '?' and "+" after it, and each byte above 0x7e is percent-encoded in
// lowercase hex. Nothing else is touched.
func encodeLocation(s string) string {
	start := pathStart(s)
	var b strings.Builder
	b.WriteString(s[:start])
	query := false
	for i := start; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' && query:
			b.WriteByte('+')
		case c == ' ':
			b.WriteString("%20")
		case c > 0x7e:
			b.WriteByte('%')
			b.WriteByte(hexLower[c>>4])
			b.WriteByte(hexLower[c&0xf])
		default:
			if c == '?' {
				query = true
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// encodeHigh percent-encodes the bytes of s above 0x7e in lowercase hex.
func encodeHigh(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c > 0x7e {
			b.WriteByte('%')
			b.WriteByte(hexLower[c>>4])
			b.WriteByte(hexLower[c&0xf])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// removeDotSegments is RFC 3986 §5.2.4's algorithm on a path as written
// (percent-encoded dots are not dots, as curl): "/a/b/../c" is "/a/c",
// and ".." never climbs above the root.
func removeDotSegments(in string) string {
	var out []string // output segments, each with its leading "/"
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			j := strings.IndexByte(in[1:], '/')
			if j < 0 {
				out = append(out, in)
				in = ""
			} else {
				out = append(out, in[:j+1])
				in = in[j+1:]
			}
		}
	}
	return strings.Join(out, "")
}

// normalizePath gives u curl's path: dot segments removed unless asIs, and
// "/" for an empty path (so "http://h?q" asks for "/?q").
func normalizePath(u *url.URL, asIs bool) {
	if u.Opaque != "" {
		return
	}
	p := u.EscapedPath()
	if !asIs {
		p = removeDotSegments(p)
	}
	if p == "" {
		p = "/"
	}
	setEscapedPath(u, p)
}

// setEscapedPath sets u's path to the percent-encoded p, keeping its
// spelling (curl's lowercase hex, "%2e") on the wire where net/url can.
func setEscapedPath(u *url.URL, p string) {
	dec, err := url.PathUnescape(p)
	if err != nil {
		dec = p
	}
	u.Path, u.RawPath = dec, p
}

// resolveLocation returns the URL a Location of a response to base points
// to, encoded as curl encodes it, its fragment dropped, its dot segments
// removed unless asIs.
func resolveLocation(base *url.URL, loc string, asIs bool) (*url.URL, error) {
	enc := encodeLocation(loc)
	if err := checkJunk(enc, false); err != nil {
		return nil, err
	}
	enc, err := fixSlashes(enc)
	if err != nil {
		return nil, err
	}
	ref, err := url.Parse(enc)
	if err != nil {
		return nil, err
	}
	var next *url.URL
	abs := ref.IsAbs() || ref.Host != ""
	switch {
	case !asIs:
		next = base.ResolveReference(ref) // RFC 3986 §5.2, dot segments removed
	case abs: // --path-as-is: the reference as it is
		next = ref
		if next.Scheme == "" {
			next.Scheme = base.Scheme
		}
	default: // --path-as-is, same host: merge the paths (§5.2.3), keep the dots
		next = new(url.URL)
		*next = *base
		next.RawQuery, next.ForceQuery = ref.RawQuery, ref.ForceQuery
		p := ref.EscapedPath()
		switch {
		case p == "":
			p = base.EscapedPath()
			if ref.RawQuery == "" && !ref.ForceQuery {
				next.RawQuery = base.RawQuery
			}
		case !strings.HasPrefix(p, "/"):
			bp := base.EscapedPath()
			p = bp[:strings.LastIndexByte(bp, '/')+1] + p
		}
		setEscapedPath(next, p)
	}
	next.Fragment, next.RawFragment = "", ""
	normalizePath(next, asIs)
	return next, nil
}
