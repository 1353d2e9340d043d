package rawhttp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// A respCase is what a fixture in testdata/responses must parse to.
type respCase struct {
	file     string
	method   string // "" is GET
	limits   Limits
	status   int
	interim  []int
	fields   []Field // checked when not nil
	kind     FramingKind
	length   int64
	both     bool // Framing.BothTECL
	faulty   bool
	body     string
	trailers []Field
	rest     string // bytes at the end of the file that must stay unread
	err      error  // the sentinel, or nil
	inBody   bool
	at       int64  // the error's stream offset, checked when not 0
	msg      string // part of the error message
}

// Offsets used below.
const (
	statusLen  = int64(len("HTTP/1.1 200 OK\r\n"))
	chunkedLen = statusLen + int64(len("Transfer-Encoding: chunked\r\n\r\n"))
)

var respCases = []respCase{
	// Content-Length.
	{file: "cl-basic", status: 200, kind: Length, length: 5, body: "hello",
		fields: []Field{{"Content-Type", "text/plain"}, {"Content-Length", "5"}}},
	{file: "cl-zero", status: 200, kind: Length},
	{file: "cl-leading-zeros", status: 200, kind: Length, length: 5, body: "hello"},
	{file: "cl-list-same", status: 200, kind: Length, length: 5, body: "hello"},
	{file: "cl-fields-same", status: 200, kind: Length, length: 5, body: "hello",
		fields: []Field{{"Content-Length", "5"}, {"content-length", "5"}}},
	{file: "cl-ows", status: 200, kind: Length, length: 5, body: "hello", fields: []Field{{"Content-Length", "5"}}},
	{file: "cl-binary-body", status: 200, kind: Length, length: 14, body: "a\x00b\r\n\r\nHTTP/\xff\n"},
	{file: "cl-20k", status: 200, kind: Length, length: 20000, body: strings.Repeat("0123456789", 2000)},
	{file: "cl-http10", status: 200, kind: Length, length: 2, body: "ok"},
	{file: "cl-stray-after-body", status: 200, kind: Length, length: 2, body: "ok", rest: "STRAY"},

	// Head syntax that parses.
	{file: "head-bare-lf", status: 200, kind: Length, length: 2, body: "hi"},
	{file: "head-mixed-line-ends", status: 200, kind: Length, length: 2, body: "hi",
		fields: []Field{{"X-A", "1"}, {"Content-Length", "2"}}},
	{file: "head-obs-fold", status: 200, kind: Length,
		fields: []Field{{"X-Folded", "first second"}, {"Content-Length", "0"}}},
	{file: "head-obs-fold-multi", status: 200, kind: Length,
		fields: []Field{{"X-Folded", "a b  c"}, {"X-Next", "n"}, {"Content-Length", "0"}}},
	{file: "head-obs-fold-empty-first", status: 200, kind: Length,
		fields: []Field{{"X-Folded", "later"}, {"Content-Length", "0"}}},
	{file: "head-empty-reason", status: 200, kind: Length},
	{file: "head-no-reason", status: 200, kind: Length},
	{file: "head-reason-spaces-utf8", status: 404, kind: Length},
	{file: "head-duplicate-fields", status: 200, kind: Length,
		fields: []Field{{"Set-Cookie", "a=1"}, {"X-Other", "o"}, {"set-cookie", "b=2"}, {"SET-COOKIE", "c=3"}, {"Content-Length", "0"}}},
	{file: "head-empty-value", status: 200, kind: Length,
		fields: []Field{{"X-Empty", ""}, {"X-Spaces", ""}, {"Content-Length", "0"}}},
	{file: "head-token-chars", status: 200, kind: Length,
		fields: []Field{{"X!#$%&'*+-.^_`|~09az", "v"}, {"Content-Length", "0"}}},
	{file: "head-value-chars", status: 200, kind: Length,
		fields: []Field{{"X-V", "a\tb \x01\x7f \xff\"quoted\" ;,="}, {"Content-Length", "0"}}},
	{file: "head-199-fields", status: 200, kind: Length},
	{file: "head-line-8k", status: 200, kind: Length, length: 3, body: "end"},
	{file: "head-status-999", status: 999, kind: Length},
	{file: "cdn", status: 200, kind: Length, length: 45, body: "<html><body>hello from the edge</body></html>"},

	// 1xx interim responses.
	{file: "interim-100", status: 200, interim: []int{100}, kind: Length, length: 2, body: "ok"},
	{file: "interim-103-links", status: 200, interim: []int{103}, kind: Length, length: 2, body: "ok"},
	{file: "interim-many", status: 204, interim: []int{100, 102, 103}, kind: NoBody},
	{file: "interim-ten", status: 200, interim: []int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, kind: Length},
	{file: "interim-bare-lf", status: 200, interim: []int{100}, kind: Length, length: 2, body: "ok"},
	{file: "switching-101", status: 101, kind: NoBody, rest: "\x81\x05hello"},

	// No body, whatever the fields say; stray bytes stay unread.
	{file: "nobody-204-stray", status: 204, kind: NoBody, rest: "abc"},
	{file: "nobody-304-stray", status: 304, kind: NoBody, rest: "stray"},
	{file: "nobody-head-cl", method: "HEAD", status: 200, kind: NoBody, rest: "stray"},
	{file: "nobody-head-chunked", method: "HEAD", status: 200, kind: NoBody, rest: "5\r\nstray\r\n0\r\n\r\n"},
	{file: "nobody-connect-200", method: "CONNECT", status: 200, kind: NoBody, rest: "\x16\x03\x01tls bytes"},
	{file: "nobody-head-bad-cl", method: "HEAD", status: 200, kind: NoBody},

	// Chunked.
	{file: "chunked-basic", status: 200, kind: Chunked, body: "hello world"},
	{file: "chunked-hex-case", status: 200, kind: Chunked, body: "0123456789abcdefghijABCDEFGHIJK"},
	{file: "chunked-extensions", status: 200, kind: Chunked, body: "hello!"},
	{file: "chunked-bws", status: 200, kind: Chunked, body: "helloworld"},
	// RFC 9112 §7.1.1 allows neither, but they cannot move the body's end:
	// taken (see sizeLine).
	{file: "chunked-size-trailing-ws", status: 200, kind: Chunked, body: "helloworld"},
	{file: "chunked-ext-empty", status: 200, kind: Chunked, body: "hello"},
	{file: "chunked-ext-quoted-backslash", status: 200, kind: Chunked, body: "hello"},
	{file: "chunked-trailers", status: 200, kind: Chunked, body: "body",
		trailers: []Field{{"Checksum", "abc123"}, {"Expires", "never"}}},
	{file: "chunked-trailer-fold", status: 200, kind: Chunked, body: "body",
		trailers: []Field{{"X-T", "a b"}, {"X-U", "u"}}},
	{file: "chunked-te-case", status: 200, kind: Chunked, body: "ok"},
	{file: "chunked-gzip-chunked", status: 200, kind: Chunked, body: "\x1f\x8b\x08"},
	{file: "chunked-te-two-fields", status: 200, kind: Chunked, body: "\x1f\x8b\x08"},
	{file: "chunked-te-empty-elements", status: 200, kind: Chunked, body: "ok"},
	{file: "chunked-te-and-cl", status: 200, kind: Chunked, both: true, body: "hello"},
	{file: "chunked-te-and-bad-cl", status: 200, kind: Chunked, both: true, body: "hello"},
	{file: "chunked-one-byte-chunks", status: 200, kind: Chunked, body: "one byte at a time"},
	{file: "chunked-20k-chunk", status: 200, kind: Chunked, body: strings.Repeat("abcdefghij", 2000)},
	{file: "chunked-empty", status: 200, kind: Chunked},
	{file: "chunked-crlf-in-data", status: 200, kind: Chunked, body: "\r\n\r\n"},

	// Read to close.
	{file: "close-no-length", status: 200, kind: UntilClose, body: "everything\r\nuntil the end\n"},
	{file: "close-http10", status: 200, kind: UntilClose, body: "old style"},
	{file: "close-te-gzip", status: 200, kind: UntilClose, body: "\x1f\x8b\x08 gzip to the end"},
	{file: "close-te-chunked-gzip", status: 200, kind: UntilClose, body: "5\r\nhello\r\n0\r\n\r\n"},
	{file: "close-http10-te", status: 200, kind: UntilClose, both: true, faulty: true, body: "5\r\nhello\r\n0\r\n\r\n"},
	{file: "close-empty-body", status: 200, kind: UntilClose},

	// Bad heads.
	{file: "err-empty", err: ErrEmpty, msg: "empty reply from server"},
	{file: "err-html", err: ErrVersion, msg: `not an HTTP/1.x response: "<html>`},
	{file: "err-http09", err: ErrVersion},
	{file: "err-http2-line", err: ErrVersion, msg: "malformed status line"},
	{file: "err-version-2", err: ErrVersion, msg: "unsupported HTTP version"},
	{file: "err-version-minor-9", err: ErrVersion, msg: "unsupported HTTP version (1.9) in response"}, // curl 7.88's exit 1; RFC 9112 §2.3 would read it as 1.1
	{file: "err-version-lowercase", err: ErrVersion},
	{file: "err-status-2-digits", err: ErrVersion},
	{file: "err-status-099", err: ErrVersion},
	{file: "err-status-letters", err: ErrVersion, msg: `malformed status line: "HTTP/1.1 2OO OK"`},
	{file: "err-status-no-space", err: ErrVersion},
	{file: "err-status-two-spaces", err: ErrVersion},
	{file: "err-status-nul", err: ErrMalformed, at: 14, msg: "status line contains NUL"},
	{file: "err-leading-empty-line", err: ErrVersion},
	{file: "err-space-before-colon", err: ErrMalformed, at: statusLen + 14, msg: "whitespace before the colon"},
	{file: "err-tab-before-colon", err: ErrMalformed, at: statusLen + 3, msg: "whitespace before the colon"},
	{file: "err-no-colon", err: ErrMalformed, at: statusLen, msg: "field line without a colon"},
	{file: "err-empty-name", err: ErrMalformed, at: statusLen, msg: "invalid field name"},
	{file: "err-bad-name", err: ErrMalformed, at: statusLen, msg: "invalid field name"},
	{file: "err-nul-value", err: ErrMalformed, at: statusLen + 6, msg: "field line contains NUL"},
	{file: "err-bare-cr-value", err: ErrMalformed, at: statusLen + 6, msg: "field line contains a bare CR"},
	{file: "err-bare-cr-line-end", err: ErrMalformed, msg: "field line contains a bare CR"},
	{file: "err-nul-in-fold", err: ErrMalformed, at: statusLen + 8 + 2, msg: "field line contains NUL"},
	{file: "err-fold-first", err: ErrMalformed, at: statusLen, msg: "whitespace-preceded line before the first field"},
	{file: "err-truncated-head", err: ErrTruncated, at: 28, msg: "connection closed inside the response head after 28 bytes"},
	{file: "err-truncated-status", err: ErrTruncated, at: 3},
	{file: "err-truncated-after-interim", err: ErrTruncated, at: int64(len("HTTP/1.1 100 Continue\r\n\r\n"))},
	{file: "err-interim-eleven", err: ErrLimit, at: 10 * int64(len("HTTP/1.1 100 Continue\r\n\r\n")), msg: "Limits.MaxInterim"},
	{file: "err-field-flood", err: ErrLimit, msg: "more than 200 fields (Limits.MaxFields)"},
	{file: "err-line-70k", err: ErrLimit, at: statusLen, msg: "head line longer than 65536 bytes (Limits.MaxLine)"},
	{file: "err-head-300k", err: ErrLimit, msg: "head longer than 262144 bytes (Limits.MaxHead)"},
	{file: "err-endless-line", err: ErrLimit, at: statusLen, msg: "Limits.MaxLine"},
	{file: "head-line-8k", limits: Limits{MaxLine: 4096}, err: ErrLimit, at: statusLen, msg: "head line longer than 4096 bytes"},
	{file: "cdn", limits: Limits{MaxHead: 600}, err: ErrLimit, msg: "head longer than 600 bytes"},
	{file: "head-duplicate-fields", limits: Limits{MaxFields: 4}, err: ErrLimit, msg: "more than 4 fields"},
	{file: "interim-many", limits: Limits{MaxInterim: 2}, err: ErrLimit, msg: "more than 2 1xx responses"},

	// Bad framing fields.
	{file: "err-cl-negative", err: ErrMalformed, at: statusLen, msg: `invalid Content-Length: "-1"`},
	{file: "err-cl-plus", err: ErrMalformed, at: statusLen},
	{file: "err-cl-overflow", err: ErrMalformed, at: statusLen},
	{file: "err-cl-huge", err: ErrMalformed},
	{file: "err-cl-list-differ", err: ErrMalformed, msg: "conflicting Content-Length values"},
	{file: "err-cl-fields-differ", err: ErrMalformed, at: statusLen + 19 + 8, msg: `conflicting Content-Length values: "6"`},
	{file: "err-cl-empty", err: ErrMalformed},
	{file: "err-cl-inner-space", err: ErrMalformed},
	{file: "err-cl-hex", err: ErrMalformed},
	{file: "err-cl-list-empty-elem", err: ErrMalformed},
	{file: "err-te-chunked-twice", err: ErrMalformed, msg: "chunked applied more than once"},
	{file: "err-te-chunked-twice-fields", err: ErrMalformed, at: statusLen + 28, msg: "chunked applied more than once"},
	{file: "err-te-empty", err: ErrMalformed, msg: "empty Transfer-Encoding"},
	{file: "err-te-bad-token", err: ErrMalformed, msg: "invalid transfer coding"},

	// Bad bodies.
	{file: "err-cl-short", status: 200, kind: Length, length: 10, body: "short", err: ErrTruncated, inBody: true,
		at: statusLen + 22 + 5, msg: "transfer closed with 5 bytes remaining to read (5 of 10 bytes)"},
	{file: "err-cl-no-body", status: 200, kind: Length, length: 3, err: ErrTruncated, inBody: true,
		msg: "transfer closed with 3 bytes remaining to read (0 of 3 bytes)"},
	{file: "err-chunk-size-bare-lf", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, at: chunkedLen + 1, msg: "chunk-size line ends in a bare LF"},
	{file: "err-chunk-data-bare-lf", status: 200, kind: Chunked, body: "hello", err: ErrMalformed, inBody: true, at: chunkedLen + 8, msg: "chunk data ends in a bare LF"},
	{file: "err-chunk-data-too-long", status: 200, kind: Chunked, body: "hel", err: ErrMalformed, inBody: true, at: chunkedLen + 6, msg: "chunk data not followed by CRLF"},
	{file: "err-chunk-last-bare-lf", status: 200, kind: Chunked, body: "hello", err: ErrMalformed, inBody: true, msg: "chunk-size line ends in a bare LF"},
	{file: "err-chunk-size-overflow", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, at: chunkedLen, msg: "chunk size overflows"},
	{file: "err-chunk-size-max-plus", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, msg: "chunk size overflows"},
	{file: "err-chunk-size-invalid", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, msg: "invalid chunk size"},
	{file: "err-chunk-size-negative", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, msg: "invalid chunk size"},
	{file: "err-chunk-size-empty", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, msg: "invalid chunk size"},
	{file: "err-chunk-size-0x", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, at: chunkedLen + 1, msg: "invalid chunk size"},
	{file: "err-chunk-size-inner-space", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, msg: "invalid chunk size"},
	{file: "err-chunk-size-leading-space", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, msg: "invalid chunk size"},
	{file: "err-chunk-ext-nul", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, at: chunkedLen + 3, msg: "chunk extension contains NUL"},
	// A quoted value left open at the line end: refused, a reader that lets
	// it run on would end the chunk line elsewhere.
	{file: "err-chunk-ext-open-quote", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, at: chunkedLen + 4, msg: "chunk extension has a quoted string not closed on its line"},
	{file: "err-chunk-ext-open-quote-escaped", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, at: chunkedLen + 4, msg: "chunk extension has a quoted string not closed on its line"},
	{file: "err-chunk-ext-bare-cr", status: 200, kind: Chunked, err: ErrMalformed, inBody: true, msg: "chunk extension contains a bare CR"},
	{file: "err-chunk-truncated-data", status: 200, kind: Chunked, body: "hello", err: ErrTruncated, inBody: true, msg: "transfer closed with outstanding read data remaining"},
	{file: "err-chunk-no-last", status: 200, kind: Chunked, body: "hello", err: ErrTruncated, inBody: true},
	{file: "err-chunk-no-final-crlf", status: 200, kind: Chunked, body: "hello", err: ErrTruncated, inBody: true},
	{file: "err-chunk-line-too-long", status: 200, kind: Chunked, err: ErrLimit, inBody: true, at: chunkedLen, msg: "chunk-size line longer than 4096 bytes (Limits.MaxChunkLine)"},
	{file: "err-chunk-ext-flood", status: 200, kind: Chunked, body: strings.Repeat("a", 190), err: ErrLimit, inBody: true, msg: "Limits.MaxChunkExtras"},
	{file: "err-trailer-nul", status: 200, kind: Chunked, body: "ok", err: ErrMalformed, inBody: true, msg: "field line contains NUL"},
	{file: "err-trailer-no-colon", status: 200, kind: Chunked, body: "ok", err: ErrMalformed, inBody: true, msg: "field line without a colon"},
	{file: "err-trailer-flood", status: 200, kind: Chunked, body: "ok", err: ErrLimit, inBody: true, msg: "Limits.MaxTrailer"},
	{file: "err-trailer-flood", limits: Limits{MaxLine: 100}, status: 200, kind: Chunked, body: "ok", err: ErrLimit, inBody: true,
		at: chunkedLen + 7 + 3, msg: "trailer section line longer than 100 bytes (Limits.MaxLine)"},
	{file: "err-trailer-bare-lf", status: 200, kind: Chunked, body: "body", err: ErrMalformed, inBody: true, at: chunkedLen + 12 + 6, msg: "trailer line ends in a bare LF"},
	{file: "err-chunk-end-bare-lf", status: 200, kind: Chunked, body: "body", err: ErrMalformed, inBody: true, at: chunkedLen + 12, msg: "trailer line ends in a bare LF"},
	{file: "err-trailer-truncated", status: 200, kind: Chunked, body: "ok", err: ErrTruncated, inBody: true},
	{file: "chunked-trailers", limits: Limits{MaxTrailer: 20}, status: 200, kind: Chunked, body: "body", err: ErrLimit, inBody: true,
		msg: "trailer section longer than 20 bytes (Limits.MaxTrailer): its next line is longer than the 2 bytes left"},
}

