package rawhttp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// seedResponses adds every response fixture small enough to mutate.
func seedResponses(f *testing.F, add func(data []byte)) {
	files, err := filepath.Glob(filepath.Join("testdata", "responses", "*.http"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) <= 4<<10 {
			add(b)
		}
	}
}

// fuzzLimits are smaller than the defaults so that the fuzzer reaches them.
var fuzzLimits = Limits{MaxLine: 512, MaxHead: 2048, MaxFields: 20, MaxInterim: 3, MaxChunkLine: 64, MaxTrailer: 256, MaxChunkExtras: 128}

// FuzzResponse parses any bytes as a response: it never panics, parses the
// same whole, one byte at a time and into a reused Response, leaves what
// follows a message of known length unread, and a message of known length
// cut by one byte fails.
func FuzzResponse(f *testing.F) {
	seedResponses(f, func(b []byte) { f.Add(b, false) })
	f.Fuzz(func(t *testing.T, data []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		for _, lim := range []Limits{{}, fuzzLimits} {
			whole, br := parse(bytes.NewReader(data), method, lim)
			one, _ := parse(iotest.OneByteReader(bytes.NewReader(data)), method, lim)
			if !reflect.DeepEqual(comparable(whole), comparable(one)) {
				t.Fatalf("one byte at a time differs:\nwhole %+v\n  one %+v", whole, one)
			}
			if reused := parseReused(bytes.NewReader(data), method, lim); !reflect.DeepEqual(comparable(whole), comparable(reused)) {
				t.Fatalf("into a reused Response differs:\n  new %+v\nreused %+v", whole, reused)
			}
			if whole.err != nil {
				var pe *ProtocolError
				if !errors.As(whole.err, &pe) {
					t.Fatalf("error %T %v is not a *ProtocolError", whole.err, whole.err)
				}
				if len(pe.Near) > maxNear || pe.Offset < 0 || pe.Offset > int64(len(data)) {
					t.Fatalf("error %v: near %d bytes, offset %d of %d", pe, len(pe.Near), pe.Offset, len(data))
				}
				continue
			}
			if whole.Offset > int64(len(data)) {
				t.Fatalf("offset %d beyond %d bytes", whole.Offset, len(data))
			}
			if rest, _ := io.ReadAll(br); int64(len(rest)) != int64(len(data))-whole.Offset {
				t.Fatalf("%d bytes left, offset %d of %d", len(rest), whole.Offset, len(data))
			}
			if whole.Framing.Kind == UntilClose || whole.Offset == 0 {
				continue
			}
			msg := data[:whole.Offset]
			cut, _ := parse(bytes.NewReader(msg[:len(msg)-1]), method, lim)
			if !errors.Is(cut.err, ErrTruncated) && !errors.Is(cut.err, ErrEmpty) {
				t.Fatalf("message without its last byte: %v", cut.err)
			}
			more := append(append([]byte(nil), msg...), junk...)
			o, br := parse(bytes.NewReader(more), method, lim)
			if !reflect.DeepEqual(comparable(o), comparable(whole)) {
				t.Fatalf("with trailing bytes:\n got %+v\nwant %+v", o, whole)
			}
			if rest, _ := io.ReadAll(br); string(rest) != junk {
				t.Fatalf("left unread %q, want %q", rest, junk)
			}
		}
	})
}

// chunkedHead precedes the chunked bodies of FuzzChunked.
const chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

// FuzzChunked decodes any bytes as a chunked body: it never panics, decodes
// the same whole, one byte at a time and into one-byte buffers, and when
// net/http decodes the same bytes too, the bodies and trailers agree.
func FuzzChunked(f *testing.F) {
	seedResponses(f, func(b []byte) {
		if rest, ok := bytes.CutPrefix(b, []byte(chunkedHead)); ok {
			f.Add(rest)
		}
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		data := append([]byte(chunkedHead), body...)
		whole, _ := parse(bytes.NewReader(data), "GET", fuzzLimits)
		one, _ := parse(iotest.OneByteReader(bytes.NewReader(data)), "GET", fuzzLimits)
		if !reflect.DeepEqual(comparable(whole), comparable(one)) {
			t.Fatalf("one byte at a time differs:\nwhole %+v\n  one %+v", whole, one)
		}
		// One-byte reads into the caller's buffer.
		r := NewReader(bufio.NewReader(bytes.NewReader(data)))
		r.Limits = fuzzLimits
		resp, err := r.ReadResponse(nil, "GET")
		if err != nil {
			t.Fatal(err)
		}
		var small []byte
		cr := r.Body(resp)
		var p [1]byte
		for {
			n, err := cr.Read(p[:])
			small = append(small, p[:n]...)
			if err != nil {
				if (err == io.EOF) != (whole.err == nil) || (err != io.EOF && err.Error() != whole.Err) {
					t.Fatalf("one-byte buffers: %v, whole: %v", err, whole.err)
				}
				break
			}
		}
		if string(small) != whole.Body {
			t.Fatalf("one-byte buffers: %q, whole: %q", small, whole.Body)
		}
		if whole.err != nil {
			return
		}
		nh := theirs(data, "GET")
		if nh.Err {
			return
		}
		if nh.Body != whole.Body {
			t.Fatalf("net/http decodes %q, we %q", nh.Body, whole.Body)
		}
		// net/http keeps the SP of an obs-fold at the end of a value; the
		// value's OWS is not part of it (RFC 9110 §5.5).
		for _, v := range nh.Trailer {
			for i := range v {
				v[i] = strings.Trim(v[i], " \t")
			}
		}
		if tr := headerMap(whole.Trailers); !reflect.DeepEqual(tr, nh.Trailer) && len(nh.Trailer)+len(tr) > 0 {
			t.Fatalf("net/http trailers %q, ours %q", nh.Trailer, tr)
		}
	})
}

