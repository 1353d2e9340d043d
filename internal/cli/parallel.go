package cli

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"
)

// Parallel transfers (-Z) run every URL of the command line at once, at
// most --parallel-max of them, as curl 7.88 does; what differs from curl is
// stdout. curl writes each body to stdout as its bytes arrive, so that two
// bodies interleave, and prints each -w line when its transfer ends. Here
// everything a transfer writes to stdout (its body, its heads under -i or
// -D -, its -w line) comes out in one piece and in command-line order: a
// transfer whose turn has not come waits with its bytes in the kernel's
// socket buffer, so memory stays flat, and its clock runs (-m counts the
// wait). A transfer that writes nothing to stdout (-o, -O, no -w) never
// waits. --explain's story of each transfer is ordered the same way on
// stderr; -v, the traces and the error lines come as they happen, each line
// whole.

// newCircuitEach is the hidden flag --new-circuit=each becomes
// (normalizeArgs): each transfer gets SOCKS credentials of its own, so
// that Tor puts each on a circuit of its own (transfer). Plain
// --new-circuit gives the whole run one fresh circuit, which its parallel
// transfers share, as they share Tor's circuit without it.
const newCircuitEach = "new-circuit-each"

// parallelReadBuffer is each parallel transfer's read buffer: 16 KiB, as
// curl's, instead of the 256 KiB a lone transfer reads a chunked body
// with (fetch.Request.ReadBuffer). Fifty transfers at once would hold 12.5
// MiB of buffers; a body that splices never reads through it anyway.
const parallelReadBuffer = 16 << 10

const (
	defaultParallelMax = 50  // --parallel-max when not given, or given below 1: curl's
	maxParallelMax     = 300 // curl's ceiling on --parallel-max
)

// parallelOptions are -Z and its options.
type parallelOptions struct {
	on  bool // -Z/--parallel
	max int  // --parallel-max: at most this many transfers at once
	// --parallel-immediate is accepted and changes nothing: it tells curl
	// not to wait for a first connection to learn whether later
	// transfers can share it as HTTP/2 streams. HTTP/1.1 has no streams,
	// so every transfer opens its own connection at once anyway.
}

// readParallelOptions reads -Z, --parallel-max and --parallel-immediate.
// --parallel-max takes curl's values: a number, 0 for the default, above
// 300 for 300; a sign or anything but digits is refused.
func readParallelOptions(c *cli.Context, o *options) error {
	o.parallel = parallelOptions{on: c.Bool("parallel"), max: defaultParallelMax}
	if !c.IsSet("parallel-max") {
		return nil
	}
	s := c.String("parallel-max")
	n, err := parseCount("parallel-max", strings.TrimLeft(s, " \t"), 0, "a number of transfers (1 to 300; 0 for the default, 50)")
	switch {
	case err != nil:
		return err
	case n > maxParallelMax:
		n = maxParallelMax
	case n < 1:
		n = defaultParallelMax
	}
	o.parallel.max = n
	return nil
}

// fetchParallel runs the transfers of b at once, at most --parallel-max of
// them, starting them in command-line order. The exit status is curl's:
// that of the last transfer to fail, in the order they ended; 0 when none
// failed.
func (a *app) fetchParallel(ctx context.Context, b *batch) error {
	o := b.o
	n := len(o.urls)
	var (
		mu     sync.Mutex                                // stderr: -v and trace events, error lines
		errs   = &lockedWriter{w: a.stderr, mu: &mu}     // stderr, each Write whole
		out    = newTurns(n, a.stdout, usesStdout(o, n)) // stdout, in order
		story  = newTurns(n, errs, explainsAll(o, n))    // --explain, in order
		slots  = make(chan struct{}, o.parallel.max)     // transfers running
		done   sync.WaitGroup                            // transfers started
		codeMu sync.Mutex                                // last
	)
	rq := *b.req
	rq.ReadBuffer = parallelReadBuffer
	b.req = &rq
	last := 0 // the status of the last transfer to fail
	b.ended = func(code int) {
		if code != 0 {
			codeMu.Lock()
			last = code
			codeMu.Unlock()
		}
	}
	for i := range o.urls {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		t := *a // this transfer's own app (its outName) and System (its streams)
		sys := *a.System
		t.System = &sys
		t.stdout = out.writer(ctx, i)
		t.stderr = errs
		tb := *b
		if o.output.dumpHeader == "-" {
			tb.headers = t.stdout
		} else if b.headers != nil {
			tb.headers = &lockedWriter{w: b.headers, mu: &mu}
		}
		done.Add(1)
		go func() {
			defer done.Done()
			defer func() { <-slots }()
			t.transfer(ctx, &tb, i, &mu, story.writer(ctx, i))
			out.end(ctx, i)
			story.end(ctx, i)
		}()
	}
	done.Wait()
	a.code = last
	if ctx.Err() != nil {
		a.code = exitCode(errInterrupted)
		a.fail(errInterrupted)
	}
	return nil
}

