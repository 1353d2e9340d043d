// Package progress draws a download progress bar on stderr: bytes so far,
// rate, and time left when the size is known.
//
// A bar is shown only when Wanted says so: stderr is a terminal, the body
// does not go to that same terminal, it is larger than Threshold or of
// unknown length, and neither -s nor -v/--explain was given. When stderr is
// not a terminal nothing is ever written, so scripts and logs stay clean
// (stricter than curl, on purpose). The bar uses no colour and no escape
// sequence, and only ASCII: it redraws its line with CR, like curl's meter.
//
// # Cost
//
// When the bar is off the caller holds a nil *Bar, and every method of a
// nil *Bar returns at once: the body path pays one nil check per Add.
// When it is on, Add only adds to a counter and reads the clock; the bar is
// redrawn at most every Interval.
//
// # Where to count
//
// The bar never wraps the body's reader or writer. A caller copying through
// a buffer calls Add with the count of each Read (once per buffer, never
// per byte):
//
//	n, err := r.Read(buf)
//	bar.Add(int64(n))
//
// A caller that copies socket to file with one io.Copy, so that
// *os.File.ReadFrom splices in the kernel, uses Copy instead. With a nil
// Bar, Copy is that same single io.Copy; with a bar, it copies in pieces,
// each an io.Copy from an *io.LimitedReader (which ReadFrom still splices),
// and calls Add after each piece. A piece grows (up to 8 MiB) while it
// takes under half of Interval and shrinks (down to 16 KiB) when it takes
// over twice Interval, so the bar moves a few times a second on a slow Tor
// circuit and a fast local link alike, and the extra cost is one splice
// setup per piece. Splice is thus kept even with the bar on. (Polling the
// destination's file offset from a goroutine was the other way: it needs a
// goroutine and a lock, and -o /dev/null, a common choice for a speed test,
// has no offset that moves.)
//
// Whatever the outcome, the caller ends the bar with Finish before anything
// else is written to stderr (an error message, a -w line).
package progress

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"sockfetch/internal/term"
)

// Threshold is the body size (in bytes) above which a bar is shown; bodies
// of unknown length always get one.
const Threshold = 1 << 20

// Interval is how often, at most, the bar is redrawn.
const Interval = 100 * time.Millisecond

// Wanted reports whether a bar belongs on stderr for a body of total bytes
// (-1: unknown) written to out (nil: not to a file, e.g. discarded).
// silent is -s, verbose is -v or --explain (or any other view on stderr).
func Wanted(stderr, out *os.File, total int64, silent, verbose bool) bool {
	switch {
	case silent, verbose:
		return false
	case total >= 0 && total <= Threshold:
		return false
	case !term.IsTerminal(stderr):
		return false
	case out != nil && term.Same(stderr, out):
		return false
	}
	return true
}

// Options say how a bar is drawn.
type Options struct {
	Description string // shown before the bar, e.g. the output file's name; "" for none
}

// Bar is a progress bar. A nil *Bar is a valid bar that shows nothing. A
// Bar is not safe for concurrent use: one goroutine copies the body and
// calls its methods.
type Bar struct {
	pb      *progressbar.ProgressBar
	total   int64
	count   int64 // bytes added
	pending int64 // bytes added but not yet shown
	last    time.Time
	done    bool
}

// New returns a bar drawn on stderr for a body of total bytes (-1 when the
// length is unknown). Callers decide with Wanted first; New draws
// whatever it is given.
func New(stderr *os.File, total int64, o Options) *Bar {
	if total == 0 {
		total = -1 // progressbar cannot draw a bar of 0 bytes
	}
	pb := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(o.Description),
		progressbar.OptionShowBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionFullWidth(),
		progressbar.OptionThrottle(0), // Add throttles
		// No ticker goroutine for a spinner: the bar moves when bytes do,
		// and a stalled transfer looks stalled.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSpinnerType(9), // | / - \
		progressbar.OptionSetTheme(progressbar.ThemeASCII),
		progressbar.OptionOnCompletion(func() { io.WriteString(stderr, "\n") }),
	)
	return &Bar{pb: pb, total: total}
}

// Add counts n more body bytes and redraws the bar when Interval has
// passed since it was last drawn.
func (b *Bar) Add(n int64) {
	if b == nil || b.done {
		return
	}
	b.count += n
	b.pending += n
	now := time.Now()
	if now.Sub(b.last) < Interval {
		return
	}
	b.last = now
	b.flush()
}

func (b *Bar) flush() {
	if b.pending != 0 {
		b.pb.Add64(b.pending)
		b.pending = 0
	}
}

// Finish draws the bar's last state and ends its line, so that what is
// written to stderr next starts on a line of its own. A body of known
// length that came complete shows 100%; one cut short keeps the count it
// reached. Finish may be called more than once.
func (b *Bar) Finish() {
	if b == nil || b.done {
		return
	}
	b.done = true
	b.flush()
	if b.total < 0 || b.count >= b.total {
		b.pb.Finish()
		return
	}
	b.pb.Exit()
}

// Copy copies n bytes from src to dst (all of src when n < 0) and returns
// how many it copied, as io.Copy(dst, io.LimitReader(src, n)) does, adding
// each piece to b. With a nil b it is exactly that one io.Copy. See the
// package documentation for why it copies in pieces.
func Copy(dst io.Writer, src io.Reader, n int64, b *Bar) (int64, error) {
	if b == nil {
		if n < 0 {
			return io.Copy(dst, src)
		}
		return io.Copy(dst, io.LimitReader(src, n))
	}
	var written int64
	piece := int64(minPiece)
	for n < 0 || written < n {
		want := piece
		if n >= 0 {
			want = min(want, n-written)
		}
		start := time.Now()
		c, err := io.Copy(dst, io.LimitReader(src, want))
		written += c
		b.Add(c)
		if err != nil {
			return written, err
		}
		if c < want {
			return written, nil // src ended
		}
		switch took := time.Since(start); {
		case took < Interval/2 && piece < maxPiece:
			piece *= 2
		case took > 2*Interval && piece > minPiece:
			piece /= 2
		}
	}
	return written, nil
}

// Copy is Copy(dst, src, n, b): a *Bar copies a body spliced from socket to
// file itself, so that fetch.Counter's users keep the splice.
func (b *Bar) Copy(dst io.Writer, src io.Reader, n int64) (int64, error) {
	return Copy(dst, src, n, b)
}

// Piece sizes for Copy: about Interval's worth of bytes, within these.
const (
	minPiece = 16 << 10
	maxPiece = 8 << 20
)
