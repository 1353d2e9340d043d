package cli

import (
	"bytes"
	"strings"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/rawhttp"
)

// bodyKind is which option gave a piece of the request body.
type bodyKind int

const (
	bodyData       bodyKind = iota // -d, --data, --data-ascii: @file read with CR and LF dropped
	bodyBinary                     // --data-binary: @file read as is
	bodyRaw                        // --data-raw: no @file
	bodyURLEncode                  // --data-urlencode: [name]=content, [name]@file, content
	bodyJSON                       // --json: @file read as is, joined without '&'
	bodyForm                       // -F: a multipart part, @file and <file read
	bodyFormString                 // --form-string: a multipart part, taken as is
)

// bodyArg is one body option as given, in command-line order.
type bodyArg struct {
	kind  bodyKind
	value string
}

// bodyArgs collects the body options of one command line in the order
// given: curl joins -d, --data-binary, --data-urlencode and --json in that
// order, which one string slice per option would lose. Every body flag of
// an app shares one bodyArgs, as the flag.Value of a generic flag.
type bodyArgs struct{ list []bodyArg }

// bodyValue is one body option's flag.Value: it adds to the shared list.
type bodyValue struct {
	kind bodyKind
	args *bodyArgs
}

func (v *bodyValue) Set(s string) error {
	if s != bodyCopyMark {
		v.args.list = append(v.args.list, bodyArg{v.kind, s})
	}
	return nil
}

func (v *bodyValue) String() string { return "" }

// bodyCopyMark is what Serialize gives urfave/cli, which sets a flag's
// value again under each alias after parsing (-d after --data): Set
// ignores it, so each option given counts once.
const bodyCopyMark = "\x00sockfetch-body-copy"

func (v *bodyValue) Serialize() string { return bodyCopyMark }

// bodyFlag is a body option: a generic flag answering Names from a slice
// made once, as cheapNames does for the other kinds.
type bodyFlag struct {
	*cli.GenericFlag
	names []string
}

func (f *bodyFlag) Names() []string { return f.names }

// bodyFlags returns the request-body options, all sharing one list.
func bodyFlags() []cli.Flag {
	args := &bodyArgs{}
	flag := func(kind bodyKind, name, alias, usage string) cli.Flag {
		f := &cli.GenericFlag{Name: name, Usage: usage, Value: &bodyValue{kind, args}}
		names := []string{name}
		if alias != "" {
			f.Aliases = []string{alias}
			names = append(names, alias)
		}
		return &bodyFlag{f, names}
	}
	return []cli.Flag{
		flag(bodyData, "data", "d", "POST `DATA` form-encoded (@file reads a file, dropping CR and LF; @- stdin); several are joined with &"),
		flag(bodyData, "data-ascii", "", "POST `DATA`, the same as -d"),
		flag(bodyBinary, "data-binary", "", "POST `DATA` exactly as given (@file reads a file as is)"),
		flag(bodyRaw, "data-raw", "", "POST `DATA` like -d, without @file"),
		flag(bodyURLEncode, "data-urlencode", "", "POST `DATA` URL-encoded: content, =content, name=content, @file, name@file"),
		flag(bodyJSON, "json", "", "POST `JSON` (@file, @- stdin) with Content-Type and Accept application/json; several are joined as they are"),
		flag(bodyForm, "form", "F", "send multipart/form-data `NAME=VALUE` (@file attaches a file, <file sends its contents; ;type=, ;filename=)"),
		flag(bodyFormString, "form-string", "", "send the multipart/form-data field `NAME=STRING` as it is (no @ or <)"),
	}
}

// bodyArgsOf returns the body options of c in command-line order.
func bodyArgsOf(c *cli.Context) []bodyArg {
	if v, ok := c.Generic("data").(*bodyValue); ok {
		return v.args.list
	}
	return nil
}

// isForm reports whether the kind is a multipart part (-F, --form-string).
func (k bodyKind) isForm() bool { return k == bodyForm || k == bodyFormString }

// dataOf returns the -d family's arguments (all but -F and --form-string).
func dataOf(args []bodyArg) []bodyArg {
	var out []bodyArg
	for _, a := range args {
		if !a.kind.isForm() {
			out = append(out, a)
		}
	}
	return out
}

// formOf returns the -F and --form-string arguments.
func formOf(args []bodyArg) []bodyArg {
	var out []bodyArg
	for _, a := range args {
		if a.kind.isForm() {
			out = append(out, a)
		}
	}
	return out
}

// hasJSON reports whether --json is among args.
func hasJSON(args []bodyArg) bool {
	for _, a := range args {
		if a.kind == bodyJSON {
			return true
		}
	}
	return false
}

// data returns the body the -d family gives, as curl builds it: each piece
// in command-line order, joined with '&' but for a --json piece, which is
// joined to what precedes it as it is. It returns nil when none is given
// (and a non-nil empty body for -d ”).
func (a *app) data(args []bodyArg) ([]byte, error) {
	if len(args) == 0 {
		return nil, nil
	}
	body := []byte{}
	for i, arg := range args {
		b, err := a.dataPiece(arg)
		if err != nil {
			return nil, err
		}
		if i > 0 && arg.kind != bodyJSON {
			body = append(body, '&')
		}
		body = append(body, b...)
	}
	return body, nil
}

// dataPiece returns one piece of the -d family's body.
func (a *app) dataPiece(arg bodyArg) ([]byte, error) {
	v := arg.value
	switch arg.kind {
	case bodyRaw:
		return []byte(v), nil
	case bodyURLEncode:
		return a.urlEncodePiece(v)
	}
	name, ok := strings.CutPrefix(v, "@")
	if !ok {
		return []byte(v), nil
	}
	b, err := a.readArgFile(name, "data")
	if err != nil {
		return nil, err
	}
	if arg.kind == bodyData {
		b = stripCRLF(b)
	}
	return b, nil
}

