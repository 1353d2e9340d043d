package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sockfetch/fetch"
	"sockfetch/internal/safetext"
)

// writeOutFormat returns -w's format, read from a file for "@file" ("@-"
// for standard input). Its backslash escapes are applied by writeOut.
func (a *app) writeOutFormat(s string) (string, error) {
	if name, ok := strings.CutPrefix(s, "@"); ok {
		b, err := a.readArgFile(name, "the -w format")
		if err != nil {
			return "", err
		}
		s = joinLines(b)
	}
	return s, nil
}

// joinLines returns a -w file's lines joined, as curl 7.88 reads it: each
// line ends at its first CR or LF, and the line ends are dropped (a new
// line in the output is written \n).
func joinLines(b []byte) string {
	var out strings.Builder
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if i := strings.IndexAny(line, "\r\n"); i >= 0 {
			line = line[:i]
		}
		out.WriteString(line)
	}
	return out.String()
}

// transfer is what -w reports on: one URL's fetch.
type transfer struct {
	input    string // the URL as given (url)
	urlnum   int    // its index among the URLs, from 0 (urlnum)
	filename string // the file the body went to; "" for stdout (filename_effective)
	referer  string // -e's value (referer)
	res      *fetch.Result
	err      error
	code     int // the exit status (exitcode)
}

// writeOut prints -w's format for one transfer, as curl 7.88 does: a
// variable's name is case-insensitive, an unknown one is warned about and
// left out, %{onerror} drops the rest of the format unless the transfer
// failed, and %{stderr} and %{stdout} switch the stream.
func (a *app) writeOut(format string, tr *transfer) {
	vars := writeOutVars(tr)
	var w io.Writer = a.stdout
	var b strings.Builder
	flush := func() {
		io.WriteString(w, b.String())
		b.Reset()
	}
	defer flush()
	for i := 0; i < len(format); i++ {
		ch := format[i]
		switch {
		case ch == '\\' && i+1 < len(format):
			i++
			switch format[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\':
				b.WriteByte('\\')
			default:
				b.WriteByte('\\')
				b.WriteByte(format[i])
			}
		case ch == '%' && i+1 < len(format) && format[i+1] == '%':
			b.WriteByte('%')
			i++
		case ch == '%' && strings.HasPrefix(format[i:], "%{"):
			end := strings.IndexByte(format[i:], '}')
			if end < 0 { // not a variable: as curl, "%{" is text and the rest is read on
				b.WriteString("%{")
				i++
				continue
			}
			name := strings.ToLower(format[i+2 : i+end])
			i += end
			switch name {
			case "stdout":
				flush()
				w = a.stdout
			case "stderr":
				flush()
				w = a.stderr
			case "onerror":
				if tr.code == 0 {
					return
				}
			case "json":
				b.WriteString(writeOutJSON(vars))
			case "header_json":
				b.WriteString(headerJSON(tr.res))
			default:
				v, ok := lookupVar(vars, name)
				if !ok {
					fmt.Fprintf(a.stderr, "sockfetch: unknown --write-out variable: '%s'\n", name)
					continue
				}
				b.WriteString(plain(v))
			}
		case ch == '%' && strings.HasPrefix(format[i:], "%header{"):
			end := strings.IndexByte(format[i:], '}')
			if end < 0 {
				b.WriteString("%header{")
				i += len("%header{") - 1
				continue
			}
			name := format[i+len("%header{") : i+end]
			i += end
			// curl 7.88 writes the first field of that name alone
			// (curl_easy_header's index 0), as received.
			if tr.res != nil && tr.res.Response != nil {
				if vs := tr.res.Response.Values(name); len(vs) > 0 {
					b.WriteString(vs[0])
				}
			}
		default:
			b.WriteByte(ch)
		}
	}
}

// woVar is one -w variable and its value, typed as %{json} gives it:
// string, int, int64, seconds (a time), code (a status code, three digits
// in plain text) or nil (JSON null, nothing in plain text).
type woVar struct {
	name string
	val  any
}

// seconds is a time, which curl writes with six decimals.
type seconds float64

// code is a status code, which curl writes with three digits in plain text.
type code int

// plain formats a value for -w as curl does.
func plain(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case seconds:
		return strconv.FormatFloat(float64(x), 'f', 6, 64)
	case code:
		return fmt.Sprintf("%03d", int(x))
	}
	return fmt.Sprint(v)
}

// lookupVar returns the variable named name (lowercase).
func lookupVar(vars []woVar, name string) (any, bool) {
	for _, v := range vars {
		if v.name == name {
			return v.val, true
		}
	}
	return nil, false
}

// writeOutJSON returns %{json}: every variable, in curl's order, with
// curl's types (times with six decimals, codes as numbers), then
// curl_version, which curl writes in %{json} alone.
func writeOutJSON(vars []woVar) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range vars {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonString(v.name))
		b.WriteByte(':')
		switch x := v.val.(type) {
		case nil:
			b.WriteString("null")
		case string:
			b.WriteString(jsonString(x))
		case seconds:
			b.WriteString(strconv.FormatFloat(float64(x), 'f', 6, 64))
		default:
			b.WriteString(fmt.Sprint(x))
		}
	}
	b.WriteString(`,"curl_version":`)
	b.WriteString(jsonString("sockfetch/" + version))
	b.WriteByte('}')
	return b.String()
}

