package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"

	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/testserver"
	"sockfetch/rawhttp"
)

// noDNS fails the test when a name is resolved here.
type noDNS struct{ t *testing.T }

func (n noDNS) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	n.t.Errorf("resolved %q here", host)
	return nil, errors.New("no")
}

func TestEventsInOrder(t *testing.T) {
	srv := testserver.StartRaw(t, testserver.Fixture(t, "chunked.http"))
	var kinds []fetchtrace.EventKind
	var httpKinds []rawhttp.EventKind
	var done, tcp *fetchtrace.Event
	req := &Request{URL: srv.URL + "/", Dialer: &Dialer{Resolver: noDNS{t}}, Observe: func(e fetchtrace.Event) {
		if e.Kind == fetchtrace.EvTCPInfo {
			c := e
			tcp = &c
		}
		kinds = append(kinds, e.Kind)
		if e.Kind == fetchtrace.EvHTTP {
			httpKinds = append(httpKinds, e.HTTP.Kind)
		}
		if e.Kind == fetchtrace.EvDone {
			c := e
			done = &c
		}
	}}
	var body bytes.Buffer
	res, err := Fetch(context.Background(), req, Output{Body: &body})
	if err != nil {
		t.Fatal(err)
	}
	if body.String() != "chunked body!!!\n" || res.Status != 200 || res.BodySize != 16 {
		t.Fatalf("body %q status %d size %d", body.String(), res.Status, res.BodySize)
	}
	// The order of the first steps and the last three is fixed; parser
	// events and received data interleave in between.
	want := []fetchtrace.EventKind{fetchtrace.EvStart, fetchtrace.EvResolve, fetchtrace.EvDial, fetchtrace.EvConnect, fetchtrace.EvRequest}
	if len(kinds) < len(want)+3 {
		t.Fatalf("events %v", kinds)
	}
	for i, k := range want {
		if kinds[i] != k {
			t.Fatalf("event %d is %v, want %v (all: %v)", i, kinds[i], k, kinds)
		}
	}
	if last := kinds[len(kinds)-4:]; last[0] != fetchtrace.EvBodyEnd || last[1] != fetchtrace.EvConnEnd || last[2] != fetchtrace.EvTCPInfo || last[3] != fetchtrace.EvDone {
		t.Errorf("last events %v, want fetchtrace.EvBodyEnd, fetchtrace.EvConnEnd, fetchtrace.EvTCPInfo, fetchtrace.EvDone", last)
	}
	seen := map[fetchtrace.EventKind]bool{}
	for _, k := range kinds {
		seen[k] = true
	}
	for _, k := range []fetchtrace.EventKind{fetchtrace.EvHTTP, fetchtrace.EvRecvHead, fetchtrace.EvRecvData} {
		if !seen[k] {
			t.Errorf("no %v event", k)
		}
	}
	wire := int64(len(testserver.Fixture(t, "chunked.http")))
	if done.Recv != wire || done.Sent != res.RequestSize || done.Timings == nil || done.Timings.Total <= 0 {
		t.Errorf("fetchtrace.EvDone: recv %d (want %d), sent %d (want %d), timings %+v", done.Recv, wire, done.Sent, res.RequestSize, done.Timings)
	}
	// The reads counted are the response's: every byte received.
	if tcp.TCP.Reads.Bytes != wire || tcp.TCP.Reads.Count < 1 || tcp.TCP.Reads.First < 1 {
		t.Errorf("fetchtrace.EvTCPInfo: reads %+v, want %d bytes", tcp.TCP.Reads, wire)
	}
}

func TestRecvDataIsTheWireAfterTheHead(t *testing.T) {
	raw := testserver.Fixture(t, "chunked.http")
	srv := testserver.Start(t, map[string]testserver.Reply{"": {Raw: raw, Drip: 0}})
	var heads, data []byte
	req := &Request{URL: srv.URL, Observe: func(e fetchtrace.Event) {
		switch e.Kind {
		case fetchtrace.EvRecvHead:
			heads = append(heads, e.Bytes...)
		case fetchtrace.EvRecvData:
			data = append(data, e.Bytes...)
		}
	}}
	if _, err := Fetch(context.Background(), req, Output{}); err != nil {
		t.Fatal(err)
	}
	if got := append(heads, data...); !bytes.Equal(got, raw) {
		t.Errorf("heads + data:\n%q\nwant the wire bytes\n%q", got, raw)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	tests := []struct {
		fixture string
		reply   testserver.Reply
		kind    error
	}{
		{"short.http", testserver.Reply{}, ErrPartial},
		{"garbage.http", testserver.Reply{}, ErrVersion},
		{"bad-chunk.http", testserver.Reply{}, ErrRecv},
		{"conflicting-length.http", testserver.Reply{}, ErrMalformed},
		{"", testserver.Reply{}, ErrEmptyReply},
		{"big-length.http", testserver.Reply{Reset: true, ResetAfter: 60}, ErrRecv},
	}
	for _, tt := range tests {
		r := tt.reply
		if tt.fixture != "" {
			r.Raw = testserver.Fixture(t, tt.fixture)
		}
		srv := testserver.Start(t, map[string]testserver.Reply{"": r})
		_, err := Fetch(context.Background(), &Request{URL: srv.URL}, Output{Body: io.Discard})
		var fe *Error
		if !errors.Is(err, tt.kind) || !errors.As(err, &fe) || fe.Msg == "" {
			t.Errorf("%s: error %v, want an *Error of kind %v", tt.fixture, err, tt.kind)
		}
	}
}

func TestOutputFileCommitAbort(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o600)
	o, err := CreateOutput(p)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(o.Writer(), "new")
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("file changed before Commit: %q", b)
	}
	o.Abort()
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("file changed by Abort: %q", b)
	}
	o, _ = CreateOutput(p)
	io.WriteString(o.Writer(), "new")
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("after Commit %q mode %v, want new and 0600", b, fi.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the folder, want only the file", len(ents))
	}
}

// BenchmarkFetchToFile fetches a 4 MiB body over loopback into a file, the
// path where the kernel splices.
func BenchmarkFetchToFile(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 4<<16)
	raw := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))), body...)
	srv := testserver.StartRaw(b, raw)
	f, err := os.Create(filepath.Join(b.TempDir(), "out"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		f.Seek(0, 0)
		if _, err := Fetch(context.Background(), &Request{URL: srv.URL}, Output{Body: f}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetchObserved is the same fetch to memory with an observer set:
// the cost of recording every event.
func BenchmarkFetchObserved(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 4<<16)
	raw := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))), body...)
	srv := testserver.StartRaw(b, raw)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Fetch(context.Background(), &Request{URL: srv.URL, Observe: func(fetchtrace.Event) {}}, Output{Body: io.Discard}); err != nil {
			b.Fatal(err)
		}
	}
}
