package torctl

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Limits on the queue of events that wait for NextEvent. When either is
// reached, the oldest events are discarded and NextEvent reports the loss.
const (
	maxQueuedEvents     = 4096
	maxQueuedEventBytes = 32 << 20
)

// ErrEventsDropped reports that events were discarded because the queue was
// full; NextEvent returns it (wrapped, with the count) once per loss.
var ErrEventsDropped = errors.New("torctl: events dropped: queue full")

// Event is one asynchronous reply (status code 650), such as
// "650 SIGNAL NEWNYM" or "650 STREAM 12 SUCCEEDED 5 10.0.0.2:80".
type Event struct {
	Type  string   // the first word: "SIGNAL", "STREAM", "NOTICE", ...
	Text  string   // the rest of the first line: "NEWNYM"
	Lines []string // every line's text, as in Reply.Lines
	Raw   []string // the lines as received, as in Reply.Raw
}

func newEvent(r *Reply) *Event {
	e := &Event{Lines: r.Lines, Raw: r.Raw}
	first, _, _ := strings.Cut(r.Lines[0], "\n")
	e.Type, e.Text, _ = strings.Cut(first, " ")
	return e
}

// size approximates the memory the event holds.
func (e *Event) size() int {
	n := 64
	for _, l := range e.Lines {
		n += len(l) + 16
	}
	for _, l := range e.Raw {
		n += len(l) + 16
	}
	return n
}

// queueEvent appends e to the queue, discarding the oldest events when the
// queue is full.
func (c *Conn) queueEvent(e *Event) {
	c.mu.Lock()
	n := e.size()
	for len(c.events) > 0 && (len(c.events) >= maxQueuedEvents || c.eventBytes+n > maxQueuedEventBytes) {
		c.eventBytes -= c.events[0].size()
		c.events[0] = nil
		c.events = c.events[1:]
		c.dropped++
	}
	c.events = append(c.events, e)
	c.eventBytes += n
	c.mu.Unlock()
	select {
	case c.eventReady <- struct{}{}:
	default:
	}
}

// SetEvents asks Tor to send the named events (control-spec 3.4), such as
// "SIGNAL", "STREAM", "CIRC", "NOTICE" or "STATUS_CLIENT". It replaces the
// earlier set; no names turns all events off.
func (c *Conn) SetEvents(ctx context.Context, names ...string) error {
	for _, n := range names {
		if !isWord(n) {
			return fmt.Errorf("torctl: SETEVENTS: bad event name %q", capQuote(n))
		}
	}
	_, err := c.Command(ctx, strings.TrimSpace("SETEVENTS "+strings.Join(names, " ")))
	return err
}

// NextEvent returns the oldest queued event, waiting for one until ctx
// ends. Events that arrive while a command waits for its reply are queued
// too. After the connection is closed, NextEvent still returns the events
// queued before, then the reason the connection ended.
func (c *Conn) NextEvent(ctx context.Context) (*Event, error) {
	for {
		// Look at done before the queue: the reader queues its last events
		// before it closes done.
		stopped := false
		select {
		case <-c.done:
			stopped = true
		default:
		}
		c.mu.Lock()
		if c.dropped > 0 {
			n := c.dropped
			c.dropped = 0
			c.mu.Unlock()
			return nil, fmt.Errorf("%w: %d lost", ErrEventsDropped, n)
		}
		if len(c.events) > 0 {
			e := c.events[0]
			c.events[0] = nil
			c.events = c.events[1:]
			c.eventBytes -= e.size()
			c.mu.Unlock()
			return e, nil
		}
		c.mu.Unlock()
		if stopped {
			return nil, fmt.Errorf("torctl: next event: %w", c.stopped())
		}
		select {
		case <-c.eventReady:
		case <-c.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("torctl: next event: %w", ctx.Err())
		}
	}
}

// isWord reports whether s is a non-empty run of ASCII letters, digits and
// underscores: a signal, event or configuration name.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
