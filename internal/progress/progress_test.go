package progress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"

	"sockfetch/internal/testenv"
)

// openTerminal opens a pseudo-terminal of 100 columns.
func openTerminal(t *testing.T) *testenv.Terminal { return testenv.OpenTerminal(t, 100) }

func pipeWriter(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return w
}

// devNull is somewhere to draw a bar nobody reads.
func devNull(t *testing.T) *os.File {
	t.Helper()
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWanted(t *testing.T) {
	stderr, other := openTerminal(t), openTerminal(t)
	sameTTY, err := os.OpenFile(stderr.TTY.Name(), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sameTTY.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "body"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	null := devNull(t)
	pipe := pipeWriter(t)

	const big = Threshold + 1
	tests := []struct {
		name            string
		stderr, out     *os.File
		total           int64
		silent, verbose bool
		want            bool
	}{
		{"terminal, -o file, 1 MiB+1", stderr.TTY, file, big, false, false, true},
		{"terminal, -o file, unknown length", stderr.TTY, file, -1, false, false, true},
		{"terminal, -o /dev/null", stderr.TTY, null, big, false, false, true},
		{"terminal, body discarded", stderr.TTY, nil, big, false, false, true},
		{"terminal, body to a pipe", stderr.TTY, pipe, big, false, false, true},
		{"terminal, body to another terminal", stderr.TTY, other.TTY, big, false, false, true},
		{"small body", stderr.TTY, file, 100 << 10, false, false, false},
		{"exactly 1 MiB", stderr.TTY, file, Threshold, false, false, false},
		{"empty body", stderr.TTY, file, 0, false, false, false},
		{"-s", stderr.TTY, file, big, true, false, false},
		{"-v or --explain", stderr.TTY, file, big, false, true, false},
		{"body to the same terminal", stderr.TTY, stderr.TTY, big, false, false, false},
		{"body to the same terminal opened again", stderr.TTY, sameTTY, -1, false, false, false},
		{"stderr a pipe", pipe, file, big, false, false, false},
		{"stderr a pipe, unknown length", pipe, file, -1, false, false, false},
		{"stderr a file", file, nil, big, false, false, false},
		{"stderr /dev/null", null, file, big, false, false, false},
		{"no stderr", nil, file, big, false, false, false},
	}
	for _, tt := range tests {
		if got := Wanted(tt.stderr, tt.out, tt.total, tt.silent, tt.verbose); got != tt.want {
			t.Errorf("%s: Wanted = %v, want %v", tt.name, got, tt.want)
		}
	}
}

var (
	knownLine   = regexp.MustCompile(`big\.bin +25% \[=+>\.+\] \(1\.0/4\.0 MiB, [0-9.]+ [KMGTP]?i?B/s\) \[\d+s:\d+s\]`)
	finalLine   = regexp.MustCompile(`big\.bin +100% \[=+\] \(4\.0/4\.0 MiB, [0-9.]+ [KMGTP]?i?B/s\)`)
	unknownLine = regexp.MustCompile(`[|/\\-] +\(3\.0 MiB, [0-9.]+ [KMGTP]?i?B/s\) \[\d+s\]`)
)

// TestBarOnTerminal draws a bar on a pseudo-terminal and reads the screen.
func TestBarOnTerminal(t *testing.T) {
	term := openTerminal(t)
	b := New(term.TTY, 4<<20, Options{Description: "big.bin"})
	b.Add(1 << 20) // the first Add always draws
	for range 3 {
		b.Add(1 << 20)
	}
	b.Finish()
	b.Finish() // a second Finish draws nothing
	fmt.Fprint(term.TTY, "next\n")
	screen := term.Screen()

	if !knownLine.MatchString(screen) {
		t.Errorf("no line with percent, bytes, rate and time left; screen:\n%q", screen)
	}
	if !finalLine.MatchString(screen) {
		t.Errorf("no final line at 100%%; screen:\n%q", screen)
	}
	if !strings.HasSuffix(screen, "\r\nnext\r\n") {
		t.Errorf("what follows the bar does not start on its own line; screen:\n%q", screen)
	}
	if strings.Count(screen, "\r\n") != 2 {
		t.Errorf("want one line end after the bar, screen:\n%q", screen)
	}
	noEscapes(t, screen)
}

func TestBarUnknownLength(t *testing.T) {
	term := openTerminal(t)
	b := New(term.TTY, -1, Options{})
	b.Add(3 << 20)
	b.Finish()
	screen := term.Screen()
	if !unknownLine.MatchString(screen) {
		t.Errorf("no line with spinner, bytes, rate and elapsed time; screen:\n%q", screen)
	}
	if strings.Contains(screen, "%") {
		t.Errorf("a body of unknown length shows a percentage; screen:\n%q", screen)
	}
	if !strings.HasSuffix(screen, "\r\n") {
		t.Errorf("the bar's line is not ended; screen:\n%q", screen)
	}
	noEscapes(t, screen)
}

// TestBarCutShort: a body that ends early keeps the count it reached.
func TestBarCutShort(t *testing.T) {
	term := openTerminal(t)
	b := New(term.TTY, 4<<20, Options{Description: "big.bin"})
	b.Add(1 << 20)
	b.Finish()
	screen := term.Screen()
	if !knownLine.MatchString(screen) || strings.Contains(screen, "100%") {
		t.Errorf("want the bar left at 25%%; screen:\n%q", screen)
	}
	if !strings.HasSuffix(screen, "\r\n") {
		t.Errorf("the bar's line is not ended; screen:\n%q", screen)
	}
}

// noEscapes fails unless screen holds no escape sequence (no colour, no
// cursor movement): only CR redraws the line.
func noEscapes(t *testing.T, screen string) {
	t.Helper()
	if i := strings.IndexByte(screen, 0x1b); i >= 0 {
		t.Errorf("escape sequence at %d: %q", i, screen[i:min(len(screen), i+10)])
	}
	for i, r := range screen {
		if r > 0x7e {
			t.Errorf("non-ASCII %q at %d", r, i)
			break
		}
	}
}

func TestNilBar(t *testing.T) {
	var b *Bar
	b.Add(10)
	b.Finish()
	src := strings.Repeat("x", 100)
	var dst bytes.Buffer
	n, err := Copy(&dst, strings.NewReader(src), 60, b)
	if n != 60 || err != nil || dst.String() != src[:60] {
		t.Errorf("Copy(60) = %d, %v, %d bytes written; want 60, nil", n, err, dst.Len())
	}
}

// recordingWriter records what reader its ReadFrom was given.
type recordingWriter struct {
	bytes.Buffer
	got []io.Reader
}

func (w *recordingWriter) ReadFrom(r io.Reader) (int64, error) {
	w.got = append(w.got, r)
	return w.Buffer.ReadFrom(r)
}

// TestCopyKeepsReadFrom: every piece reaches the destination's ReadFrom as
// an *io.LimitedReader over the source itself, which is what lets
// *os.File.ReadFrom splice from a socket, with the bar on or off.
func TestCopyKeepsReadFrom(t *testing.T) {
	const size = 3*maxPiece + 12345
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
	for _, on := range []bool{false, true} {
		var b *Bar
		if on {
			b = New(devNull(t), size, Options{})
		}
		src := bytes.NewReader(data)
		dst := &recordingWriter{}
		n, err := Copy(dst, src, size, b)
		if n != size || err != nil || !bytes.Equal(dst.Bytes(), data) {
			t.Fatalf("bar %v: Copy = %d, %v; want %d, nil and the same bytes", on, n, err, size)
		}
		if len(dst.got) == 0 || (!on && len(dst.got) != 1) {
			t.Errorf("bar %v: %d calls of ReadFrom", on, len(dst.got))
		}
		for _, r := range dst.got {
			if lr, ok := r.(*io.LimitedReader); !ok || lr.R != src {
				t.Fatalf("bar %v: ReadFrom got %T, want *io.LimitedReader over the source", on, r)
			}
		}
		if on && b.count != size {
			t.Errorf("bar counted %d bytes, want %d", b.count, size)
		}
	}
}

func TestCopy(t *testing.T) {
	data := bytes.Repeat([]byte("body "), 100000) // 500000 bytes
	boom := errors.New("boom")
	tests := []struct {
		name    string
		src     func() io.Reader
		n       int64
		want    int
		wantErr error
	}{
		{"exact", func() io.Reader { return bytes.NewReader(data) }, int64(len(data)), len(data), nil},
		{"less than the source", func() io.Reader { return bytes.NewReader(data) }, 70000, 70000, nil},
		{"to the end", func() io.Reader { return bytes.NewReader(data) }, -1, len(data), nil},
		{"source shorter", func() io.Reader { return bytes.NewReader(data[:1000]) }, 5000, 1000, nil},
		{"zero", func() io.Reader { return bytes.NewReader(data) }, 0, 0, nil},
		{"one byte at a time", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data[:50000])) }, -1, 50000, nil},
		{"read error", func() io.Reader { return io.MultiReader(bytes.NewReader(data[:40000]), iotest.ErrReader(boom)) }, -1, 40000, boom},
	}
	for _, tt := range tests {
		for _, on := range []bool{false, true} {
			var b *Bar
			if on {
				b = New(devNull(t), -1, Options{})
			}
			var dst bytes.Buffer
			n, err := Copy(&dst, tt.src(), tt.n, b)
			if n != int64(tt.want) || !errors.Is(err, tt.wantErr) || !bytes.Equal(dst.Bytes(), data[:tt.want]) {
				t.Errorf("%s (bar %v): Copy = %d, %v; want %d, %v", tt.name, on, n, err, tt.want, tt.wantErr)
			}
			if on && b.count != n {
				t.Errorf("%s: bar counted %d of %d bytes", tt.name, b.count, n)
			}
		}
	}
}

