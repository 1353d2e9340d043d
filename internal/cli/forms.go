package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sockfetch/fetch"
)

// formPart is one -F or --form-string argument, parsed.
type formPart struct {
	name     string
	value    string   // the field's text; with file or contents, the file's name
	file     bool     // name=@file: the file attached, with a filename
	contents bool     // name=<file: the file's bytes as the field's text
	ctype    string   // ;type=
	filename string   // ;filename=; hasName says it was given
	hasName  bool     // ;filename= given
	headers  []string // ;headers=
}

// errFormSpec is a -F argument curl would call "badly used".
var errFormSpec = errors.New("want NAME=VALUE, NAME=@FILE or NAME=<FILE")

// errFormType is an empty ;type=, which curl calls "badly used" too.
var errFormType = errors.New("an empty ;type=")

// formSpaces are the bytes curl skips around -F's words (isspace).
const formSpaces = " \t\r\n\v\f"

// parseFormSpec parses a -F argument as curl 7.88 reads it: the name up
// to the first '='; then @FILE (attached) or <FILE (its bytes as the
// text) or the text; each a word that is either "quoted" (with \" and \\)
// or ends at ';'; then ;type=, ;filename= and ;headers= words (others are
// skipped, as curl skips them). literal (--form-string) takes the rest
// after '=' as it is.
func parseFormSpec(s string, literal bool) (formPart, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok {
		return formPart{}, errFormSpec
	}
	p := formPart{name: name}
	if literal {
		p.value = rest
		return p, nil
	}
	switch {
	case strings.HasPrefix(rest, "@"):
		p.file, rest = true, rest[1:]
	case strings.HasPrefix(rest, "<"):
		p.contents, rest = true, rest[1:]
	}
	p.value, rest = formWord(rest)
	// ;type= runs on over the ;words after it that are not filename=,
	// headers= or encoder= (curl keeps them in the type, as written), up
	// to the last byte not a space: typeAt and typeEnd are offsets in s
	// while it runs.
	typeAt, typeEnd := 0, -1
	at := func() int { return len(s) - len(rest) }
	for strings.HasPrefix(rest, ";") {
		rest = strings.TrimLeft(rest[1:], formSpaces)
		key, after, _ := strings.Cut(rest, "=")
		switch key = strings.ToLower(key); {
		case key == "type" && typeEnd < 0:
			rest = strings.TrimLeft(after, formSpaces)
			typeAt = at()
			fallthrough
		case typeEnd >= 0 && key != "filename" && key != "headers" && key != "encoder":
			seg, _, _ := strings.Cut(rest, ";")
			typeEnd = at() + len(strings.TrimRight(seg, formSpaces))
			rest = rest[len(seg):]
			if typeAt == typeEnd {
				return formPart{}, errFormType
			}
			continue
		}
		if typeEnd >= 0 {
			p.ctype, typeEnd = s[typeAt:typeEnd], -1
		}
		var w string
		switch key {
		case "filename", "headers", "encoder":
			w, rest = formWord(after)
		default:
			_, rest = formWord(rest) // unknown: skipped
			continue
		}
		switch key {
		case "filename":
			p.filename, p.hasName = w, true
		case "headers":
			p.headers = append(p.headers, w)
		}
	}
	if typeEnd >= 0 {
		p.ctype = s[typeAt:typeEnd]
	}
	if (p.file || p.contents) && p.value == "" {
		return formPart{}, errFormSpec
	}
	return p, nil
}

// formWord returns the word at the start of s and what follows it: a
// "quoted" word without its quotes (\ escapes the next byte), or the
// bytes up to ';'.
func formWord(s string) (word, rest string) {
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			case c == '"':
				rest := s[i+1:]
				if j := strings.IndexByte(rest, ';'); j >= 0 {
					rest = rest[j:]
				} else {
					rest = ""
				}
				return b.String(), rest
			default:
				b.WriteByte(c)
			}
		}
		// No closing quote: taken as it is, as curl does.
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// curlTypes is curl's table of file name extensions to Content-Type for
// -F name=@file (lib/mime.c); any other file is application/octet-stream.
var curlTypes = map[string]string{
	".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
	".svg": "image/svg+xml", ".txt": "text/plain", ".htm": "text/html", ".html": "text/html",
	".pdf": "application/pdf", ".xml": "application/xml",
}

// formQuote escapes a name or filename for Content-Disposition as curl
// 7.88 does: '"' as %22, CR as %0D, LF as %0A.
func formQuote(s string) string {
	return strings.NewReplacer(`"`, "%22", "\r", "%0D", "\n", "%0A").Replace(s)
}

// formSegment is a piece of the multipart body: bytes, or a file's bytes
// read as they are sent.
type formSegment struct {
	data []byte
	file string // "" for data
	size int64
}

// formBoundary is a boundary as curl 7.88 makes one: 24 dashes and 16
// random hexadecimal digits.
func formBoundary() string {
	b := make([]byte, 8)
	rand.Read(b)
	return strings.Repeat("-", 24) + hex.EncodeToString(b)
}