// outcome is everything a parse shows: head, framing, body, trailers,
// error and the events on the way.
type outcome struct {
	Status   int
	Interim  []int
	Fields   []Field
	Framing  Framing
	Body     string
	Trailers []Field
	Err      string
	ErrAt    int64
	InBody   bool
	Offset   int64
	Events   []event
	err      error
}

// event is an Event kept after the callback.
type event struct {
	Kind    EventKind
	Offset  int64
	Raw     string
	Status  int
	Name    string
	Value   string
	Size    int64
	Framing Framing
}

// parse reads one response and its body from in.
func parse(in io.Reader, method string, lim Limits) (outcome, *bufio.Reader) {
	return parseInto(nil, in, method, lim)
}

// used is a message that leaves a Response holding more fields and a
// longer head than most fixtures have.
var used = "HTTP/1.1 299 Used Before\r\n" + strings.Repeat("X-Old-Field: old value\r\n", 40) + "Content-Length: 3\r\n\r\nold"

// parseReused is parse into a Response that held another message before,
// which must make no difference.
func parseReused(in io.Reader, method string, lim Limits) outcome {
	var resp Response
	r := NewReader(bufio.NewReader(strings.NewReader(used)))
	if _, err := r.ReadResponse(&resp, "GET"); err != nil || resp.Status != 299 {
		panic(fmt.Sprintf("used: %d, %v", resp.Status, err))
	}
	o, _ := parseInto(&resp, in, method, lim)
	return o
}

