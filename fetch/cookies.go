package fetch

import (
	"net/url"
	"strings"

	"sockfetch/rawhttp"
)

// CookieJar is the cookie store of a run (curl's cookie engine: -b, -c).
// Fetch asks it for the Cookie value of every request, redirects included,
// so that the jar's rules (RFC 6265: domain, path, Secure, expiry), not
// the first URL's origin, decide where a cookie goes; and it hands it the
// Set-Cookie fields of every final (non-1xx) response head.
type CookieJar interface {
	Cookie(u *url.URL) string               // the Cookie field's value for a request to u; "" for none
	SetCookies(u *url.URL, values []string) // the Set-Cookie values of a response from u, in order
}

// cookie returns the Cookie value for a request to u, "" without a jar.
func (f *fetcher) cookie(u *url.URL) string {
	if f.req.Cookies == nil {
		return ""
	}
	return f.req.Cookies.Cookie(u)
}

// takeCookies hands the Set-Cookie fields of resp to the jar.
func (f *fetcher) takeCookies(u *url.URL, resp *rawhttp.Response) {
	if f.req.Cookies == nil {
		return
	}
	var values []string
	for _, fl := range resp.Fields {
		if strings.EqualFold(fl.Name, "Set-Cookie") {
			values = append(values, fl.Value)
		}
	}
	if len(values) > 0 {
		f.req.Cookies.SetCookies(u, values)
	}
}