// formBody sets r's body to the multipart/form-data of the -F and
// --form-string arguments, written as curl writes it. Attached files are
// read as the body is sent, so their size never sets the memory used; a
// file that cannot be read is exit 26 before anything connects.
func (a *app) formBody(r *fetch.Request, form []bodyArg) error {
	// Written by hand, not with mime/multipart: its part headers come in
	// sorted order and canonical case, curl's in its own order as given.
	var buf bytes.Buffer
	boundary := formBoundary()
	var segs []formSegment
	cut := func() {
		if buf.Len() > 0 {
			segs = append(segs, formSegment{data: bytes.Clone(buf.Bytes())})
			buf.Reset()
		}
	}
	for i, arg := range form {
		p, err := parseFormSpec(arg.value, arg.kind == bodyFormString)
		if err != nil {
			return usageErr("-F %q: %v", arg.value, err)
		}
		if i > 0 {
			buf.WriteString("\r\n")
		}
		buf.WriteString("--" + boundary + "\r\n")
		disp := `form-data; name="` + formQuote(p.name) + `"`
		filename := p.filename
		if p.file && !p.hasName {
			filename = filepath.Base(p.value)
		}
		if p.file || p.hasName {
			disp += `; filename="` + formQuote(filename) + `"`
		}
		buf.WriteString("Content-Disposition: " + disp + "\r\n")
		// Without ;type= (nor a Content-Type in ;headers=), curl guesses
		// the type from an attached file's path (application/octet-stream
		// when its table does not know it), or from the ;filename= of a
		// text; stdin is read whole and sent without one.
		ctype := p.ctype
		stdin := p.file && p.value == "-"
		userType := -1 // the ;headers= Content-Type taken as the type, as curl writes it
		if ctype == "" {
			userType = contentTypeLine(p.headers)
		}
		if userType >= 0 {
			_, v, _ := strings.Cut(p.headers[userType], ":")
			ctype = strings.TrimLeft(v, " \t") // trailing spaces kept, as curl
		}
		if ctype == "" && userType < 0 {
			switch {
			case p.file && !stdin:
				ctype = "application/octet-stream"
				if t, ok := curlTypes[strings.ToLower(filepath.Ext(p.value))]; ok {
					ctype = t
				}
			case !p.file && p.hasName:
				ctype = curlTypes[strings.ToLower(filepath.Ext(p.filename))]
			}
		}
		if ctype != "" {
			if strings.ContainsAny(ctype, "\r\n") {
				return usageErr("-F %q: type=%q: CR or LF in a type", arg.value, ctype)
			}
			buf.WriteString("Content-Type: " + ctype + "\r\n")
		}
		for i, line := range p.headers {
			if i == userType {
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.ContainsAny(line, "\r\n") {
				return usageErr("-F %q: headers=%q: want 'Name: value'", arg.value, line)
			}
			buf.WriteString(strings.TrimSpace(k) + ": " + strings.TrimSpace(v) + "\r\n")
		}
		buf.WriteString("\r\n")
		pw := &buf
		switch {
		case stdin:
			b, err := a.readArgFile("-", "form data")
			if err != nil {
				return err
			}
			pw.Write(b)
		case p.file:
			size, err := a.formFile(p.value)
			if err != nil {
				return err
			}
			cut()
			segs = append(segs, formSegment{file: p.value, size: size})
		case p.contents:
			b, err := a.readArgFile(p.value, "form data")
			if err != nil {
				return err
			}
			pw.Write(b)
		default:
			io.WriteString(pw, p.value)
		}
	}
	buf.WriteString("\r\n--" + boundary + "--\r\n")
	cut()
	r.ContentType = "multipart/form-data; boundary=" + boundary
	if r.Method == "" {
		r.Method = "POST"
	}
	// Always streamed, as curl sends a form: %{size_request} counts the
	// head only, and the whole body is %{size_upload}.
	// A file of unknown size (a pipe, /dev/stdin) makes the whole body
	// chunked, after Expect: 100-continue, as curl sends it.
	var size int64
	for _, s := range segs {
		if s.size < 0 {
			size = -1
			break
		}
		size += int64(len(s.data)) + s.size
	}
	if size < 0 && r.HTTP10 {
		return &fetch.Error{Kind: errUploadFailed, Msg: "cannot send a form with a file of unknown size with -0: it needs chunked encoding, which HTTP/1.0 lacks"}
	}
	r.Upload = &fetch.Upload{Size: size, Open: func() (io.ReadCloser, error) { return openSegments(segs) }}
	r.Expect = size < 0 || size > expectThreshold
	return nil
}

// contentTypeLine returns the index of the first ;headers= line that is
// a Content-Type, or -1.
func contentTypeLine(headers []string) int {
	for i, h := range headers {
		if k, _, ok := strings.Cut(h, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Type") {
			return i
		}
	}
	return -1
}

// formFile checks that an attached file can be read and returns its size:
// -1 for a file that is not a regular one (a pipe, /dev/stdin), read to
// its end as it is sent.
func (a *app) formFile(name string) (int64, error) {
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		err = errors.New("is a directory")
	}
	if err != nil {
		return 0, &fetch.Error{Kind: fetch.ErrReadFile, Msg: fmt.Sprintf("cannot read form file %s: %v", name, pathReason(err)), Cause: err}
	}
	if !fi.Mode().IsRegular() {
		return -1, nil
	}
	return fi.Size(), nil
}

// openSegments returns the multipart body: its bytes, each file opened in
// turn as the body reaches it.
func openSegments(segs []formSegment) (io.ReadCloser, error) {
	var rs []io.Reader
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	for _, s := range segs {
		if s.file == "" {
			rs = append(rs, bytes.NewReader(s.data))
			continue
		}
		f, err := os.Open(s.file)
		if err != nil {
			closeAll()
			return nil, &fetch.Error{Kind: fetch.ErrReadFile, Msg: fmt.Sprintf("cannot read form file %s: %v", s.file, pathReason(err)), Cause: err}
		}
		files = append(files, f)
		if s.size < 0 {
			rs = append(rs, f)
			continue
		}
		rs = append(rs, io.LimitReader(f, s.size+1)) // a file that grew shows as too long
	}
	return &segmentsReader{Reader: io.MultiReader(rs...), close: closeAll}, nil
}

type segmentsReader struct {
	io.Reader
	close func()
}

func (s *segmentsReader) Close() error { s.close(); return nil }