// parseInto is parse into resp (nil: a new Response).
func parseInto(resp *Response, in io.Reader, method string, lim Limits) (outcome, *bufio.Reader) {
	br := bufio.NewReader(in)
	r := NewReader(br)
	r.Limits = lim
	var o outcome
	r.Observe = func(e Event) {
		rec := event{e.Kind, e.Offset, string(e.Raw), e.Status, e.Name, e.Value, e.Size, Framing{}}
		if e.Framing != nil {
			rec.Framing = *e.Framing
		}
		o.Events = append(o.Events, rec)
	}
	if method == "" {
		method = "GET"
	}
	resp, err := r.ReadResponse(resp, method)
	if err == nil {
		o.Status, o.Fields, o.Framing = resp.Status, resp.Fields, resp.Framing
		for _, m := range resp.Interim {
			o.Interim = append(o.Interim, m.Status)
		}
		body := r.Body(resp)
		var b []byte
		b, err = io.ReadAll(body)
		o.Body = string(b)
		if c, ok := body.(*ChunkedReader); ok {
			o.Trailers = c.Trailers()
		}
	}
	if err != nil {
		o.err = err
		o.Err = err.Error()
		var pe *ProtocolError
		if errors.As(err, &pe) {
			o.ErrAt, o.InBody = pe.Offset, pe.InBody
		}
	}
	o.Offset = r.Offset()
	return o, br
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "responses", name+".http"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// junk follows a message in the trailing-bytes checks.
const junk = "HTTP/1.1 200 OK\r\nJunk: \x00\r\n\r\n"

func TestResponses(t *testing.T) {
	for _, tc := range respCases {
		name := tc.file
		if tc.limits != (Limits{}) {
			name += fmt.Sprintf("/%+v", tc.limits)
		}
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, tc.file)
			whole, _ := parse(bytes.NewReader(data), tc.method, tc.limits)
			checkOutcome(t, tc, whole)

			one, _ := parse(iotest.OneByteReader(bytes.NewReader(data)), tc.method, tc.limits)
			if !reflect.DeepEqual(comparable(whole), comparable(one)) {
				t.Errorf("one byte at a time differs:\nwhole %+v\n  one %+v", whole, one)
			}
			if reused := parseReused(bytes.NewReader(data), tc.method, tc.limits); !reflect.DeepEqual(comparable(whole), comparable(reused)) {
				t.Errorf("into a reused Response differs:\n  new %+v\nreused %+v", whole, reused)
			}
			if tc.err != nil {
				return
			}
			if tc.kind == UntilClose {
				checkUntilClose(t, tc, data, whole)
				return
			}
			msg := data[:len(data)-len(tc.rest)]
			if whole.Offset != int64(len(msg)) {
				t.Errorf("offset after the body %d, want %d", whole.Offset, len(msg))
			}
			checkTrailing(t, tc, data, whole)
			checkPrefixes(t, tc, msg)
		})
	}
}