// usesStdout reports, for each of the n transfers, whether it writes to
// stdout: its body goes there (no -o or -O for it, nor --remote-name-all,
// or -o -), -D - sends
// its heads there, or -w prints its line there.
func usesStdout(o *options, n int) []bool {
	uses := make([]bool, n)
	for i := range uses {
		dest := o.save.destFor(o.output.files, i) // as transfer finds it
		uses[i] = dest == "" || dest == "-" || o.output.dumpHeader == "-" || o.output.writeOut != ""
	}
	return uses
}

// explainsAll returns, for each of the n transfers, whether it writes an
// --explain story: all of them or none.
func explainsAll(o *options, n int) []bool {
	all := make([]bool, n)
	for i := range all {
		all[i] = o.views.explain
	}
	return all
}

// lockedWriter makes each Write to w whole among goroutines that share mu.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// turns hands a stream to parallel transfers one at a time, in
// command-line order, among those that use it: a user's writes wait until
// every earlier user has ended. A transfer that does not use the stream
// writes straight through (it has nothing to write there) and never waits.
type turns struct {
	w    io.Writer
	uses []bool
	done []chan struct{} // closed when transfer i has ended (after its turn)
}

func newTurns(n int, w io.Writer, uses []bool) *turns {
	t := &turns{w: w, uses: uses, done: make([]chan struct{}, n)}
	for i := range t.done {
		t.done[i] = make(chan struct{})
	}
	return t
}

// prev returns the channel of the last user before i, or nil for none.
func (t *turns) prev(i int) chan struct{} {
	for j := i - 1; j >= 0; j-- {
		if t.uses[j] {
			return t.done[j]
		}
	}
	return nil
}

// errTurnAbandoned is a turn's wait given up because the run was
// interrupted or the transfer's time ran out.
var errTurnAbandoned = errors.New("given up while waiting for the turn to write to stdout")

// writer returns transfer i's writer to the stream.
func (t *turns) writer(ctx context.Context, i int) io.Writer {
	if !t.uses[i] {
		return t.w
	}
	return &turnWriter{ctx: ctx, w: t.w, wait: t.prev(i)}
}

// end ends transfer i's turn: it waits for the turn first, so that a user
// that wrote nothing still hands the stream on in order.
func (t *turns) end(ctx context.Context, i int) {
	if !t.uses[i] {
		return
	}
	if p := t.prev(i); p != nil {
		select {
		case <-p:
		case <-ctx.Done():
		}
	}
	close(t.done[i])
}

// turnWriter is one transfer's writer to a stream of turns.
type turnWriter struct {
	ctx  context.Context
	w    io.Writer
	wait chan struct{} // nil once the turn has come
}

func (t *turnWriter) Write(p []byte) (int, error) { return t.WriteContext(t.ctx, p) }

// WriteContext writes p once the turn has come, or gives up when ctx or
// the run ends. fetch calls it with its own context (fetch.ContextWriter),
// so that -m bounds the wait.
func (t *turnWriter) WriteContext(ctx context.Context, p []byte) (int, error) {
	if t.wait != nil {
		select {
		case <-t.wait:
			t.wait = nil
		case <-ctx.Done():
			return 0, errTurnAbandoned
		case <-t.ctx.Done():
			return 0, errTurnAbandoned
		}
	}
	return t.w.Write(p)
}
