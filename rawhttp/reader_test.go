package rawhttp

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/events")

// TestLengthReaderZeroCopy does what fetch does for a Content-Length body:
// read the buffered part through the reader, copy the rest past it, and
// tell the reader.
func TestLengthReaderZeroCopy(t *testing.T) {
	body := strings.Repeat("x", 10000)
	for _, short := range []int{0, 1, 5000} {
		msg := "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + body[:len(body)-short]
		src := strings.NewReader(msg)
		br := bufio.NewReaderSize(src, 64)
		r := NewReader(br)
		resp, err := r.ReadResponse(nil, "GET")
		if err != nil {
			t.Fatal(err)
		}
		lr, ok := r.Body(resp).(*LengthReader)
		if !ok {
			t.Fatalf("Body is %T, want *LengthReader", r.Body(resp))
		}
		if lr.Remaining() != 10000 {
			t.Errorf("Remaining %d, want 10000", lr.Remaining())
		}
		var got bytes.Buffer
		n := lr.Buffered()
		if n == 0 || n > 64 {
			t.Errorf("Buffered %d, want 1..64", n)
		}
		if _, err := io.CopyN(&got, lr, int64(n)); err != nil {
			t.Fatal(err)
		}
		if lr.Buffered() != 0 {
			t.Errorf("Buffered %d after reading it", lr.Buffered())
		}
		// The rest straight from the source, as io.Copy from the socket.
		m, _ := io.Copy(&got, io.LimitReader(src, lr.Remaining()))
		lr.Advance(m)
		_, err = lr.Read(make([]byte, 10))
		if short == 0 {
			if err != io.EOF || got.String() != body || r.Offset() != int64(len(msg)) {
				t.Errorf("complete: %v, %d bytes, offset %d of %d", err, got.Len(), r.Offset(), len(msg))
			}
			continue
		}
		var pe *ProtocolError
		want := fmt.Sprintf("transfer closed with %d bytes remaining to read (%d of 10000 bytes)", short, 10000-short)
		if !errors.As(err, &pe) || !errors.Is(err, ErrTruncated) || !pe.InBody || pe.Msg != want || pe.Offset != int64(len(msg)) {
			t.Errorf("short by %d: %v (offset %d), want %q at %d", short, err, pe.Offset, want, len(msg))
		}
	}
}

// TestReuse reads two responses from one stream into one Response: the
// second is written over the first one's memory (Head and Fields are
// reused, so the first one's strings change, as documented), what the
// caller cloned stays, offsets go on.
func TestReuse(t *testing.T) {
	const second = "HTTP/1.1 404 Nope\r\nB: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
	in := "HTTP/1.1 200 OK\r\nA: 1\r\nContent-Length: 2\r\nX-Longer-Than-The-Second: yes\r\n\r\nok" + second + "1\r\nx\r\n0\r\n\r\n"
	at := int64(strings.Index(in, second))
	r := NewReader(bufio.NewReader(strings.NewReader(in)))
	var resp Response
	if _, err := r.ReadResponse(&resp, "GET"); err != nil {
		t.Fatal(err)
	}
	first, reason, fields, head := strings.Clone(resp.Get("A")), strings.Clone(resp.Reason), &resp.Fields[0], &resp.Head[0]
	shared := resp.Reason
	if b, err := io.ReadAll(r.Body(&resp)); err != nil || string(b) != "ok" {
		t.Fatalf("first body %q, %v", b, err)
	}
	if _, err := r.ReadResponse(&resp, "GET"); err != nil {
		t.Fatal(err)
	}
	if resp.Status != 404 || resp.Reason != "Nope" || resp.Get("B") != "2" || resp.Get("A") != "" || resp.HeadOffset != at ||
		resp.Framing.Kind != Chunked || len(resp.Fields) != 2 || string(resp.Head) != second {
		t.Errorf("second response %d %q %q offset %d framing %v head %q", resp.Status, resp.Reason, resp.Fields, resp.HeadOffset, resp.Framing.Kind, resp.Head)
	}
	if &resp.Fields[0] != fields || &resp.Head[0] != head {
		t.Errorf("Fields or Head not reused")
	}
	if shared == "OK" {
		t.Errorf("the first Reason still reads %q: Head was not written over", shared)
	}
	if first != "1" || reason != "OK" {
		t.Errorf("strings cloned from the first response changed: %q %q", first, reason)
	}
	if b, err := io.ReadAll(r.Body(&resp)); err != nil || string(b) != "x" || r.Offset() != int64(len(in)) {
		t.Errorf("second body %q, %v, offset %d of %d", b, err, r.Offset(), len(in))
	}
	if _, err := r.ReadResponse(&resp, "GET"); !errors.Is(err, ErrEmpty) {
		t.Errorf("after the last response: %v, want ErrEmpty", err)
	}
	if resp.Status != 0 || len(resp.Fields) != 0 || len(resp.Head) != 0 || resp.Reason != "" || resp.Framing.Kind != NoBody {
		t.Errorf("after an error the Response still holds the last message: %d %q %q", resp.Status, resp.Reason, resp.Fields)
	}
}