// comparable drops what differs legitimately between two runs.
func comparable(o outcome) outcome { o.err = nil; return o }

func checkOutcome(t *testing.T, tc respCase, o outcome) {
	t.Helper()
	if tc.err != nil {
		if !errors.Is(o.err, tc.err) {
			t.Fatalf("error %v, want %v", o.err, tc.err)
		}
		var pe *ProtocolError
		if !errors.As(o.err, &pe) {
			t.Fatalf("error %T, want *ProtocolError", o.err)
		}
		if pe.InBody != tc.inBody {
			t.Errorf("InBody %v, want %v", pe.InBody, tc.inBody)
		}
		if tc.at != 0 && pe.Offset != tc.at {
			t.Errorf("error at offset %d, want %d (%v)", pe.Offset, tc.at, o.err)
		}
		if !strings.Contains(o.Err, tc.msg) || !strings.HasPrefix(o.Err, "rawhttp: ") {
			t.Errorf("message %q, want it to contain %q", o.Err, tc.msg)
		}
		if pe.Rule == "" || len(pe.Near) > maxNear || strings.ToLower(pe.Msg[:1]) != pe.Msg[:1] {
			t.Errorf("rule %q, near %d bytes, msg %q", pe.Rule, len(pe.Near), pe.Msg)
		}
		if !tc.inBody {
			return
		}
	} else if o.err != nil {
		t.Fatalf("error %v", o.err)
	}
	if o.Status != tc.status {
		t.Errorf("status %d, want %d", o.Status, tc.status)
	}
	if !reflect.DeepEqual(o.Interim, tc.interim) {
		t.Errorf("interim %v, want %v", o.Interim, tc.interim)
	}
	if tc.fields != nil && !reflect.DeepEqual(o.Fields, tc.fields) {
		t.Errorf("fields %q, want %q", o.Fields, tc.fields)
	}
	f := o.Framing
	if f.Kind != tc.kind || f.Length != tc.length || f.BothTECL != tc.both || f.Faulty != tc.faulty || f.Reason == "" {
		t.Errorf("framing %+v, want kind %v length %d both %v faulty %v", f, tc.kind, tc.length, tc.both, tc.faulty)
	}
	if o.Body != tc.body {
		t.Errorf("body %q, want %q", trunc(o.Body), trunc(tc.body))
	}
	if !reflect.DeepEqual(o.Trailers, tc.trailers) {
		t.Errorf("trailers %q, want %q", o.Trailers, tc.trailers)
	}
}

