package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/term"
)

// errStalled is the error of a write abandoned because the fetch's context
// ended while the write was blocked (a FIFO or a pipe nobody reads, a
// terminal held by Ctrl-S). Fetch turns it into ErrTimeout for -m; on a
// signal the caller sees its own context ended.
var errStalled = errors.New("output write abandoned")

// stallGuard returns w, or w behind a ctxWriter when its writes may block
// for good: a FIFO, a pipe, a terminal, anything but a regular file, a
// socket or another character device (/dev/null, which the splice fast
// path must keep); a ContextWriter behind a ctxCallWriter. A regular file and a socket keep the splice path.
func stallGuard(ctx context.Context, w io.Writer) io.Writer {
	if c, ok := w.(ContextWriter); ok {
		return &ctxCallWriter{ctx: ctx, w: c}
	}
	switch w := w.(type) {
	case *fifo:
		return &ctxWriter{ctx: ctx, w: w}
	case *os.File:
		if mayStall(w) {
			return &ctxWriter{ctx: ctx, w: w}
		}
	}
	return w
}

// A ContextWriter is an output whose writes may wait on something other
// than the kernel (the command line's in-order stdout of parallel
// transfers). Fetch calls WriteContext with its own context, which ends
// with -m and with the caller's, so that the wait ends with the fetch: a
// write given up that way is a timeout under -m, as a FIFO's.
type ContextWriter interface {
	WriteContext(ctx context.Context, p []byte) (int, error)
}

// ctxCallWriter is a ContextWriter behind Fetch's context.
type ctxCallWriter struct {
	ctx context.Context
	w   ContextWriter
}

func (c *ctxCallWriter) Write(p []byte) (int, error) {
	n, err := c.w.WriteContext(c.ctx, p)
	if err != nil && c.ctx.Err() != nil {
		err = fmt.Errorf("%w: %w", errStalled, c.ctx.Err())
	}
	return n, err
}

// mayStall reports whether a write to f may wait for another process
// without end.
func mayStall(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	m := fi.Mode()
	switch {
	case m.IsRegular(), m&fs.ModeSocket != 0:
		return false
	case m&fs.ModeCharDevice != 0:
		// f.Fd() would set a pollable terminal blocking: use Control.
		sc, err := f.SyscallConn()
		if err != nil {
			return false
		}
		tty := false
		sc.Control(func(fd uintptr) {
			tty = term.IsTerminal(int(fd))
		})
		return tty
	}
	return true
}

// ctxWriter writes to w on a goroutine of its own and gives up when ctx
// ends: a write(2) or open(2) blocked on a FIFO cannot be interrupted, so
// the blocked goroutine is left behind (the process is about to exit, or
// the descriptor is closed under it) and every later Write fails too.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
	err error // sticky, once abandoned
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if err := c.ctx.Err(); err != nil {
		c.err = fmt.Errorf("%w: %w", errStalled, err)
		return 0, c.err
	}
	var (
		n    int
		err  error
		done = make(chan struct{})
	)
	go func() {
		n, err = c.w.Write(p)
		close(done)
	}()
	select {
	case <-done:
		return n, err
	case <-c.ctx.Done():
		c.err = fmt.Errorf("%w: %w", errStalled, c.ctx.Err())
		return 0, c.err
	}
}
