package explain

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"sockfetch/fetch/fetchtrace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./explain -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(go test ./explain -update rewrites it)", path, i+1, g, w)
		}
	}
}

// explainAll runs a View over evs.
func explainAll(evs []fetchtrace.Event, o Options) []byte {
	var b bytes.Buffer
	v := New(&b, o)
	for _, e := range evs {
		v.Observe(e)
	}
	v.Finish()
	return b.Bytes()
}

var fetches = []struct {
	name string
	evs  func() []fetchtrace.Event
}{
	{"direct", directFetch},
	{"socks5", socksFetch},
	{"socks5-auth-refused", authFetch},
	{"tor-onion-error", onionFetch},
	{"tls", tlsFetch},
	{"tls-untrusted", tlsFailFetch},
	{"chunked-trailers", chunkedFetch},
	{"interim-1xx", interimFetch},
	{"redirect", redirectFetch},
	{"hostile-rejected", hostileFetch},
	{"hostile-escapes", escapeFetch},
}

func TestViewGolden(t *testing.T) {
	for _, tt := range fetches {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, "explain-"+tt.name+".golden", explainAll(tt.evs(), Options{Mask: true}))
		})
	}
}

// TestViewUnmasked keeps one fetch with its real times and addresses, so
// that the formatting of both is checked too.
func TestViewUnmasked(t *testing.T) {
	golden(t, "explain-direct-unmasked.golden", explainAll(directFetch(), Options{}))
	golden(t, "explain-socks5-unmasked.golden", explainAll(socksFetch(), Options{Width: 100}))
}

// sgr matches the colour sequences the view may write.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestColor(t *testing.T) {
	for _, tt := range fetches {
		t.Run(tt.name, func(t *testing.T) {
			plain := explainAll(tt.evs(), Options{})
			if i := bytes.IndexByte(plain, 0x1b); i >= 0 {
				t.Errorf("escape byte at %d without colour: %q", i, plain[max(0, i-20):min(len(plain), i+20)])
			}
			if !utf8.Valid(plain) {
				t.Errorf("output is not valid UTF-8")
			}
			for _, r := range string(plain) {
				if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
					t.Errorf("control character %U in the output", r)
				}
			}
			colored := explainAll(tt.evs(), Options{Color: true})
			if !sgr.Match(colored) {
				t.Errorf("no colour sequence with Color set")
			}
			// Only the view's own SGR sequences: nothing from the wire.
			rest := sgr.ReplaceAll(colored, nil)
			if i := bytes.IndexByte(rest, 0x1b); i >= 0 {
				t.Errorf("escape byte that is not a colour at %d: %q", i, rest[max(0, i-20):min(len(rest), i+20)])
			}
			if !bytes.Equal(rest, plain) {
				t.Errorf("the coloured text differs from the plain text beyond its colour")
			}
		})
	}
}

func TestParseViewColor(t *testing.T) {
	for _, tt := range parseCases {
		plain := parseAll(tt.raw, tt.method, Options{})
		if bytes.IndexByte(plain, 0x1b) >= 0 {
			t.Errorf("%s: escape byte without colour", tt.name)
		}
		colored := parseAll(tt.raw, tt.method, Options{Color: true})
		if !bytes.Equal(sgr.ReplaceAll(colored, nil), plain) {
			t.Errorf("%s: the coloured text differs from the plain text beyond its colour", tt.name)
		}
	}
}

// TestViewStreams checks that each section is written when its event
// arrives, not held back until Finish.
func TestViewStreams(t *testing.T) {
	var b bytes.Buffer
	v := New(&b, Options{Mask: true})
	for _, e := range socksFetch() {
		before := b.Len()
		v.Observe(e)
		switch e.Kind {
		case fetchtrace.EvStart, fetchtrace.EvResolve, fetchtrace.EvConnect, fetchtrace.EvSOCKSSend, fetchtrace.EvSOCKSRecv,
			fetchtrace.EvSOCKSDone, fetchtrace.EvRequest, fetchtrace.EvHTTP, fetchtrace.EvBodyEnd:
			if b.Len() == before {
				t.Errorf("%v at %v wrote nothing", e.Kind, e.At)
			}
		}
		if e.Kind == fetchtrace.EvRequest && !strings.Contains(b.String(), "→ GET / HTTP/1.1␍␊") {
			t.Errorf("the request line is not written when the request is sent")
		}
	}
	if strings.Contains(b.String(), "waterfall") {
		t.Errorf("the waterfall is written before Finish")
	}
	v.Finish()
	if !strings.Contains(b.String(), "waterfall") {
		t.Errorf("no waterfall after Finish")
	}
}