func TestGetValues(t *testing.T) {
	resp, err := ReadResponse(bufio.NewReader(strings.NewReader(
		"HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nX: 1\r\nset-cookie: b\r\nContent-Length: 0\r\n\r\n")), "GET")
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Get("SET-COOKIE"); got != "a" {
		t.Errorf("Get %q", got)
	}
	if got := resp.Values("Set-Cookie"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("Values %q", got)
	}
	if resp.Get("Missing") != "" || resp.Values("Missing") != nil {
		t.Errorf("missing field found")
	}
}

// TestAllocs checks the allocation budget: none per response when the
// Reader and the Response are reused, one for a new Reader (itself), two
// for a new Response (itself and its head), none per chunk, and none for
// the Observe hook when it is nil.
func TestAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	head := readFixture(t, "cdn")
	chunked := chunkedMessage(64<<10, 1<<10)
	rd := bytes.NewReader(nil)
	br := bufio.NewReader(rd)
	r := NewReader(br)
	var resp Response
	run := func(data []byte, newReader, reuse bool) {
		rd.Reset(data)
		br.Reset(rd)
		r.Reset(br)
		rr := r
		if newReader {
			rr = NewReader(br)
		}
		p := &resp
		if !reuse {
			p = nil
		}
		p, err := rr.ReadResponse(p, "GET")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rr.Body(p)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name      string
		data      []byte
		newReader bool
		reuse     bool
		max       float64
	}{
		{"head reused", head, false, true, 0},
		{"head new Reader", head, true, true, 1},
		{"head new Response", head, false, false, 2},
		{"64 chunks reused", chunked, false, true, 0},
	} {
		if n := testing.AllocsPerRun(100, func() { run(tc.data, tc.newReader, tc.reuse) }); n > tc.max {
			t.Errorf("%s: %.1f allocations, want at most %.0f", tc.name, n, tc.max)
		}
	}
}