// stripCRLF drops every CR and LF of b, as curl's -d @file does.
func stripCRLF(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r"), nil), []byte("\n"), nil)
}

// urlEncodePiece is one --data-urlencode argument, read as curl 7.88 reads
// it: up to the first '=' (or, without one, the first '@') is the name,
// sent as it is; after '=' the content, after '@' the file (- for stdin)
// whose bytes are the content; with neither, the whole is the content.
// The content is URL-encoded, a space as '+'.
func (a *app) urlEncodePiece(v string) ([]byte, error) {
	i := strings.IndexByte(v, '=')
	if i < 0 {
		i = strings.IndexByte(v, '@')
	}
	name, content := "", v
	if i >= 0 {
		name, content = v[:i], v[i+1:]
		if v[i] == '@' {
			b, err := a.readArgFile(content, "data")
			if err != nil {
				return nil, err
			}
			content = string(b)
		}
	}
	enc := formEscape(content)
	if name == "" {
		return []byte(enc), nil
	}
	return []byte(name + "=" + enc), nil
}

// formEscape percent-encodes every byte of s but ALPHA, DIGIT, '-', '.',
// '_' and '~' (curl_easy_escape, upper-case hex), and a space as '+', as
// curl's --data-urlencode does.
func formEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// withQuery returns the URL raw with data added to its query, as curl's -G
// does: after the query with '&', or as the query when there is none (or
// it is empty); a fragment stays at the end.
func withQuery(raw string, data []byte) string {
	base, frag, hasFrag := strings.Cut(raw, "#")
	switch {
	case strings.HasSuffix(base, "?"):
		base += string(data)
	case strings.Contains(base, "?"):
		base += "&" + string(data)
	default:
		base += "?" + string(data)
	}
	if hasFrag {
		return base + "#" + frag
	}
	return base
}

// jsonFields adds --json's Content-Type and Accept after the user's fields,
// each unless the user's -H names it (to send, replace or remove it), as
// curl 7.88 does.
func jsonFields(fields []rawhttp.Field, remove []string) []rawhttp.Field {
	for _, name := range []string{"Content-Type", "Accept"} {
		named := false
		for _, f := range fields {
			named = named || strings.EqualFold(f.Name, name)
		}
		for _, r := range remove {
			named = named || strings.EqualFold(r, name)
		}
		if !named {
			fields = append(fields, rawhttp.Field{Name: name, Value: "application/json"})
		}
	}
	return fields
}

// withBodyFlags puts the request-body options (bodyFlags, -G, -T) after -H
// in flags.
func withBodyFlags(flags []cli.Flag) []cli.Flag {
	mine := append(bodyFlags(),
		&cli.BoolFlag{Name: "get", Aliases: []string{"G"}, Usage: "send the -d data in the URL's query with GET (or -I's HEAD)"},
		&cli.StringFlag{Name: "upload-file", Aliases: []string{"T"}, Usage: "PUT `FILE` (- stdin, sent chunked) to the URL, or to URL/FILE when the URL ends in /"},
	)
	for i, f := range flags {
		if f.Names()[0] == "header" {
			return append(flags[:i+1:i+1], append(mine, flags[i+1:]...)...)
		}
	}
	return append(flags, mine...)
}

// bodyOptions are the request-body options, in command-line order.
type bodyOptions struct {
	args   []bodyArg // -d, --data-*, --json, -F, --form-string in order
	get    bool      // -G
	upload string    // -T FILE; "" for none
}

// readBodyOptions reads the body options from c.
func readBodyOptions(c *cli.Context) bodyOptions {
	return bodyOptions{args: bodyArgsOf(c), get: c.Bool("get"), upload: c.String("upload-file")}
}

// requestBody sets r's body, method and body fields from the body options:
// the -d family's data (in the query with -G), --json's fields, -F's
// multipart body or -T's upload. It runs after the user's -H are in r.
func (a *app) requestBody(r *fetch.Request, o *options) error {
	b := &o.request.body
	data := dataOf(b.args)
	form := formOf(b.args)
	switch {
	case len(data) > 0 && len(form) > 0:
		return usageErr("-d (and --data-*, --json) and -F cannot be used together: a request has one body")
	case b.upload != "" && (len(data) > 0 && !b.get || len(form) > 0):
		return usageErr("-T and -d or -F cannot be used together: a request has one body")
	case b.get && len(form) > 0:
		return usageErr("-G and -F cannot be used together: -G puts -d data in the URL")
	}
	body, err := a.data(data)
	if err != nil {
		return err
	}
	if hasJSON(data) {
		r.Fields = jsonFields(r.Fields, r.Remove)
	}
	switch {
	case b.get:
		if body != nil {
			a.getQuery = body
		}
		if r.Method == "" && b.upload == "" {
			r.Method = "GET"
		}
	case body != nil:
		r.Body = body
		bigData(r)
		if !hasJSON(data) {
			r.ContentType = "application/x-www-form-urlencoded"
		}
	}
	if len(form) > 0 {
		return a.formBody(r, form)
	}
	if b.upload != "" {
		return a.uploadBody(r, b.upload)
	}
	return nil
}

// withGetQuery adds -T's file name and -G's data to the URL.
func (a *app) withGetQuery(u string) string {
	u = withUploadName(u, a.uploadName)
	if a.getQuery == nil {
		return u
	}
	return withQuery(u, a.getQuery)
}