func trunc(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}

// checkTrailing parses the message followed by more bytes: the outcome is
// the same and the extra bytes stay unread.
func checkTrailing(t *testing.T, tc respCase, data []byte, whole outcome) {
	t.Helper()
	in := append(append([]byte(nil), data...), junk...)
	for _, r := range []io.Reader{bytes.NewReader(in), iotest.OneByteReader(bytes.NewReader(in))} {
		o, br := parse(r, tc.method, tc.limits)
		if !reflect.DeepEqual(comparable(o), comparable(whole)) {
			t.Errorf("with trailing bytes:\n got %+v\nwant %+v", o, whole)
		}
		if rest, _ := io.ReadAll(br); string(rest) != tc.rest+junk {
			t.Errorf("left unread %q, want %q", rest, tc.rest+junk)
		}
	}
}

// checkPrefixes parses every proper prefix of msg: each must fail as
// truncated (the empty one as empty).
func checkPrefixes(t *testing.T, tc respCase, msg []byte) {
	t.Helper()
	for n := range len(msg) {
		o, _ := parse(bytes.NewReader(msg[:n]), tc.method, tc.limits)
		want := ErrTruncated
		if n == 0 {
			want = ErrEmpty
		}
		if !errors.Is(o.err, want) {
			t.Errorf("prefix of %d bytes %q: %v, want %v", n, trunc(string(msg[max(0, n-40):n])), o.err, want)
			return
		}
		if want == ErrTruncated && !errors.Is(o.err, io.ErrUnexpectedEOF) {
			t.Errorf("prefix of %d bytes: %v is not io.ErrUnexpectedEOF", n, o.err)
		}
	}
}