// TestViewWidth checks that headings and the waterfall fit the width.
func TestViewWidth(t *testing.T) {
	for _, w := range []int{40, 60, 80, 132} {
		for _, tt := range fetches {
			out := explainAll(tt.evs(), Options{Width: w})
			for _, ln := range strings.Split(string(out), "\n") {
				if !strings.HasPrefix(ln, "──") && !isBarLine(ln) {
					continue
				}
				if n := utf8.RuneCountInString(ln); n > w {
					t.Errorf("%s, width %d: line of %d columns: %q", tt.name, w, n, ln)
				}
			}
		}
	}
}

func isBarLine(ln string) bool { return strings.Contains(ln, "█") }

func TestWaterfall(t *testing.T) {
	tim := fetchtrace.Timings{
		NameLookup:    0,
		Connect:       ms(1),
		ProxyConnect:  ms(300),
		AppConnect:    ms(400),
		PreTransfer:   ms(401),
		StartTransfer: ms(600),
		Total:         ms(800),
	}
	var b bytes.Buffer
	v := New(&b, Options{Width: 80})
	v.Observe(fetchtrace.Event{Kind: fetchtrace.EvStart, URL: "https://example.com/"})
	v.Observe(fetchtrace.Event{Kind: fetchtrace.EvDone, At: tim.Total, Timings: &tim})
	v.Finish()
	got := b.String()
	want := []string{
		"   DNS          0.0 ms",
		"   TCP          1.0 ms  █",
		"   SOCKS      299.0 ms  █████████████████████",
		"   TLS        100.0 ms                       ███████",
		"   server     200.0 ms                              ██████████████",
		"   transfer   200.0 ms                                            ██████████████",
		"   total      800.0 ms",
	}
	for _, w := range want {
		if !strings.Contains(got, w+"\n") {
			t.Errorf("missing waterfall line %q in\n%s", w, got)
		}
	}
}

// TestPhases checks the cut of curl's cumulative timings into bars.
func TestPhases(t *testing.T) {
	tests := []struct {
		name string
		tim  fetchtrace.Timings
		want string
	}{
		{"direct http", fetchtrace.Timings{NameLookup: 2, Connect: 5, PreTransfer: 5, StartTransfer: 9, Total: 10},
			"DNS 0-2 TCP 2-5 server 5-9 transfer 9-10"},
		{"socks https", fetchtrace.Timings{Connect: 1, ProxyConnect: 4, AppConnect: 7, PreTransfer: 7, StartTransfer: 9, Total: 12},
			"DNS 0-0 TCP 0-1 SOCKS 1-4 TLS 4-7 server 7-9 transfer 9-12"},
		{"failed before the answer", fetchtrace.Timings{NameLookup: 2, Connect: 5, Total: 6},
			"DNS 0-2 TCP 2-5 failed 5-6"},
	}
	for _, tt := range tests {
		var parts []string
		for _, p := range phases(tt.tim) {
			parts = append(parts, p.name+" "+itoa(int64(p.start))+"-"+itoa(int64(p.end)))
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestVisible(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GET / HTTP/1.1\r\n", "GET / HTTP/1.1␍␊"},
		{"a\nb", "a␊b"},
		{"a\rb", "a␍b"},
		{"k:\tv", "k:␉v"},
		{"\x1b[2J", `\x1b[2J`},
		{"\x9b\xff\x00\x7f", `\x9b\xff\x00\x7f`},
	}
	for _, tt := range tests {
		if got := visible([]byte(tt.in)); got != tt.want {
			t.Errorf("visible(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskText(t *testing.T) {
	m := &masker{on: true}
	m.learnIP([]byte{10, 0, 0, 5})
	m.learnPort(80)
	tests := []struct{ in, want string }{
		{"connected to 10.0.0.5:80.", "connected to IP:PORT."},
		{"10.0.0.50 is another", "IP is another"},
		{"Host: 127.0.0.1:43512", "Host: IP:PORT"},
		{"http://[::1]:8080/", "http://[::1]:PORT/"},
		{"Date: Wed, 25 Nov 2026 14:34:55 GMT", "Date: Wed, 25 Nov 2026 14:34:55 GMT"},
		{"Content-Length: 8080", "Content-Length: 8080"},
		{"port :800", "port :800"},
	}
	for _, tt := range tests {
		if got := m.text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
