package cli

import (
	"strings"

	"sockfetch/fetch"
	"sockfetch/rawhttp"
)

// userHeaders turns the -H arguments into the fields to send and the
// defaults to remove, as curl reads them: "Name: value" sends a field,
// "Name:" (nothing but spaces after the colon) removes the default of that
// name, "Name;" sends "Name:" with an empty value, and "@FILE" reads one
// header a line from FILE ("-" for standard input; LF or CR LF, blank lines
// skipped). Anything else is a usage error (curl drops it silently).
func (a *app) userHeaders(args []string) ([]rawhttp.Field, []string, error) {
	var (
		fields []rawhttp.Field
		remove []string
	)
	var add func(h string, fromFile bool) error
	add = func(h string, fromFile bool) error {
		if name, ok := strings.CutPrefix(h, "@"); ok && !fromFile {
			b, err := a.readArgFile(name, "headers")
			if err != nil {
				return err
			}
			for _, line := range strings.Split(string(b), "\n") {
				line = strings.TrimSuffix(line, "\r")
				if strings.TrimSpace(line) == "" {
					continue
				}
				if err := add(line, true); err != nil {
					return err
				}
			}
			return nil
		}
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			n, rest, semi := strings.Cut(h, ";")
			if !semi || strings.TrimSpace(rest) != "" || strings.TrimSpace(n) == "" {
				return usageErr("-H %q: a header is 'Name: value' ('Name:' removes a default, 'Name;' sends it empty)", h)
			}
			fields = append(fields, rawhttp.Field{Name: strings.TrimSpace(n)})
			return nil
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case name == "":
			return usageErr("-H %q: a header is 'Name: value' ('Name:' removes a default, 'Name;' sends it empty)", h)
		case value == "":
			remove = append(remove, name)
		default:
			fields = append(fields, rawhttp.Field{Name: name, Value: value})
		}
		return nil
	}
	for _, h := range args {
		if err := add(h, false); err != nil {
			return nil, nil, err
		}
	}
	return fields, remove, nil
}

// autoRefererSuffix ends an -e value that asks for the previous URL as the
// Referer of each redirect.
const autoRefererSuffix = ";auto"

// setReferer sets r's Referer from -e: "URL", "URL;auto" or ";auto".
func setReferer(r *fetch.Request, e string) {
	if v, ok := strings.CutSuffix(e, autoRefererSuffix); ok {
		r.AutoReferer = true
		e = v
	}
	r.Referer = e
}