// checkUntilClose checks that a read-to-close body takes every byte.
func checkUntilClose(t *testing.T, tc respCase, data []byte, whole outcome) {
	t.Helper()
	in := append(append([]byte(nil), data...), junk...)
	o, br := parse(bytes.NewReader(in), tc.method, tc.limits)
	if o.err != nil || o.Body != tc.body+junk {
		t.Errorf("with more bytes: body %q, %v; want %q", o.Body, o.err, tc.body+junk)
	}
	if n, _ := br.Read(make([]byte, 1)); n != 0 {
		t.Errorf("bytes left after a read-to-close body")
	}
	if o.Offset != int64(len(in)) {
		t.Errorf("offset %d, want %d", o.Offset, len(in))
	}
}

// TestFixturesCovered makes sure every fixture has a case and every case a
// fixture.
func TestFixturesCovered(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "responses", "*.http"))
	have := map[string]bool{}
	for _, tc := range respCases {
		have[tc.file] = true
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".http")
		if !have[name] {
			t.Errorf("fixture %s has no case in respCases", name)
		}
		delete(have, name)
	}
	for name := range have {
		t.Errorf("case %s has no fixture", name)
	}
	if len(respCases) < 60 {
		t.Errorf("%d cases, want at least 60", len(respCases))
	}
}

// TestNoStatusLine checks which truncated heads say that no final status
// line arrived (curl's empty reply), cut whole and one byte at a time.
func TestNoStatusLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"H", true},
		{"HTTP/1.1 20", true},
		{"HTTP/1.1 200 OK\r", true},
		{"HTTP/1.1 100 Continue\r\n\r\n", true},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2", true},
		{"HTTP/1.1 200 OK\r\n", false},
		{"HTTP/1.1 200 OK\r\nX-A: 1\r\n", false},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", false},
	} {
		for _, one := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tc.in)
			if one {
				src = iotest.OneByteReader(src)
			}
			_, err := NewReader(bufio.NewReader(src)).ReadResponse(nil, "GET")
			var pe *ProtocolError
			if !errors.As(err, &pe) || !errors.Is(err, ErrTruncated) {
				t.Fatalf("%q: %v, want ErrTruncated", tc.in, err)
			}
			if pe.NoStatusLine != tc.want {
				t.Errorf("%q (one byte at a time: %v): NoStatusLine %v, want %v", tc.in, one, pe.NoStatusLine, tc.want)
			}
		}
	}
}
