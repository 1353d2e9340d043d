package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sockfetch/fetch"
)

// writeOutFormat returns -w's format, read from a file for "@file" ("@-"
// for standard input). Its backslash escapes are applied by writeOut.
func (a *app) writeOutFormat(s string) (string, error) {
	if name, ok := strings.CutPrefix(s, "@"); ok {
		b, err := a.readArgFile(name, "the -w format")
		if err != nil {
			return "", err
		}
		s = string(b)
	}
	return s, nil
}

// writeOut prints -w's format for one transfer.
func (a *app) writeOut(format, input string, res *fetch.Result, ferr error, code int) {
	v := writeOutVars(input, res, ferr, code)
	var w io.Writer = a.stdout
	var b strings.Builder
	flush := func() {
		io.WriteString(w, b.String())
		b.Reset()
	}
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
			if end < 0 {
				b.WriteString(format[i:])
				i = len(format)
				continue
			}
			name := format[i+2 : i+end]
			i += end
			switch name {
			case "stdout":
				flush()
				w = a.stdout
			case "stderr":
				flush()
				w = a.stderr
			case "json":
				j, _ := json.Marshal(v)
				b.Write(j)
			default:
				val, ok := v[name]
				if !ok {
					fmt.Fprintf(a.stderr, "sockfetch: warning: unknown --write-out variable: '%s'\n", name)
					continue
				}
				b.WriteString(plain(name, val))
			}
		case ch == '%' && strings.HasPrefix(format[i:], "%header{"):
			end := strings.IndexByte(format[i:], '}')
			if end < 0 {
				b.WriteString(format[i:])
				i = len(format)
				continue
			}
			name := format[i+len("%header{") : i+end]
			i += end
			if res != nil && res.Response != nil {
				b.WriteString(strings.Join(res.Response.Values(name), ", "))
			}
		default:
			b.WriteByte(ch)
		}
	}
	flush()
}

// plain formats one variable for -w as curl does.
func plain(name string, val any) string {
	switch x := val.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', 6, 64)
	case int:
		if name == "http_code" || name == "response_code" {
			return fmt.Sprintf("%03d", x)
		}
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(val)
}

// writeOutVars returns the -w variables, with the types %{json} gives them
// (curl's: numbers for codes, sizes and times, null for no error).
func writeOutVars(input string, res *fetch.Result, ferr error, code int) map[string]any {
	if res == nil {
		res = &fetch.Result{}
	}
	secs := func(d time.Duration) float64 { return d.Seconds() }
	t := res.Timings
	var errmsg any
	if ferr != nil {
		errmsg = ferr.Error()
	}
	var ctype, referer any // null in %{json} when there is none, as curl
	if res.Referer != "" {
		referer = res.Referer
	}
	version, scheme := "", ""
	if res.Response != nil {
		if ct := res.Response.Get("Content-Type"); ct != "" {
			ctype = ct
		}
		version = fmt.Sprintf("%d", res.Response.Major)
		if res.Response.Major == 1 {
			version = fmt.Sprintf("%d.%d", res.Response.Major, res.Response.Minor)
		}
	}
	if i := strings.Index(res.URL, "://"); i > 0 {
		scheme = strings.ToLower(res.URL[:i])
	}
	speed := int64(0)
	if t.Total > 0 {
		speed = int64(float64(res.BodySize) / t.Total.Seconds())
	}
	return map[string]any{
		"http_code":          res.Status,
		"response_code":      res.Status,
		"http_version":       version,
		"time_namelookup":    secs(t.NameLookup),
		"time_connect":       secs(t.Connect),
		"time_proxyconnect":  secs(t.ProxyConnect),
		"time_appconnect":    secs(t.AppConnect),
		"time_pretransfer":   secs(t.PreTransfer),
		"time_starttransfer": secs(t.StartTransfer),
		"time_total":         secs(t.Total),
		"size_download":      res.BodySize,
		"size_header":        res.HeadSize,
		"size_request":       res.RequestSize,
		"size_upload":        res.UploadSize,
		"speed_download":     speed,
		"remote_ip":          res.RemoteIP,
		"remote_port":        res.RemotePort,
		"local_ip":           res.LocalIP,
		"local_port":         res.LocalPort,
		"url":                input,
		"url_effective":      res.URL,
		"num_redirects":      res.Redirects,
		"num_connects":       res.Connects,
		"method":             res.Method,
		"referer":            referer,
		"scheme":             scheme,
		"content_type":       ctype,
		"exitcode":           code,
		"errormsg":           errmsg,
	}
}