// jsonString quotes s for JSON. Unlike curl 7.88, which writes a control
// byte as "u0001" and a byte over 0x7f as "uffffffc3" (no backslash, sign
// extended), it writes valid JSON: \u0001, and UTF-8 as it is (a byte that
// is not UTF-8 becomes U+FFFD).
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// headerJSON returns %{header_json} as curl 7.88 writes it: the last
// response's fields, names in lowercase in the order of their first
// appearance, each with the list of its values, one name per line.
func headerJSON(res *fetch.Result) string {
	var b strings.Builder
	b.WriteString("{")
	if res != nil && res.Response != nil {
		var names []string
		values := map[string][]string{}
		for _, f := range res.Response.Fields {
			n := strings.ToLower(f.Name)
			if _, ok := values[n]; !ok {
				names = append(names, n)
			}
			values[n] = append(values[n], f.Value)
		}
		for i, n := range names {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(jsonString(n) + ":[")
			for k, v := range values[n] {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteString(jsonString(v))
			}
			b.WriteByte(']')
		}
	}
	b.WriteString("\n}")
	return b.String()
}

// writeOutVars returns the -w variables of curl 7.88 in its order (that of
// %{json}), plus time_proxyconnect, sockfetch's own.
func writeOutVars(tr *transfer) []woVar {
	res := tr.res
	if res == nil {
		res = &fetch.Result{}
	}
	secs := func(d time.Duration) seconds { return seconds(d.Seconds()) }
	t := res.Timings
	var errmsg any
	if tr.err != nil {
		// The message may quote a server (a certificate's names): it is
		// sockfetch's own line, so it follows the one escaping rule.
		errmsg = safetext.Clean(curlMessage(tr.err.Error()))
	}
	var ctype, redirect, filename, referer, scheme any
	version := "0" // curl's, when no response came
	numHeaders := 0
	if r := res.Response; r != nil {
		if ct := r.Get("Content-Type"); ct != "" {
			ctype = ct
		}
		version = "1.1"
		if r.Minor == 0 {
			version = "1" // curl 7.88's name for HTTP/1.0
		}
		numHeaders = len(r.Fields)
		redirect = redirectURL(res)
	}
	if tr.filename != "" && tr.filename != "-" {
		filename = tr.filename
	}
	if res.Referer != "" { // the Referer of the last request (;auto sets it per hop)
		referer = res.Referer
	} else if e := strings.TrimSuffix(tr.referer, ";auto"); e != "" {
		referer = e
	}
	// curl names the scheme of the connection made, in capitals; none
	// when no connection was made.
	if i := strings.Index(res.URL, "://"); i > 0 && res.Connects > 0 {
		scheme = strings.ToUpper(res.URL[:i])
	}
	perSec := func(n int64) int64 {
		if t.Total <= 0 {
			return 0
		}
		return int64(float64(n) / t.Total.Seconds())
	}
	return []woVar{
		// certs and num_certs: curl 7.88 gives "" and 0 for http; the
		// certificate chain of https is not reported (yet).
		{"certs", ""},
		{"content_type", ctype},
		{"errormsg", errmsg},
		{"exitcode", tr.code},
		{"filename_effective", filename},
		{"ftp_entry_path", nil}, // no FTP: curl's null for http
		{"http_code", code(res.Status)},
		{"http_connect", code(0)}, // no HTTP proxy, so no CONNECT: curl's 0
		{"http_version", version},
		{"local_ip", res.LocalIP},
		{"local_port", res.LocalPort},
		{"method", res.Method},
		{"num_certs", 0},
		{"num_connects", res.Connects},
		{"num_headers", numHeaders},
		{"num_redirects", res.Redirects},
		{"proxy_ssl_verify_result", 0}, // no HTTPS proxy: curl's 0
		{"redirect_url", redirect},
		{"referer", referer},
		{"remote_ip", res.RemoteIP},
		{"remote_port", res.RemotePort},
		{"response_code", code(res.Status)},
		{"scheme", scheme},
		{"size_download", res.BodySize},
		{"size_header", res.HeadSize},
		{"size_request", res.RequestSize},
		{"size_upload", res.UploadSize},
		{"speed_download", perSec(res.BodySize)},
		{"speed_upload", perSec(res.UploadSize)},
		// ssl_verify_result: a certificate that does not verify fails
		// the fetch (exit 60) and -k does not verify at all, so what
		// -w can see is curl's 0 (success).
		{"ssl_verify_result", 0},
		{"time_appconnect", secs(t.AppConnect)},
		{"time_connect", secs(t.Connect)},
		{"time_namelookup", secs(t.NameLookup)},
		{"time_pretransfer", secs(t.PreTransfer)},
		{"time_proxyconnect", secs(t.ProxyConnect)}, // sockfetch's own (README)
		{"time_redirect", secs(res.Redirect)},
		{"time_starttransfer", secs(t.StartTransfer)},
		{"time_total", secs(t.Total)},
		{"url", tr.input},
		{"url_effective", res.URL},
		{"urlnum", tr.urlnum},
	}
}

// redirectURL returns where the last response, a redirect not followed
// (no -L, or --max-redirs reached), points, resolved as curl does (its
// fragment kept), or nil.
func redirectURL(res *fetch.Result) any {
	r := res.Response
	loc := r.Get("Location")
	if r.Status < 300 || r.Status > 399 || loc == "" {
		return nil
	}
	base, err := url.Parse(res.URL)
	if err != nil {
		return nil
	}
	u, err := base.Parse(loc)
	if err != nil {
		return nil
	}
	return u.String()
}

// curlMessage returns an error message as curl writes its own in
// %{errormsg}: with a capital first letter ("The requested URL returned
// error: 404"). On stderr sockfetch's messages stay in lowercase.
func curlMessage(s string) string {
	if s != "" && 'a' <= s[0] && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
