package torctl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrClosed reports a control connection that is closed, by Close, by Tor
// (as it does after a failed AUTHENTICATE), or after a command's context
// ended while it waited for its reply.
var ErrClosed = errors.New("torctl: control connection closed")

// Conn is a control connection to Tor. Its methods may be called from
// several goroutines; commands are sent one at a time.
type Conn struct {
	nc net.Conn

	cmdMu sync.Mutex // held while one command is written and its reply awaited

	replies chan *Reply   // from the reader to the waiting command
	closing chan struct{} // closed by Close
	done    chan struct{} // closed when the reader stops
	once    sync.Once

	mu         sync.Mutex
	pending    int           // commands sent whose reply has not been read
	readErr    error         // why the reader stopped; set before done is closed
	events     []*Event      // queued asynchronous events, oldest first
	eventBytes int           // sum of the queued events' sizes
	dropped    int           // events discarded since the last NextEvent
	eventReady chan struct{} // poked (capacity 1) when an event is queued
	pi         *ProtocolInfo // Tor answers PROTOCOLINFO once before AUTHENTICATE
}

// Dial connects to Tor's control port at addr: "host:port" for a TCP
// ControlPort or "unix:/path" for a ControlSocket.
func Dial(ctx context.Context, addr string) (*Conn, error) {
	network, address := "tcp", addr
	if p, ok := strings.CutPrefix(addr, "unix:"); ok {
		network, address = "unix", p
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("torctl: dial %s: %w", addr, err)
	}
	return NewConn(nc), nil
}

// NewConn returns a Conn that speaks the control protocol over nc, which it
// owns from then on.
func NewConn(nc net.Conn) *Conn {
	c := &Conn{
		nc:         nc,
		replies:    make(chan *Reply),
		closing:    make(chan struct{}),
		done:       make(chan struct{}),
		eventReady: make(chan struct{}, 1),
	}
	go c.readLoop(bufio.NewReader(nc))
	return c
}

// Close closes the connection; it returns ErrClosed when the connection
// was closed already. Events still queued stay readable with NextEvent.
func (c *Conn) Close() error {
	err := ErrClosed
	c.once.Do(func() {
		close(c.closing)
		err = c.nc.Close()
	})
	return err
}

// readLoop reads replies until the connection fails: events go to the
// queue, everything else to the command that waits for it.
func (c *Conn) readLoop(br *bufio.Reader) {
	var err error
	defer func() {
		select {
		case <-c.closing:
			err = ErrClosed
		default:
			switch {
			case err == io.EOF:
				err = ErrClosed
			case errors.Is(err, syscall.ECONNRESET):
				err = fmt.Errorf("%w: connection reset by tor", ErrClosed)
			}
		}
		c.mu.Lock()
		c.readErr = err
		c.mu.Unlock()
		close(c.done)
		c.Close()
	}()
	for {
		var r *Reply
		r, err = ReadReply(br)
		if err != nil {
			return
		}
		if r.Code == CodeAsyncEvent {
			c.queueEvent(newEvent(r))
			continue
		}
		c.mu.Lock()
		if c.pending == 0 {
			c.mu.Unlock()
			err = ProtocolError(fmt.Sprintf("reply without a command: %q", capQuote(r.Raw[0])))
			return
		}
		c.pending--
		c.mu.Unlock()
		select {
		case c.replies <- r:
		case <-c.closing:
			return
		}
	}
}

// stopped returns the reader's error once it has stopped.
func (c *Conn) stopped() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.readErr
}

// readFailed says why the reply to verb cannot come.
func (c *Conn) readFailed(verb string) error {
	err := c.stopped()
	var pe ProtocolError
	switch {
	case errors.Is(err, ErrClosed):
		return fmt.Errorf("%w before the reply to %s", err, verb)
	case errors.As(err, &pe):
		return fmt.Errorf("%w (reading the reply to %s)", err, verb)
	}
	return fmt.Errorf("torctl: read reply to %s: %w", verb, err)
}

// aLongTimeAgo is a deadline in the past, to cancel a pending write.
var aLongTimeAgo = time.Unix(1, 0)

// Command sends one command line (without CR LF) and returns Tor's reply. A
// 4xx or 5xx reply comes back with a *ReplyError. The line must not contain
// CR, LF or NUL. If ctx ends before the reply arrives, the connection is
// closed, because later replies could no longer be matched to commands.
func (c *Conn) Command(ctx context.Context, line string) (*Reply, error) {
	verb, _, _ := strings.Cut(line, " ")
	if err := checkArg(line); err != nil {
		return nil, fmt.Errorf("torctl: %s: %w", verb, err)
	}
	c.cmdMu.Lock()
	defer c.cmdMu.Unlock()
	select {
	case <-c.done: // first: the reader's own failure says more than Close
		return nil, c.readFailed(verb)
	default:
	}
	select {
	case <-c.closing:
		return nil, fmt.Errorf("%w before %s", ErrClosed, verb)
	default:
	}

	c.mu.Lock()
	c.pending++
	c.mu.Unlock()
	d, _ := ctx.Deadline()
	c.nc.SetWriteDeadline(d)
	stop := context.AfterFunc(ctx, func() { c.nc.SetWriteDeadline(aLongTimeAgo) })
	_, err := io.WriteString(c.nc, line+"\r\n")
	stop()
	if err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("torctl: send %s: %w", verb, ctx.Err())
		}
		return nil, fmt.Errorf("%w: send %s: %v", ErrClosed, verb, err)
	}

	select {
	case r := <-c.replies:
		if r.Code >= codeFirstFailed {
			return r, &ReplyError{Code: r.Code, Text: r.Text()}
		}
		return r, nil
	case <-c.done:
		return nil, c.readFailed(verb)
	case <-ctx.Done():
		c.Close()
		return nil, fmt.Errorf("torctl: %s: %w", verb, ctx.Err())
	}
}

// checkArg rejects what would end a command line early or smuggle in a
// second command.
func checkArg(s string) error {
	if i := strings.IndexAny(s, "\r\n\x00"); i >= 0 {
		return fmt.Errorf("CR, LF or NUL in %q", capQuote(s))
	}
	return nil
}