// FuzzRequest builds requests from any parts: it never panics, and what it
// emits re-parses to exactly the request line, fields and body meant.
func FuzzRequest(f *testing.F) {
	f.Add("GET", "/", "example.com", "X-A", "1", "Accept", "", []byte(nil), false)
	f.Add("POST", "/p?q=1", "[::1]:8080", "Content-Type", "text/plain", "Content-Length", "5", []byte("hello"), false)
	f.Add("HEAD", "*", "h", "X-B", "a\r\nInjected: 1", "host", "other", []byte{}, true)
	f.Add("GET", "/a b", "h\n", "X C", "v", "User-Agent", "ua", []byte(nil), false)
	f.Fuzz(func(t *testing.T, method, target, host, n1, v1, n2, v2 string, body []byte, http10 bool) {
		q := Request{Method: method, Target: target, Host: host, HTTP10: http10, UserAgent: "sockfetch/test",
			Fields: []Field{{n1, v1}, {n2, v2}}, Body: body}
		out, err := q.Append(nil)
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) || len(out) != 0 {
				t.Fatalf("error %T %v with %d bytes", err, err, len(out))
			}
			return
		}
		checkRequest(t, &q, out)
	})
}

// checkRequest re-parses the bytes Append emitted for q.
func checkRequest(t *testing.T, q *Request, out []byte) {
	t.Helper()
	eol := bytes.Index(out, []byte("\r\n"))
	version := "HTTP/1.1"
	if q.HTTP10 {
		version = "HTTP/1.0"
	}
	if eol < 0 || string(out[:eol]) != q.Method+" "+q.Target+" "+version {
		t.Fatalf("request line %q", out[:max(eol, 0)])
	}
	end := bytes.Index(out, []byte("\r\n\r\n"))
	if end < 0 {
		t.Fatalf("no end of head in %q", out)
	}
	fields, err := parseSection(out[eol+2:end+4], int64(eol+2), &Limits{MaxLine: 1 << 30, MaxFields: 1000})
	if err != nil {
		t.Fatalf("emitted head does not parse: %v\n%q", err, out)
	}
	if string(out[end+4:]) != string(q.Body) {
		t.Fatalf("body %q, want %q", out[end+4:], q.Body)
	}
	// Every field sent is a default or a user field, and every user field
	// with a value is sent: nothing was injected or lost.
	sent := map[Field]int{}
	for _, f := range fields {
		sent[f]++
	}
	hosts := 0
	for _, f := range q.Fields {
		if equalFold(f.Name, "Host") {
			if hosts++; hosts > 1 {
				continue // only the first user Host is sent
			}
		}
		want := Field{f.Name, strings.Trim(f.Value, " \t")}
		if sent[want] == 0 {
			t.Fatalf("user field %q missing from %q", want, fields)
		}
		sent[want]--
	}
	for f, n := range sent {
		if n == 0 {
			continue
		}
		switch {
		case f.Name == "Host" && f.Value == strings.Trim(q.Host, " \t"),
			f.Name == "User-Agent" && f.Value == strings.Trim(q.UserAgent, " \t"),
			f == Field{"Accept", "*/*"},
			f.Name == "Content-Length" && f.Value == itoa(len(q.Body)) && q.Body != nil:
		default:
			t.Fatalf("field %q sent but not asked for", f)
		}
	}
	if q.Body != nil {
		resp := &Response{Fields: fields}
		if cl := resp.Values("Content-Length"); len(cl) == 0 {
			t.Fatalf("body without Content-Length")
		}
	}
}