func TestProtocolErrorText(t *testing.T) {
	e := protoErr(ErrMalformed, 3, "rule", "malformed status line", []byte(strings.Repeat("y", 200)))
	if len(e.Near) != maxNear {
		t.Errorf("Near is %d bytes, want %d", len(e.Near), maxNear)
	}
	if got, want := e.Error(), `rawhttp: malformed status line: "`+strings.Repeat("y", maxNear)+`"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	tr := protoErr(ErrTruncated, 0, "rule", "transfer closed", nil)
	if !errors.Is(tr, io.ErrUnexpectedEOF) || !errors.Is(tr, ErrTruncated) || errors.Is(tr, ErrMalformed) {
		t.Errorf("truncation error does not unwrap as it should")
	}
	if tr.Error() != "rawhttp: transfer closed" {
		t.Errorf("Error() = %q", tr.Error())
	}
	v := protoErr(ErrVersion, 0, "rule", "unsupported HTTP version", nil)
	if !errors.Is(v, ErrVersion) || !errors.Is(v, ErrMalformed) || errors.Is(v, ErrTruncated) {
		t.Errorf("version error does not unwrap as it should")
	}
}

// TestEvents compares the event trace of a few fixtures with golden files
// in testdata/events (go test ./rawhttp -update rewrites them).
func TestEvents(t *testing.T) {
	for _, name := range []string{"chunked-trailers", "interim-103-links", "head-obs-fold", "cl-basic", "close-http10", "err-chunk-data-bare-lf", "chunked-size-trailing-ws", "err-chunk-ext-open-quote", "err-version-minor-9"} {
		o, _ := parse(bytes.NewReader(readFixture(t, name)), "GET", Limits{})
		var b strings.Builder
		for _, e := range o.Events {
			fmt.Fprintf(&b, "%6d %-12s %q", e.Offset, e.Kind, e.Raw)
			switch e.Kind {
			case EvStatusLine, EvInterimEnd:
				fmt.Fprintf(&b, " status=%d", e.Status)
			case EvField, EvTrailer:
				fmt.Fprintf(&b, " %s=%q", e.Name, e.Value)
			case EvChunkSize, EvChunkData, EvBodyEnd:
				fmt.Fprintf(&b, " size=%d", e.Size)
			case EvFraming:
				fmt.Fprintf(&b, " %s: %s", e.Framing.Kind, e.Framing.Reason)
			}
			b.WriteByte('\n')
		}
		if o.err != nil {
			fmt.Fprintf(&b, "error: %v\n", o.err)
		}
		golden := filepath.Join("testdata", "events", name+".txt")
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./rawhttp -update)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s events:\n%s\nwant:\n%s", name, b.String(), want)
		}
	}
}

// TestChunkedZeroCopy copies large chunks past the bufio.Reader as fetch
// does, reading only the buffered part and the framing through the reader.
func TestChunkedZeroCopy(t *testing.T) {
	full := string(chunkedMessage(20000, 4096))
	body := strings.Repeat("0123456789abcdef", 4096/16)
	body = strings.Repeat(body, 5)[:20000]
	for _, cut := range []int{0, 10, 5000} {
		msg := full[:len(full)-cut]
		src := strings.NewReader(msg)
		r := NewReader(bufio.NewReaderSize(src, 16))
		resp, err := r.ReadResponse(nil, "GET")
		if err != nil {
			t.Fatal(err)
		}
		cr := r.Body(resp).(*ChunkedReader)
		var got bytes.Buffer
		p := make([]byte, 64)
		for {
			if cr.Remaining() > 0 && cr.Buffered() == 0 {
				n, _ := io.Copy(&got, io.LimitReader(src, cr.Remaining()))
				cr.Advance(n)
			}
			k := len(p)
			if cr.Buffered() > 0 {
				k = cr.Buffered()
			}
			n, err := cr.Read(p[:k])
			got.Write(p[:n])
			if err == io.EOF {
				if cut != 0 || got.String() != body || r.Offset() != int64(len(msg)) {
					t.Errorf("cut %d: EOF after %d bytes, offset %d of %d", cut, got.Len(), r.Offset(), len(msg))
				}
				break
			}
			if err != nil {
				if cut == 0 || !errors.Is(err, ErrTruncated) {
					t.Errorf("cut %d: %v", cut, err)
				}
				break
			}
		}
	}
}

// TestTrailerSection reads the trailers after the body, as fetch does for
// -i and -D: the fields, and the section's bytes as they came.
func TestTrailerSection(t *testing.T) {
	tests := []struct {
		file    string
		section string
		fields  []Field
	}{
		{"chunked-trailers", "Checksum: abc123\r\nExpires:  never \r\n\r\n", []Field{{"Checksum", "abc123"}, {"Expires", "never"}}},
		{"chunked-trailer-fold", "X-T: a\r\n  b\r\nX-U: u\r\n\r\n", []Field{{"X-T", "a b"}, {"X-U", "u"}}},
		{"chunked-basic", "", nil},
	}
	for _, tt := range tests {
		data := readFixture(t, tt.file)
		for _, in := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data))} {
			r := NewReader(bufio.NewReader(io.MultiReader(in, strings.NewReader(used))))
			resp, err := r.ReadResponse(nil, "GET")
			if err != nil {
				t.Fatal(err)
			}
			cr := r.Body(resp).(*ChunkedReader)
			if cr.Trailers() != nil || cr.TrailerSection() != nil {
				t.Errorf("%s: trailers before the body was read", tt.file)
			}
			if _, err := io.Copy(io.Discard, cr); err != nil {
				t.Fatal(err)
			}
			fields, section := cr.Trailers(), cr.TrailerSection()
			if string(section) != tt.section || (section == nil) != (tt.section == "") || !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("%s: section %q, fields %q; want %q, %q", tt.file, section, fields, tt.section, tt.fields)
			}
			// They stay valid after the next response on the stream.
			next, err := r.ReadResponse(resp, "GET")
			if err != nil || next.Status != 299 {
				t.Fatalf("next response: %v", err)
			}
			if string(section) != tt.section || !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("%s: trailers changed by the next ReadResponse: %q, %q", tt.file, section, fields)
			}
		}
	}
}