func BenchmarkAddOff(b *testing.B) {
	var bar *Bar
	for b.Loop() {
		bar.Add(32 << 10)
	}
}

func BenchmarkAddOn(b *testing.B) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	bar := New(null, -1, Options{})
	for b.Loop() {
		bar.Add(32 << 10)
	}
	bar.Finish()
}

// TestCopySocketToFile copies from a loopback TCP connection to a file, the
// path where *os.File.ReadFrom splices, with the bar on and off.
func TestCopySocketToFile(t *testing.T) {
	const size = 3<<20 + 777
	data := bytes.Repeat([]byte("sockfetch "), size/10+1)[:size]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write(data)
			c.Close()
		}
	}()
	for _, tt := range []struct {
		name string
		n    int64
		bar  bool
	}{{"length, bar", size, true}, {"length, no bar", size, false}, {"to the end, bar", -1, true}, {"to the end, no bar", -1, false}} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(t.TempDir(), "body"))
		if err != nil {
			t.Fatal(err)
		}
		var b *Bar
		if tt.bar {
			b = New(devNull(t), tt.n, Options{})
		}
		n, err := Copy(f, c, tt.n, b)
		b.Finish()
		c.Close()
		f.Close()
		got, _ := os.ReadFile(f.Name())
		if n != size || err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: Copy = %d, %v, file of %d bytes; want %d, nil and the bytes sent", tt.name, n, err, len(got), size)
		}
		if tt.bar && b.count != size {
			t.Errorf("%s: bar counted %d bytes, want %d", tt.name, b.count, size)
		}
	}
}
