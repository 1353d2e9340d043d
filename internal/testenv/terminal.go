package testenv

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/creack/pty"
)

// Terminal is a pseudo-terminal that records everything written to its
// terminal end, as a terminal's screen would show it.
type Terminal struct {
	TTY *os.File // the terminal end: a program's stdin, stdout or stderr
	PTY *os.File // the controlling end: what is written here is typed

	screen bytes.Buffer
	done   chan struct{}
}

// OpenTerminal opens a pseudo-terminal of 24 rows and cols columns, closed
// when the test ends. It skips t when the system has none (or fails it,
// when SOCKFETCH_REQUIRE_ALL=1).
func OpenTerminal(t testing.TB, cols int) *Terminal {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		skip(t, fmt.Sprintf("no pseudo-terminal: %v", err))
	}
	term := &Terminal{TTY: tty, PTY: ptmx, done: make(chan struct{})}
	go func() {
		io.Copy(&term.screen, ptmx) // ends with EIO once every tty end is closed
		close(term.done)
	}()
	t.Cleanup(func() { term.Screen(); ptmx.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: uint16(cols)}); err != nil {
		t.Fatalf("set the pseudo-terminal's size: %v", err)
	}
	return term
}

// Screen closes the terminal end and returns everything written to it
// (once every program that had it open is done with it).
func (term *Terminal) Screen() string {
	term.TTY.Close()
	<-term.done
	return term.screen.String()
}
